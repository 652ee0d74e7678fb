// Beijing time, the one clock of the platform's calendar: China Standard Time is UTC+8 all
// year (no daylight saving since 1991), so a fixed offset is exact for every date the
// platform handles and no time-zone database is needed, in the server, the browser or SQL.
// Calendar dates are "YYYY-MM-DD" strings (what PostgreSQL's date columns take and give);
// instants are Dates. Pure and browser-safe: no imports.

/** The IANA name, for formatters (next-intl, Intl.DateTimeFormat). */
export const BEIJING_TIME_ZONE = "Asia/Shanghai";
const OFFSET_MS = 8 * 3600_000;
const OFFSET = "+08:00";
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(date: string): string {
  if (!DATE.test(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  return date;
}

/** The wall-clock time in Beijing of an instant, "YYYY-MM-DDTHH:mm:ss". */
export function beijingWallClock(at: Date | number): string {
  return new Date((typeof at === "number" ? at : at.getTime()) + OFFSET_MS).toISOString().slice(0, 19);
}

/** The calendar date in Beijing of an instant, "YYYY-MM-DD". */
export function beijingDate(at: Date | number): string {
  return beijingWallClock(at).slice(0, 10);
}

/** The instant of a wall-clock time in Beijing ("YYYY-MM-DDTHH:mm" or "…:ss"). */
export function fromBeijingWallClock(wall: string): Date {
  const d = new Date(`${wall}${OFFSET}`);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a wall-clock time: ${wall}`);
  return d;
}

/** The instant a Beijing calendar day begins (00:00:00 Beijing time). */
export function beijingDayStart(date: string): Date {
  return fromBeijingWallClock(`${checkDate(date)}T00:00:00`);
}

/** The last second of a Beijing calendar day (23:59:59 Beijing time). */
export function beijingDayEnd(date: string): Date {
  return fromBeijingWallClock(`${checkDate(date)}T23:59:59`);
}

/** A calendar date plus n days (n may be negative). */
export function addDays(date: string, n: number): string {
  const d = new Date(`${checkDate(date)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The day of the week of a calendar date: 0 Sunday … 6 Saturday. */
export function weekday(date: string): number {
  return new Date(`${checkDate(date)}T00:00:00Z`).getUTCDay();
}

/** The school year ("2026-2027") a calendar date belongs to: it begins on 1 September. */
export function schoolYearOf(date: string): string {
  const y = Number(checkDate(date).slice(0, 4));
  return Number(date.slice(5, 7)) >= 9 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
}

/**
 * SQL for the Beijing wall-clock time (a timestamp without time zone) of a timestamptz
 * expression, whatever the session's TimeZone: `(expr at time zone 'UTC') + 8 hours`.
 * For set-based statements; `expr` is trusted SQL text (a column), never user input.
 */
export function beijingWallClockSql(expr: string): string {
  return `((${expr}) at time zone 'UTC') + interval '8 hours'`;
}

/** SQL for the school year ("2026-2027") of a Beijing wall-clock timestamp expression (as schoolYearOf). */
export function schoolYearSql(wallClockExpr: string): string {
  return `(select case when extract(month from b) >= 9 then extract(year from b)::int || '-' || (extract(year from b)::int + 1)
    else (extract(year from b)::int - 1) || '-' || extract(year from b)::int end from (select ${wallClockExpr} as b) x)`;
}
