import { and, count, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryOne, queryRow, queryRows, queryValue, one } from "@/db/query";
import { campaigns, infoReports } from "@/db/schema";
import type { UnitScope } from "../access/scope";
import { unitSubtreeSql } from "../org/tree";
import { assertOpen } from "../anonymity/issue";
import { recordAudit } from "../kernel/audit";
import { DomainError } from "../kernel/errors";
import type { GroupKey, Locale } from "../i18n/messages";
import { readableAnswers, surveysOf, type ReadableAnswer } from "../instruments/readable";
import { validateAnswers } from "../instruments/validate";
import { planOfVersion } from "../instruments/versions";
import { idSchema } from "../kernel/ids";

/**
 * Student information officers (学生信息员) report teaching issues at any time during term
 * (seed 000 第26条, 003 第33条): an info_officer campaign is open for the term, and every
 * active officer within its scope (their programme's unit, else their own unit) may submit
 * any number of reports through the campaign's instrument while it is open. There are no
 * targets and no tokens: reports are named. Each report has a responsible unit (the unit
 * offering the course when the officer names one of their sections, else the officer's
 * programme's or own unit). The quality office reads every report with the officer's name;
 * a unit admin reads the reports of its units without it (listReports).
 */

const err = (
  kind: DomainError["kind"],
  code: GroupKey<"respond.report.errors">,
  params?: Record<string, string | number>,
  details?: unknown,
) => new DomainError(kind, `respond.report.errors.${code}`, params, details);

type Scoped = { scopeUnitId: number | null };

/** The officer's home unit: their programme's unit, else their own. */
const HOME_UNIT = sql`coalesce((select pr.unit_id from programmes pr where pr.id = p.programme_id), p.unit_id)`;

function officersSql(c: Scoped): SQL {
  return sql`
    select p.id, ${HOME_UNIT} as unit_id from persons p
    where p.active and exists (select 1 from role_grants g where g.person_id = p.id and g.role = 'info_officer')
      ${c.scopeUnitId === null ? sql`` : sql`and ${HOME_UNIT} in (${unitSubtreeSql(c.scopeUnitId)})`}`;
}

/** How many active information officers may report in a campaign of this scope. */
export async function officerCount(db: DbOrTx, c: Scoped): Promise<number> {
  return queryValue(db, col.int, sql`select count(*)::int as n from (${officersSql(c)}) o`);
}

export type ReportCampaign = {
  campaignId: number;
  name: string;
  closesAt: Date;
  versionId: number;
  reports: number;
  /** The officer's sections of the campaign's term (within its scope) a report may be about. */
  sections: { sectionId: number; sectionCode: string; courseCode: string; courseName: string; courseNameEn: string | null }[];
};

/** The open information-officer campaigns the person may report in now, with their own report count. */
export async function myReportCampaigns(db: DbOrTx, personId: number, now: Date): Promise<ReportCampaign[]> {
  const cs = await queryRows(
    db,
    { id: col.int, name: col.text, closes_at: col.date, term_id: col.int.nullable, scope_unit_id: col.int.nullable, version_id: col.int },
    sql`
    select c.id, c.name, c.closes_at, c.term_id, c.scope_unit_id, ci.instrument_version_id as version_id
    from campaigns c join campaign_instruments ci on ci.campaign_id = c.id and ci.rater_group = 'student'
    where c.kind = 'info_officer' and c.state = 'open'
      and c.opens_at <= ${now.toISOString()}::timestamptz and c.closes_at > ${now.toISOString()}::timestamptz
    order by c.closes_at, c.id`,
  );
  const out: ReportCampaign[] = [];
  for (const c of cs) {
    const scope = { scopeUnitId: c.scope_unit_id };
    const me = await queryRow(db, { id: col.int }, sql`select id from (${officersSql(scope)}) o where o.id = ${personId}`);
    if (!me) continue;
    const sections = await queryRows(
      db,
      { id: col.int, code: col.text, course_code: col.text, course_name: col.text, course_name_en: col.text.nullable },
      sql`
      select s.id, s.code, co.code as course_code, co.name as course_name, co.name_en as course_name_en
      from enrolments e join sections s on s.id = e.section_id join courses co on co.id = s.course_id
      where e.person_id = ${personId} and e.status = 'enrolled' and s.term_id = ${c.term_id}
        ${scope.scopeUnitId === null ? sql`` : sql`and co.unit_id in (${unitSubtreeSql(scope.scopeUnitId)})`}
      order by co.code, s.code`,
    );
    const { n } = one(
      await db
        .select({ n: count() })
        .from(infoReports)
        .where(and(eq(infoReports.campaignId, c.id), eq(infoReports.officerId, personId))),
    );
    out.push({
      campaignId: c.id,
      name: c.name,
      closesAt: c.closes_at,
      versionId: c.version_id,
      reports: n,
      sections: sections.map((x) => ({
        sectionId: x.id,
        sectionCode: x.code,
        courseCode: x.course_code,
        courseName: x.course_name,
        courseNameEn: x.course_name_en,
      })),
    });
  }
  return out;
}

export const reportInput = z
  .object({
    campaignId: idSchema,
    sectionId: idSchema.nullish(),
    answers: z.record(z.string().max(200), z.unknown()).refine((a) => Object.keys(a).length <= 500),
  })
  .strict();

/**
 * Stores one report of the officer in an open campaign they may report in, validated
 * against the campaign's version like every answer; the section, when given, must be one
 * of theirs in the campaign's term and scope. Nothing is stored when anything is refused.
 */
