// Reads an uploaded file into a header and rows of text cells, and matches the header
// against a kind's column layout. Nothing here touches the database.
//
// CSV: UTF-8 with or without BOM, UTF-16 with BOM (Excel "Unicode text"), otherwise
// GB18030/GBK (what Excel in China saves). XLSX: the first worksheet; rich text,
// numbers, dates, hyperlinks and formulas (their cached result) become text.
// Row numbers are those of the file (the header is normally row 1); blank rows are
// skipped but keep the numbering.
import ExcelJS from "exceljs";
import Papa from "papaparse";
import type { ImportKind } from "./kinds";
import type { GroupKey, Locale, MessageKey } from "../i18n/messages";
import { getLayout, headerMap, headerOf, normHeader, type ColumnDef, type Layout } from "./layouts";

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_ROWS = 200_000;

/** A problem with the file as a whole or its header; `code` is a key of the imports namespace. */
export type FileIssue = { row: number; column: string | null; code: MessageKey; params?: Record<string, string | number> };

export class ImportFileError extends Error {
  constructor(readonly issues: FileIssue[]) {
    super(issues.map((i) => i.code).join(", "));
    this.name = "ImportFileError";
  }
}

export type RawRow = { row: number; cells: string[] };
export type RawTable = { format: "csv" | "xlsx"; headerRow: number; header: string[]; rows: RawRow[] };

const fileError = (code: GroupKey<"imports.file">, params?: Record<string, string | number>, row = 0, column: string | null = null) =>
  new ImportFileError([{ row, column, code: `imports.file.${code}`, params }]);

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  return bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]; // legacy .xls / .doc
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];

/** Limits of a read: the import's by default; the long format of results has none (its caller limits bytes). */
export type ReadLimits = { maxBytes: number; maxRows: number };
const IMPORT_LIMITS: ReadLimits = { maxBytes: MAX_FILE_BYTES, maxRows: MAX_ROWS };

/** Reads a CSV or XLSX file into header and non-blank rows; throws ImportFileError. */
export async function readTable(bytes: Uint8Array, limits: ReadLimits = IMPORT_LIMITS): Promise<RawTable> {
  if (bytes.length === 0) throw fileError("empty");
  if (bytes.length > limits.maxBytes) throw fileError("tooLarge", { maxMb: limits.maxBytes / 1024 / 1024 });
  if (startsWith(bytes, ZIP)) return readXlsx(bytes, limits.maxRows);
  if (startsWith(bytes, OLE)) throw fileError("legacyXls");
  return readCsv(decodeText(bytes), limits.maxRows);
}

/** Decodes CSV bytes: BOM-marked UTF-8/UTF-16, else strict UTF-8, else GB18030 (GBK). */
export function decodeText(bytes: Uint8Array): string {
  if (startsWith(bytes, UTF8_BOM)) return strict("utf-8", bytes.subarray(3));
  if (startsWith(bytes, UTF16LE_BOM)) return strict("utf-16le", bytes.subarray(2));
  if (startsWith(bytes, UTF16BE_BOM)) return strict("utf-16be", bytes.subarray(2));
  // A text file has no NUL bytes; binary files (PDF, images, …) nearly always do.
  if (bytes.subarray(0, 64 * 1024).includes(0)) throw fileError("notSupported");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return strict("gb18030", bytes);
  }
}

// A NUL inside a text file is reported at its cell (imports.cell.badText), not here.
function strict(encoding: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw fileError("notSupported");
  }
}

function isBlank(cells: string[]): boolean {
  return cells.every((c) => c.trim() === "");
}

function readCsv(text: string, maxRows: number): RawTable {
  const res = Papa.parse<string[]>(text, { delimitersToGuess: [",", "\t", ";", "|"], skipEmptyLines: false });
  const quoteError = res.errors.find((e) => e.type === "Quotes");
  if (quoteError) throw fileError("badCsv", {}, (quoteError.row ?? 0) + 1);
  return toTable(
    "csv",
    res.data.map((cells, i) => ({ row: i + 1, cells })),
    maxRows,
  );
}

function toTable(format: "csv" | "xlsx", all: RawRow[], maxRows: number): RawTable {
  const [head, ...rows] = all.filter((r) => !isBlank(r.cells));
  if (!head) throw fileError("empty");
  if (rows.length > maxRows) throw fileError("tooManyRows", { max: maxRows, count: rows.length });
  return { format, headerRow: head.row, header: head.cells.map((c) => c.trim()), rows };
}

