// OBE attainment (达成度), direct method, as a pure function of the programme's outcome model,
// the offerings' assessment items and the students' scores. The app and `npm run attainment`
// both call computeAttainment; nothing here reads a clock, a file or the database. Inputs are
// assumed valid (server/attainment/validate.ts checks them first and reports every problem).
//
// Notation: an offering (course) c has items k with full marks full_k, each contributing to one
// course objective (课程目标) j with weight w_k (an objective's weights sum to 1); score_s,k is
// student s's score (a missing score counts 0); mean_k is the mean over the offering's students.
//
//   course objective, method "item_ratio" (default):   a(j) = Σ_k w_k · mean_k / full_k
//   course objective, method "weighted_marks":         a(j) = Σ_k w_k · mean_k / Σ_k w_k · full_k
//   per student, same method:  a(s, j) = Σ_k w_k · score_s,k / full_k   (resp. Σ w_k·score / Σ w_k·full)
//     (the mean of a(s, j) over students is a(j) under either method: both are linear in the scores)
//     reported as the share of students with a(s, j) ≥ threshold and the quartiles of a(s, ·)
//   course, aggregate "min" (default):   min over its objectives, the weakest named
//   course, aggregate "weighted_mean":   Σ_j m_j · a(j) / Σ_j m_j, m_j = Σ full_k of j's items
//     (the objective's marks, 目标分值)
//   indicator point (指标点) m:  A(m) = Σ_j v_j · a(j) / Σ_j v_j over the objectives j that support m,
//     v_j the numeric value of the link's strength (H/M/L, per programme, default 3/2/1)
//   graduation requirement (毕业要求): min over its points, the weakest named
//   attained: value ≥ threshold (within 1e-9, so that 0.7 computed as 0.6999999999999999 counts)
import type {
  AttainmentParams,
  AttainmentResult,
  CourseAggregate,
  CourseResult,
  IndirectObjective,
  IndirectRequirement,
  IndirectResult,
  IndirectValue,
  ItemResult,
  ObjectiveMethod,
  ObjectiveResult,
  PointContribution,
  PointResult,
  RequirementResult,
  Strength,
  StrengthValues,
  SurveySource,
} from "@/db/schema/attainment";
import { quantile } from "../scoring/stats";
import { at } from "@/server/shared/indexed";

// The stored result's types live with its column (db/schema/attainment.ts, typed there with $type).
export type {
  AttainmentParams,
  AttainmentResult,
  CourseAggregate,
  CourseResult,
  IndirectObjective,
  IndirectRequirement,
  IndirectResult,
  IndirectValue,
  ItemResult,
  ObjectiveMethod,
  ObjectiveResult,
  PointContribution,
  PointResult,
  RequirementResult,
  Strength,
  StrengthValues,
  SurveySource,
};

export const STRENGTHS = ["H", "M", "L"] as const satisfies readonly Strength[];
export const DEFAULT_STRENGTH_VALUES: StrengthValues = { H: 3, M: 2, L: 1 };

export const OBJECTIVE_METHODS = ["item_ratio", "weighted_marks"] as const satisfies readonly ObjectiveMethod[];
export const COURSE_AGGREGATES = ["min", "weighted_mean"] as const satisfies readonly CourseAggregate[];
export const DEFAULT_THRESHOLD = 0.7;
const EPS = 1e-9;

export type RequirementDef = { code: string; title?: string; points: { code: string; title?: string }[] };
export type SupportLink = { course: string; objective: string; point: string; strength: Strength };
export type AssessmentItem = { course: string; item: string; fullMarks: number; objective: string; weight: number };
export type ScoreRow = { course: string; student: string; item: string; score: number };

export type AttainmentInput = {
  requirements: RequirementDef[];
  support: SupportLink[];
  assessments: AssessmentItem[];
  scores: ScoreRow[];
  /** The students of each offering (course code → student ids); default: those with a score in the offering. */
  rosters?: Map<string, string[]>;
};

export const isAttained = (value: number, threshold: number) => value >= threshold - EPS;

const key = (...parts: string[]) => JSON.stringify(parts);

