import type { SQL } from "drizzle-orm";

/**
 * One typed way to read the rows of a raw SQL statement on either driver.
 *
 * The two drivers return the same statement differently: postgres.js hands back an array
 * and PGlite `{ rows }`; int8 (count(*), sum of ints, bigserial) arrives as a string from
 * postgres.js and as a number from PGlite; numeric is a string from both; timestamps are
 * strings (drizzle turns off both drivers' date parsing), with microseconds from
 * PostgreSQL and milliseconds from PGlite. A statement names the type of each column it
 * selects in a small spec, the decoders below normalise the value once, and the row type
 * is inferred from the spec, so no caller casts or coerces.
 *
 *   const rows = await queryRows(db, { id: col.int, name: col.text, closesAt: col.date.nullable },
 *     sql`select id, name, closes_at as "closesAt" from campaigns where …`);
 *
 * Keys of the spec are the column names of the result (quote camelCase aliases). A value of
 * the wrong type (or a null in a column not declared nullable) throws, naming the column:
 * a mistake in a statement shows at once instead of as NaN three functions later.
 *
 * Raw SQL is for set-based statements (recursive CTEs, bulk upserts, tallies); simple
 * reads and writes use drizzle's query builder.
 */

/** Anything that runs a statement: a database or transaction of either driver. */
export type Executor = { execute: (statement: SQL) => PromiseLike<unknown> };

/** Decodes one column's value; throws a TypeError naming the column when it does not fit. */
export type Decoder<T> = (value: unknown, column: string) => T;
/** A column type of the spec: its decoder, plus the same type allowing SQL null. */
export type Column<T> = Decoder<T> & { readonly nullable: Decoder<T | null> };
export type RowSpec = Record<string, Decoder<unknown>>;
/** The row type a spec decodes to. */
export type RowOf<S extends RowSpec> = { [K in keyof S]: S[K] extends Decoder<infer T> ? T : never };

function bad(column: string, expected: string, value: unknown): TypeError {
  const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
  return new TypeError(`column "${column}": expected ${expected}, got ${typeof value} ${shown}`);
}

function column<T>(decode: Decoder<T>): Column<T> {
  const nullable: Decoder<T | null> = (v, c) => (v === null || v === undefined ? null : decode(v, c));
  return Object.assign(decode, { nullable });
}

const INT = /^-?\d+$/;
const ZONE = /(Z|[+-]\d\d(:?\d\d)?)$/;

const int = column<number>((v, c) => {
  const n = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : typeof v === "string" && INT.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw bad(c, "an integer", v);
  return n;
});

const num = column<number>((v, c) => {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    if (!Number.isNaN(n) || v === "NaN") return n;
  }
  throw bad(c, "a number", v);
});

const text = column<string>((v, c) => {
  if (typeof v !== "string") throw bad(c, "a string", v);
  return v;
});

const bool = column<boolean>((v, c) => {
  if (typeof v === "boolean") return v;
  if (v === "t" || v === "true") return true;
  if (v === "f" || v === "false") return false;
  throw bad(c, "a boolean", v);
});

/** timestamp / timestamptz as a Date (a timestamp without zone is read as UTC, as drizzle's columns do). */
const date = column<Date>((v, c) => {
  if (v instanceof Date) return v;
  if (typeof v === "string") {
    const d = new Date(ZONE.test(v) ? v : `${v}Z`);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw bad(c, "a timestamp", v);
});

/** A json/jsonb column whose shape the statement knows (as a drizzle `$type<T>()` column does). */
function json<T>(): Column<T> {
  return column<T>((v, c) => {
    if (v === null || v === undefined) throw bad(c, "a JSON value", v);
    return (typeof v === "string" ? JSON.parse(v) : v) as T;
  });
}

/** A SQL array of the given element type. */
function array<T>(element: Decoder<T>): Column<T[]> {
  return column<T[]>((v, c) => {
    if (!Array.isArray(v)) throw bad(c, "an array", v);
    return v.map((x) => element(x, c));
  });
}

/** A text column holding one of a closed set of values (a pgEnum, a check-constrained text). */
function oneOf<const T extends string>(values: readonly T[]): Column<T> {
  return column<T>((v, c) => {
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) throw bad(c, `one of ${values.join("|")}`, v);
    return v as T;
  });
}

export const col = { int, num, text, bool, date, json, array, oneOf };

/** The rows of a driver's `execute` result (postgres.js: an array; PGlite: `{ rows }`). */
function resultRows(result: unknown): Record<string, unknown>[] {
  return Array.isArray(result) ? (result as Record<string, unknown>[]) : (result as { rows: Record<string, unknown>[] }).rows;
}

/** Decodes driver rows with a spec (for results obtained elsewhere, e.g. a cursor). */
export function decodeRows<S extends RowSpec>(spec: S, raw: readonly Record<string, unknown>[]): RowOf<S>[] {
  const columns = Object.entries(spec);
  return raw.map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, decode] of columns) out[k] = decode(r[k], k);
    return out as RowOf<S>;
  });
}

/** Runs a statement and returns its rows, typed and normalised by the spec. */
export async function queryRows<S extends RowSpec>(db: Executor, spec: S, statement: SQL): Promise<RowOf<S>[]> {
  return decodeRows(spec, resultRows(await db.execute(statement)));
}

/** The first row of a statement, or undefined when it returns none. */
export async function queryRow<S extends RowSpec>(db: Executor, spec: S, statement: SQL): Promise<RowOf<S> | undefined> {
  return (await queryRows(db, spec, statement))[0];
}

/** The one row of a statement that always returns one (an aggregate); throws when it returns none. */
export async function queryOne<S extends RowSpec>(db: Executor, spec: S, statement: SQL): Promise<RowOf<S>> {
  const row = await queryRow(db, spec, statement);
  if (!row) throw new TypeError("queryOne: the statement returned no row");
  return row;
}

/** The single value of a one-row, one-column statement (a count, a sum, an exists). */
export async function queryValue<T>(db: Executor, type: Decoder<T>, statement: SQL): Promise<T> {
  const raw = resultRows(await db.execute(statement))[0];
  if (!raw) throw new TypeError("queryValue: the statement returned no row");
  const [name, value] = Object.entries(raw)[0] ?? ["?", undefined];
  return type(value, name);
}

/**
 * The one row a query-builder statement returns by construction: an insert of one row with
 * `returning()`, or a select of a row that a foreign key or the statement just before
 * guarantees. Throws when there is none instead of letting `undefined` through. A row that
 * may be missing (an id from input) is a guard and a domain error, not this.
 */
export function one<T>(rows: readonly T[]): T {
  const row = rows[0];
  if (row === undefined) throw new TypeError("one: the statement returned no row");
  return row;
}
