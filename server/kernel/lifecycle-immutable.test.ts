import { sql, type SQL } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, queryValue } from "@/db/query";
import { freshSchool, type School } from "../test/fixtures";

// The database holds the lifecycle's promise (db/migrations/0015_lifecycle_immutable.sql) for
// every versioned table besides instrument versions (which have their own trigger): a version's
// content never changes, an approval is recorded once, a retired version stays retired; the
// lifecycle's own steps (approve, retire) and a deleted person's references still go through.

let db: Db;
let s: School;
beforeEach(async () => {
  ({ db, s } = await freshSchool());
});

const tables: { table: string; insert: (s: School) => SQL; content: SQL }[] = [
  {
    table: "scoring_policies",
    insert: () =>
      sql`insert into scoring_policies (school_year, version, hash, policy) values ('2026-2027', 1, 'h1', '{"outOf": 100}') returning id`,
    content: sql`policy = '{"outOf": 5}'`,
  },
  {
    table: "outcome_models",
    insert: (s) => sql`insert into outcome_models (programme_id, version, hash, created_at, cohorts, model)
      values (${s.progA.id}, 1, 'h1', now(), '{2023}', '{"threshold": 0.7}') returning id`,
    content: sql`model = '{"threshold": 0.6}'`,
  },
  {
    table: "warning_rule_sets",
    insert: () =>
      sql`insert into warning_rule_sets (series, version, hash, created_at, rules) values ('school', 1, 'h1', now(), '[]') returning id`,
    content: sql`rules = '[{"key": "x"}]'`,
  },
];

const update = (table: string, id: number, set: SQL) => db.execute(sql`update ${sql.identifier(table)} set ${set} where id = ${id}`);

/** The database's refusal of an update (the driver's error, or drizzle's wrapping it as its cause). */
async function refusal(table: string, id: number, set: SQL): Promise<string> {
  try {
    await update(table, id, set);
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return `${err.message} ${err.cause?.message ?? ""}`;
  }
  return "accepted";
}

describe.each(tables)("$table", ({ table, insert, content }) => {
  it("keeps a version's content, its approval and its retirement; the lifecycle's steps go through", async () => {
    const id = await queryValue(db, col.int, insert(s));
    expect(await refusal(table, id, content)).toMatch(/a version never changes/);
    expect(await refusal(table, id, sql`version = 2`)).toMatch(/a version never changes/);
    expect(await refusal(table, id, sql`hash = 'h2'`)).toMatch(/a version never changes/);

    await update(table, id, sql`status = 'approved', approved_by = ${s.people.quality.id}, approved_at = now(), approval_note = '审定'`);
    expect(await refusal(table, id, sql`approval_note = '改过'`)).toMatch(/the approval is recorded once/);
    expect(await refusal(table, id, sql`approved_at = now() + interval '1 day'`)).toMatch(/the approval is recorded once/);
    // a deleted person's reference is nulled (on delete set null)
    await update(table, id, sql`approved_by = null`);

    await update(table, id, sql`status = 'retired', retired_by = ${s.people.quality.id}, retired_at = now()`);
    expect(await refusal(table, id, sql`status = 'approved'`)).toMatch(/a retired version stays retired/);
    expect(await queryValue(db, col.text, sql`select status from ${sql.identifier(table)} where id = ${id}`)).toBe("retired");
  });
});