/** Direct attainment of every objective, course, point and requirement (inputs already validated). */
export function computeAttainment(input: AttainmentInput, params: AttainmentParams): AttainmentResult {
  const { threshold, method } = params;

  // Items by offering and objective, in file order.
  const byCourse = new Map<string, Map<string, AssessmentItem[]>>();
  for (const it of input.assessments) {
    const objs = byCourse.get(it.course) ?? new Map<string, AssessmentItem[]>();
    byCourse.set(it.course, objs);
    const list = objs.get(it.objective) ?? [];
    objs.set(it.objective, list);
    list.push(it);
  }

  // Scores by course, item and student; rosters (a course's students in a fixed order).
  const score = new Map<string, Map<string, Map<string, number>>>();
  const seen = new Map<string, Set<string>>();
  for (const s of input.scores) {
    let items = score.get(s.course);
    if (!items) score.set(s.course, (items = new Map<string, Map<string, number>>()));
    let students = items.get(s.item);
    if (!students) items.set(s.item, (students = new Map<string, number>()));
    students.set(s.student, s.score);
    let set = seen.get(s.course);
    if (!set) seen.set(s.course, (set = new Set()));
    set.add(s.student);
  }
  const roster = (course: string): string[] => input.rosters?.get(course) ?? [...(seen.get(course) ?? [])];

  const objectives: ObjectiveResult[] = [];
  const courses: CourseResult[] = [];
  const objectiveValue = new Map<string, number>();
  for (const [course, objs] of byCourse) {
    const students = roster(course);
    const n = students.length;
    const courseScores = score.get(course);
    // An item's scores in roster order (missing: 0).
    const column = (item: string): Float64Array => {
      const byStudent = courseScores?.get(item);
      return byStudent ? Float64Array.from(students, (s) => byStudent.get(s) ?? 0) : new Float64Array(n);
    };
    const perCourse: ObjectiveResult[] = [];
    for (const [objective, items] of objs) {
      const marksDenominator = items.reduce((a, it) => a + it.weight * it.fullMarks, 0);
      // a(s, j) for every student: Σ w_k · score_s,k / full_k (item_ratio) or Σ w_k · score_s,k / Σ w_k · full_k.
      const values = new Float64Array(n);
      const itemResults: ItemResult[] = items.map((it) => {
        const col = column(it.item);
        const factor = method === "item_ratio" ? it.weight / it.fullMarks : it.weight / marksDenominator;
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const v = at(col, i);
          sum += v;
          values[i] = at(values, i) + factor * v;
        }
        const m = n ? sum / n : 0;
        return { item: it.item, fullMarks: it.fullMarks, weight: it.weight, mean: m, ratio: m / it.fullMarks };
      });
      const attainment =
        method === "item_ratio"
          ? itemResults.reduce((a, r) => a + r.weight * r.ratio, 0)
          : itemResults.reduce((a, r) => a + r.weight * r.mean, 0) / marksDenominator;
      const sorted = Array.from(values).sort((a, b) => a - b);
      let attained = 0;
      for (const v of sorted) if (isAttained(v, threshold)) attained++;
      const result: ObjectiveResult = {
        course,
        objective,
        attainment,
        students: n,
        shareAtThreshold: n ? attained / n : 0,
        quartiles: n ? [quantile(sorted, 0.25), quantile(sorted, 0.5), quantile(sorted, 0.75)] : [0, 0, 0],
        studentValues: sorted,
        marks: items.reduce((a, it) => a + it.fullMarks, 0),
        items: itemResults,
        attained: isAttained(attainment, threshold),
      };
      perCourse.push(result);
      objectiveValue.set(key(course, objective), attainment);
    }
    objectives.push(...perCourse);
    const weakest = perCourse.reduce((w, o) => (o.attainment < w.attainment ? o : w));
    const attainment =
      params.courseAggregate === "min"
        ? weakest.attainment
        : perCourse.reduce((a, o) => a + o.marks * o.attainment, 0) / perCourse.reduce((a, o) => a + o.marks, 0);
    courses.push({ course, attainment, weakestObjective: weakest.objective, attained: isAttained(attainment, threshold) });
  }

  const linksByPoint = new Map<string, SupportLink[]>();
  for (const l of input.support) {
    const list = linksByPoint.get(l.point) ?? [];
    linksByPoint.set(l.point, list);
    list.push(l);
  }

  const points: PointResult[] = [];
  const requirements: RequirementResult[] = [];
  for (const req of input.requirements) {
    const own: PointResult[] = [];
    for (const p of req.points) {
      const contributions: PointContribution[] = (linksByPoint.get(p.code) ?? []).map((l) => ({
        course: l.course,
        objective: l.objective,
        strength: l.strength,
        value: params.strengthValues[l.strength],
        attainment: objectiveValue.get(key(l.course, l.objective)) ?? 0,
      }));
      const totalValue = contributions.reduce((a, c) => a + c.value, 0);
      const attainment = totalValue > 0 ? contributions.reduce((a, c) => a + c.value * c.attainment, 0) / totalValue : 0;
      own.push({ point: p.code, requirement: req.code, attainment, contributions, attained: isAttained(attainment, threshold) });
    }
    points.push(...own);
    const weakest = own.reduce((w, p) => (p.attainment < w.attainment ? p : w));
    requirements.push({
      requirement: req.code,
      ...(req.title ? { title: req.title } : {}),
      attainment: weakest.attainment,
      weakestPoint: weakest.point,
      attained: isAttained(weakest.attainment, threshold),
    });
  }

  return { params, objectives, courses, points, requirements };
}

