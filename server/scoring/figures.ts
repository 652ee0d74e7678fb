import { COMPOSITE_GROUPS, composite, minRatersFor, type CompositeGroup, type RaterGroup, type ScoringPolicy } from "./policy";
import {
  chiSquareQuantile,
  classReliability,
  competitionRanks,
  iccLowerBound,
  normTable,
  oneWayAnova,
  percentileRanks,
  ratersNeeded,
  sampleSd,
  shrunkScore,
  summarize,
  tScore,
  zScores,
  type TargetSummary,
} from "./stats";
import { perRule, type PerRule } from "@/server/shared/scoring/quality";
import { at, atKey } from "@/server/shared/indexed";

/**
 * Every figure of a school year under one policy (statistics, reliability, norms, composites), from what the database
 * gathered per target × rater group (server/scoring/compute.ts). Pure and deterministic: the
 * order of the input does not matter (targets are taken in the order of their `key`), so the
 * app and `npm run scores` over an export give the same numbers to the last bit.
 *
 * Per target × rater group ("target"):
 *   all        the scored responses (a response whose every item is "na" or unanswered has no
 *              score: counted as `unscored`, in no figure)
 *   excluded   the responses a quality rule set to "exclude" catches (straight-lining: the same
 *              option everywhere; all-lowest: the lowest option everywhere), unless they are more
 *              than maxExcludedShare of `all`: then none is excluded and `capExceeded` is set
 *              (a cap, so that a rule never silently empties a class)
 *   valid      all − excluded: n, mean, trimmed mean, median, SD, SE (finite-population
 *              correction with N = eligible raters), 95 % CI (the t-interval cut at 0 and the full
 *              mark: stats.ts confidenceInterval), per option counts; `all` gets
 *              the same summary so that both are shown
 *   scale      figures are on the policy's full mark: response scores (0–100) × outOf/100
 *   reported   n ≥ the group's minimum (policy.minRaters): only reported targets enter norms
 *              and composites, and only they are shown to teachers
 *   N < n      (more answers than eligible raters, possible for imported data) leaves out the
 *              correction (N treated as unknown) and sets `eligibleBelowN`
 *
 * Reliability, per group of classes = targets with n ≥ 1 sharing rater group, instrument
 * version, unit (the college of the course; of the programme for alumni) and term (the campaign
 * when it has none): one-way ANOVA of the valid scores with classes as groups (stats.ts), ICC(1),
 * ICC(k), raters needed for 0.7 and 0.8; each class's own reliability for its n (Spearman–Brown)
 * and, for reported targets, the empirical-Bayes score shrunk toward the mean of its norm
 * group's class means by that reliability. Groups with fewer than 2 classes or no within-class
 * degree of freedom have no ICC: their classes have reliability and EB score null. An ICC(1)
 * that cannot be computed because nothing varies counts as 0.
 *
 * Norms, per norm group = reported targets sharing rater group, instrument version, term (or
 * campaign) and the policy's normGroup (unit | course_type | level): z against the group's class
 * means (sample SD), T = 50 + 10z, percentile rank (mid-rank), competition rank (1 = best).
 * A place among others means something only if the figure is reliable, and known to be: each
 * class also gets `reliabilityLow`, its Spearman–Brown reliability at the lower limit of the 95 %
 * confidence interval of its group's ICC(1) (stats.ts iccLowerBound: F-based, so an ICC resting
 * on three classes of three observers has a low limit). A target whose reliabilityLow is below
 * policy.minReliability (default 0.7), or unknown, keeps its figures but not its norm (`norm`
 * null, `rankWithheld` true); it still counts in the others' norms (its mean is the best
 * estimate there is). Three observers in a college's few classes do not reach 0.7 this way (an
 * estimate of 0.95 from three classes has a limit of 0.61); fifty students in six classes with
 * ICC(1) 0.16 do (limit about 0.75).
 *
 * Composites, per teacher per term and per school year, over the teacher's section targets of
 * that period (not those of a formative campaign, TargetInput.formative): for each course type taught, each composite group's figure (policy.compositeOf:
 * mean, trimmed mean or EB score) pooled over the reported targets weighted by their n; the
 * course type's weight table applied with composite() (renormalised over the groups present,
 * missing ones flagged); several course types combined weighted by the valid n that counted
 * in each. Teachers with a composite are normed (z, T, percentile) within their college
 * (normGroup "unit") or the school (otherwise), and ranked within their teaching office,
 * their college and the school.
 *
 * Composite reliability (classical test theory: reliability = 1 − error variance / observed
 * variance), per teacher and period: the composite is Σ w_j·x_j over its parts j (course type ×
 * rater group, w_j = the part's share of the n-weighted combination × the group's renormalised
 * weight); a part's x_j pools the teacher's targets t of that group, n-weighted, each with error
 * variance MSW_t/n_t (MSW of the target's reliability group: the spread of raters within a
 * class), so Var(e_j) = Σ_t (n_t/N_j)²·MSW_t/n_t, and errors of different parts are independent
 * (different raters): Var(e) = Σ w_j²·Var(e_j). The observed variance is the sample variance of
 * the composites of the teacher's norm group (college or school) in the period:
 * reliability = min(1, max(0, 1 − Var(e)/Var(C))). Unknown (null) when a counted target has no
 * ANOVA (its group had fewer than 2 classes or no within-class df, e.g. self-evaluations) or
 * the norm group has fewer than 2 composites or no spread. The error variance of a mean stands
 * for that of the trimmed mean or EB score when the policy composes those. `reliabilityLow`:
 * the same with the observed variance at the lower limit of its 95 % interval,
 * (m − 1)·s²/χ²_0.975(m − 1) over the m composites of the group (the error variances, pooled over
 * many ratings, are taken as known). Below policy.minReliability (reliabilityLow, or unknown)
 * the composite keeps its score but not its norm and ranks (`rankWithheld`); it still counts
 * in the others'.
 */

