import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { col, queryRows } from "@/db/query";
import { testDb } from "../test/db";
import {
  addDays,
  beijingDate,
  beijingDayEnd,
  beijingDayStart,
  beijingWallClock,
  beijingWallClockSql,
  fromBeijingWallClock,
  schoolYearOf,
  schoolYearSql,
  weekday,
} from "./time";

describe("Beijing time", () => {
  it("dates an instant by the day in Beijing, which begins at 16:00 UTC the day before", () => {
    expect(beijingDate(new Date("2026-12-28T15:59:59Z"))).toBe("2026-12-28");
    expect(beijingDate(new Date("2026-12-28T16:00:00Z"))).toBe("2026-12-29");
    expect(beijingDate(Date.parse("2027-03-01T18:00:00Z"))).toBe("2027-03-02");
    expect(beijingWallClock(new Date("2027-03-01T18:00:00Z"))).toBe("2027-03-02T02:00:00");
  });

  it("turns Beijing days and wall-clock times into instants", () => {
    expect(beijingDayStart("2027-03-02").toISOString()).toBe("2027-03-01T16:00:00.000Z");
    expect(beijingDayEnd("2027-03-02").toISOString()).toBe("2027-03-02T15:59:59.000Z");
    expect(fromBeijingWallClock("2026-09-07T10:00:00").toISOString()).toBe("2026-09-07T02:00:00.000Z");
    expect(fromBeijingWallClock("2026-09-07T10:00").toISOString()).toBe("2026-09-07T02:00:00.000Z");
    for (const t of ["2026-01-01T00:00:00", "2026-06-30T23:59:59", "2028-02-29T12:34:56"])
      expect(beijingWallClock(fromBeijingWallClock(t))).toBe(t);
    expect(() => beijingDayStart("2027-3-2")).toThrow(RangeError);
    expect(() => fromBeijingWallClock("yesterday")).toThrow(RangeError);
  });

  it("counts calendar days and weekdays", () => {
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(weekday("2026-09-07")).toBe(1); // a Monday
    expect(weekday("2026-09-13")).toBe(0);
  });

  it("puts a date in the school year that begins on 1 September, in TypeScript and in SQL alike", async () => {
    expect(schoolYearOf("2026-08-31")).toBe("2025-2026");
    expect(schoolYearOf("2026-09-01")).toBe("2026-2027");
    expect(schoolYearOf("2027-02-20")).toBe("2026-2027");
    const db = await testDb();
    // 2026-08-31T16:30Z is 00:30 on 1 September in Beijing: the new school year
    const instants = ["2026-08-31T15:59:59Z", "2026-08-31T16:30:00Z", "2027-01-01T02:00:00Z"];
    const rows = await queryRows(
      db,
      { d: col.text, y: col.text },
      sql`
      select to_char(${sql.raw(beijingWallClockSql("t"))}, 'YYYY-MM-DD') as d, ${sql.raw(schoolYearSql(beijingWallClockSql("t")))} as y
      from unnest(${`{${instants.join(",")}}`}::timestamptz[]) with ordinality as u(t, i) order by i`,
    );
    expect(rows).toEqual(instants.map((i) => ({ d: beijingDate(new Date(i)), y: schoolYearOf(beijingDate(new Date(i))) })));
  });
});