async function readXlsx(bytes: Uint8Array, maxRows: number): Promise<RawTable> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
  } catch {
    throw fileError("notSupported");
  }
  const ws = wb.worksheets[0];
  if (!ws) throw fileError("empty");
  if (ws.actualRowCount > maxRows + 1) throw fileError("tooManyRows", { max: maxRows, count: ws.actualRowCount - 1 });
  const rows: RawRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[]; // 1-based, sparse
    const cells: string[] = [];
    for (let c = 1; c < values.length; c++) cells.push(cellText(values[c]));
    rows.push({ row: rowNumber, cells });
  });
  return toTable("xlsx", rows, maxRows);
}

/** The text of an Excel cell value; formulas give their cached result. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberText(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) return dateText(v);
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join("");
    if ("formula" in o || "sharedFormula" in o) return cellText(o.result);
    if ("hyperlink" in o || "text" in o) return cellText(o.text);
    if (typeof o.error === "string") return o.error;
  }
  return String(v);
}

function numberText(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
  return String(Number(n.toPrecision(15))); // 0.1 + 0.2 → "0.3"
}

function dateText(d: Date): string {
  // exceljs gives dates as UTC instants of the sheet's wall-clock value.
  const iso = d.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 19).replace("T", " ");
}

// ---------------------------------------------------------------------------------------
// Header matching

export type MatchedTable = {
  layout: Layout;
  format: "csv" | "xlsx";
  headerRow: number;
  /** Layout columns in layout order, each with its index in the file and header text. */
  columns: { def: ColumnDef; index: number; header: string }[];
  rows: RawRow[];
};

/**
 * Matches the header with the kind's layout: unknown, duplicate and missing required
 * columns are issues (all of them). Empty header cells are ignored unless their column
 * holds data.
 */
export function matchHeader(kind: ImportKind, table: RawTable, locale: Locale): { table?: MatchedTable; issues: FileIssue[] } {
  const layout = getLayout(kind);
  const byHeader = headerMap(kind);
  const issues: FileIssue[] = [];
  const found = new Map<string, { def: ColumnDef; index: number; header: string }>();
  const row = table.headerRow;
  table.header.forEach((h, index) => {
    if (h === "") {
      const withData = table.rows.find((r) => (r.cells[index] ?? "").trim() !== "");
      if (withData) issues.push({ row, column: null, code: "imports.file.unnamedColumn", params: { index: index + 1, row: withData.row } });
      return;
    }
    const def = byHeader.get(normHeader(h));
    if (!def) {
      issues.push({ row, column: h, code: "imports.file.unknownColumn", params: { column: h } });
      return;
    }
    const prev = found.get(def.key);
    if (prev) {
      issues.push({ row, column: h, code: "imports.file.duplicateColumn", params: { column: h, other: prev.header } });
      return;
    }
    found.set(def.key, { def, index, header: h });
  });
  for (const def of layout.columns) {
    if (def.required && !found.has(def.key)) {
      const header = headerOf(def, locale);
      issues.push({ row, column: header, code: "imports.file.missingColumn", params: { column: header } });
    }
  }
  if (issues.some((i) => i.code === "imports.file.unknownColumn")) {
    const expected = layout.columns.map((c) => headerOf(c, locale)).join(locale === "zh" ? "、" : ", ");
    for (const i of issues) if (i.code === "imports.file.unknownColumn") i.params = { ...i.params, expected };
  }
  if (issues.length) return { issues };
  const columns = layout.columns.flatMap((c) => {
    const column = found.get(c.key);
    return column === undefined ? [] : [column];
  });
  return { issues, table: { layout, format: table.format, headerRow: row, columns, rows: table.rows } };
}

/** readTable + matchHeader; file problems are returned as issues, never thrown. */
export async function parseImportFile(
  kind: ImportKind,
  bytes: Uint8Array,
  locale: Locale,
): Promise<{ table?: MatchedTable; issues: FileIssue[] }> {
  let raw: RawTable;
  try {
    raw = await readTable(bytes);
  } catch (e) {
    if (e instanceof ImportFileError) return { issues: e.issues };
    throw e;
  }
  return matchHeader(kind, raw, locale);
}
