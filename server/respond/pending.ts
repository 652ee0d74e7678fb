import { asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { campaignTargets, campaigns, targetKeys } from "@/db/schema";
import { col, queryRow, queryRows } from "@/db/query";
import { DomainError, notFound } from "../kernel/errors";
import { assertOpen } from "../anonymity/issue";
import { getVersion } from "../instruments/versions";
import { myReportCampaigns } from "../campaigns/reports";

/**
 * What a signed-in student has to evaluate: every open campaign (inside its window) in
 * which they hold not-excluded student eligibility, with each target (course, section,
 * teacher) and whether its token has been issued. Only the person's own rows are read.
 * Whether an evaluation was submitted is not known here (by design); the browser keeps that.
 */
export type PendingTarget = {
  targetId: number;
  courseCode: string;
  courseName: string;
  courseNameEn: string | null;
  sectionCode: string;
  teacherName: string;
  issued: boolean;
};
export type PendingCampaign = {
  campaignId: number;
  name: string;
  kind: string;
  opensAt: Date;
  closesAt: Date;
  versionId: number;
  targets: PendingTarget[];
};

export async function pendingForPerson(db: DbOrTx, personId: number, now: Date): Promise<PendingCampaign[]> {
  const rows = await queryRows(
    db,
    {
      campaign_id: col.int,
      name: col.text,
      kind: col.text,
      opens_at: col.date,
      closes_at: col.date,
      version_id: col.int,
      target_id: col.int,
      course_code: col.text,
      course_name: col.text,
      course_name_en: col.text.nullable,
      section_code: col.text,
      teacher_name: col.text,
      issued: col.bool,
    },
    sql`
    select c.id as campaign_id, c.name, c.kind::text as kind, c.opens_at, c.closes_at, ci.instrument_version_id as version_id,
      t.id as target_id, co.code as course_code, co.name as course_name, co.name_en as course_name_en, s.code as section_code,
      coalesce(pe.name, '') as teacher_name, (e.token_issued_on is not null) as issued
    from eligibility e
      join campaign_targets t on t.id = e.target_id
      join campaigns c on c.id = t.campaign_id
      join campaign_instruments ci on ci.campaign_id = c.id and ci.rater_group = 'student'
      join sections s on s.id = t.section_id join courses co on co.id = s.course_id
      left join persons pe on pe.id = t.teacher_id
    where e.person_id = ${personId} and e.rater_group = 'student' and not e.excluded
      and c.state = 'open' and c.opens_at <= ${now.toISOString()}::timestamptz and c.closes_at > ${now.toISOString()}::timestamptz
    order by c.closes_at, c.id, co.code, s.code, pe.name`,
  );
  const out = new Map<number, PendingCampaign>();
  for (const r of rows) {
    const id = r.campaign_id;
    let c = out.get(id);
    if (!c) {
      c = { campaignId: id, name: r.name, kind: r.kind, opensAt: r.opens_at, closesAt: r.closes_at, versionId: r.version_id, targets: [] };
      out.set(id, c);
    }
    c.targets.push({
      targetId: r.target_id,
      courseCode: r.course_code,
      courseName: r.course_name,
      courseNameEn: r.course_name_en,
      sectionCode: r.section_code,
      teacherName: r.teacher_name,
      issued: r.issued,
    });
  }
  return [...out.values()];
}

/**
 * The published signing keys of an open campaign: the same list for everyone, served
 * without a session so a browser can check the key it was given against it.
 */
export async function campaignPublicKeys(db: DbOrTx, campaignId: number, now: Date): Promise<{ targetId: number; publicKey: string }[]> {
  const [c] = await db
    .select({ state: campaigns.state, opens_at: campaigns.opensAt, closes_at: campaigns.closesAt })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  if (!c) throw new DomainError("NOT_FOUND", "respond.submit.errors.campaignNotFound");
  assertOpen({ state: c.state, opensAt: c.opens_at, closesAt: c.closes_at }, now);
  return db
    .select({ targetId: targetKeys.targetId, publicKey: targetKeys.publicKey })
    .from(targetKeys)
    .innerJoin(campaignTargets, eq(campaignTargets.id, targetKeys.targetId))
    .where(eq(campaignTargets.campaignId, campaignId))
    .orderBy(asc(targetKeys.targetId));
}

/** The form a respondent answers: a version's SurveyJS JSON and the instrument's names. */
export async function respondentVersion(db: DbOrTx, versionId: number) {
  return formOf(db, versionId);
}

/**
 * The form of `versionId` for a signed-in caller: to those who edit and approve instruments
 * (`editor`) any version, drafts included; to anyone else only a version that an open
 * campaign has them answer: their own not-excluded eligibility (students, self-evaluation)
 * or observation assignment, in the rater group the version is the campaign's version of.
 * Otherwise versionNotFound, exactly as for a version that does not exist.
 */
export async function formForCaller(db: DbOrTx, caller: { id: number; editor: boolean }, versionId: number, now: Date) {
  if (!caller.editor) {
    const at = now.toISOString();
    const mine = await queryRow(
      db,
      { ok: col.int },
      sql`
      select 1 as ok from campaign_instruments ci join campaigns c on c.id = ci.campaign_id
      where ci.instrument_version_id = ${versionId} and c.state = 'open'
        and c.opens_at <= ${at}::timestamptz and c.closes_at > ${at}::timestamptz
        and (exists (select 1 from eligibility e join campaign_targets t on t.id = e.target_id
               where t.campaign_id = c.id and e.person_id = ${caller.id} and e.rater_group = ci.rater_group and not e.excluded)
          or exists (select 1 from observation_assignments o join campaign_targets t on t.id = o.target_id
               where t.campaign_id = c.id and o.observer_id = ${caller.id} and o.rater_group = ci.rater_group))
      limit 1`,
    );
    // An information officer reads the instrument of an open campaign they may report in.
    const officer = !mine && (await myReportCampaigns(db, caller.id, now)).some((c) => c.versionId === versionId);
    if (!mine && !officer) throw notFound("instruments.errors.versionNotFound");
  }
  return formOf(db, versionId);
}

async function formOf(db: DbOrTx, versionId: number) {
  const v = await getVersion(db, versionId);
  return { versionId: v.id, name: v.instrument.name, nameEn: v.instrument.nameEn, survey: v.file.survey };
}