/**
 * The version of the definitions above: raise it when a change alters stored figures, and
 * the scheduler recomputes every school year once (compute.ts fingerprint). 2: 95 % intervals
 * cut at the ends of the scale; reliability at the lower limit of its 95 % interval; norms and ranks only where
 * that reaches the policy's minimum; composite reliability. 3: the composite's standard error
 * (`se`, and each pooled group's) from which appraisal draws its 95 % interval.
 */
export const FIGURES_VERSION = 3;

export type TargetInput = {
  /** Stable identity across databases: campaign / section / teacher / target label. Sorting key. */
  key: string;
  targetId: number;
  group: RaterGroup;
  campaignId: number;
  /** The term, or the campaign when it has none: reliability and norm groups stay within it. */
  periodKey: string;
  termId: number | null;
  schoolYear: string;
  versionId: number;
  unitId: number | null;
  courseType: string | null;
  level: string | null;
  teacherId: number | null;
  sectionId: number | null;
  teacherOfficeId: number | null;
  teacherCollegeId: number | null;
  /**
   * Its campaign is of a formative kind (server/campaigns/kinds.ts FORMATIVE_KINDS, e.g. the
   * mid-term feedback): its figures are computed like any other, but it enters no composite.
   */
  formative?: boolean;
  /** Scored totals (0–100), ascending. */
  totals: number[];
  /** The totals of the responses a rule set to "exclude" catches, ascending (a sub-multiset of totals). */
  excludable: number[];
  unscored: number;
  eligible: number | null;
  /** Per item (id "q" or "q/row"): counts per option position (lowest first, "na" last) over all scored responses. */
  counts: Record<string, number[]>;
  /** The same over the excludable responses. */
  countsExcludable: Record<string, number[]>;
} & PerRule<number>; // the responses each quality rule flagged

export type Summary = TargetSummary;

export type TargetFigures = {
  key: string;
  targetId: number;
  group: RaterGroup;
  versionId: number;
  valid: Summary;
  all: Summary;
  /** The unscored, per quality rule (quality.ts) the flagged, the excluded, whether the cap stopped exclusion. */
  quality: { unscored: number; excluded: number; capExceeded: boolean } & PerRule<number>;
  eligibleBelowN: boolean;
  reported: boolean;
  /** Per item, counts per option position of the valid responses (lowest first, "na" last). */
  counts: Record<string, number[]>;
  reliability: number | null;
  /** the reliability at the lower limit of the 95 % interval of the group's ICC(1); ranks need it */
  reliabilityLow: number | null;
  ebScore: number | null;
  norm: { z: number | null; t: number | null; percentileRank: number; rank: number; of: number; mean: number } | null;
  /** reported, but its reliability (reliabilityLow) is below the policy's minimum (or unknown): no norm. */
  rankWithheld: boolean;
};

