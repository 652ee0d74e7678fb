// Helpers for import tests and the benchmark: build CSV/XLSX files in memory, and a
// school with many students and sections made by bulk SQL.
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { at } from "@/server/shared/indexed";

/** A CSV file (UTF-8 with BOM unless bom is false) from rows of cells. */
export function csvBytes(rows: (string | number)[][], opts: { bom?: boolean } = {}): Uint8Array {
  const text = Papa.unparse(
    rows.map((r) => r.map(String)),
    { newline: "\r\n" },
  );
  return new TextEncoder().encode(`${opts.bom === false ? "" : "\uFEFF"}${text}\r\n`);
}

/** An XLSX file whose first worksheet holds the rows (cells may be any exceljs value). */
export async function xlsxBytes(rows: ExcelJS.CellValue[][], sheetName = "Sheet1"): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

export type BulkSchool = { term: string; sections: string[]; students: string[] };

/**
 * A unit, a course, the term 2026-2027-1, `sectionCount` sections and `studentCount`
 * students (numbers S000001…), inserted with a handful of set-based statements.
 */
export async function bulkSchool(db: DbOrTx, sectionCount: number, studentCount: number): Promise<BulkSchool> {
  await db.execute(sql`insert into units (code, name, kind) values ('BULK', '批量学院', 'college') on conflict do nothing`);
  await db.execute(
    sql`insert into courses (code, name, unit_id) select 'BULK101', '批量课程', id from units where code = 'BULK' on conflict do nothing`,
  );
  await db.execute(sql`insert into terms (code, school_year, semester, starts_on, ends_on)
    values ('2026-2027-1', '2026-2027', 1, '2026-09-01', '2027-01-20') on conflict do nothing`);
  await db.execute(sql`insert into sections (code, term_id, course_id)
    select 'BS' || lpad(g::text, 4, '0'), (select id from terms where code = '2026-2027-1'), (select id from courses where code = 'BULK101')
    from generate_series(1, ${sectionCount}) g on conflict do nothing`);
  await db.execute(sql`insert into persons (number, name, kind, unit_id)
    select 'S' || lpad(g::text, 6, '0'), '学生' || g, 'student', (select id from units where code = 'BULK')
    from generate_series(1, ${studentCount}) g on conflict do nothing`);
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  return {
    term: "2026-2027-1",
    sections: Array.from({ length: sectionCount }, (_, i) => `BS${pad(i + 1, 4)}`),
    students: Array.from({ length: studentCount }, (_, i) => `S${pad(i + 1, 6)}`),
  };
}

/** Enrolment rows: each student in `perStudent` different sections. */
export function enrolmentRows(s: BulkSchool, perStudent: number): string[][] {
  const rows: string[][] = [];
  const step = Math.max(1, Math.floor(s.sections.length / perStudent));
  s.students.forEach((student, i) => {
    for (let k = 0; k < perStudent; k++) rows.push([s.term, at(s.sections, (i + k * step) % s.sections.length), student]);
  });
  return rows;
}
