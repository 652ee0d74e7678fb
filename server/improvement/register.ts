import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { IMPROVEMENT_SOURCES, IMPROVEMENT_STATUSES, type ImprovementStatus } from "@/db/schema";
import type { SessionUser } from "../auth/users";
import type { Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { recordAudit } from "../kernel/audit";
import { listOrdersInput, visibleOrdersSql, type ListOrdersInput } from "./queries";
import { parseInput } from "../kernel/validate";

/**
 * The register (整改台账) in the audit layout, one XLSX sheet, one row per order the reader
 * may see (with the list's filters), oldest first:
 *   序号 | 信息来源 | 问题 | 责任单位/责任人 | 措施 | 时限 | 状态 | 证据
 * 问题 is the finding; 措施 the responsible side's measures (with the answer and the
 * expected effect); 时限 the deadline (Beijing day); 状态 is the audit's three-way
 * classification of registerStatus: 已整改 (closed), 持续整改 (continuing, with its reason
 * and next review date), 未整改 (anything else; cancelled orders are left out); 证据 lists
 * the attachments' names and the quality office's verification notes. The export is audited.
 */
export type RegisterStatus = "done" | "continuing" | "notDone";
export function registerStatus(status: ImprovementStatus): RegisterStatus {
  return status === "closed" ? "done" : status === "continuing" ? "continuing" : "notDone";
}

/** The list's filters from a query string (?status=a,b&source=…&unitId=…&overdue=1&q=…); validated by registerXlsx. */
export function registerQuery(params: URLSearchParams): ListOrdersInput {
  const many = (k: string) => params.get(k)?.split(",").filter(Boolean);
  const unitId = params.get("unitId");
  return {
    status: many("status") as ListOrdersInput["status"],
    source: many("source") as ListOrdersInput["source"],
    unitId: unitId ? Number(unitId) : undefined,
    overdue: params.get("overdue") === "1" || undefined,
    q: params.get("q") ?? undefined,
  };
}

export async function registerXlsx(db: DbOrTx, now: Date, user: SessionUser, raw: ListOrdersInput, locale: Locale): Promise<Buffer> {
  const input = parseInput(listOrdersInput, raw);
  const where = await visibleOrdersSql(db, now, user, input);
  const rows = await queryRows(
    db,
    {
      id: col.int,
      source: col.oneOf(IMPROVEMENT_SOURCES),
      status: col.oneOf(IMPROVEMENT_STATUSES),
      content: col.text,
      unit_name: col.text,
      owner_name: col.text.nullable,
      response: col.text.nullable,
      measures: col.text.nullable,
      expected_effect: col.text.nullable,
      deadline: col.text,
      files: col.text.nullable,
      notes: col.text.nullable,
    },
    sql`
    select o.id, o.source, o.status, o.content, u.name as unit_name, p.name as owner_name, o.response, o.measures, o.expected_effect,
      o.deadline::text as deadline,
      (select string_agg(a.name, '; ' order by a.id) from improvement_attachments a where a.item_id = o.id) as files,
      (select string_agg(e.note, '; ' order by e.id) from improvement_events e where e.item_id = o.id and e.kind in ('verify', 'close', 'continue') and e.note is not null) as notes
    from improvement_items o join units u on u.id = o.unit_id left join persons p on p.id = o.owner_id
    where ${where} and o.status <> 'cancelled'
    order by o.id`,
  );
  const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(t("improvement.register.sheet"));
  ws.columns = [
    { header: t("improvement.register.no"), width: 8 },
    { header: t("improvement.register.source"), width: 14 },
    { header: t("improvement.register.problem"), width: 48 },
    { header: t("improvement.register.responsible"), width: 22 },
    { header: t("improvement.register.measures"), width: 48 },
    { header: t("improvement.register.deadline"), width: 12 },
    { header: t("improvement.register.status"), width: 12 },
    { header: t("improvement.register.evidence"), width: 36 },
  ];
  ws.getRow(1).font = { bold: true };
  rows.forEach((r, i) => {
    const measures = [r.response, r.measures, r.expected_effect].filter(Boolean).join("\n");
    const row = ws.addRow([
      i + 1,
      t(`improvement.sources.${r.source}`),
      r.content,
      r.owner_name ? `${r.unit_name}/${r.owner_name}` : r.unit_name,
      measures,
      r.deadline,
      t(`improvement.register.${registerStatus(r.status)}`),
      [r.files, r.notes].filter(Boolean).join("\n"),
    ]);
    row.alignment = { wrapText: true, vertical: "top" };
  });
  await recordAudit(db, { actorId: user.id, action: "improvement.register", subject: null, detail: { rows: rows.length } });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
