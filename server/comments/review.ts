// Reviewing students' comments before release (the EvaP model): per closed campaign, the unit
// admin of a target's unit or the quality office decides for each comment: released to the
// teacher (as written, or an edited, redacted version), private (reviewers only), hidden (abuse,
// or text that identifies the writer), or escalated into a finding. The original is kept and
// every decision logged (comment_decisions). A target below its minimum of raters shows no
// comment to anyone, reviewers included, and releases none.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { COMMENT_DECISIONS, MARK_KINDS, type CommentDecision, type CommentMark } from "@/db/schema/comments";
import { COMMENT_REVIEW_ROLES, COMMENT_WORDS_ROLES } from "../access/roles";
import { inScope, unitScope, type UnitScope } from "../access/scope";
import { logViews } from "../appraisal/views";
import type { SessionUser } from "../auth/users";
import { parseInput } from "../kernel/validate";
import { getCampaignRow } from "../campaigns/campaigns";
import { ANONYMOUS_GROUPS } from "../campaigns/kinds";
import { anonymousMinimum } from "../campaigns/rates";
import { planOfVersion } from "../instruments/versions";
import { translate } from "../i18n/translate";
import { createOrder } from "../improvement/orders";
import { DomainError } from "../kernel/errors";
import { beijingDate } from "../kernel/time";
import { idSchema } from "../kernel/ids";
import { offsetOf } from "../kernel/paging";
import { unitSubtreeSql } from "../org/tree";
import type { GroupKey } from "../i18n/messages";
import { atKey } from "@/server/shared/indexed";

export { COMMENT_REVIEW_ROLES, COMMENT_WORDS_ROLES };
/** Longest edited (redacted) text. */
export const COMMENT_TEXT_MAX = 4000;
/** Days an escalated comment's rectification order is given (its deadline). */
export const ESCALATION_DAYS = 30;
/** Most comments one bulk decision takes. */
export const BULK_MAX = 500;

const err = (kind: DomainError["kind"], code: GroupKey<"comments.errors">, params?: Record<string, string | number>) =>
  new DomainError(kind, `comments.errors.${code}`, params);

/** Campaign states whose comments can be reviewed: collection is over. */
const REVIEWABLE = ["closed", "published"];

async function reviewScope(db: DbOrTx, actor: SessionUser): Promise<UnitScope> {
  return unitScope(db, actor, COMMENT_REVIEW_ROLES);
}

function scopeSql(scope: UnitScope): SQL {
  if (scope === "all") return sql`true`;
  if (!scope.length) return sql`false`;
  return sql`coalesce(co.unit_id, pr.unit_id) in (${sql.join(
    scope.map((u) => sql`${u}::int`),
    sql`, `,
  )})`;
}

/**
 * The comments of a campaign that may be shown at all: those of targets whose rater group has
 * at least the minimum of (non-declined) responses, with their target's course, section,
 * teacher and unit. `where` narrows further.
 */
function visibleFrom(campaignId: number, min: number, where: SQL): SQL {
  return sql`from student_comments c
    join campaign_targets t on t.id = c.target_id
    left join sections s on s.id = t.section_id
    left join courses co on co.id = s.course_id
    left join persons tp on tp.id = t.teacher_id
    left join graduate_cohorts gc on gc.id = t.cohort_id
    left join programmes pr on pr.id = gc.programme_id
    left join employers em on em.id = t.employer_id
    left join units u on u.id = coalesce(co.unit_id, pr.unit_id)
    join (select r.target_id, r.rater_group, count(*) filter (where not r.declined) as n
          from responses r join campaign_targets rt on rt.id = r.target_id
          where rt.campaign_id = ${campaignId} group by r.target_id, r.rater_group) rn
      on rn.target_id = c.target_id and rn.rater_group = c.rater_group and rn.n >= ${min}
    where c.campaign_id = ${campaignId} and ${where}`;
}

