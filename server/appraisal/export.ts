import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import type { UnitScope } from "../access/scope";
import type { SessionUser } from "../auth/users";
import { badRequest } from "../kernel/errors";
import { sourceOf } from "./queries";
import { logViews } from "./views";

/**
 * The year's appraisal for an HR system, one XLSX sheet "appraisal" with one header row and one
 * row per teacher in the reader's scope, sorted by staff number (sheet "说明" repeats this):
 *   staff_number   工号
 *   name           姓名
 *   unit           单位 (the teacher's college)
 *   school_year    学年, YYYY-YYYY
 *   composite      综合得分, 0–100, 4 decimals; empty without one
 *   ci_low/ci_high 95 % 置信区间
 *   band           excellent | good | pass | fail | empty (不定等次)
 *   band_zh        优秀 | 良好 | 合格 | 不合格 | empty
 *   band_reason    score | quota | veto | insufficient_evidence | exempt | appeal
 *   veto           the veto's code (ethics_misconduct, …), empty without one
 *   borderline     Y when the interval holds a cut-off, else N
 *   annual_fail    Y when the band makes the annual appraisal 不合格
 *   policy_version the scoring policy's version; appraisal_version the published version (empty: not yet published)
 * Every teacher in it is logged as viewed by the reader (result_views, "appraisal.export").
 */
export const EXPORT_COLUMNS = [
  "staff_number",
  "name",
  "unit",
  "school_year",
  "composite",
  "ci_low",
  "ci_high",
  "band",
  "band_zh",
  "band_reason",
  "veto",
  "borderline",
  "annual_fail",
  "policy_version",
  "appraisal_version",
] as const;
const ZH: Record<string, string> = { excellent: "优秀", good: "良好", pass: "合格", fail: "不合格" };
const round4 = (x: number | null) => (x === null ? null : Math.round(x * 1e4) / 1e4);

export async function appraisalXlsx(
  db: DbOrTx,
  scope: UnitScope,
  schoolYear: string,
  reader: SessionUser,
  role: string,
  now: () => Date,
): Promise<Buffer> {
  const source = await sourceOf(db, schoolYear);
  if (!source) throw badRequest("appraisal.errors.noResults", { year: schoolYear });
  const src =
    source.kind === "version"
      ? sql`select teacher_id, unit_id, score, ci_low, ci_high, band, reason, veto_code, borderline, annual_fail from appraisal_version_rows where version_id = ${source.version.id}`
      : sql`select teacher_id, unit_id, score, ci_low, ci_high, band, reason, veto_code, borderline, annual_fail from appraisal_results where policy_id = ${source.policyId}`;
  const policyId = source.kind === "version" ? source.version.policyId : source.policyId;
  const scopeCond =
    scope === "all"
      ? sql`true`
      : sql`(s.unit_id = any(${`{${scope.join(",")}}`}::int[]) or p.unit_id = any(${`{${scope.join(",")}}`}::int[]))`;
  const rows = await queryRows(
    db,
    {
      teacher_id: col.int,
      number: col.text,
      name: col.text,
      unit: col.text.nullable,
      score: col.num.nullable,
      ci_low: col.num.nullable,
      ci_high: col.num.nullable,
      band: col.text.nullable,
      reason: col.text,
      veto_code: col.text.nullable,
      borderline: col.bool,
      annual_fail: col.bool,
      policy_version: col.int,
    },
    sql`
    with s as (${src})
    select s.*, p.number, p.name, u.name as unit, (select version from scoring_policies where id = ${policyId}) as policy_version
    from s join persons p on p.id = s.teacher_id left join units u on u.id = s.unit_id
    where ${scopeCond} order by p.number`,
  );
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("appraisal");
  ws.addRow([...EXPORT_COLUMNS]);
  for (const r of rows) {
    ws.addRow([
      r.number,
      r.name,
      r.unit,
      schoolYear,
      round4(r.score),
      round4(r.ci_low),
      round4(r.ci_high),
      r.band,
      r.band ? ZH[r.band] : null,
      r.reason,
      r.veto_code,
      r.borderline ? "Y" : "N",
      r.annual_fail ? "Y" : "N",
      r.policy_version,
      source.kind === "version" ? source.version.version : null,
    ]);
  }
  const doc = wb.addWorksheet("说明");
  doc.addRow(["列 column", "含义 meaning"]);
  for (const [c, m] of [
    ["staff_number", "工号"],
    ["name", "姓名"],
    ["unit", "单位（学院）"],
    ["school_year", "学年"],
    ["composite", "综合得分（0–100）"],
    ["ci_low / ci_high", "综合得分的 95% 置信区间"],
    ["band", "等次代码 excellent/good/pass/fail，空 = 不定等次"],
    ["band_zh", "等次"],
    ["band_reason", "score 按分数, quota 名额限制, veto 一票否决, insufficient_evidence 依据不足, exempt 免考核, appeal 复核更正"],
    ["veto", "否决代码"],
    ["borderline", "Y = 置信区间跨越等次分数线"],
    ["annual_fail", "Y = 年度考核不合格"],
    ["policy_version", "评分方案版本"],
    ["appraisal_version", "公示的考核版本（空 = 尚未公示）"],
  ])
    doc.addRow([c, m]);
  await logViews(
    db,
    now,
    rows.map((r) => r.teacher_id),
    reader,
    role,
    "appraisal.export",
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
