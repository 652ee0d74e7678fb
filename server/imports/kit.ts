// The toolkit of an import kind's validate-then-write handler (server/imports/kinds/*):
// the validation context that collects every problem, parsed rows, duplicate and reference
// checks with one set-based query per referenced table, the columns to write and the
// inserted/updated tally. A kind's handler validates its rows against each other and the
// database and returns the writer that runImport (run.ts) calls inside one transaction.
import { sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { personKind } from "@/db/schema";
import type { Locale } from "../i18n/messages";
import { headerOf, type ColumnDef, type Layout } from "./columns";
import { textArray, type ColSpec } from "./sql";

const MAX_KEPT_ISSUES = 20_000;

export const INVALID: unique symbol = Symbol("invalid");
export type Row = { row: number; v: Record<string, unknown> };
export type Params = Record<string, string | number>;
export type Issue = { row: number; order: number; column: string | null; code: string; params?: Params };

export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Ctx {
  readonly issues: Issue[] = [];
  count = 0;
  private readonly order = new Map<string, number>();
  private readonly label = new Map<string, string>();

  constructor(
    readonly table: { layout: Layout; columns: { def: ColumnDef; header: string }[] },
    readonly locale: Locale,
  ) {
    table.layout.columns.forEach((c, i) => {
      this.order.set(c.key, i);
      this.label.set(c.key, headerOf(c, locale));
    });
    for (const c of table.columns) this.label.set(c.def.key, c.header); // as written in the file
  }

  /** Whether the file has this column. */
  has(key: string): boolean {
    return this.table.columns.some((c) => c.def.key === key);
  }

  err(row: number, key: string | null, code: string, params?: Params) {
    this.count++;
    if (this.issues.length >= MAX_KEPT_ISSUES) return;
    this.issues.push({
      row,
      order: key ? (this.order.get(key) ?? -1) : -1,
      column: key ? (this.label.get(key) ?? key) : null,
      code: code.startsWith("imports.") ? code : `imports.row.${code}`,
      params,
    });
  }
}

/** The parsed value of a cell, or undefined when empty or invalid. */
export function val<T>(r: Row, key: string): T | undefined {
  const v = r.v[key];
  return v === INVALID ? undefined : (v as T | undefined);
}
/**
 * The parsed value of a required cell, read by a kind's writer: runImport writes only when
 * validation found no problem, so the cell holds a valid value; throws if it does not after all.
 */
export function required<T>(r: Row, key: string): T {
  const v = val<T>(r, key);
  if (v === undefined) throw new TypeError(`imports: row ${r.row} has no valid ${key} after validation`);
  return v;
}
export const bad = (r: Row, ...keys: string[]) => keys.some((k) => r.v[k] === INVALID);

export function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** Reports rows whose natural key repeats an earlier row's; returns first row per key. */
export function checkDuplicates(ctx: Ctx, rows: Row[], keys: string[], keyOf: (r: Row) => string | null) {
  const first = new Map<string, number>();
  for (const r of rows) {
    if (bad(r, ...keys)) continue;
    const k = keyOf(r);
    if (k === null) continue;
    const prev = first.get(k);
    if (prev !== undefined) ctx.err(r.row, keys.at(-1) ?? null, "duplicateKey", { row: prev });
    else first.set(k, r.row);
  }
  return first;
}

export const K = (...parts: (string | number | null | undefined)[]) => parts.map((p) => p ?? "").join("\u0001");

export async function idsByCode(db: DbOrTx, table: "units" | "programmes" | "courses", codes: Iterable<string>) {
  const list = [...new Set(codes)];
  const m = new Map<string, number>();
  if (!list.length) return m;
  const rows = await queryRows(
    db,
    { id: col.int, code: col.text },
    sql`select id, code from ${sql.raw(table)} where code in ${textArray(list)}`,
  );
  for (const r of rows) m.set(r.code, r.id);
  return m;
}

export async function personsByNumber(db: DbOrTx, numbers: Iterable<string>) {
  const list = [...new Set(numbers)];
  const m = new Map<string, { id: number; kind: "staff" | "student" }>();
  if (!list.length) return m;
  const rows = await queryRows(
    db,
    { id: col.int, number: col.text, kind: col.oneOf(personKind.enumValues) },
    sql`select id, number, kind from persons where number in ${textArray(list)}`,
  );
  for (const r of rows) m.set(r.number, { id: r.id, kind: r.kind });
  return m;
}

/** Reports each row whose code (in `key`) is not in `known`. */
export function checkRefs(ctx: Ctx, rows: Row[], key: string, known: (code: string) => boolean, code: string) {
  for (const r of rows) {
    const c = val<string>(r, key);
    if (c !== undefined && !known(c)) ctx.err(r.row, key, code, { code: short(c) });
  }
}

/** Columns to write: the required ones and the optional ones present in the file. */
export function pick(ctx: Ctx, cols: ColSpec[], fileKeyOf: Record<string, string> = {}): ColSpec[] {
  return cols.filter(([name]) => {
    const key = fileKeyOf[name] ?? name;
    const def = ctx.table.layout.columns.find((c) => c.key === key);
    return !def || def.required || ctx.has(key);
  });
}

export type Writer = (tx: Tx, progress: (done: number) => Promise<void>) => Promise<{ inserted: number; updated: number }>;
export type Handler = (ctx: Ctx, db: Db, rows: Row[]) => Promise<Writer>;

/** Combines per-row results: inserted beats updated beats unchanged. */
export function tally(states: ("ins" | "upd" | "same")[]) {
  let inserted = 0;
  let updated = 0;
  for (const s of states) {
    if (s === "ins") inserted++;
    else if (s === "upd") updated++;
  }
  return { inserted, updated };
}
export const stateOf = (r: { ins: boolean } | undefined): "ins" | "upd" | "same" => (r ? (r.ins ? "ins" : "upd") : "same");

/**
 * One kind of import: its file layout (columns with their cell schemas, natural key,
 * description) and the handler that checks the parsed rows and returns their writer.
 * The registry (kinds/index.ts) lists every kind; the upload route, the templates, the
 * layouts shown on the import page and the check of docs/imports.md read it.
 */
export type ImportKindDef<K extends string = string> = Layout & { kind: K; validate: Handler };

export function defineImportKind<const K extends string>(def: ImportKindDef<K>): ImportKindDef<K> {
  return def;
}
