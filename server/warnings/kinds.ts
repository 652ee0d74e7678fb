import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import type { OrderFigure, WarningEvidence } from "@/db/schema";
import { formativeSql } from "../campaigns/kinds";
import { compositeNSql, POLICIES_IN_FORCE } from "../improvement/figures";

/**
 * The kinds of warning rule (教学质量预警, seed 003 第40条), one registry: a rule names its
 * kind and gives the kind's parameters; everything else (the rule set's check, evaluation
 * after a recompute, the warnings, the orders, the page's form) reads this table, so a new
 * kind (attainment, a programme indicator) is one entry here, its messages and its tests, plus
 * a new figure where its orders need one (CONTRIBUTING.md, "A new warning kind").
 *
 * Each kind measures one figure of the recompute's school year under its policy, over
 * reported figures only (never a group below its minimum of raters), and returns a hit per
 * subject below the rule's threshold with the evidence: the figure, its value, its n, the
 * threshold. Scores are compared on the 百分制 (× 100 / the policy's full mark), so a rule
 * means the same under every policy; rates are shares 0–1.
 */

export type EvalContext = { policyId: number; schoolYear: string; outOf: number };

export type Hit = {
  /** The subject with its period: one warning per rule and subject key. */
  subjectKey: string;
  unitId: number;
  teacherId: number | null;
  sectionId: number | null;
  courseId: number | null;
  termId: number | null;
  evidence: WarningEvidence;
  /** The figure an order raised from the warning is measured by, with the target it must reach. */
  figure: OrderFigure | null;
};

/** A parameter's bounds: outside them the threshold is impossible. */
export type ParamSpec = { name: string; min: number; max: number; minOpen?: boolean; default: number };

export type WarningKind = {
  id: string;
  params: readonly ParamSpec[];
  evaluate(db: DbOrTx, ctx: EvalContext, params: Record<string, number>): Promise<Hit[]>;
};

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const score = <const N extends string>(name: N, def: number) => ({ name, min: 0, max: 100, default: def });

/**
 * A kind whose `evaluate` reads its own parameters by name. A stored rule holds every
 * parameter its kind declares (rules.ts fills the defaults when the rule set is saved), so
 * each is read once here, present, and a rule without one is a broken rule set (thrown).
 */
function defineKind<const I extends string, const N extends string>(k: {
  id: I;
  params: readonly (ParamSpec & { name: N })[];
  evaluate(db: DbOrTx, ctx: EvalContext, params: Record<N, number>): Promise<Hit[]>;
}): WarningKind & { id: I } {
  return {
    id: k.id,
    params: k.params,
    evaluate(db, ctx, stored) {
      const params = {} as Record<N, number>;
      for (const { name } of k.params) {
        const v = stored[name];
        if (v === undefined) throw new TypeError(`warning kind ${k.id}: the rule has no parameter "${name}"`);
        params[name] = v;
      }
      return k.evaluate(db, ctx, params);
    },
  };
}

/** A teacher's term composites of the run, on the 百分制, with n and the teacher's unit. */
const composites = (ctx: EvalContext) => sql`
  select tc.teacher_id, tc.term_id, tc.score * 100 / ${ctx.outOf}::float8 as value, ${compositeNSql(sql`tc.composite`)} as n, pe.unit_id
  from teacher_composites tc join persons pe on pe.id = tc.teacher_id
  where tc.policy_id = ${ctx.policyId} and tc.term_id is not null and tc.score is not null and pe.unit_id is not null`;

const compositeRow = { teacher_id: col.int, term_id: col.int, value: col.num, n: col.int, unit_id: col.int };

const teacherHit = (
  r: { teacher_id: number; term_id: number; unit_id: number; value: number; n: number },
  evidence: WarningEvidence,
  target: number,
): Hit => ({
  subjectKey: `teacher:${r.teacher_id}:term:${r.term_id}`,
  unitId: r.unit_id,
  teacherId: r.teacher_id,
  sectionId: null,
  courseId: null,
  termId: r.term_id,
  evidence,
  figure: { figure: "teacher_composite", teacherId: r.teacher_id, termId: r.term_id, value: round(r.value), n: r.n, target: round(target) },
});

/** Section targets of the run's section campaigns that are closed or published (not formative ones: FORMATIVE_KINDS). */
const sectionTargets = sql`campaign_targets ct join campaigns c on c.id = ct.campaign_id and c.state in ('closed', 'published')
  and not ${formativeSql()}
  join sections s on s.id = ct.section_id join courses co on co.id = s.course_id`;