export type ReliabilityFigures = {
  key: string;
  group: RaterGroup;
  versionId: number;
  unitId: number | null;
  termId: number | null;
  campaignId: number | null;
  k: number;
  N: number;
  n0: number | null;
  msb: number | null;
  msw: number | null;
  icc1: number | null;
  icck: number | null;
  ratersFor07: number | null;
  ratersFor08: number | null;
  /** why there is no ICC: fewer than 2 classes, or no class with more than one rating */
  unavailable: "tooFewClasses" | "noWithinClassDf" | null;
};

export type CompositePart = {
  courseType: string | null;
  score: number | null;
  weight: number;
  /** se: the pooled figure's standard error, √Σ (n_t/n)²·SE_t² over its targets (null when one has none) */
  groups: Partial<Record<CompositeGroup, { score: number; n: number; targets: number; se?: number | null }>>;
  used: Partial<Record<CompositeGroup, number>>;
  missing: CompositeGroup[];
};

export type CompositeFigures = {
  teacherId: number;
  termId: number | null;
  schoolYear: string;
  score: number | null;
  parts: CompositePart[];
  missing: CompositeGroup[];
  renormalised: boolean;
  /**
   * standard error of the composite: √Σ (part share × group weight)²·SE_group² over the groups
   * used (parts' errors independent); null when a used group's SE is unknown (a single rating)
   */
  se: number | null;
  /** 1 − error variance / variance of the norm group's composites; null when unknown */
  reliability: number | null;
  /** the same with that variance at the lower limit of its 95 % interval: what ranks need */
  reliabilityLow: number | null;
  norm: { z: number | null; t: number | null; percentileRank: number; of: number } | null;
  ranks: {
    office: number | null;
    officeOf: number | null;
    college: number | null;
    collegeOf: number | null;
    school: number | null;
    schoolOf: number | null;
  };
  /** a score, but its reliability is below the policy's minimum (or unknown): no norm, no ranks. */
  rankWithheld: boolean;
};

