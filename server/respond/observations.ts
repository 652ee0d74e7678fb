import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryRow, queryRows } from "@/db/query";
import { assertOpen } from "../anonymity/issue";
import { beijingDate } from "../kernel/time";
import { recordAudit } from "../kernel/audit";
import { DomainError } from "../kernel/errors";
import type { Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { dateQuestionOf, surveysOf } from "../instruments/readable";
import { validateAnswers } from "../instruments/validate";
import { planOfVersion } from "../instruments/versions";
import { insertObservationScore, insertResponseWithScore, scoreForVersion } from "../scoring/store";
import type { GroupKey } from "../i18n/messages";
import { idSchema } from "../kernel/ids";

/**
 * Class observation (听课评课) by peers, supervisors and leaders: named records, not
 * anonymous. An observer sees their own assignments in open campaigns and submits one
 * signed record per assignment (validated against the campaign's version for their group).
 * The quality office sees who observed; the teacher observed sees the observer's name
 * only when the campaign's `observers_named_to_teacher` says so (observationsOfTeacher).
 */

const err = (
  kind: DomainError["kind"],
  code: GroupKey<"respond.observe.errors">,
  params?: Record<string, string | number>,
  details?: unknown,
) => new DomainError(kind, `respond.observe.errors.${code}`, params, details);

export type ObservationTask = {
  assignmentId: number;
  campaignId: number;
  campaignName: string;
  closesAt: Date;
  raterGroup: string;
  versionId: number | null;
  courseCode: string;
  courseName: string;
  courseNameEn: string | null;
  sectionCode: string;
  teacherName: string;
  plannedOn: string | null;
  done: boolean;
  /** The form's question holding the visit's date (听课日期), null when the form has none. */
  dateQuestion: string | null;
};

export async function myObservations(db: DbOrTx, observerId: number, now: Date): Promise<ObservationTask[]> {
  const rows = await queryRows(
    db,
    {
      id: col.int,
      campaign_id: col.int,
      name: col.text,
      closes_at: col.date,
      rater_group: col.text,
      version_id: col.int.nullable,
      course_code: col.text,
      course_name: col.text,
      course_name_en: col.text.nullable,
      section_code: col.text,
      teacher_name: col.text.nullable,
      planned_on: col.text.nullable,
      done: col.bool,
    },
    sql`
    select o.id, c.id as campaign_id, c.name, c.closes_at, o.rater_group::text as rater_group, ci.instrument_version_id as version_id,
      co.code as course_code, co.name as course_name, co.name_en as course_name_en, s.code as section_code, pe.name as teacher_name,
      o.planned_on::text as planned_on, (o.done_at is not null) as done
    from observation_assignments o join campaign_targets t on t.id = o.target_id join campaigns c on c.id = t.campaign_id
      left join campaign_instruments ci on ci.campaign_id = c.id and ci.rater_group = o.rater_group
      join sections s on s.id = t.section_id join courses co on co.id = s.course_id left join persons pe on pe.id = t.teacher_id
    where o.observer_id = ${observerId} and c.state = 'open'
      and c.opens_at <= ${now.toISOString()}::timestamptz and c.closes_at > ${now.toISOString()}::timestamptz
    order by (o.done_at is not null), o.planned_on nulls last, co.code, s.code, o.id`,
  );
  const surveys = await surveysOf(
    db,
    rows.flatMap((r) => (r.version_id === null ? [] : [r.version_id])),
  );
  return rows.map((r) => ({
    assignmentId: r.id,
    campaignId: r.campaign_id,
    campaignName: r.name,
    closesAt: r.closes_at,
    raterGroup: r.rater_group,
    versionId: r.version_id,
    courseCode: r.course_code,
    courseName: r.course_name,
    courseNameEn: r.course_name_en,
    sectionCode: r.section_code,
    teacherName: r.teacher_name ?? "",
    plannedOn: r.planned_on,
    done: r.done,
    dateQuestion: r.version_id === null ? null : dateQuestionOf(surveys.get(r.version_id)),
  }));
}

export const observationInput = z
  .object({
    assignmentId: idSchema,
    answers: z.record(z.string().max(200), z.unknown()),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict();

/**
 * Stores the observer's signed record for their own assignment, once (a second submission
 * is refused: alreadyDone), inside the campaign's window, with the answers validated
 * exactly like anonymous ones. The record's day is the form's own visit date (its first
 * date question, 听课日期), which may not be in the future (Beijing time); a form without
 * one records the day of submission.
 */
export async function submitObservation(db: DbOrTx, observerId: number, raw: z.input<typeof observationInput>, locale: Locale, now: Date) {
  const parsed = observationInput.safeParse(raw);
  if (!parsed.success) throw err("BAD_REQUEST", "invalidRequest");
  const input = parsed.data;
  const a = await queryRow(
    db,
    {
      observer_id: col.int,
      target_id: col.int,
      rater_group: col.text,
      state: col.text,
      opens_at: col.date,
      closes_at: col.date,
      version_id: col.int.nullable,
      done: col.bool,
    },
    sql`
    select o.observer_id, o.target_id, o.rater_group::text as rater_group, c.state, c.opens_at, c.closes_at,
      ci.instrument_version_id as version_id, (o.done_at is not null) as done
    from observation_assignments o join campaign_targets t on t.id = o.target_id join campaigns c on c.id = t.campaign_id
      left join campaign_instruments ci on ci.campaign_id = c.id and ci.rater_group = o.rater_group
    where o.id = ${input.assignmentId}`,
  );
  if (!a || a.observer_id !== observerId) throw err("NOT_FOUND", "notFound");
  assertOpen({ state: a.state, opensAt: a.opens_at, closesAt: a.closes_at }, now);
  if (a.done) throw err("CONFLICT", "alreadyDone");
  const versionId = a.version_id;
  if (versionId === null) throw err("CONFLICT", "notReady");
  const result = validateAnswers(await planOfVersion(db, versionId), input.answers, locale);
  if (!result.ok) {
    throw err(
      "BAD_REQUEST",
      "invalidAnswers",
      { count: result.errors.length },
      result.errors.map((e) => ({ question: e.question, code: e.code, message: e.message })),
    );
  }
  const dateQuestion = dateQuestionOf((await surveysOf(db, [versionId])).get(versionId));
  const given = dateQuestion === null ? undefined : result.answers[dateQuestion];
  const observedOn = typeof given === "string" && given !== "" ? given : beijingDate(now);
  if (observedOn > beijingDate(now)) {
    throw err(
      "BAD_REQUEST",
      "futureDate",
      {},
      dateQuestion === null
        ? undefined
        : [{ question: dateQuestion, code: "futureDate", message: translate(locale, "respond.observe.errors.futureDate") }],
    );
  }
  const score = await scoreForVersion(db, versionId, result.answers);
  return db.transaction(async (tx) => {
    const inserted = await queryRow(
      tx,
      { id: col.int },
      sql`
      insert into observation_records (assignment_id, observer_id, instrument_version_id, answers, observed_on, comment)
      values (${input.assignmentId}, ${observerId}, ${versionId}, ${JSON.stringify(result.answers)}::jsonb,
        ${observedOn}::date, ${input.comment ?? null})
      on conflict (assignment_id) do nothing returning id`,
    );
    if (!inserted) throw err("CONFLICT", "alreadyDone");
    await insertObservationScore(tx, inserted.id, a.target_id, a.rater_group, versionId, score);
    await tx.execute(sql`update observation_assignments set done_at = ${now.toISOString()}::timestamptz where id = ${input.assignmentId}`);
    await recordAudit(tx, { actorId: observerId, action: "observation.submit", subject: `assignment ${input.assignmentId}`, detail: null });
    return { recordId: inserted.id };
  });
}

/**
 * The observation records on a teacher's own targets: the observer's group and day always,
 * their name only where the campaign names observers to the teacher.
 */
export async function observationsOfTeacher(db: DbOrTx, teacherId: number) {
  const rows = await queryRows(
    db,
    {
      id: col.int,
      campaign: col.text,
      rater_group: col.text,
      observed_on: col.text,
      course_name: col.text,
      course_name_en: col.text.nullable,
      section_code: col.text,
      observer: col.text.nullable,
    },
    sql`
    select r.id, c.name as campaign, o.rater_group::text as rater_group, r.observed_on::text as observed_on,
      co.name as course_name, co.name_en as course_name_en, s.code as section_code,
      case when c.observers_named_to_teacher then pe.name end as observer
    from observation_records r join observation_assignments o on o.id = r.assignment_id
      join campaign_targets t on t.id = o.target_id join campaigns c on c.id = t.campaign_id
      join sections s on s.id = t.section_id join courses co on co.id = s.course_id join persons pe on pe.id = r.observer_id
    where t.teacher_id = ${teacherId} order by r.observed_on desc, r.id desc`,
  );
  return rows.map((r) => ({
    recordId: r.id,
    campaign: r.campaign,
    raterGroup: r.rater_group,
    observedOn: r.observed_on,
    courseName: r.course_name,
    courseNameEn: r.course_name_en,
    sectionCode: r.section_code,
    observer: r.observer,
  }));
}

/**
 * Self-evaluation (教师自评): the teacher rates their own teaching of a section. It is
 * about the teacher by definition, so it is not anonymous: it is stored as a response of
 * rater group "self" on the teacher's own target, once (the unique spent-token column
 * holds "self:<target>", so a second submission is a duplicate, never a second row).
 */
export type SelfTask = {
  targetId: number;
  campaignId: number;
  campaignName: string;
  closesAt: Date;
  versionId: number;
  courseName: string;
  courseNameEn: string | null;
  sectionCode: string;
  done: boolean;
};

export async function mySelfEvaluations(db: DbOrTx, teacherId: number, now: Date): Promise<SelfTask[]> {
  const rows = await queryRows(
    db,
    {
      target_id: col.int,
      campaign_id: col.int,
      name: col.text,
      closes_at: col.date,
      version_id: col.int,
      course_name: col.text,
      course_name_en: col.text.nullable,
      section_code: col.text,
      done: col.bool,
    },
    sql`
    select t.id as target_id, c.id as campaign_id, c.name, c.closes_at, ci.instrument_version_id as version_id,
      co.name as course_name, co.name_en as course_name_en, s.code as section_code,
      exists (select 1 from responses r where r.spent_token_hash = 'self:' || t.id) as done
    from eligibility e join campaign_targets t on t.id = e.target_id join campaigns c on c.id = t.campaign_id
      join campaign_instruments ci on ci.campaign_id = c.id and ci.rater_group = 'self'
      join sections s on s.id = t.section_id join courses co on co.id = s.course_id
    where e.person_id = ${teacherId} and e.rater_group = 'self' and not e.excluded and t.teacher_id = ${teacherId}
      and c.state = 'open' and c.opens_at <= ${now.toISOString()}::timestamptz and c.closes_at > ${now.toISOString()}::timestamptz
    order by c.closes_at, co.code, s.code`,
  );
  return rows.map((r) => ({
    targetId: r.target_id,
    campaignId: r.campaign_id,
    campaignName: r.name,
    closesAt: r.closes_at,
    versionId: r.version_id,
    courseName: r.course_name,
    courseNameEn: r.course_name_en,
    sectionCode: r.section_code,
    done: r.done,
  }));
}

export const selfEvaluationInput = z
  .object({
    targetId: idSchema,
    answers: z.record(z.string().max(200), z.unknown()),
  })
  .strict();

export async function submitSelfEvaluation(
  db: DbOrTx,
  teacherId: number,
  raw: z.input<typeof selfEvaluationInput>,
  locale: Locale,
  now: Date,
) {
  const parsed = selfEvaluationInput.safeParse(raw);
  if (!parsed.success) throw err("BAD_REQUEST", "invalidRequest");
  const { targetId, answers } = parsed.data;
  const task = (await mySelfEvaluations(db, teacherId, now)).find((x) => x.targetId === targetId);
  if (!task) throw err("NOT_FOUND", "notFound");
  const result = validateAnswers(await planOfVersion(db, task.versionId), answers, locale);
  if (!result.ok) {
    throw err(
      "BAD_REQUEST",
      "invalidAnswers",
      { count: result.errors.length },
      result.errors.map((e) => ({ question: e.question, code: e.code, message: e.message })),
    );
  }
  const score = await scoreForVersion(db, task.versionId, result.answers);
  const inserted = await queryRows(
    db,
    { id: col.text },
    insertResponseWithScore(
      sql`
    insert into responses (id, target_id, rater_group, instrument_version_id, answers, declined, day, spent_token_hash)
    values (gen_random_uuid(), ${targetId}, 'self', ${task.versionId}, ${JSON.stringify(result.answers)}::jsonb, false,
      ${beijingDate(now)}::date, ${`self:${targetId}`})
    on conflict (spent_token_hash) do nothing returning id, target_id, rater_group, instrument_version_id`,
      score,
    ),
  );
  return { status: inserted.length === 1 ? ("stored" as const) : ("duplicate" as const) };
}