const sectionRow = {
  target_id: col.int,
  teacher_id: col.int,
  section_id: col.int,
  course_id: col.int,
  unit_id: col.int,
  term_id: col.int,
  value: col.num,
  n: col.int,
};

/**
 * The section targets whose score from these rater groups (the valid responses' mean, on the
 * 百分制) is under the threshold: reported targets only, one hit per target and group. An
 * observation hit names its rater group in the evidence; a student hit needs not.
 */
async function sectionScoresBelow(
  db: DbOrTx,
  ctx: EvalContext,
  groups: readonly string[],
  threshold: number,
  figure: "observation_score" | "student_score",
): Promise<Hit[]> {
  const rows = await queryRows(
    db,
    { ...sectionRow, group: col.text },
    sql`
    select ct.id as target_id, ct.teacher_id, ct.section_id, s.course_id, co.unit_id, s.term_id,
      tr.mean * 100 / ${ctx.outOf}::float8 as value, tr.n, tr.rater_group::text as group
    from target_results tr join ${sectionTargets} on ct.id = tr.target_id
    where tr.policy_id = ${ctx.policyId} and tr.rater_group::text in (${sql.join(
      groups.map((g) => sql`${g}`),
      sql`, `,
    )}) and tr.reported
      and tr.mean is not null and ct.teacher_id is not null and tr.mean * 100 / ${ctx.outOf}::float8 < ${threshold}`,
  );
  return rows.map((r) => ({
    subjectKey: `target:${r.target_id}:${r.group}`,
    unitId: r.unit_id,
    teacherId: r.teacher_id,
    sectionId: r.section_id,
    courseId: r.course_id,
    termId: r.term_id,
    evidence: { figure, value: round(r.value), n: r.n, threshold, ...(figure === "observation_score" ? { group: r.group } : {}) },
    figure: { figure, teacherId: r.teacher_id, courseId: r.course_id, termId: r.term_id, value: round(r.value), n: r.n, target: threshold },
  }));
}