export async function submitReport(db: DbOrTx, officerId: number, raw: z.input<typeof reportInput>, locale: Locale, now: Date) {
  const parsed = reportInput.safeParse(raw);
  if (!parsed.success) throw err("BAD_REQUEST", "invalidRequest");
  const input = parsed.data;
  const [c] = await db
    .select({ state: campaigns.state, opens_at: campaigns.opensAt, closes_at: campaigns.closesAt, kind: campaigns.kind })
    .from(campaigns)
    .where(eq(campaigns.id, input.campaignId));
  if (!c || c.kind !== "info_officer") throw err("NOT_FOUND", "notFound");
  assertOpen({ state: c.state, opensAt: c.opens_at, closesAt: c.closes_at }, now);
  const mine = (await myReportCampaigns(db, officerId, now)).find((x) => x.campaignId === input.campaignId);
  if (!mine) throw err("NOT_FOUND", "notFound");
  let unitId: number;
  if (input.sectionId != null) {
    if (!mine.sections.some((x) => x.sectionId === input.sectionId)) throw err("BAD_REQUEST", "notYourSection");
    unitId = await queryValue(
      db,
      col.int,
      sql`
      select co.unit_id from sections s join courses co on co.id = s.course_id where s.id = ${input.sectionId}`,
    );
  } else {
    const u = await queryRow(
      db,
      { unit_id: col.int.nullable },
      sql`select ${HOME_UNIT} as unit_id from persons p where p.id = ${officerId}`,
    );
    if (u?.unit_id == null) throw err("BAD_REQUEST", "noUnit");
    unitId = u.unit_id;
  }
  const result = validateAnswers(await planOfVersion(db, mine.versionId), input.answers, locale);
  if (!result.ok) {
    throw err(
      "BAD_REQUEST",
      "invalidAnswers",
      { count: result.errors.length },
      result.errors.map((e) => ({ question: e.question, code: e.code, message: e.message })),
    );
  }
  return db.transaction(async (tx) => {
    const row = await queryOne(
      tx,
      { id: col.int },
      sql`
      insert into info_reports (campaign_id, officer_id, unit_id, section_id, instrument_version_id, answers, submitted_at)
      values (${input.campaignId}, ${officerId}, ${unitId}, ${input.sectionId ?? null}, ${mine.versionId},
        ${JSON.stringify(result.answers)}::jsonb, ${now.toISOString()}::timestamptz)
      returning id`,
    );
    await recordAudit(tx, {
      actorId: officerId,
      action: "info_report.submit",
      subject: `info_report ${row.id}`,
      detail: { campaignId: input.campaignId },
    });
    return { reportId: row.id };
  });
}

export type InfoReportRow = {
  id: number;
  submittedAt: Date;
  unitId: number;
  unitName: string;
  unitNameEn: string | null;
  sectionCode: string | null;
  courseCode: string | null;
  courseName: string | null;
  courseNameEn: string | null;
  answers: ReadableAnswer[];
  /** Only for the quality office. */
  officer: { name: string; number: string; className: string | null; programme: string | null } | null;
  /** The order the report was turned into (improvement.fromReport), if any. */
  orderId: number | null;
};

/**
 * A campaign's reports, newest first, restricted to `units` (the reader's scope); the
 * officer is named only when `named` (the quality office). Unnamed rows carry nothing
 * that points to the officer.
 */
export async function listReports(
  db: DbOrTx,
  campaignId: number,
  opts: { units: UnitScope; named: boolean; locale: "zh" | "en" },
): Promise<InfoReportRow[]> {
  const unitCond =
    opts.units === "all"
      ? sql``
      : opts.units.length === 0
        ? sql`and false`
        : sql`and r.unit_id in (${sql.join(
            opts.units.map((u) => sql`${u}`),
            sql`, `,
          )})`;
  const rows = await queryRows(
    db,
    {
      id: col.int,
      submitted_at: col.date,
      unit_id: col.int,
      unit_name: col.text,
      unit_name_en: col.text.nullable,
      section_code: col.text.nullable,
      course_code: col.text.nullable,
      course_name: col.text.nullable,
      course_name_en: col.text.nullable,
      version_id: col.int,
      answers: col.json<unknown>(),
      officer_name: col.text,
      officer_number: col.text,
      class_name: col.text.nullable,
      programme: col.text.nullable,
      order_id: col.int.nullable,
    },
    sql`
    select r.id, r.submitted_at, r.unit_id, u.name as unit_name, u.name_en as unit_name_en, s.code as section_code,
      co.code as course_code, co.name as course_name, co.name_en as course_name_en, r.instrument_version_id as version_id, r.answers,
      p.name as officer_name, p.number as officer_number, p.class_name, pr.name as programme,
      (select max(o.id) from improvement_items o where o.dedupe_key = 'info_report:' || r.id) as order_id
    from info_reports r join units u on u.id = r.unit_id join persons p on p.id = r.officer_id
      left join programmes pr on pr.id = p.programme_id
      left join sections s on s.id = r.section_id left join courses co on co.id = s.course_id
    where r.campaign_id = ${campaignId} ${unitCond}
    order by r.submitted_at desc, r.id desc`,
  );
  const surveys = await surveysOf(
    db,
    rows.map((r) => r.version_id),
  );
  return rows.map((r) => ({
    id: r.id,
    submittedAt: r.submitted_at,
    unitId: r.unit_id,
    unitName: r.unit_name,
    unitNameEn: r.unit_name_en,
    sectionCode: r.section_code,
    courseCode: r.course_code,
    courseName: r.course_name,
    courseNameEn: r.course_name_en,
    answers: readableAnswers(surveys.get(r.version_id), r.answers, opts.locale),
    officer: opts.named ? { name: r.officer_name, number: r.officer_number, className: r.class_name, programme: r.programme } : null,
    orderId: r.order_id,
  }));
}