async function reviewableCampaign(db: DbOrTx, campaignId: number) {
  const c = await getCampaignRow(db, campaignId);
  if (!REVIEWABLE.includes(c.state)) throw err("BAD_REQUEST", "notClosed");
  return c;
}

export type ReviewCounts = Record<CommentDecision, number> & { total: number };
export type ReviewState = "none" | "pending" | "reviewed";

function countsOf(rows: { decision: string; n: number }[]): ReviewCounts {
  const out = { total: 0, pending: 0, released: 0, private: 0, hidden: 0, escalated: 0 } as ReviewCounts;
  for (const r of rows) {
    out[r.decision as CommentDecision] = r.n;
    out.total += r.n;
  }
  return out;
}

const stateOf = (c: ReviewCounts): ReviewState => (c.total === 0 ? "none" : c.pending > 0 ? "pending" : "reviewed");

/**
 * The comment review of a campaign as a whole (every unit): "none" (no comment to review),
 * "pending" (some undecided) or "reviewed". What results publication may require.
 */
export async function commentReviewState(db: DbOrTx, campaignId: number): Promise<{ state: ReviewState; counts: ReviewCounts }> {
  const min = await anonymousMinimum(db, campaignId);
  const rows = await queryRows(
    db,
    { decision: col.text, n: col.int },
    sql`
    select c.decision, count(*)::int as n ${visibleFrom(campaignId, min, sql`true`)} group by c.decision`,
  );
  const counts = countsOf(rows);
  return { state: stateOf(counts), counts };
}

/** Closed and published campaigns with comments the actor may review, with their counts in the actor's scope. */
export async function reviewCampaigns(db: DbOrTx, actor: SessionUser) {
  const scope = await reviewScope(db, actor);
  const cs = await queryRows(
    db,
    { id: col.int, name: col.text, state: col.text, closed_at: col.date.nullable },
    sql`
    select c.id, c.name, c.state, c.closed_at from campaigns c
    where c.state in ('closed', 'published') and exists (select 1 from student_comments sc where sc.campaign_id = c.id)
    order by c.closes_at desc, c.id desc`,
  );
  const out = [];
  for (const c of cs) {
    const min = await anonymousMinimum(db, c.id);
    const rows = await queryRows(
      db,
      { decision: col.text, n: col.int },
      sql`
      select c.decision, count(*)::int as n ${visibleFrom(c.id, min, scopeSql(scope))} group by c.decision`,
    );
    const counts = countsOf(rows);
    if (counts.total > 0)
      out.push({ id: c.id, name: c.name, state: c.state, closedAt: c.closed_at, counts, reviewState: stateOf(counts), minRaters: min });
  }
  return out;
}

export const listInput = z
  .object({
    campaignId: idSchema,
    unitId: idSchema.optional(),
    courseId: idSchema.optional(),
    /** A kind of mark, "any" (some mark) or "none" (no mark). */
    mark: z.enum([...MARK_KINDS, "any", "none"]).optional(),
    decision: z.enum(COMMENT_DECISIONS).optional(),
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(200).default(50),
  })
  .strict();

export type ReviewItem = {
  id: string;
  original: string;
  edited: string | null;
  decision: CommentDecision;
  marks: CommentMark[];
  question: string;
  questionTitle: { zh: string; en: string } | null;
  courseCode: string | null;
  courseName: string | null;
  courseNameEn: string | null;
  sectionCode: string | null;
  teacherName: string | null;
  teacherNumber: string | null;
  unitName: string | null;
  unitNameEn: string | null;
  subjectName: string | null;
};

/** The campaign's free-text questions' titles (key → title), from its anonymous groups' versions. */
async function questionTitles(db: DbOrTx, campaignId: number): Promise<Map<string, { zh: string; en: string }>> {
  const versions = await queryRows(
    db,
    { id: col.int },
    sql`
    select instrument_version_id as id from campaign_instruments
    where campaign_id = ${campaignId} and rater_group::text in (${sql.join(
      ANONYMOUS_GROUPS.map((g) => sql`${g}`),
      sql`, `,
    )})`,
  );
  const out = new Map<string, { zh: string; en: string }>();
  for (const v of versions) {
    for (const q of (await planOfVersion(db, v.id)).questions) if (q.type === "comment" && !out.has(q.name)) out.set(q.name, q.title);
  }
  return out;
}