/** The reproducible document (`npm run attainment --output`): its documented field names (docs/attainment.md), snake_case. */
export function attainmentDocument(r: AttainmentResult) {
  return {
    format: "tqe-attainment/1",
    threshold: r.params.threshold,
    method: r.params.method,
    course_aggregate: r.params.courseAggregate,
    strength_values: r.params.strengthValues,
    objectives: r.objectives.map((o) => ({
      course: o.course,
      objective: o.objective,
      attainment: o.attainment,
      students: o.students,
      share_at_threshold: o.shareAtThreshold,
      quartiles: o.quartiles,
      attained: o.attained,
    })),
    courses: r.courses.map((c) => ({
      course: c.course,
      attainment: c.attainment,
      weakest_objective: c.weakestObjective,
      attained: c.attained,
    })),
    points: r.points.map((p) => ({ point: p.point, requirement: p.requirement, attainment: p.attainment, attained: p.attained })),
    requirements: r.requirements.map((q) => ({
      requirement: q.requirement,
      attainment: q.attainment,
      weakest_point: q.weakestPoint,
      attained: q.attained,
    })),
  };
}
export type AttainmentDocument = ReturnType<typeof attainmentDocument>;

export type ShortfallLevel = "objective" | "point" | "requirement";
export type Shortfall = {
  level: ShortfallLevel;
  course?: string;
  code: string;
  attainment: number;
  threshold: number;
  next: number | null;
  recovered: boolean | null;
};

/**
 * What fell short of the threshold (requirements, points, course objectives), each with the
 * value of the same thing in the next year's result when there is one, and whether it recovered
 * (reached the next result's threshold).
 */
export function shortfalls(current: AttainmentResult, next?: AttainmentResult): Shortfall[] {
  const t = current.params.threshold;
  const nextValue = (level: ShortfallLevel, code: string, course?: string): number | null => {
    if (!next) return null;
    if (level === "requirement") return next.requirements.find((r) => r.requirement === code)?.attainment ?? null;
    if (level === "point") return next.points.find((p) => p.point === code)?.attainment ?? null;
    return next.objectives.find((o) => o.course === course && o.objective === code)?.attainment ?? null;
  };
  const entry = (level: ShortfallLevel, code: string, attainment: number, course?: string): Shortfall => {
    const n = nextValue(level, code, course);
    return {
      level,
      ...(course ? { course } : {}),
      code,
      attainment,
      threshold: t,
      next: n,
      recovered: n === null || !next ? null : isAttained(n, next.params.threshold),
    };
  };
  return [
    ...current.requirements.filter((r) => !r.attained).map((r) => entry("requirement", r.requirement, r.attainment)),
    ...current.points.filter((p) => !p.attained).map((p) => entry("point", p.point, p.attainment)),
    ...current.objectives.filter((o) => !o.attained).map((o) => entry("objective", o.objective, o.attainment, o.course)),
  ];
}

