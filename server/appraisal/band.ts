import { BANDS, type AppraisalRules, type Band, type ExemptionKind } from "./rules";
import { at } from "@/server/shared/indexed";

/**
 * Banding of one school year's teachers (pure: the recompute and `npm run scores` call it with
 * what the figures hold, tests with hand-made cases). Rules in order:
 *
 *   1 veto        a teacher with a recorded ethics veto for the year is 不合格 (`fail`, reason
 *                 `veto`) whatever the evidence; counts among the banded of its scope; never 优秀
 *   2 exemption   a recorded exemption (访学, 进修, 培训, 派遣, 产假) excuses the evidence
 *                 minimums: no band (reason `exempt`), not counted
 *   3 evidence    no composite (no rater group at its minimum), fewer terms with a composite than
 *                 evidence.minTerms, or a students' response rate below evidence.minResponseRate:
 *                 no band, reason `insufficient_evidence`, `evidence.failed` names the minimum;
 *                 not counted
 *   4 score       the band of the unrounded composite by the cut-offs (score ≥ cut-off)
 *   5 quota       per scope (the school, or the teacher's college): at most
 *                 q = floor(share × banded) 优秀 (banded = teachers of rules 1 and 4), ranked by
 *                 the unrounded composite; those past q go to 良好 (reason `quota`), and so do all
 *                 teachers within 1e-9 of the first one past q (ties across the boundary: none
 *                 of them is 优秀)
 *   6 caps        optional: excellent + good at most floor(goodOrBetterMax × banded), and pass +
 *                 fail at least ceil(passOrFailMin × banded): those past the limit go to 合格
 *                 (reason `quota`), ties across the boundary alike
 *   borderline    the composite's 95 % interval (score ± 1.96·SE, cut at 0 and the full mark)
 *                 holds a cut-off strictly inside it; the band stays the point estimate's
 *   annualFail    a teaching band of 不合格 makes the annual appraisal (年度考核) 不合格
 * Every move is reported per scope (QuotaCheck) with the teachers moved: nobody is dropped
 * silently.
 */

export const TIE = 1e-9;
const Z975 = 1.959963984540054;
/** floor/ceil of a share × a count, immune to 0.29 × 100 = 28.999999999999996 */
const floorOf = (share: number, n: number) => Math.floor(share * n + 1e-9);
const ceilOf = (share: number, n: number) => Math.ceil(share * n - 1e-9);

export type BandTeacher = {
  teacherId: number;
  /** the teacher's college (the quota scope "unit"); null: the school's only */
  unitId: number | null;
  /** the school-year composite, unrounded; null when no rater group reached its minimum */
  score: number | null;
  /** its standard error from the groups' SEs and the weights used; null when unknown */
  se: number | null;
  /** terms of the year in which the teacher has a composite */
  terms: number;
  /** the students' pooled response rate over the year (valid ÷ eligible); null when unknown */
  responseRate: number | null;
};

export type BandReason = "score" | "quota" | "veto" | "insufficient_evidence" | "exempt";
export type EvidenceFailure =
  | { failed: "composite" }
  | { failed: "terms"; have: number; need: number }
  | { failed: "response_rate"; have: number | null; need: number };

export type BandResult = {
  teacherId: number;
  unitId: number | null;
  score: number | null;
  se: number | null;
  ci95: [number, number] | null;
  band: Band | null;
  reason: BandReason;
  /** the band of the score alone (null without a score) */
  scoreBand: Band | null;
  evidence: EvidenceFailure | null;
  veto: string | null;
  exemption: ExemptionKind | null;
  borderline: boolean;
  /** the cut-offs inside the interval */
  crossed: number[];
  annualFail: boolean;
  /** competition rank by composite within the quota scope (ties within 1e-9 share it) */
  rank: number | null;
  rankOf: number | null;
};

export type QuotaCheck = {
  scope: "school" | "unit";
  unitId: number | null;
  banded: number;
  share: number;
  quota: number;
  /** 优秀 by score alone (vetoed teachers excluded) */
  byScore: number;
  excellent: number;
  /** teachers moved down one band by the quota, best first, and which of them tied at the boundary */
  moved: number[];
  tied: number[];
  /** the optional caps: the largest number of excellent + good allowed, and who went to 合格 */
  capLimit: number | null;
  cappedMoved: number[];
};

export type BandOutcome = { teachers: BandResult[]; quota: QuotaCheck[] };

export function bandOf(rules: AppraisalRules, score: number): Band {
  const c = rules.cutoffs;
  return score >= c.excellent ? "excellent" : score >= c.good ? "good" : score >= c.pass ? "pass" : "fail";
}

function interval(score: number, se: number | null, outOf: number): [number, number] | null {
  if (se === null || !Number.isFinite(se)) return null;
  return [Math.max(0, score - Z975 * se), Math.min(outOf, score + Z975 * se)];
}

/** Those past `limit` in `ranked` (best first) with those within 1e-9 of the first of them; `tied` when that tie crosses the limit. */
function pastLimit(ranked: BandResult[], limit: number): { out: BandResult[]; tied: BandResult[] } {
  if (ranked.length <= limit) return { out: [], tied: [] };
  const boundary = scoreOf(at(ranked, limit));
  const atBoundary = (t: BandResult) => Math.abs(scoreOf(t) - boundary) <= TIE;
  const out = ranked.filter((t, i) => i >= limit || atBoundary(t));
  // a tie across the boundary: someone within the limit shares the first excluded score
  const tied = ranked.slice(0, limit).some(atBoundary) ? ranked.filter(atBoundary) : [];
  return { out, tied };
}