/**
 * One page of a campaign's comments for a reviewer, filtered (unit, course, mark, decision),
 * with the counts by decision under the same filters but the decision. Only targets in the
 * actor's units and at or above the minimum of raters. Grouped by course, section and teacher;
 * within a target in the comments' own random order (their random ids), which says nothing of
 * the responses. Every teacher whose comments are on the page gets a row in their view log.
 */
export async function listForReview(db: DbOrTx, now: () => Date, actor: SessionUser, raw: z.input<typeof listInput>) {
  const input = parseInput(listInput, raw);
  await reviewableCampaign(db, input.campaignId);
  const scope = await reviewScope(db, actor);
  const min = await anonymousMinimum(db, input.campaignId);
  const filters: SQL[] = [scopeSql(scope)];
  if (input.unitId) filters.push(sql`coalesce(co.unit_id, pr.unit_id) in (${unitSubtreeSql(input.unitId)})`);
  if (input.courseId) filters.push(sql`co.id = ${input.courseId}`);
  if (input.mark === "any") filters.push(sql`cardinality(c.mark_kinds) > 0`);
  else if (input.mark === "none") filters.push(sql`cardinality(c.mark_kinds) = 0`);
  else if (input.mark) filters.push(sql`${input.mark}::text = any(c.mark_kinds)`);
  const base = sql.join(filters, sql` and `);
  const counts = countsOf(
    await queryRows(
      db,
      { decision: col.text, n: col.int },
      sql`
    select c.decision, count(*)::int as n ${visibleFrom(input.campaignId, min, base)} group by c.decision`,
    ),
  );
  const where = input.decision ? sql`${base} and c.decision = ${input.decision}` : base;
  const rows = await queryRows(
    db,
    {
      id: col.text,
      original: col.text,
      edited: col.text.nullable,
      decision: col.oneOf(COMMENT_DECISIONS),
      marks: col.json<CommentMark[]>(),
      question: col.text,
      course_code: col.text.nullable,
      course_name: col.text.nullable,
      course_name_en: col.text.nullable,
      section_code: col.text.nullable,
      teacher_id: col.int.nullable,
      teacher_name: col.text.nullable,
      teacher_number: col.text.nullable,
      unit_name: col.text.nullable,
      unit_name_en: col.text.nullable,
      subject_name: col.text.nullable,
    },
    sql`
    select c.id::text as id, c.original, c.edited, c.decision, c.marks, c.question, co.code as course_code, co.name as course_name,
      co.name_en as course_name_en, s.code as section_code, tp.id as teacher_id, tp.name as teacher_name, tp.number as teacher_number,
      u.name as unit_name, u.name_en as unit_name_en, coalesce(pr.name || ' ' || gc.graduation_year::text, em.name) as subject_name
    ${visibleFrom(input.campaignId, min, where)}
    order by co.code nulls last, s.code nulls last, tp.number nulls last, c.target_id, c.question, c.id
    limit ${input.pageSize} offset ${offsetOf(input)}`,
  );
  const titles = await questionTitles(db, input.campaignId);
  const teachers = [...new Set(rows.map((r) => r.teacher_id).filter((x): x is number => x !== null))];
  if (teachers.length) await logViews(db, now, teachers, actor, roleOf(actor), "comments.review");
  const total = input.decision ? counts[input.decision] : counts.total;
  const items: ReviewItem[] = rows.map((r) => ({
    id: r.id,
    original: r.original,
    edited: r.edited,
    decision: r.decision,
    marks: r.marks,
    question: r.question,
    questionTitle: titles.get(r.question) ?? null,
    courseCode: r.course_code,
    courseName: r.course_name,
    courseNameEn: r.course_name_en,
    sectionCode: r.section_code,
    teacherName: r.teacher_name,
    teacherNumber: r.teacher_number,
    unitName: r.unit_name,
    unitNameEn: r.unit_name_en,
    subjectName: r.subject_name,
  }));
  return { items, total, page: input.page, pageSize: input.pageSize, counts, minRaters: min };
}

