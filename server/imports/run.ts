// Runs one import: parse → validate every row → write everything in one transaction. What
// differs by kind (layout, checks, writer) is the kind's module in kinds/ (the registry).
//
// Validation collects ALL problems (cell values, duplicate keys within the file, codes
// that exist neither in the database nor in the file, …) as {file, row, column, reason}
// in the caller's language; if there is any, nothing is written. Otherwise every table
// is written with multi-row `insert … on conflict (natural key) do update … where (the row
// differs)` statements, so re-importing a file changes nothing (not even updated_at) and
// the counts of inserted / updated / unchanged rows are exact.
//
// References are resolved with one set-based query per referenced table; there are no
// per-row queries.
//
// Progress: onProgress is awaited during parsing and validation. During "writing" it is
// called between chunks from inside the write transaction: it must not wait for the
// database there (with PGlite any other query waits until the transaction ends).
// jobs.ts queues its progress writes for that reason.
import type { Db } from "@/db/client";
import type { ImportRowError } from "@/db/schema";
import type { UnitScope } from "../access/scope";
import type { Locale } from "../i18n/messages";
import { translateCode } from "../i18n/translate";
import { IMPORT_KIND_REGISTRY, type ImportKind } from "./kinds";
import { Ctx, INVALID, short, yieldToLoop, type Issue, type Params, type Row } from "./kit";
import { parseImportFile, type FileIssue } from "./parse";
import { at } from "@/server/shared/indexed";

export { termDates } from "./columns";

export type ImportStatus = "parsing" | "validating" | "writing";
export type ImportProgress = { status: ImportStatus; processed: number; total: number };
export type OnProgress = (p: ImportProgress) => void | Promise<void>;

export type ImportInput = {
  kind: ImportKind;
  fileName: string;
  bytes: Uint8Array;
  actorId: number | null;
  /** Imports are done by school-wide roles (IMPORT_ROLE_LIST); the scope is not used. */
  scope?: UnitScope;
  /** Language of the error reasons; Chinese unless given. */
  locale?: Locale;
};

export type ImportResult = {
  ok: boolean;
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** The first MAX_STORED_ERRORS problems, by row. */
  errors: ImportRowError[];
  /** All problems found. */
  errorCount: number;
};

export const MAX_STORED_ERRORS = 1000;
const VALIDATE_CHUNK = 5000;

// ---------------------------------------------------------------------------------------

function translateIssues(fileName: string, issues: Issue[], locale: Locale): ImportRowError[] {
  return issues.map((i) => ({ file: fileName, row: i.row, column: i.column, reason: translateCode(locale, i.code, i.params) }));
}

function failed(fileName: string, issues: Issue[], count: number, total: number, locale: Locale): ImportResult {
  const sorted = [...issues].sort((a, b) => a.row - b.row || a.order - b.order);
  return {
    ok: false,
    total,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    errors: translateIssues(fileName, sorted.slice(0, MAX_STORED_ERRORS), locale),
    errorCount: count,
  };
}

const fromFileIssue = (i: FileIssue): Issue => ({ row: i.row, order: -1, column: i.column, code: i.code, params: i.params });

/**
 * Imports one file. Validates every row first and, if anything is wrong, writes nothing
 * and returns the problems; otherwise writes all rows in one transaction.
 */
export async function runImport(db: Db, input: ImportInput, onProgress?: OnProgress): Promise<ImportResult> {
  const locale = input.locale ?? "zh";
  const report = async (status: ImportStatus, processed: number, total: number) => {
    await onProgress?.({ status, processed, total });
  };

  await report("parsing", 0, 0);
  const parsed = await parseImportFile(input.kind, input.bytes, locale);
  if (!parsed.table) return failed(input.fileName, parsed.issues.map(fromFileIssue), parsed.issues.length, 0, locale);
  const table = parsed.table;
  const total = table.rows.length;
  const ctx = new Ctx(table, locale);

  // Cells.
  await report("validating", 0, total);
  const rows = new Array<Row>(total);
  for (let i = 0; i < total; i++) {
    const raw = at(table.rows, i);
    const v: Record<string, unknown> = {};
    for (const c of table.columns) {
      const text = raw.cells[c.index];
      const res = c.def.schema.safeParse(text);
      if (res.success) {
        v[c.def.key] = res.data;
        continue;
      }
      v[c.def.key] = INVALID;
      const issue = at(res.error.issues, 0); // a failed parse has an issue
      const value = short((text ?? "").trim());
      if (issue.message.startsWith("imports.")) {
        ctx.err(raw.row, c.def.key, issue.message, { value, ...((issue as { params?: Params }).params ?? {}) });
      } else {
        ctx.err(raw.row, c.def.key, "imports.cell.invalid", { value, detail: issue.message });
      }
    }
    rows[i] = { row: raw.row, v };
    if ((i + 1) % VALIDATE_CHUNK === 0) {
      await report("validating", i + 1, total);
      await yieldToLoop();
    }
  }

  // Rows against each other and against the database.
  const write = await IMPORT_KIND_REGISTRY[input.kind].validate(ctx, db, rows);
  await report("validating", total, total);
  if (ctx.count > 0) return failed(input.fileName, ctx.issues, ctx.count, total, locale);

  await report("writing", 0, total);
  const counts = await db.transaction(async (tx) => write(tx, (done) => report("writing", Math.min(done, total), total)));
  await report("writing", total, total);
  return {
    ok: true,
    total,
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: total - counts.inserted - counts.updated,
    errors: [],
    errorCount: 0,
  };
}
