import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { SCORING_ADMIN_ROLES } from "../access/roles";
import { hasRole } from "../access/scope";
import { col, queryRows } from "@/db/query";
import { recordAudit } from "../kernel/audit";
import type { SessionUser } from "../auth/users";
import { assertCanManageCampaign, getCampaignRow } from "../campaigns/campaigns";
import { DomainError } from "../kernel/errors";
import { csvLine } from "../kernel/csv";
import { NA_VALUE } from "../instruments/format";
import { arrayLiteral, scoringModelOfVersion } from "./store";
import { eligibleCounts, scopeOf, scopeTargets, targetKey, type Scope } from "./compute";
import { ALL_COLUMNS } from "./longformat";

/**
 * The anonymised export of campaigns' responses in the long format (longformat.ts): one row per
 * answered scored item (value or "na") of every scored response (anonymous responses,
 * self-evaluations, observation records without the observer). Never exported: free text,
 * declined responses, persons, days, response ids (a response is numbered 1, 2, … within its
 * campaign in the order of its random id, which hides the order of submission).
 */

export const versionLabel = (key: string, version: number) => `${key}@${version}`;

const TARGET_BATCH = 400;

/** The export's rows (cells in ALL_COLUMNS order), campaign by campaign, target by target. */
export async function* exportRows(db: DbOrTx, campaignIds: number[]): AsyncGenerator<(string | number)[]> {
  const scope: Scope = { schoolYear: "", campaignIds };
  const targets = (await scopeTargets(db, scope)).sort(
    (a, b) => a.campaign_id - b.campaign_id || (targetKey(a) < targetKey(b) ? -1 : targetKey(a) > targetKey(b) ? 1 : 0),
  );
  const eligible = await eligibleCounts(db, arrayLiteral(campaignIds));
  const versions = await queryRows(
    db,
    { campaign_id: col.int, g: col.text, version_id: col.int, key: col.text, version: col.int },
    sql`
    select ci.campaign_id, ci.rater_group::text as g, ci.instrument_version_id as version_id, i.key, v.version
    from campaign_instruments ci join instrument_versions v on v.id = ci.instrument_version_id join instruments i on i.id = v.instrument_id
    where ci.campaign_id = any(${arrayLiteral(campaignIds)}::int[])`,
  );
  const versionOf = new Map(versions.map((v) => [`${v.campaign_id}|${v.g}`, v]));
  const counter = new Map<number, number>();
  for (let i = 0; i < targets.length; i += TARGET_BATCH) {
    const batch = targets.slice(i, i + TARGET_BATCH);
    const rows = await queryRows(
      db,
      { target_id: col.int, g: col.text, answers: col.json<Record<string, unknown>>() },
      sql`
      select s.target_id, s.rater_group::text as g, coalesce(r.answers, o.answers) as answers
      from response_scores s left join responses r on r.id = s.response_id left join observation_records o on o.id = s.observation_id
      where s.target_id = any(${arrayLiteral(batch.map((t) => t.id))}::int[])
      order by s.target_id, s.rater_group, coalesce(s.response_id::text, md5('observation:' || s.observation_id))`,
    );
    const byTarget = new Map<number, typeof rows>();
    for (const r of rows) {
      const list = byTarget.get(r.target_id);
      if (list) list.push(r);
      else byTarget.set(r.target_id, [r]);
    }
    for (const t of batch) {
      for (const r of byTarget.get(t.id) ?? []) {
        const v = versionOf.get(`${t.campaign_id}|${r.g}`);
        if (!v) continue;
        const model = await scoringModelOfVersion(db, v.version_id);
        if (!model) continue;
        const n = (counter.get(t.campaign_id) ?? 0) + 1;
        counter.set(t.campaign_id, n);
        const answers = r.answers;
        const el = eligible.get(`${t.id}|${r.g}`);
        for (const item of model.items) {
          const a = answers[item.question];
          const value = item.row === null ? a : typeof a === "object" && a !== null ? (a as Record<string, unknown>)[item.row] : undefined;
          if (value === undefined || value === null) continue;
          yield [
            t.campaign,
            versionLabel(v.key, v.version),
            t.section_code ?? "",
            t.teacher_number ?? "",
            r.g,
            n,
            item.row === null ? item.question : `${item.question}/${item.row}`,
            value === NA_VALUE ? NA_VALUE : Number(value),
            t.term_code ?? "",
            t.unit_code ?? "",
            t.course_type ?? "",
            t.level ?? "",
            t.teacher_college_code ?? "",
            t.office_code ?? "",
            el === undefined ? "" : el,
            t.target_label ?? "",
          ];
        }
      }
    }
  }
}

/** The export as CSV text (UTF-8 with BOM, CRLF: Excel opens it as is), streamed line by line. */
export async function* exportCsv(db: DbOrTx, campaignIds: number[]): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(ALL_COLUMNS)}\r\n`;
  let buf: string[] = [];
  for await (const row of exportRows(db, campaignIds)) {
    buf.push(csvLine(row));
    if (buf.length >= 2000) {
      yield `${buf.join("\r\n")}\r\n`;
      buf = [];
    }
  }
  if (buf.length) yield `${buf.join("\r\n")}\r\n`;
}

export type Cell = string | number | null;
export type Sheet = { name: string; header: readonly string[]; rows: AsyncIterable<Cell[]> };

/**
 * Sheets as one XLSX workbook through exceljs's streaming writer: each row is committed (and
 * leaves memory) as soon as it is written, so a workbook of any size streams out in constant
 * memory. Every XLSX this app writes goes through here.
 */
export function xlsxStream(sheets: Sheet[]): PassThrough {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  void (async () => {
    try {
      for (const sheet of sheets) {
        const ws = wb.addWorksheet(sheet.name);
        ws.addRow([...sheet.header]).commit();
        for await (const row of sheet.rows) ws.addRow(row).commit();
        ws.commit();
      }
      await wb.commit();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}

/** The export as an XLSX workbook (one sheet "responses"), streamed. */
export function exportXlsx(db: DbOrTx, campaignIds: number[]): PassThrough {
  return xlsxStream([{ name: "responses", header: ALL_COLUMNS, rows: exportRows(db, campaignIds) }]);
}

/**
 * What an export request may cover, and its audit: the quality office any campaign or a whole
 * school year; a unit admin a campaign it manages. Returns the campaign ids and a file name.
 */
export async function exportScope(
  db: DbOrTx,
  actor: SessionUser,
  req: { campaignId?: number; schoolYear?: string },
  format: "csv" | "xlsx",
) {
  const quality = hasRole(actor, ...SCORING_ADMIN_ROLES);
  let ids: number[];
  let name: string;
  if (req.campaignId !== undefined) {
    const c = quality ? await getCampaignRow(db, req.campaignId) : await assertCanManageCampaign(db, actor, req.campaignId);
    ids = [c.id];
    name = c.name;
  } else if (req.schoolYear !== undefined && /^\d{4}-\d{4}$/.test(req.schoolYear)) {
    if (!quality) throw new DomainError("FORBIDDEN", "errors.forbidden");
    ids = (await scopeOf(db, req.schoolYear)).campaignIds;
    name = `${req.schoolYear} 学年`;
  } else {
    throw new DomainError("BAD_REQUEST", "scoring.errors.exportScope");
  }
  await recordAudit(db, { actorId: actor.id, action: "scoring.export", subject: name, detail: { campaignIds: ids, format } });
  return { ids, name };
}