/** The units and courses a reviewer can filter by in a campaign (those with visible comments in scope). */
export async function reviewFilters(db: DbOrTx, actor: SessionUser, campaignId: number) {
  await reviewableCampaign(db, campaignId);
  const scope = await reviewScope(db, actor);
  const min = await anonymousMinimum(db, campaignId);
  const from = visibleFrom(campaignId, min, scopeSql(scope));
  const units = await queryRows(
    db,
    { id: col.int, name: col.text, name_en: col.text.nullable },
    sql`
    select distinct u.id, u.name, u.name_en ${from} and u.id is not null order by u.name`,
  );
  const courses = await queryRows(
    db,
    { id: col.int, code: col.text, name: col.text, name_en: col.text.nullable },
    sql`
    select distinct co.id, co.code, co.name, co.name_en ${from} and co.id is not null order by co.code`,
  );
  const c = await getCampaignRow(db, campaignId);
  return {
    campaign: { id: c.id, name: c.name, state: c.state },
    units: units.map((u) => ({ id: u.id, name: u.name, nameEn: u.name_en })),
    courses: courses.map((x) => ({ id: x.id, code: x.code, name: x.name, nameEn: x.name_en })),
    review: await commentReviewState(db, campaignId),
  };
}

/** The role a reviewer looks with, for the view log. */
function roleOf(actor: SessionUser): string {
  return COMMENT_REVIEW_ROLES.find((r) => actor.roles.some((g) => g.role === r)) ?? "staff";
}

export const DECIDABLE = ["released", "private", "hidden", "escalated"] as const satisfies readonly CommentDecision[];

export const decideInput = z
  .object({
    campaignId: idSchema,
    ids: z.array(z.string().uuid()).min(1).max(BULK_MAX),
    decision: z.enum(DECIDABLE),
    /** An edited (redacted) text, for one comment released or kept private: released instead of the original. */
    text: z.string().trim().min(1).max(COMMENT_TEXT_MAX).optional(),
  })
  .strict();

export type DecideInput = z.input<typeof decideInput>;

/**
 * Records one decision on one or more comments of a campaign (a bulk decision on a selection),
 * each logged with who, when and the text it releases. All or nothing: a comment of another
 * campaign or of a target below the minimum (which nobody is shown) is "not found", one of a
 * unit outside the actor's is forbidden, and then nothing changes. An edited text goes with one
 * comment and a release or private decision; the same text as the original clears the edit.
 * Escalation issues a rectification order (source "comment", linked to the escalation's decision
 * row, for the target's unit and course, due in ESCALATION_DAYS) in the same transaction; a
 * comment escalated again while its order is open gets no second order (the order's dedupe key).
 */
