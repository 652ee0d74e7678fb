// Set-based SQL helpers for imports. Rows travel as one JSON parameter per statement
// (jsonb_to_recordset), so a statement has a single bind parameter however many rows it
// carries, and the same SQL runs on PGlite and postgres.js.
//
// Identifiers passed here are constants of this module's callers, never user input.
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryOne, queryRows, type RowOf, type RowSpec } from "@/db/query";

/** [column name, SQL type] as declared for jsonb_to_recordset. */
export type ColSpec = readonly [name: string, type: string];

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export const CHUNK = 5000;

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function recordset(cols: readonly ColSpec[], rows: readonly object[]): SQL {
  const def = cols.map(([n, t]) => `${q(n)} ${t}`).join(", ");
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${sql.raw(def)})`;
}

/** A JSON array parameter of strings, usable as `x in (select jsonb_array_elements_text(…))`. */
export function textArray(values: Iterable<string>): SQL {
  return sql`(select jsonb_array_elements_text(${JSON.stringify([...new Set(values)])}::jsonb))`;
}

export type UpsertSpec = {
  table: string;
  /** Columns written, with the types the JSON values are read as. */
  cols: readonly ColSpec[];
  /** Conflict target: the natural key columns, or a named unique constraint. */
  key: readonly string[] | { constraint: string };
  /** Columns set on conflict, and compared: unchanged rows are neither updated nor returned. */
  update: readonly string[];
  /** Also set updated_at = now() on the rows that change. */
  touch: boolean;
};

/** A row returned by upsertReturning: the requested columns, and whether the statement inserted it. */
export type Returned<S extends RowSpec> = RowOf<S> & { ins: boolean };

function upsertSql(spec: UpsertSpec, rows: readonly object[], returning: readonly string[] | null): SQL {
  const names = spec.cols.map(([n]) => q(n)).join(", ");
  const target = Array.isArray(spec.key)
    ? `(${spec.key.map(q).join(", ")})`
    : `on constraint ${q((spec.key as { constraint: string }).constraint)}`;
  let action = "do nothing";
  if (spec.update.length) {
    const sets = spec.update.map((c) => `${q(c)} = excluded.${q(c)}`);
    if (spec.touch) sets.push(`"updated_at" = now()`);
    const mine = spec.update.map((c) => `t.${q(c)}`).join(", ");
    const theirs = spec.update.map((c) => `excluded.${q(c)}`).join(", ");
    action = `do update set ${sets.join(", ")} where row(${mine}) is distinct from row(${theirs})`;
  }
  // xmax = 0 on the rows this statement inserted; updated rows carry this transaction's id.
  const ret = [...(returning ?? []).map((c) => `t.${q(c)}`), "(t.xmax = 0) as ins"].join(", ");
  const tail = returning
    ? sql.raw("select * from r")
    : sql.raw("select (count(*) filter (where ins))::int as inserted, (count(*) filter (where not ins))::int as updated from r");
  return sql`with r as (
    insert into ${sql.raw(q(spec.table))} as t (${sql.raw(names)})
    select ${sql.raw(names)} from ${recordset(spec.cols, rows)}
    on conflict ${sql.raw(target)} ${sql.raw(action)}
    returning ${sql.raw(ret)}
  ) ${tail}`;
}

/**
 * insert … on conflict (key) do update … where (the row differs), in chunks. Counts are
 * exact: inserted rows and changed rows; the rest were unchanged. Rows must not repeat a
 * key within one call.
 */
export async function upsertCount(
  db: DbOrTx,
  spec: UpsertSpec,
  rows: readonly object[],
  onChunk?: (done: number) => Promise<void> | void,
): Promise<{ inserted: number; updated: number }> {
  let inserted = 0;
  let updated = 0;
  let done = 0;
  for (const part of chunks(rows as object[])) {
    const r = await queryOne(db, { inserted: col.int, updated: col.int }, upsertSql(spec, part, null));
    inserted += r.inserted;
    updated += r.updated;
    done += part.length;
    await onChunk?.(done);
  }
  return { inserted, updated };
}

/** Like upsertCount, returning the columns of the inserted and changed rows named (and typed) by `returning`. */
export async function upsertReturning<S extends RowSpec>(
  db: DbOrTx,
  spec: UpsertSpec,
  rows: readonly object[],
  returning: S,
  onChunk?: (done: number) => Promise<void> | void,
): Promise<Returned<S>[]> {
  const out: Returned<S>[] = [];
  const rowSpec = { ...returning, ins: col.bool };
  let done = 0;
  for (const part of chunks(rows as object[])) {
    for (const r of await queryRows(db, rowSpec, upsertSql(spec, part, Object.keys(returning)))) out.push(r as Returned<S>);
    done += part.length;
    await onChunk?.(done);
  }
  return out;
}
