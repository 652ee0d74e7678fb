import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { col, type Executor, one, queryRow, queryRows, queryValue } from "./query";

// Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL: the same statement must
// decode to the same values on both. The statements read no table, so the driver is
// opened bare (no migrations, no database of its own).
async function bareDb(): Promise<{ db: Executor; close: () => Promise<unknown> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(url, { max: 1, onnotice: () => {} });
    return { db: drizzle(client), close: () => client.end() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const client = new PGlite("memory://");
  return { db: drizzle(client), close: () => client.close() };
}

describe("queryRows", () => {
  let db: Executor;
  let close: () => Promise<unknown>;
  beforeAll(async () => {
    ({ db, close } = await bareDb());
  });
  afterAll(() => close());

  it("normalises ints, bigints, numerics, timestamps, booleans, JSON and arrays on either driver", async () => {
    const rows = await queryRows(
      db,
      {
        i4: col.int,
        i8: col.int,
        n: col.int,
        num: col.num,
        f8: col.num,
        at: col.date,
        plain: col.date,
        day: col.text,
        yes: col.bool,
        doc: col.json<{ a: number }>(),
        ids: col.array(col.int),
        none: col.int.nullable,
        kind: col.oneOf(["a", "b"]),
      },
      sql`select 1::int as i4, 9007199254740991::int8 as i8, count(*) as n, 1.5::numeric as num, 2.5::float8 as f8,
      '2026-03-01 08:30:00.123456+08'::timestamptz as at, '2026-03-01 00:30:00.5'::timestamp as plain, '2026-03-01'::date as day,
      true as yes, '{"a":1}'::jsonb as doc, array[1,2]::int8[] as ids, null::int as none, 'b' as kind
      from (values (1), (2)) v(x)`,
    );
    expect(rows).toEqual([
      {
        i4: 1,
        i8: 9007199254740991,
        n: 2,
        num: 1.5,
        f8: 2.5,
        at: new Date("2026-03-01T00:30:00.123Z"),
        plain: new Date("2026-03-01T00:30:00.500Z"),
        day: "2026-03-01",
        yes: true,
        doc: { a: 1 },
        ids: [1, 2],
        none: null,
        kind: "b",
      },
    ]);
  });

  it("names the column whose value does not fit its declared type", async () => {
    await expect(queryRows(db, { id: col.int }, sql`select null::int as id`)).rejects.toThrow(/column "id": expected an integer/);
    await expect(queryRows(db, { id: col.int }, sql`select 9007199254740993::int8 as id`)).rejects.toThrow(/column "id"/);
    await expect(queryRows(db, { k: col.oneOf(["a"]) }, sql`select 'z' as k`)).rejects.toThrow(/one of a/);
  });

  it("reads one row or one value", async () => {
    expect(await queryRow(db, { x: col.int }, sql`select 1 as x where false`)).toBeUndefined();
    expect(await queryValue(db, col.int, sql`select count(*) from (values (1), (2), (3)) v(x)`)).toBe(3);
  });
});

describe("one", () => {
  it("gives the row a statement returns by construction, and throws when there is none", () => {
    expect(one([{ id: 7 }])).toEqual({ id: 7 });
    expect(() => one([])).toThrow(/returned no row/);
  });
});
