// Downloadable import templates: the header row in the user's language and one example
// row. CSV is UTF-8 with a BOM (so Excel opens Chinese correctly); the XLSX template has
// every column formatted as text (codes keep their leading zeros) and a second sheet
// describing the columns.
import ExcelJS from "exceljs";
import Papa from "papaparse";
import type { ImportKind } from "./kinds";
import type { Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { getLayout, headerOf } from "./layouts";
import type { GroupKey } from "../i18n/messages";

const BOM = "\uFEFF";

export function templateCsv(kind: ImportKind, locale: Locale): Uint8Array {
  const cols = getLayout(kind).columns;
  const text = Papa.unparse([cols.map((c) => headerOf(c, locale)), cols.map((c) => c.example)], { newline: "\r\n" });
  return new TextEncoder().encode(`${BOM}${text}\r\n`);
}

export async function templateXlsx(kind: ImportKind, locale: Locale): Promise<Uint8Array> {
  const layout = getLayout(kind);
  const t = (key: GroupKey<"imports.template">) => translate(locale, `imports.template.${key}`);
  const wb = new ExcelJS.Workbook();
  wb.creator = translate(locale, "common.appName");
  const ws = wb.addWorksheet(translate(locale, `imports.kinds.${kind}`));
  ws.columns = layout.columns.map((c) => ({
    header: headerOf(c, locale),
    key: c.key,
    width: Math.max(12, headerOf(c, locale).length * (locale === "zh" ? 2.2 : 1.2) + 2),
    style: { numFmt: "@" },
  }));
  ws.addRow(Object.fromEntries(layout.columns.map((c) => [c.key, c.example])));
  const head = ws.getRow(1);
  head.font = { bold: true };
  layout.columns.forEach((c, i) => {
    if (c.required) head.getCell(i + 1).fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFFF2CC" } };
  });
  ws.views = [{ state: "frozen", ySplit: 1 }];

  const notes = wb.addWorksheet(t("notesSheet"));
  notes.columns = [
    { header: t("column"), key: "column", width: 22 },
    { header: t("required"), key: "required", width: 10 },
    { header: t("description"), key: "description", width: 80 },
    { header: t("example"), key: "example", width: 24 },
  ];
  notes.getRow(1).font = { bold: true };
  for (const c of layout.columns) {
    const other = locale === "zh" ? c.en : c.zh;
    notes.addRow({
      column: `${headerOf(c, locale)} (${other})`,
      required: c.required ? t("yes") : t("no"),
      description: c.description[locale],
      example: c.example,
    });
  }
  notes.addRow({});
  notes.addRow({ column: layout.description[locale] });
  notes.addRow({ column: t("rules") });
  notes.getColumn("description").alignment = { wrapText: true, vertical: "top" };
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf);
}

/** File name of a template, e.g. 导入模板-教学单位.xlsx / import-template-units.xlsx. */
export function templateFileName(kind: ImportKind, format: "csv" | "xlsx", locale: Locale): string {
  return `${translate(locale, "imports.template.fileName", { kind: locale === "zh" ? translate(locale, `imports.kinds.${kind}`) : kind })}.${format}`;
}