/** The score of a teacher ranked: only teachers with a score are (a band from the score, the list of those scored). */
function scoreOf(t: BandResult): number {
  if (t.score === null) throw new TypeError(`teacher ${t.teacherId} is ranked without a score`);
  return t.score;
}

const best = (a: BandResult, b: BandResult) => scoreOf(b) - scoreOf(a) || a.teacherId - b.teacherId;

export function bandTeachers(
  rules: AppraisalRules,
  teachers: readonly BandTeacher[],
  opts: { vetoes?: ReadonlyMap<number, string>; exemptions?: ReadonlyMap<number, ExemptionKind>; outOf?: number } = {},
): BandOutcome {
  const outOf = opts.outOf ?? 100;
  const cuts = [rules.cutoffs.excellent, rules.cutoffs.good, rules.cutoffs.pass];
  const results: BandResult[] = [...teachers]
    .sort((a, b) => a.teacherId - b.teacherId)
    .map((t) => {
      const veto = opts.vetoes?.get(t.teacherId) ?? null;
      const exemption = veto === null ? (opts.exemptions?.get(t.teacherId) ?? null) : null;
      const ci95 = t.score === null ? null : interval(t.score, t.se, outOf);
      const crossed = ci95 === null ? [] : cuts.filter((c) => ci95[0] < c && c < ci95[1]);
      const scoreBand = t.score === null ? null : bandOf(rules, t.score);
      const base = {
        teacherId: t.teacherId,
        unitId: t.unitId,
        score: t.score,
        se: t.se,
        ci95,
        scoreBand,
        veto,
        exemption,
        crossed,
        rank: null,
        rankOf: null,
      };
      if (veto !== null) return { ...base, band: "fail", reason: "veto", evidence: null, borderline: false, annualFail: true };
      if (exemption !== null) return { ...base, band: null, reason: "exempt", evidence: null, borderline: false, annualFail: false };
      let evidence: EvidenceFailure | null = null;
      const ev = rules.evidence;
      if (t.score === null) evidence = { failed: "composite" };
      else if (ev.minTerms !== null && t.terms < ev.minTerms) evidence = { failed: "terms", have: t.terms, need: ev.minTerms };
      else if (ev.minResponseRate !== null && !(t.responseRate !== null && t.responseRate >= ev.minResponseRate)) {
        evidence = { failed: "response_rate", have: t.responseRate, need: ev.minResponseRate };
      }
      if (evidence) return { ...base, band: null, reason: "insufficient_evidence", evidence, borderline: false, annualFail: false };
      return {
        ...base,
        band: scoreBand,
        reason: "score",
        evidence: null,
        borderline: crossed.length > 0,
        annualFail: scoreBand === "fail",
      };
    });

  const scopeKey = (t: BandResult) => (rules.quota.scope === "school" ? "school" : String(t.unitId ?? ""));
  const scopes = new Map<string, BandResult[]>();
  for (const t of results) {
    const k = scopeKey(t);
    const list = scopes.get(k);
    if (list) list.push(t);
    else scopes.set(k, [t]);
  }
  const quota: QuotaCheck[] = [];
  for (const [k, members] of [...scopes].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const banded = members.filter((t) => t.band !== null);
    const q = floorOf(rules.quota.share, banded.length);
    const excellent = banded.filter((t) => t.band === "excellent").sort(best);
    const { out, tied } = pastLimit(excellent, q);
    for (const t of out) {
      t.band = "good";
      t.reason = "quota";
    }
    // optional caps on excellent + good
    const limits: number[] = [];
    if (rules.caps.goodOrBetterMax !== null) limits.push(floorOf(rules.caps.goodOrBetterMax, banded.length));
    if (rules.caps.passOrFailMin !== null) limits.push(banded.length - ceilOf(rules.caps.passOrFailMin, banded.length));
    const capLimit = limits.length ? Math.max(0, Math.min(...limits)) : null;
    let cappedMoved: BandResult[] = [];
    if (capLimit !== null) {
      const upper = banded.filter((t) => t.band === "excellent" || t.band === "good").sort(best);
      cappedMoved = pastLimit(upper, capLimit).out;
      for (const t of cappedMoved) {
        t.band = "pass";
        t.reason = "quota";
      }
    }
    // ranks by composite within the scope
    const scored = members.filter((t) => t.score !== null).sort(best);
    scored.forEach((t, i) => {
      const prev = scored[i - 1];
      t.rank = prev && Math.abs(scoreOf(prev) - scoreOf(t)) <= TIE ? prev.rank : i + 1;
      t.rankOf = scored.length;
    });
    const unitId = k === "school" || k === "" ? null : Number(k);
    quota.push({
      scope: rules.quota.scope,
      unitId,
      banded: banded.length,
      share: rules.quota.share,
      quota: q,
      byScore: excellent.length,
      excellent: banded.filter((t) => t.band === "excellent").length,
      moved: out.map((t) => t.teacherId),
      tied: tied.map((t) => t.teacherId),
      capLimit,
      cappedMoved: cappedMoved.map((t) => t.teacherId),
    });
  }
  return { teachers: results, quota };
}

export const BAND_ORDER: Record<Band, number> = Object.fromEntries(BANDS.map((b, i) => [b, i])) as Record<Band, number>;