export async function decideComments(db: DbOrTx, now: Date, actor: SessionUser, raw: DecideInput) {
  const input = parseInput(decideInput, raw);
  if (input.text !== undefined && (input.ids.length !== 1 || !(input.decision === "released" || input.decision === "private"))) {
    throw err("BAD_REQUEST", "editOne");
  }
  const ids = [...new Set(input.ids)];
  return db.transaction(async (tx) => {
    await reviewableCampaign(tx, input.campaignId);
    const scope = await reviewScope(tx, actor);
    const min = await anonymousMinimum(tx, input.campaignId);
    const found = await queryRows(
      tx,
      {
        id: col.text,
        unit_id: col.int.nullable,
        original: col.text,
        edited: col.text.nullable,
        course_id: col.int.nullable,
        course: col.text.nullable,
        section: col.text.nullable,
        teacher: col.text.nullable,
        subject: col.text.nullable,
      },
      sql`
      select c.id::text as id, coalesce(co.unit_id, pr.unit_id) as unit_id, c.original, c.edited, co.id as course_id,
        co.name as course, s.code as section, tp.name as teacher, coalesce(pr.name || ' ' || gc.graduation_year::text, em.name) as subject
      ${visibleFrom(
        input.campaignId,
        min,
        sql`c.id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      )}
      for update of c`,
    );
    if (found.length !== ids.length) throw err("NOT_FOUND", "notFound");
    if (found.some((c) => !inScope(scope, c.unit_id))) throw err("FORBIDDEN", "otherUnit");
    const rows = found.map((c) => {
      const edited = input.text === undefined ? c.edited : input.text === c.original ? null : input.text;
      return { id: c.id, edited };
    });
    const values = rows.map((r) => sql`(${r.id}::uuid, ${r.edited}::text)`);
    await tx.execute(sql`update student_comments c set decision = ${input.decision}, edited = v.edited
      from (values ${sql.join(values, sql`, `)}) as v (id, edited) where c.id = v.id`);
    const log = rows.map(
      (r) => sql`(${r.id}::uuid, ${actor.id}::int, ${now.toISOString()}::timestamptz, ${input.decision}::text,
      ${input.decision === "released" || input.decision === "private" ? r.edited : null}::text)`,
    );
    const logged = await queryRows(
      tx,
      { id: col.int, comment_id: col.text },
      sql`
      insert into comment_decisions (comment_id, actor_id, at, decision, text) values ${sql.join(log, sql`, `)}
      returning id, comment_id::text as comment_id`,
    );
    const orders: number[] = [];
    const loggedIds = new Map(logged.map((l) => [l.comment_id, l.id])); // one logged decision per comment found
    if (input.decision === "escalated") {
      const deadline = beijingDate(now.getTime() + ESCALATION_DAYS * 86_400_000);
      for (const c of found) {
        if (c.unit_id === null) throw err("BAD_REQUEST", "noUnit");
        const where = [c.course, c.section, c.teacher].filter(Boolean).join(" ") || c.subject || "";
        const order = await createOrder(tx, now, actor, {
          source: "comment",
          sourceRef: { kind: "comment", id: atKey(loggedIds, c.id) },
          unitId: c.unit_id,
          courseId: c.course_id,
          deadline,
          dedupeKey: `comment:${c.id}`,
          content: translate("zh", "comments.orderContent", { where, text: c.edited ?? c.original }),
        });
        orders.push(order.id);
      }
    }
    return { decided: rows.length, decision: input.decision, orders };
  });
}

export const historyInput = z.object({ campaignId: idSchema, id: z.string().uuid() }).strict();

/** Every decision on one comment, newest first (who, when, decision, released text). */
export async function commentHistory(db: DbOrTx, actor: SessionUser, raw: z.input<typeof historyInput>) {
  const input = parseInput(historyInput, raw);
  await reviewableCampaign(db, input.campaignId);
  const scope = await reviewScope(db, actor);
  const min = await anonymousMinimum(db, input.campaignId);
  const c = await queryRows(
    db,
    { unit_id: col.int.nullable },
    sql`
    select coalesce(co.unit_id, pr.unit_id) as unit_id ${visibleFrom(input.campaignId, min, sql`c.id = ${input.id}::uuid`)}`,
  );
  const [found] = c;
  if (!found) throw err("NOT_FOUND", "notFound");
  if (!inScope(scope, found.unit_id)) throw err("FORBIDDEN", "otherUnit");
  return queryRows(
    db,
    { at: col.date, decision: col.text, text: col.text.nullable, actor: col.text, order_id: col.int.nullable },
    sql`
    select d.at, d.decision, d.text, p.name as actor,
      (select o.id from improvement_items o where o.source = 'comment' and o.source_ref->>'kind' = 'comment'
        and (o.source_ref->>'id')::int = d.id) as order_id
    from comment_decisions d join persons p on p.id = d.actor_id
    where d.comment_id = ${input.id}::uuid order by d.at desc, d.id desc`,
  );
}

export type { CommentDecision, CommentMark, MarkKind } from "@/db/schema/comments";
