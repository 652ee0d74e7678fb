// Downloadable templates of the outcome model's files (requirements, support, survey mapping):
// the header row in the user's language and example rows, as CSV (UTF-8 with a BOM, so Excel
// opens Chinese correctly) or XLSX (every column formatted as text, so codes such as 1.1 stay
// as written). Both are read back by readAttainmentFile.
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { z } from "zod";
import { badRequest } from "../kernel/errors";
import type { Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { FILE_COLUMNS } from "./files";

export const TEMPLATE_FILES = ["requirements", "support", "surveyMapping"] as const;
export type TemplateFile = (typeof TEMPLATE_FILES)[number];

const EXAMPLES: Record<TemplateFile, string[][]> = {
  requirements: [
    ["R1", "1.1", "工程知识"],
    ["R1", "1.2", ""],
  ],
  support: [
    ["SE3101", "CO1", "1.1", "H"],
    ["SE3101", "CO2", "1.2", "M"],
  ],
  surveyMapping: [
    ["graduating", "q1/r1", "R1", "", ""],
    ["alumni", "q2", "R2", "", ""],
    ["employer", "q3", "", "PO1", ""],
  ],
};

const BOM = "\uFEFF";

function headers(file: TemplateFile, locale: Locale): string[] {
  return FILE_COLUMNS[file].map((c) => (locale === "zh" ? c.zh : c.en));
}

export async function attainmentTemplate(
  file: string,
  format: string,
  locale: Locale,
): Promise<{ body: Uint8Array; contentType: string; fileName: string; fallback: string }> {
  const f = z.enum(TEMPLATE_FILES).safeParse(file);
  if (!f.success) throw badRequest("imports.template.badFormat");
  const fmt = z.enum(["csv", "xlsx"]).safeParse(format);
  if (!fmt.success) throw badRequest("imports.template.badFormat");
  const head = headers(f.data, locale);
  const rows = EXAMPLES[f.data];
  const name = `${translate(locale, `attainment.files.${f.data}`)}.${fmt.data}`;
  const fallback = `${f.data}.${fmt.data}`;
  if (fmt.data === "csv") {
    const text = Papa.unparse([head, ...rows], { newline: "\r\n" });
    return { body: new TextEncoder().encode(`${BOM}${text}\r\n`), contentType: "text/csv; charset=utf-8", fileName: name, fallback };
  }
  const wb = new ExcelJS.Workbook();
  wb.creator = translate(locale, "common.appName");
  const ws = wb.addWorksheet(translate(locale, `attainment.files.${f.data}`).slice(0, 31));
  ws.columns = head.map((h, i) => ({
    header: h,
    key: String(i),
    width: Math.max(12, h.length * (locale === "zh" ? 2.2 : 1.2) + 2),
    style: { numFmt: "@" },
  }));
  for (const r of rows) ws.addRow(r);
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: "frozen", ySplit: 1 }];
  return {
    body: new Uint8Array(await wb.xlsx.writeBuffer()),
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    fileName: name,
    fallback,
  };
}
