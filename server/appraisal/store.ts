import { and, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { appraisalExemptions, appraisalResults, appraisalRuns, appraisalVetoes } from "@/db/schema";
import { col, queryRows } from "@/db/query";
import { unitCollegesSql } from "../org/tree";
import type { Figures, TargetInput } from "../scoring/figures";
import type { ScoringPolicy } from "../scoring/policy";
import { bandTeachers, type BandOutcome, type BandResult, type BandTeacher } from "./band";
import { rulesOf, type ExemptionKind } from "./rules";

/**
 * The bands of a school year, computed with its figures: the recompute (server/scoring/compute.ts)
 * calls storeBands in its transaction after writing the figures, so every run bands the year's
 * teachers with the rest, in the app and in `npm run scores` alike.
 *
 * Who is banded: every teacher with a school-year composite row (any section target of the
 * year, score or not), and every teacher with a veto in force for the year. Per teacher:
 *   score, se       the school-year composite and its standard error (figures.ts)
 *   unitId          the teacher's college (quota scope "unit")
 *   terms           terms of the year in which the teacher has a composite with a score
 *   responseRate    Σ valid n ÷ Σ eligible over the teacher's student targets of the year
 *                   (not those of a formative campaign: server/campaigns/kinds.ts FORMATIVE_KINDS)
 */

export type BandInputs = { teachers: BandTeacher[]; vetoes: Map<number, string>; exemptions: Map<number, ExemptionKind> };

export function bandTeachersOf(figures: Figures, inputs: readonly TargetInput[]): BandTeacher[] {
  const inputOf = new Map(inputs.map((t) => [`${t.targetId}|${t.group}`, t]));
  const college = new Map<number, number | null>();
  for (const t of inputs) if (t.teacherId !== null && !college.has(t.teacherId)) college.set(t.teacherId, t.teacherCollegeId);
  const rate = new Map<number, { n: number; eligible: number }>();
  for (const f of figures.targets) {
    if (f.group !== "student") continue;
    const t = inputOf.get(`${f.targetId}|${f.group}`);
    if (!t || t.teacherId === null || t.sectionId === null || t.formative === true || f.valid.eligible === null) continue;
    const r = rate.get(t.teacherId) ?? { n: 0, eligible: 0 };
    r.n += f.valid.n;
    r.eligible += f.valid.eligible;
    rate.set(t.teacherId, r);
  }
  const terms = new Map<number, number>();
  for (const c of figures.composites) if (c.termId !== null && c.score !== null) terms.set(c.teacherId, (terms.get(c.teacherId) ?? 0) + 1);
  return figures.composites
    .filter((c) => c.termId === null)
    .map((c) => {
      const r = rate.get(c.teacherId);
      return {
        teacherId: c.teacherId,
        unitId: college.get(c.teacherId) ?? null,
        score: c.score,
        se: c.se ?? null,
        terms: terms.get(c.teacherId) ?? 0,
        responseRate: r && r.eligible > 0 ? r.n / r.eligible : null,
      };
    });
}

/** The vetoes and exemptions in force for a year, and the vetoed teachers the figures do not hold (with their college). */
export async function recordedFor(db: DbOrTx, schoolYear: string, have: ReadonlySet<number>) {
  const vetoes = await db
    .select({ teacherId: appraisalVetoes.teacherId, code: appraisalVetoes.code })
    .from(appraisalVetoes)
    .where(and(eq(appraisalVetoes.schoolYear, schoolYear), isNull(appraisalVetoes.revokedAt)));
  const exemptions = await db
    .select({ teacherId: appraisalExemptions.teacherId, kind: appraisalExemptions.kind })
    .from(appraisalExemptions)
    .where(and(eq(appraisalExemptions.schoolYear, schoolYear), isNull(appraisalExemptions.revokedAt)));
  const extra = vetoes.map((v) => v.teacherId).filter((id) => !have.has(id));
  const colleges =
    extra.length === 0
      ? []
      : await queryRows(
          db,
          { id: col.int, college: col.int.nullable },
          sql`
    select p.id, uc.college_id as college
    from persons p left join (${unitCollegesSql()}) uc on uc.unit_id = p.unit_id
    where p.id = any(${`{${extra.join(",")}}`}::int[])`,
        );
  return {
    vetoes: new Map(vetoes.map((v) => [v.teacherId, v.code])),
    exemptions: new Map(exemptions.map((e) => [e.teacherId, e.kind])),
    extra: colleges.map((c) => ({ teacherId: c.id, unitId: c.college })),
  };
}

/** What a band row stores besides its typed columns. */
export function detailOf(r: BandResult, groups?: { used: string[]; missing: string[] }): Record<string, unknown> {
  return { scoreBand: r.scoreBand, evidence: r.evidence, crossed: r.crossed, exemption: r.exemption, groups: groups ?? null };
}

export async function storeBands(
  tx: DbOrTx,
  p: { id: number; schoolYear: string; policy: ScoringPolicy },
  runId: number,
  figures: Figures,
  inputs: readonly TargetInput[],
): Promise<BandOutcome> {
  const rules = rulesOf(p.policy);
  const teachers = bandTeachersOf(figures, inputs);
  const recorded = await recordedFor(tx, p.schoolYear, new Set(teachers.map((t) => t.teacherId)));
  for (const e of recorded.extra)
    teachers.push({ teacherId: e.teacherId, unitId: e.unitId, score: null, se: null, terms: 0, responseRate: null });
  const outcome = bandTeachers(rules, teachers, { vetoes: recorded.vetoes, exemptions: recorded.exemptions, outOf: p.policy.outOf });
  const groupsOf = new Map(
    figures.composites
      .filter((c) => c.termId === null)
      .map((c) => [
        c.teacherId,
        {
          used: [...new Set(c.parts.flatMap((pt) => Object.keys(pt.used)))],
          missing: c.missing,
        },
      ]),
  );
  await tx.delete(appraisalResults).where(eq(appraisalResults.policyId, p.id));
  // One statement with one parameter (the rows as JSON, read back by jsonb_to_recordset): a bulk
  // insert of 2,000 rows × 17 bound values costs the driver and the planner far more.
  const rows = outcome.teachers.map((r) => ({
    teacher_id: r.teacherId,
    unit_id: r.unitId,
    score: r.score,
    se: r.se,
    ci_low: r.ci95?.[0] ?? null,
    ci_high: r.ci95?.[1] ?? null,
    band: r.band,
    reason: r.reason,
    veto_code: r.veto,
    borderline: r.borderline,
    annual_fail: r.annualFail,
    rank: r.rank,
    rank_of: r.rankOf,
    detail: detailOf(r, groupsOf.get(r.teacherId)),
  }));
  if (rows.length > 0) {
    await tx.execute(sql`insert into appraisal_results (policy_id, run_id, school_year, teacher_id, unit_id, score, se, ci_low, ci_high,
        band, reason, veto_code, borderline, annual_fail, rank, rank_of, detail)
      select ${p.id}::int, ${runId}::int, ${p.schoolYear}::text, r.teacher_id, r.unit_id, r.score, r.se, r.ci_low, r.ci_high,
        r.band, r.reason, r.veto_code, r.borderline, r.annual_fail, r.rank, r.rank_of, r.detail
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(teacher_id int, unit_id int, score float8, se float8, ci_low float8,
        ci_high float8, band text, reason text, veto_code text, borderline boolean, annual_fail boolean, rank int, rank_of int, detail jsonb)`);
  }
  await tx
    .insert(appraisalRuns)
    .values({ policyId: p.id, runId, schoolYear: p.schoolYear, rules, quota: outcome.quota })
    .onConflictDoUpdate({ target: appraisalRuns.policyId, set: { runId, schoolYear: p.schoolYear, rules, quota: outcome.quota } });
  return outcome;
}