export type Figures = { targets: TargetFigures[]; reliability: ReliabilityFigures[]; composites: CompositeFigures[] };

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** a − b for ascending arrays where b is a sub-multiset of a (a itself when b is empty). */
function without(a: readonly number[], b: readonly number[]): readonly number[] {
  if (b.length === 0) return a;
  const out: number[] = [];
  let j = 0;
  for (const x of a) {
    if (j < b.length && x === b[j]) j++;
    else out.push(x);
  }
  return out;
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

const pick = (p: ScoringPolicy, t: TargetFigures): number | null =>
  p.compositeOf === "mean" ? t.valid.mean : p.compositeOf === "trimmed_mean" ? t.valid.trimmedMean : t.ebScore;

export function computeFigures(policy: ScoringPolicy, inputs: readonly TargetInput[]): Figures {
  const scale = policy.outOf / 100;
  const sortedInputs = [...inputs].sort((a, b) => cmp(a.key, b.key) || cmp(a.group, b.group));
  const inputOfFigure = new Map<TargetFigures, TargetInput>();
  const validArrays = new Map<TargetInput, readonly number[]>();

  // ---- per target
  const targets: TargetFigures[] = sortedInputs.map((t) => {
    const cap = t.excludable.length > policy.quality.maxExcludedShare * t.totals.length;
    const excluded = cap ? [] : t.excludable;
    const all = scale === 1 ? t.totals : t.totals.map((x) => x * scale);
    const validRaw = without(t.totals, excluded);
    const valid = scale === 1 ? validRaw : validRaw.map((x) => x * scale);
    const eligibleBelowN = t.eligible !== null && t.eligible < t.totals.length;
    const N = eligibleBelowN ? null : t.eligible;
    let counts = t.counts;
    if (excluded.length > 0) {
      counts = {};
      for (const [item, c] of Object.entries(t.counts)) {
        const e = t.countsExcludable[item];
        counts[item] = e ? c.map((x, i) => x - (e[i] ?? 0)) : c;
      }
    }
    const validSummary = summarize(valid, N, policy.trim, policy.outOf);
    validArrays.set(t, valid);
    const figure: TargetFigures = {
      key: t.key,
      targetId: t.targetId,
      group: t.group,
      versionId: t.versionId,
      // nothing excluded: all is valid (the same numbers, computed once)
      valid: validSummary,
      all: excluded.length === 0 ? validSummary : summarize(all, N, policy.trim, policy.outOf),
      quality: { unscored: t.unscored, ...perRule((r) => t[r.id]), excluded: excluded.length, capExceeded: cap },
      eligibleBelowN,
      reported: valid.length >= minRatersFor(policy, t.group),
      counts,
      reliability: null,
      reliabilityLow: null,
      ebScore: null,
      norm: null,
      rankWithheld: false,
    };
    inputOfFigure.set(figure, t);
    return figure;
  });
  const inputOf = (f: TargetFigures) => atKey(inputOfFigure, f);
  const validScores = (f: TargetFigures) => atKey(validArrays, inputOf(f));

  // ---- norms (reported targets), needed first for the EB score's norm mean
  const normKey = (t: TargetInput) => {
    const by = policy.normGroup === "unit" ? t.unitId : policy.normGroup === "course_type" ? t.courseType : t.level;
    return `${t.group}|${t.versionId}|${t.periodKey}|${by ?? ""}`;
  };
  const normMeans = new Map<string, number>();
  for (const [k, members] of groupBy(
    targets.filter((f) => f.reported),
    (f) => normKey(inputOf(f)),
  )) {
    const means = members.map((f) => {
      if (f.valid.mean === null) throw new TypeError(`computeFigures: the reported target ${f.key} has no mean`);
      return f.valid.mean;
    });
    const normMean = means.reduce((a, b) => a + b, 0) / means.length;
    const table = normTable(means);
    normMeans.set(k, normMean);
    members.forEach((f, i) => {
      const entry = at(table, i);
      f.norm = {
        z: entry.z,
        t: entry.t,
        percentileRank: entry.percentileRank,
        rank: entry.rank,
        of: members.length,
        mean: normMean,
      };
    });
  }

  // ---- reliability groups
  const relKey = (t: TargetInput) => `${t.group}|${t.versionId}|${t.unitId ?? ""}|${t.periodKey}`;
  const reliability: ReliabilityFigures[] = [];
  /** MSW/n of every target in a reliability group with an ANOVA: the error variance of its mean. */
  const errorVariance = new Map<TargetFigures, number>();
  for (const [k, members] of groupBy(
    targets.filter((f) => f.valid.n > 0),
    (f) => relKey(inputOf(f)),
  )) {
    const first = inputOf(at(members, 0)); // a group has members
    const N = members.reduce((a, f) => a + f.valid.n, 0);
    const base = {
      key: k,
      group: first.group,
      versionId: first.versionId,
      unitId: first.unitId,
      termId: first.termId,
      campaignId: first.termId === null ? first.campaignId : null,
      k: members.length,
      N,
    };
    if (members.length < 2 || N <= members.length) {
      reliability.push({
        ...base,
        n0: null,
        msb: null,
        msw: null,
        icc1: null,
        icck: null,
        ratersFor07: null,
        ratersFor08: null,
        unavailable: members.length < 2 ? "tooFewClasses" : "noWithinClassDf",
      });
      continue;
    }
    const anova = oneWayAnova(members.map(validScores));
    const icc = anova.icc1 ?? 0;
    const iccLow = iccLowerBound(anova) ?? 0;
    reliability.push({
      ...base,
      n0: anova.n0,
      msb: anova.msb,
      msw: anova.msw,
      icc1: anova.icc1,
      icck: anova.iccK,
      ratersFor07: ratersNeeded(icc, 0.7),
      ratersFor08: ratersNeeded(icc, 0.8),
      unavailable: null,
    });
    for (const f of members) {
      errorVariance.set(f, anova.msw / f.valid.n);
      f.reliability = classReliability(icc, f.valid.n);
      f.reliabilityLow = classReliability(Math.min(iccLow, icc), f.valid.n);
      const nm = f.reported ? normMeans.get(normKey(inputOf(f))) : undefined;
      if (nm !== undefined && f.valid.mean !== null) f.ebScore = shrunkScore(f.valid.mean, nm, f.reliability);
    }
  }

  // ---- a place among others only for reliable targets
  for (const f of targets) {
    if (f.norm !== null && !(f.reliabilityLow !== null && f.reliabilityLow >= policy.minReliability)) {
      f.norm = null;
      f.rankWithheld = true;
    }
  }

  // ---- composites
  const composites: CompositeFigures[] = [];
  /** Var(e) of each composite with a score (null: a counted target has no error variance). */
  const compositeError = new Map<CompositeFigures, number | null>();
  const teacherTargets = targets.filter((f) => {
    const t = inputOf(f);
    return (
      t.teacherId !== null && t.sectionId !== null && t.formative !== true && (COMPOSITE_GROUPS as readonly string[]).includes(f.group)
    );
  });
  const periods = groupBy(teacherTargets, (f) => {
    const t = inputOf(f);
    return `${t.teacherId}|${t.termId ?? ""}`;
  });
  const years = groupBy(teacherTargets, (f) => `${inputOf(f).teacherId}|year`);
  const compositeOf = (members: TargetFigures[], termId: number | null): CompositeFigures => {
    const first = inputOf(at(members, 0)); // a group has members
    const parts: CompositePart[] = [];
    /** per part, the error variance of each group's pooled figure (null: unknown) */
    const partErrors: Partial<Record<CompositeGroup, number | null>>[] = [];
    for (const [type, ofType] of groupBy(members, (f) => inputOf(f).courseType ?? "")) {
      const groups: CompositePart["groups"] = {};
      const errors: Partial<Record<CompositeGroup, number | null>> = {};
      for (const g of COMPOSITE_GROUPS) {
        const counted = ofType.flatMap((f) => {
          const picked = f.group === g && f.reported ? pick(policy, f) : null;
          return picked === null ? [] : [{ f, picked }];
        });
        if (counted.length === 0) continue;
        const n = counted.reduce((a, { f }) => a + f.valid.n, 0);
        const score = counted.reduce((a, { f, picked }) => a + f.valid.n * picked, 0) / n;
        const ses = counted.map(({ f }) => f.valid.se);
        const se = ses.every((s) => s !== null)
          ? Math.sqrt(ses.reduce((a, s, i) => a + (at(counted, i).f.valid.n / n) ** 2 * s ** 2, 0))
          : null;
        groups[g] = { score, n, targets: counted.length, se };
        errors[g] = counted.every(({ f }) => errorVariance.has(f))
          ? counted.reduce((a, { f }) => a + (f.valid.n / n) ** 2 * atKey(errorVariance, f), 0)
          : null;
      }
      const courseType = type === "" ? null : type;
      const c = composite(policy, courseType, groups);
      const weight = Object.keys(c.used).reduce((a, g) => {
        const used = groups[g as CompositeGroup];
        if (!used) throw new TypeError(`computeFigures: the composite used the group ${g} it was not given`);
        return a + used.n;
      }, 0);
      parts.push({ courseType, score: c.score, weight, groups, used: c.used, missing: c.missing });
      partErrors.push(errors);
    }
    const counting = parts.flatMap((p) => (p.score !== null && p.weight > 0 ? [{ ...p, score: p.score }] : []));
    const w = counting.reduce((a, p) => a + p.weight, 0);
    const score = w > 0 ? counting.reduce((a, p) => a + p.weight * p.score, 0) / w : null;
    const missing = COMPOSITE_GROUPS.filter((g) => parts.some((p) => p.missing.includes(g)));
    if (first.teacherId === null) throw new TypeError(`computeFigures: the composite's target ${first.key} has no teacher`);
    const figure: CompositeFigures = {
      teacherId: first.teacherId,
      termId,
      schoolYear: first.schoolYear,
      score,
      parts,
      missing,
      renormalised: missing.length > 0,
      se: null,
      reliability: null,
      reliabilityLow: null,
      norm: null,
      ranks: { office: null, officeOf: null, college: null, collegeOf: null, school: null, schoolOf: null },
      rankWithheld: false,
    };
    if (score !== null) {
      // Var(e) = Σ over parts and their used groups of (part share × group weight)² · Var(e_part,group)
      let error: number | null = 0;
      parts.forEach((p, i) => {
        if (error === null || p.score === null || p.weight <= 0) return;
        for (const [g, wg] of Object.entries(p.used) as [CompositeGroup, number][]) {
          const e = at(partErrors, i)[g];
          if (e === null || e === undefined) {
            error = null;
            return;
          }
          error += ((p.weight / w) * wg) ** 2 * e;
        }
      });
      compositeError.set(figure, error);
      let variance: number | null = 0;
      for (const p of counting) {
        for (const [g, wg] of Object.entries(p.used) as [CompositeGroup, number][]) {
          const se = p.groups[g]?.se;
          if (variance === null || se === null || se === undefined) {
            variance = null;
            break;
          }
          variance += ((p.weight / w) * wg) ** 2 * se ** 2;
        }
      }
      figure.se = variance === null ? null : Math.sqrt(variance);
    }
    return figure;
  };
  for (const members of periods.values()) composites.push(compositeOf(members, inputOf(at(members, 0)).termId));
  for (const members of years.values()) composites.push(compositeOf(members, null));
  composites.sort((a, b) => (a.termId ?? -1) - (b.termId ?? -1) || a.teacherId - b.teacherId);

  // ---- teacher norms and ranks, per period
  const teacherInfo = new Map<number, TargetInput>();
  for (const f of teacherTargets) {
    const t = inputOf(f);
    if (t.teacherId !== null && !teacherInfo.has(t.teacherId)) teacherInfo.set(t.teacherId, t);
  }
  for (const inPeriod of groupBy(
    composites.filter((c) => c.score !== null),
    (c) => String(c.termId),
  ).values()) {
    const scoreOf = (c: CompositeFigures) => {
      if (c.score === null) throw new TypeError(`computeFigures: a composite ranked has no score`);
      return c.score;
    };
    const rank = (members: CompositeFigures[], set: (c: CompositeFigures, r: number, of: number) => void) => {
      const r = competitionRanks(members.map(scoreOf));
      members.forEach((c, i) => set(c, at(r, i), members.length));
    };
    rank(inPeriod, (c, r, of) => {
      c.ranks.school = r;
      c.ranks.schoolOf = of;
    });
    for (const [k, members] of groupBy(inPeriod, (c) => String(atKey(teacherInfo, c.teacherId).teacherCollegeId ?? ""))) {
      if (k !== "")
        rank(members, (c, r, of) => {
          c.ranks.college = r;
          c.ranks.collegeOf = of;
        });
    }
    for (const [k, members] of groupBy(inPeriod, (c) => String(atKey(teacherInfo, c.teacherId).teacherOfficeId ?? ""))) {
      if (k !== "")
        rank(members, (c, r, of) => {
          c.ranks.office = r;
          c.ranks.officeOf = of;
        });
    }
    const normBy = (c: CompositeFigures) =>
      policy.normGroup === "unit" ? String(atKey(teacherInfo, c.teacherId).teacherCollegeId ?? "") : "school";
    for (const members of groupBy(inPeriod, normBy).values()) {
      const scores = members.map(scoreOf);
      const z = zScores(scores);
      const pr = percentileRanks(scores);
      const sd = scores.length < 2 ? null : sampleSd(scores);
      // the observed variance and the lower limit of its 95 % interval
      const variance = sd === null || sd === 0 ? null : sd * sd;
      const varianceLow = variance === null ? null : ((members.length - 1) * variance) / chiSquareQuantile(0.975, members.length - 1);
      const reliabilityOf = (error: number, v: number | null) => (v === null ? null : Math.min(1, Math.max(0, 1 - error / v)));
      members.forEach((c, i) => {
        const zi = at(z, i);
        c.norm = { z: zi, t: zi === null ? null : tScore(zi), percentileRank: at(pr, i), of: members.length };
        const error = compositeError.get(c) ?? null;
        c.reliability = error === null ? null : reliabilityOf(error, variance);
        c.reliabilityLow = error === null ? null : reliabilityOf(error, varianceLow);
      });
    }
    // a place among others only for reliable composites (they still count in the others')
    for (const c of inPeriod) {
      if (!(c.reliabilityLow !== null && c.reliabilityLow >= policy.minReliability)) {
        c.norm = null;
        c.ranks = { office: null, officeOf: null, college: null, collegeOf: null, school: null, schoolOf: null };
        c.rankWithheld = true;
      }
    }
  }

  reliability.sort((a, b) => cmp(a.key, b.key));
  return { targets, reliability, composites };
}
