import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRow } from "@/db/query";
import type { OrderFigure } from "@/db/schema";
import { formativeSql } from "../campaigns/kinds";

/**
 * Effectiveness (反馈与持续改进): an order raised from a figure (a teacher's composite, a
 * course's response rate, an observation score, a course's student score) keeps that figure
 * as it was (value, n, term) and the target the next measurement must reach (OrderFigure).
 * nextMeasurement finds that measurement: the same figure of the same teacher (and course) in
 * the first later term that has it, under each school year's policy in force. Score figures are on the 百分制 (the
 * figure × 100 / the policy's full mark), rates are shares (0–1); only reported targets (at or
 * above the policy's minimum of raters) count, as in every figure anyone sees; a formative
 * campaign's (server/campaigns/kinds.ts FORMATIVE_KINDS) do not (its classes enter no composite).
 *
 * The warning rules (server/warnings/kinds.ts) measure with the same fragments.
 */

/** The policy in force of every school year (its latest approved version) with its full mark. */
export const POLICIES_IN_FORCE = sql`(select distinct on (school_year) id, school_year, coalesce((policy->>'outOf')::float8, 100) as out_of
  from scoring_policies where status = 'approved' order by school_year, version desc)`;

/** The ratings counted in a teacher composite (json column `composite`): Σ n of its parts' groups. */
export const compositeNSql = (composite: SQL) => sql`(select coalesce(sum((g.value->>'n')::int), 0)
  from json_array_elements(${composite}->'parts') as p(part), json_each(p.part->'groups') as g)`;

export type Measurement = { termId: number; termCode: string; value: number; n: number };

const measures: Record<OrderFigure["figure"], (f: OrderFigure) => SQL> = {
  teacher_composite: (f) => sql`
    select t.id as term_id, t.code as term_code, tc.score * 100 / p.out_of as value, ${compositeNSql(sql`tc.composite`)} as n, t.starts_on
    from teacher_composites tc join ${POLICIES_IN_FORCE} p on p.id = tc.policy_id join terms t on t.id = tc.term_id
    where tc.teacher_id = ${f.teacherId} and tc.score is not null`,
  response_rate: (f) => sql`
    select t.id as term_id, t.code as term_code, sum(coalesce(tr.all_n, tr.n))::float8 / nullif(sum(tr.eligible), 0) as value,
      sum(coalesce(tr.all_n, tr.n))::int as n, t.starts_on
    from target_results tr join ${POLICIES_IN_FORCE} p on p.id = tr.policy_id join campaign_targets ct on ct.id = tr.target_id
      join campaigns c on c.id = ct.campaign_id join sections s on s.id = ct.section_id join terms t on t.id = s.term_id
    where ct.teacher_id = ${f.teacherId} and tr.rater_group = 'student' and tr.eligible > 0 and c.state in ('closed', 'published') and not ${formativeSql()}
      ${f.courseId ? sql`and s.course_id = ${f.courseId}` : sql``}
    group by t.id, t.code, t.starts_on`,
  observation_score: (f) => sql`
    select t.id as term_id, t.code as term_code, sum(tr.n * tr.mean * 100 / p.out_of) / sum(tr.n) as value, sum(tr.n)::int as n, t.starts_on
    from target_results tr join ${POLICIES_IN_FORCE} p on p.id = tr.policy_id join campaign_targets ct on ct.id = tr.target_id
      join sections s on s.id = ct.section_id join terms t on t.id = s.term_id
    where ct.teacher_id = ${f.teacherId} and tr.rater_group in ('supervisor', 'peer', 'leader') and tr.reported and tr.mean is not null
    group by t.id, t.code, t.starts_on`,
  // the students' score of the teacher's reported classes (of the course, when the order names one), n-weighted
  student_score: (f) => sql`
    select t.id as term_id, t.code as term_code, sum(tr.n * tr.mean * 100 / p.out_of) / sum(tr.n) as value, sum(tr.n)::int as n, t.starts_on
    from target_results tr join ${POLICIES_IN_FORCE} p on p.id = tr.policy_id join campaign_targets ct on ct.id = tr.target_id
      join campaigns c on c.id = ct.campaign_id join sections s on s.id = ct.section_id join terms t on t.id = s.term_id
    where ct.teacher_id = ${f.teacherId} and tr.rater_group = 'student' and tr.reported and tr.mean is not null
      and c.state in ('closed', 'published') and not ${formativeSql()} ${f.courseId ? sql`and s.course_id = ${f.courseId}` : sql``}
    group by t.id, t.code, t.starts_on`,
};

/** The figure's first measurement in a term after the order's, or null while there is none. */
export async function nextMeasurement(db: DbOrTx, f: OrderFigure): Promise<Measurement | null> {
  const row = await queryRow(
    db,
    { term_id: col.int, term_code: col.text, value: col.num, n: col.int },
    sql`
    select m.term_id, m.term_code, m.value, m.n from (${measures[f.figure](f)}) m
    where m.value is not null and m.starts_on > (select starts_on from terms where id = ${f.termId})
    order by m.starts_on limit 1`,
  );
  return row ? { termId: row.term_id, termCode: row.term_code, value: row.value, n: row.n } : null;
}

export type Effect = { before: OrderFigure; next: Measurement | null; met: boolean | null };

/** Before and at the next measurement, and whether the target is reached (null while unmeasured). */
export async function effectOf(db: DbOrTx, f: OrderFigure | null): Promise<Effect | null> {
  if (!f) return null;
  const next = await nextMeasurement(db, f);
  return { before: f, next, met: next ? next.value >= f.target : null };
}