export const WARNING_KINDS = [
  defineKind({
    // 教师综合评价得分低于某值
    id: "composite_below",
    params: [score("threshold", 70)],
    async evaluate(db, ctx, p) {
      const rows = await queryRows(db, compositeRow, sql`select * from (${composites(ctx)}) x where x.value < ${p.threshold}`);
      return rows.map((r) =>
        teacherHit(r, { figure: "teacher_composite", value: round(r.value), n: r.n, threshold: p.threshold }, p.threshold),
      );
    },
  }),
  defineKind({
    // 教师综合评价位于全校后 x%: rank (lowest first) within the term ≤ ⌈share · teachers⌉
    id: "composite_bottom_share",
    params: [{ name: "share", min: 0, max: 0.5, minOpen: true, default: 0.05 }],
    async evaluate(db, ctx, p) {
      const rows = await queryRows(
        db,
        { ...compositeRow, rank: col.int, of: col.int },
        sql`
        select * from (select x.*, rank() over w as rank, count(*) over (partition by x.term_id)::int as of
          from (${composites(ctx)}) x window w as (partition by x.term_id order by x.value)) y
        where y.rank <= ceil(${p.share}::float8 * y.of)`,
      );
      // the target of an order: the highest composite in the term's bottom share (its edge)
      const edge = new Map<number, number>();
      for (const r of rows) edge.set(r.term_id, Math.max(edge.get(r.term_id) ?? -Infinity, r.value));
      return rows.map((r) =>
        teacherHit(
          r,
          {
            figure: "teacher_composite",
            value: round(r.value),
            n: r.n,
            threshold: p.share,
            rank: r.rank,
            of: r.of,
          },
          edge.get(r.term_id) ?? r.value,
        ),
      );
    },
  }),
  defineKind({
    // 较上学期下降: more than the set amount and more than the combined 95 % intervals
    // (1.96 · √(se² + se_prev²)); the previous term's composite is under its year's policy in force
    id: "composite_drop",
    params: [{ name: "amount", min: 0, max: 100, minOpen: true, default: 5 }],
    async evaluate(db, ctx, p) {
      const rows = await queryRows(
        db,
        { ...compositeRow, previous: col.num, drop: col.num, interval: col.num, previous_term: col.int },
        sql`
        with pol as (select id, out_of from ${POLICIES_IN_FORCE} f where f.school_year <> ${ctx.schoolYear}
                     union all select ${ctx.policyId}::int, ${ctx.outOf}::float8),
        allc as (
          select tc.teacher_id, tc.term_id, tc.policy_id, t.starts_on, tc.score * 100 / pol.out_of as value,
            (tc.composite->>'se')::float8 * 100 / pol.out_of as se, ${compositeNSql(sql`tc.composite`)} as n
          from teacher_composites tc join pol on pol.id = tc.policy_id join terms t on t.id = tc.term_id
          where tc.score is not null),
        seq as (select allc.*, lag(value) over w as previous, lag(se) over w as previous_se, lag(term_id) over w as previous_term
          from allc window w as (partition by teacher_id order by starts_on))
        select s.teacher_id, s.term_id, s.value, s.n, pe.unit_id, s.previous, s.previous - s.value as drop,
          1.959963984540054 * sqrt(s.se ^ 2 + s.previous_se ^ 2) as interval, s.previous_term
        from seq s join persons pe on pe.id = s.teacher_id
        where s.policy_id = ${ctx.policyId} and pe.unit_id is not null and s.previous is not null
          and s.se is not null and s.previous_se is not null
          and s.previous - s.value > ${p.amount} and s.previous - s.value > 1.959963984540054 * sqrt(s.se ^ 2 + s.previous_se ^ 2)`,
      );
      return rows.map((r) =>
        teacherHit(
          r,
          {
            figure: "teacher_composite",
            value: round(r.value),
            n: r.n,
            threshold: p.amount,
            previous: round(r.previous),
            drop: round(r.drop),
            interval: round(r.interval),
            previousTermId: r.previous_term,
          },
          r.previous - p.amount,
        ),
      );
    },
  }),
  defineKind({
    // 教学班参评率低于下限 (students; closed or published campaigns only)
    id: "response_rate_below",
    params: [{ name: "floor", min: 0, max: 1, minOpen: true, default: 0.6 }],
    async evaluate(db, ctx, p) {
      const rows = await queryRows(
        db,
        { ...sectionRow, eligible: col.int },
        sql`
        select ct.id as target_id, ct.teacher_id, ct.section_id, s.course_id, co.unit_id, s.term_id,
          coalesce(tr.all_n, tr.n)::float8 / tr.eligible as value, coalesce(tr.all_n, tr.n) as n, tr.eligible
        from target_results tr join ${sectionTargets} on ct.id = tr.target_id
        where tr.policy_id = ${ctx.policyId} and tr.rater_group = 'student' and tr.eligible > 0 and ct.teacher_id is not null
          and coalesce(tr.all_n, tr.n)::float8 / tr.eligible < ${p.floor}`,
      );
      return rows.map((r) => ({
        subjectKey: `target:${r.target_id}:student`,
        unitId: r.unit_id,
        teacherId: r.teacher_id,
        sectionId: r.section_id,
        courseId: r.course_id,
        termId: r.term_id,
        evidence: { figure: "response_rate", value: round(r.value, 4), n: r.n, eligible: r.eligible, threshold: p.floor },
        figure: {
          figure: "response_rate",
          teacherId: r.teacher_id,
          courseId: r.course_id,
          termId: r.term_id,
          value: round(r.value, 4),
          n: r.n,
          target: p.floor,
        },
      }));
    },
  }),
  defineKind({
    // 听课评价得分低于某值 (supervisors, peers, leaders; reported targets)
    id: "observation_below",
    params: [score("threshold", 70)],
    evaluate: (db, ctx, p) => sectionScoresBelow(db, ctx, ["supervisor", "peer", "leader"], p.threshold, "observation_score"),
  }),
  defineKind({
    // 教学班学生评教得分低于某值: a section target's student score (the valid responses' mean,
    // on the 百分制) under its policy; reported targets only, so a class below the policy's
    // minimum of student raters is never a hit (nor a figure anyone sees)
    id: "section_score_below",
    params: [score("threshold", 70)],
    evaluate: (db, ctx, p) => sectionScoresBelow(db, ctx, ["student"], p.threshold, "student_score"),
  }),
] as const satisfies readonly WarningKind[];

export type WarningKindId = (typeof WARNING_KINDS)[number]["id"];
export const WARNING_KIND_IDS: WarningKindId[] = WARNING_KINDS.map((k) => k.id);

export function kindOf(id: string): WarningKind | undefined {
  return (WARNING_KINDS as readonly WarningKind[]).find((k) => k.id === id);
}