// Indirect attainment (间接评价) from the surveys, a pure function of the model's survey mapping
// and the item scores the store read from the surveys' reported groups (server/attainment/
// surveys.ts: only groups at or above the scoring policy's minimum of raters enter).
//
//   an item's score on 0–1: the mean over its answers of value / the scale's top (score.ts
//     itemScore with full mark 1), answers of every reported group of the source pooled
//   requirement r (indirect):  I(r) = mean of the scores of the items mapped to r, from the
//     graduating survey, the alumni waves before the fifth year and the employer survey
//   training objective o (indirect): the mean of the scores of the items mapped to o, or to a
//     requirement linked to o in the requirement → objective matrix, from the five-year alumni
//     wave and the employer survey (each item once)
//   training objective o (direct): the mean of the direct values of o's requirements
//   blended (only where the programme sets α):  α · direct + (1 − α) · indirect
//   n: the respondents of the reported groups of the sources behind the value
export const SURVEY_SOURCES = ["graduating", "alumni", "employer"] as const satisfies readonly SurveySource[];
/** A survey item mapped to a requirement or to a training objective (exactly one of the two). */
export type SurveyLink = { source: SurveySource; item: string; title?: string; requirement?: string; objective?: string };
/** An item's pooled score on 0–1 and how many answered it. */
export type SurveyItemScore = { source: SurveySource; item: string; value: number; n: number };
/** What the surveys give for one purpose: item scores and the respondents of each source's reported groups. */
export type SurveyEvidence = { items: SurveyItemScore[]; respondents: Partial<Record<SurveySource, number>> };

const itemKey = (source: string, item: string) => `${source}\u0000${item}`;

function meanOf(
  keys: Iterable<string>,
  scores: Map<string, SurveyItemScore>,
  respondents: SurveyEvidence["respondents"],
): IndirectValue | null {
  const items = [...new Set(keys)].map((k) => scores.get(k)).filter((x): x is SurveyItemScore => !!x && x.n > 0);
  if (!items.length) return null;
  const sources = new Set(items.map((i) => i.source));
  return {
    value: items.reduce((a, i) => a + i.value, 0) / items.length,
    n: [...sources].reduce((a, s) => a + (respondents[s] ?? 0), 0),
    items: items.map((i) => ({ source: i.source, item: i.item, value: i.value, n: i.n })),
  };
}

/** Indirect values of requirements and training objectives beside the direct ones (see above). */
export function computeIndirect(
  direct: AttainmentResult,
  model: {
    links: SurveyLink[];
    requirementObjectives: { requirement: string; objective: string }[];
    trainingObjectives: string[];
    alpha: number | null;
  },
  evidence: { requirements: SurveyEvidence; objectives: SurveyEvidence },
  withheld: IndirectResult["withheld"] = {},
): IndirectResult {
  const forReq = new Map(evidence.requirements.items.map((i) => [itemKey(i.source, i.item), i]));
  const forObj = new Map(evidence.objectives.items.map((i) => [itemKey(i.source, i.item), i]));
  const requirements = direct.requirements.map((r): IndirectRequirement => {
    const indirect = meanOf(
      model.links.filter((l) => l.requirement === r.requirement).map((l) => itemKey(l.source, l.item)),
      forReq,
      evidence.requirements.respondents,
    );
    return {
      requirement: r.requirement,
      direct: r.attainment,
      indirect,
      blended: indirect && model.alpha !== null ? model.alpha * r.attainment + (1 - model.alpha) * indirect.value : null,
    };
  });
  const directOf = trainingObjectiveValues(
    model.requirementObjectives,
    new Map(direct.requirements.map((r) => [r.requirement, r.attainment])),
  );
  const objectives = model.trainingObjectives.map((o): IndirectObjective => {
    const reqs = new Set(model.requirementObjectives.filter((l) => l.objective === o).map((l) => l.requirement));
    const keys = model.links
      .filter((l) => l.objective === o || (l.requirement !== undefined && reqs.has(l.requirement)))
      .map((l) => itemKey(l.source, l.item));
    return { objective: o, direct: directOf.get(o) ?? null, indirect: meanOf(keys, forObj, evidence.objectives.respondents) };
  });
  return { alpha: model.alpha, requirements, objectives, withheld };
}

/** Training objectives (培养目标) through the requirement → objective matrix: the mean of their requirements' values. */
export function trainingObjectiveValues(
  links: { requirement: string; objective: string }[],
  requirementValue: Map<string, number>,
): Map<string, number> {
  const acc = new Map<string, number[]>();
  for (const l of links) {
    const v = requirementValue.get(l.requirement);
    if (v === undefined) continue;
    acc.set(l.objective, [...(acc.get(l.objective) ?? []), v]);
  }
  return new Map([...acc].map(([k, vs]) => [k, vs.reduce((a, b) => a + b, 0) / vs.length]));
}
