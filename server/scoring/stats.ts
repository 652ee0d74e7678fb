import { badRequest } from "@/server/kernel/errors";
import { at, atKey } from "@/server/shared/indexed";

/**
 * The statistics core of the scoring engine (descriptives, reliability, norms): plain functions on
 * arrays of numbers, no database. Every definition, exactly:
 *
 * Descriptives, for values x_1..x_n of one target (teacher × section × rater group):
 *   mean(x)            = Σx_i / n.
 *   median(x)          = the middle value of the sorted values; for even n the mean of the two middle ones.
 *   sampleSd(x)        = sqrt( Σ(x_i − mean)² / (n − 1) ); null when n < 2.
 *   trimmedMean(x, f)  = with g = floor(f·n) (computed as floor(f·n + 1e-9), so that 0.1·30 or
 *                        0.29·100 give 3 and 29 despite binary fractions; at most floor((n − 1)/2),
 *                        which only matters for f within 1e-9 of ½), drop the g smallest and
 *                        the g largest values and take the mean of the remaining n − 2g.
 *                        f ∈ [0, 0.5), default 0.1 (10 % at each end). This is R's mean(x, trim = f).
 *                        A fraction outside [0, 0.5) throws scoring.errors.trimFraction.
 *   standardError(s, n, N) = s/√n · sqrt((N − n)/(N − 1)), the finite-population correction with
 *                        N = eligible raters (N = null: no correction, s/√n). n = N (a census) gives 0;
 *                        N = 1 (so n = 1) gives 0; n = 1 < N gives null (no SD). N < n throws
 *                        scoring.errors.populationTooSmall.
 *   tQuantile(p, df)   = the p-quantile of Student's t with df degrees of freedom (df = Infinity: the
 *                        standard normal), by bisection on the CDF, which is computed from the
 *                        regularized incomplete beta function: for t > 0,
 *                        P(T ≤ t) = 1 − ½·I_{df/(df+t²)}(df/2, ½) (continued fraction, Numerical
 *                        Recipes betacf; ln Γ by Lanczos). Tested to 1e-9 against df 1, 2, 5, 7, 10,
 *                        30, 120, 10⁶ and ∞; the error grows with df through ln Γ cancellation
 *                        (about 2e-10 at df = 10⁶), far below what a CI needs.
 *   confidenceInterval(m, se, n, level = 0.95, top) = m ± t_{(1+level)/2, n−1} · se; null when n < 2 or se
 *                        is null. With se = 0 (a census) the interval is [m, m]. With `top` (the scale's
 *                        full mark; scores lie in [0, top]) the interval is cut at the ends of the scale:
 *                        [max(0, m − h), min(top, m + h)]. The true mean lies in [0, top], so the cut
 *                        interval covers it exactly as often as the t-interval does (its coverage is
 *                        unchanged), and it never shows a bound the scale cannot reach (no 78.9–103.2
 *                        on a 0–100 scale). An interval cut at an end is narrower on that side only.
 *                        (A logit-transformed interval was considered: it stays inside the scale too,
 *                        but near the ends its delta-method width explodes, e.g. 9–99.97 for three
 *                        observers around 95, and it would move every interval, not only those that
 *                        cross an end.)
 *   distribution(values, options) = for each option value in the given order, its count and its
 *                        share count/values.length (shares over all answers given, "na" included
 *                        when it is among the options); a value that is not an option throws
 *                        scoring.errors.valueNotAnOption.
 *
 * Reliability, for class means: groups g_1..g_k (one group = the ratings of one class),
 * n_i raters in group i, N = Σn_i, one-way random-effects ANOVA:
 *   SSB = Σ n_i (mean_i − grand)², SSW = ΣΣ (x_ij − mean_i)², grand = ΣΣx_ij / N,
 *   MSB = SSB/(k − 1), MSW = SSW/(N − k),
 *   n0  = (N − Σn_i²/N)/(k − 1)   (the "adjusted" group size for unbalanced groups; = n when all
 *                                   groups have n raters),
 *   ICC(1) = (MSB − MSW) / (MSB + (n0 − 1)·MSW)   (reliability of one rater; may be negative),
 *   ICC(k) = (MSB − MSW) / MSB                    (reliability of a mean of n0 raters; equals the
 *                                                   Spearman–Brown step-up of ICC(1) to n0).
 *   Needs k ≥ 2 groups (scoring.errors.tooFewGroups), N > k (scoring.errors.noWithinGroupDf) and no
 *   empty group (scoring.errors.emptyGroup). When a denominator is 0 the ICC is null.
 *   classReliability(icc1, n) = n·ρ/(1 + (n − 1)·ρ), ρ = max(ICC(1), 0) (Spearman–Brown for the
 *                        class's own n; a negative ICC(1) means no reliability: 0).
 *   iccLowerBound(anova, level = 0.95) = the lower limit of the (two-sided) confidence interval of
 *                        ICC(1) (Shrout & Fleiss 1979; McGraw & Wong 1996, case 1): F = MSB/MSW,
 *                        F_L = F / F_{(1+level)/2}(k − 1, N − k), ICC_L = (F_L − 1)/(F_L + n0 − 1), with
 *                        n0 for unbalanced classes (the usual approximation). MSW = 0 < MSB gives 1;
 *                        nothing varying at all gives null. Koo & Li (2016) advise judging an ICC by
 *                        its 95 % interval, not its estimate: one from three classes of three
 *                        observers is mostly noise, and its limit says so (an estimate of 0.86 has
 *                        a lower limit of 0.35). classReliability(ICC_L, n) is the reliability a
 *                        class reaches by that limit (figures.ts ranks by it).
 *   fQuantile(p, d1, d2), chiSquareQuantile(p, k) = quantiles of F and χ² by bisection on their CDFs,
 *                        I_{d1·x/(d1·x + d2)}(d1/2, d2/2) and P(k/2, x/2) = 1 − Q(k/2, x/2); tested to
 *                        1e-9 against scipy.stats.
 *   ratersNeeded(icc1, target) = ceil( target(1 − ρ) / (ρ(1 − target)) ) (the inverse Spearman–Brown;
 *                        computed as ceil(x − 1e-9) so that 4.000000000000001 is 4); null when
 *                        ρ = ICC(1) ≤ 0 (no number of raters suffices); 1 when ρ ≥ target.
 *   shrunkScore(classMean, normMean, reliability) = normMean + reliability·(classMean − normMean),
 *                        the empirical-Bayes score, shown beside the raw class mean.
 *
 * Norms, within a norm group with values y_1..y_m:
 *   zScore(x, normMean, normSd) = (x − normMean)/normSd, with normSd the sample SD (n − 1) of the
 *                        norm group (zScores does exactly this); null when normSd is 0 or null.
 *   tScore(z)           = 50 + 10z.
 *   percentileRank(x, y) = (#{y_j < x} + ½·#{y_j = x}) / m × 100  (the "mid-rank" definition;
 *                        exact equality).
 *   competitionRanks(x, order = "desc") = 1 + the number of values strictly better (greater for
 *                        "desc"), so ties share the best rank and the next rank is skipped ("1224").
 *   normTable(y)        = all of the above for every value of a norm group against the group itself.
 *   reliabilityReport(classes, normMean = grand mean) = oneWayAnova + ratersNeeded(0.7, 0.8) + per
 *                        class its reliability for its n and its shrunk score (ICC(1) null → 0).
 */

/** Throws unless every value is a finite number; an empty array is refused where a value is needed. */
function finite(xs: readonly number[], nonEmpty = true): void {
  if (nonEmpty && xs.length === 0) throw badRequest("scoring.errors.emptySample");
  for (const x of xs) if (!Number.isFinite(x)) throw badRequest("scoring.errors.notFinite", { value: String(x) });
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
/** The values in ascending order (the array itself when it already is: the recompute's totals come sorted). */
function sorted(xs: readonly number[]): readonly number[] {
  for (let i = 1; i < xs.length; i++) if (at(xs, i - 1) > at(xs, i)) return [...xs].sort((a, b) => a - b);
  return xs;
}

export function mean(xs: readonly number[]): number {
  finite(xs);
  return sum(xs) / xs.length;
}

export function median(xs: readonly number[]): number {
  finite(xs);
  const s = sorted(xs);
  const h = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? at(s, h) : (at(s, h - 1) + at(s, h)) / 2; // s is not empty (finite)
}

/**
 * The p-quantile (0 ≤ p ≤ 1) by linear interpolation between order statistics: position
 * h = (n − 1)·p, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) (Hyndman & Fan type 7, R's and numpy's default).
 */
export function quantile(xs: readonly number[], p: number): number {
  finite(xs);
  const s = sorted(xs);
  const h = (s.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  return lo + 1 < s.length ? at(s, lo) + (h - lo) * (at(s, lo + 1) - at(s, lo)) : at(s, lo);
}

export function sampleSd(xs: readonly number[]): number | null {
  finite(xs);
  if (xs.length < 2) return null;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

export const DEFAULT_TRIM = 0.1;

/** How many values trimmedMean drops at each end: floor(fraction·n), guarded against binary fractions. */
export function trimCount(n: number, fraction = DEFAULT_TRIM): number {
  if (!(fraction >= 0 && fraction < 0.5)) throw badRequest("scoring.errors.trimFraction", { fraction: String(fraction) });
  // never more than floor((n − 1)/2), so that at least one value stays (f just below ½, tiny n)
  return Math.min(Math.floor(fraction * n + 1e-9), Math.max(0, Math.floor((n - 1) / 2)));
}

export function trimmedMean(xs: readonly number[], fraction = DEFAULT_TRIM): number {
  const g = trimCount(xs.length, fraction);
  finite(xs);
  return mean(sorted(xs).slice(g, xs.length - g));
}

export function standardError(sd: number | null, n: number, eligible: number | null = null): number | null {
  if (!Number.isInteger(n) || n < 1) throw badRequest("scoring.errors.emptySample");
  if (eligible !== null && (!Number.isInteger(eligible) || eligible < n)) {
    throw badRequest("scoring.errors.populationTooSmall", { n, eligible: String(eligible) });
  }
  if (eligible !== null && n === eligible) return 0;
  if (sd === null) return null;
  const fpc = eligible === null ? 1 : Math.sqrt((eligible - n) / (eligible - 1));
  return (sd / Math.sqrt(n)) * fpc;
}

// ---------------------------------------------------------------- special functions

/** ln Γ(x) for x > 0: Lanczos approximation (g = 7, 9 coefficients), relative error ~1e-15. */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  const t = z + 7.5;
  let a = at(c, 0);
  for (let i = 1; i < c.length; i++) a += at(c, i) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes betacf). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const qab = a + b,
    qap = a + 1,
    qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), 0 ≤ x ≤ 1, a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The regularized upper incomplete gamma Q(a, x) (series / continued fraction, Numerical Recipes). */
function upperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - lnGamma(a));
  if (x < a + 1) {
    let ap = a,
      del = 1 / a,
      s = del;
    for (let i = 0; i < 10_000 && Math.abs(del) > Math.abs(s) * 1e-17; i++) {
      ap += 1;
      del *= x / ap;
      s += del;
    }
    return 1 - s * front;
  }
  const TINY = 1e-300;
  let b = x + 1 - a,
    c = 1 / TINY,
    d = 1 / b,
    h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return front * h;
}

/** Bisection for the p-quantile of an increasing CDF on [0, ∞) (cached: the recompute asks for few distinct ones). */
const quantileCache = new Map<string, number>();
function positiveQuantile(key: string, p: number, cdf: (x: number) => number): number {
  if (!(p > 0 && p < 1)) throw badRequest("scoring.errors.probability", { p: String(p) });
  const hit = quantileCache.get(key);
  if (hit !== undefined) return hit;
  let hi = 1;
  while (cdf(hi) < p) hi *= 2;
  let lo = 0;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  if (quantileCache.size >= QUANTILE_CACHE_LIMIT) quantileCache.clear();
  quantileCache.set(key, (lo + hi) / 2);
  return (lo + hi) / 2;
}

/** The p-quantile of F with d1 and d2 degrees of freedom. */
export function fQuantile(p: number, d1: number, d2: number): number {
  if (!(d1 > 0 && d2 > 0)) throw badRequest("scoring.errors.degreesOfFreedom", { df: `${d1}, ${d2}` });
  return positiveQuantile(`F|${p}|${d1}|${d2}`, p, (x) => regularizedBeta((d1 * x) / (d1 * x + d2), d1 / 2, d2 / 2));
}

/** The p-quantile of χ² with k degrees of freedom. */
export function chiSquareQuantile(p: number, k: number): number {
  if (!(k > 0)) throw badRequest("scoring.errors.degreesOfFreedom", { df: String(k) });
  return positiveQuantile(`X|${p}|${k}`, p, (x) => 1 - upperGamma(k / 2, x / 2));
}

/** Standard normal CDF: Φ(z) = 1 − ½·Q(½, z²/2) for z ≥ 0 (and by symmetry below 0). */
export function normalCdf(z: number): number {
  const tail = 0.5 * upperGamma(0.5, (z * z) / 2);
  return z >= 0 ? 1 - tail : tail;
}

/** Student t CDF with df degrees of freedom (df = Infinity: the standard normal). */
export function tCdf(t: number, df: number): number {
  if (!(df > 0)) throw badRequest("scoring.errors.degreesOfFreedom", { df: String(df) });
  if (df === Infinity) return normalCdf(t);
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

// A pure function of (p, df) that costs ~100 bisection steps: a recompute asks for the same
// few hundred (one per class size), so answers are kept.
const quantiles = new Map<string, number>();
const QUANTILE_CACHE_LIMIT = 10_000;

export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw badRequest("scoring.errors.probability", { p: String(p) });
  if (!(df > 0)) throw badRequest("scoring.errors.degreesOfFreedom", { df: String(df) });
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  const key = `${p}|${df}`;
  const hit = quantiles.get(key);
  if (hit !== undefined) return hit;
  const q = tQuantileUncached(p, df);
  if (quantiles.size >= QUANTILE_CACHE_LIMIT) quantiles.clear();
  quantiles.set(key, q);
  return q;
}

function tQuantileUncached(p: number, df: number): number {
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  let lo = 0;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function confidenceInterval(
  m: number,
  se: number | null,
  n: number,
  level = 0.95,
  top?: number,
): { low: number; high: number } | null {
  if (!(level > 0 && level < 1)) throw badRequest("scoring.errors.probability", { p: String(level) });
  if (se === null || n < 2) return null;
  const h = tQuantile((1 + level) / 2, n - 1) * se;
  if (top === undefined) return { low: m - h, high: m + h };
  return { low: Math.max(0, m - h), high: Math.min(top, m + h) };
}

export type OptionValue = number | string;
export type OptionCount = { value: OptionValue; count: number; share: number };

export function distribution(values: readonly OptionValue[], options: readonly OptionValue[]): OptionCount[] {
  const counts = new Map<OptionValue, number>(options.map((o) => [o, 0]));
  for (const v of values) {
    const c = counts.get(v);
    if (c === undefined) throw badRequest("scoring.errors.valueNotAnOption", { value: String(v) });
    counts.set(v, c + 1);
  }
  return options.map((value) => {
    const count = atKey(counts, value);
    return { value, count, share: values.length === 0 ? 0 : count / values.length };
  });
}

/** The descriptives of one target, as shown. */
export type TargetSummary = {
  n: number;
  eligible: number | null;
  responseRate: number | null;
  mean: number | null;
  trimmedMean: number | null;
  median: number | null;
  sd: number | null;
  se: number | null;
  ci95: { low: number; high: number } | null;
};

/**
 * The part-3 statistics of one target's scores; n = 0 gives nulls (responseRate 0 when N > 0).
 * `top`: the scale's full mark, where the 95 % interval is cut (see confidenceInterval).
 */
export function summarize(scores: readonly number[], eligible: number | null, trim = DEFAULT_TRIM, top?: number): TargetSummary {
  trimCount(0, trim); // refuse a bad fraction even for an empty target
  const n = scores.length;
  const responseRate = eligible === null || eligible === 0 ? null : n / eligible;
  if (n === 0) {
    return { n, eligible, responseRate, mean: null, trimmedMean: null, median: null, sd: null, se: null, ci95: null };
  }
  const m = mean(scores);
  const sd = sampleSd(scores);
  const se = standardError(sd, n, eligible);
  return {
    n,
    eligible,
    responseRate,
    mean: m,
    trimmedMean: trimmedMean(scores, trim),
    median: median(scores),
    sd,
    se,
    ci95: confidenceInterval(m, se, n, 0.95, top),
  };
}

// ---------------------------------------------------------------- reliability

export type OneWayAnova = {
  k: number;
  N: number;
  n0: number;
  grandMean: number;
  ssb: number;
  ssw: number;
  msb: number;
  msw: number;
  /** ICC(1): reliability of a single rater; null when MSB + (n0 − 1)·MSW = 0. */
  icc1: number | null;
  /** ICC(k): reliability of the mean of n0 raters; null when MSB = 0. */
  iccK: number | null;
};

export function oneWayAnova(groups: readonly (readonly number[])[]): OneWayAnova {
  const k = groups.length;
  if (k < 2) throw badRequest("scoring.errors.tooFewGroups", { k });
  for (const g of groups) {
    if (g.length === 0) throw badRequest("scoring.errors.emptyGroup");
    finite(g);
  }
  const sizes = groups.map((g) => g.length);
  const N = sum(sizes);
  if (N <= k) throw badRequest("scoring.errors.noWithinGroupDf", { k, N });
  // plain loops, summing in the same order as sum() would (no arrays of squares for 10^6 scores)
  const sums = groups.map(sum);
  const grandMean = sum(sums) / N;
  const means = groups.map((g, i) => at(sums, i) / g.length);
  const ssb = sum(groups.map((g, i) => g.length * (at(means, i) - grandMean) ** 2));
  let ssw = 0;
  groups.forEach((g, i) => {
    const m = at(means, i);
    let s = 0;
    for (const x of g) s += (x - m) ** 2;
    ssw += s;
  });
  const msb = ssb / (k - 1);
  const msw = ssw / (N - k);
  const n0 = (N - sum(sizes.map((s) => s * s)) / N) / (k - 1);
  const d1 = msb + (n0 - 1) * msw;
  return {
    k,
    N,
    n0,
    grandMean,
    ssb,
    ssw,
    msb,
    msw,
    icc1: d1 === 0 ? null : (msb - msw) / d1,
    iccK: msb === 0 ? null : (msb - msw) / msb,
  };
}

function checkIcc(icc1: number) {
  if (!(icc1 <= 1) || Number.isNaN(icc1)) throw badRequest("scoring.errors.iccOutOfRange", { icc: String(icc1) });
}

export function classReliability(icc1: number, n: number): number {
  checkIcc(icc1);
  if (!Number.isInteger(n) || n < 1) throw badRequest("scoring.errors.emptySample");
  const r = Math.max(icc1, 0);
  return (n * r) / (1 + (n - 1) * r);
}

export function iccLowerBound(a: OneWayAnova, level = 0.95): number | null {
  if (a.msw === 0) return a.msb > 0 ? 1 : null;
  const fl = a.msb / a.msw / fQuantile((1 + level) / 2, a.k - 1, a.N - a.k);
  return (fl - 1) / (fl + a.n0 - 1);
}

export function ratersNeeded(icc1: number, target: number): number | null {
  checkIcc(icc1);
  if (!(target > 0 && target < 1)) throw badRequest("scoring.errors.reliabilityTarget", { target: String(target) });
  if (icc1 <= 0) return null;
  if (icc1 >= target) return 1;
  return Math.max(1, Math.ceil((target * (1 - icc1)) / (icc1 * (1 - target)) - 1e-9));
}

export function shrunkScore(classMean: number, normMean: number, reliability: number): number {
  if (!(reliability >= 0 && reliability <= 1))
    throw badRequest("scoring.errors.reliabilityOutOfRange", { reliability: String(reliability) });
  return normMean + reliability * (classMean - normMean);
}

// ---------------------------------------------------------------- norms

export function zScore(x: number, normMean: number, normSd: number | null): number | null {
  if (normSd === null || normSd === 0) return null;
  return (x - normMean) / normSd;
}

export const tScore = (z: number) => 50 + 10 * z;

/** z of every value of a norm group against the group itself (mean and sample SD). */
export function zScores(xs: readonly number[]): (number | null)[] {
  const m = mean(xs);
  const sd = sampleSd(xs);
  return xs.map((x) => zScore(x, m, sd));
}

export function percentileRank(x: number, norm: readonly number[]): number {
  finite(norm);
  let below = 0,
    equal = 0;
  for (const y of norm) {
    if (y < x) below++;
    else if (y === x) equal++;
  }
  return ((below + 0.5 * equal) / norm.length) * 100;
}

export function competitionRanks(xs: readonly number[], order: "desc" | "asc" = "desc"): number[] {
  finite(xs, false);
  const idx = xs.map((_, i) => i).sort((a, b) => (order === "desc" ? at(xs, b) - at(xs, a) : at(xs, a) - at(xs, b)));
  const ranks = new Array<number>(xs.length);
  idx.forEach((i, pos) => {
    const prev = pos > 0 ? at(idx, pos - 1) : null;
    ranks[i] = prev !== null && at(xs, prev) === at(xs, i) ? at(ranks, prev) : pos + 1;
  });
  return ranks;
}

export type NormEntry = { value: number; z: number | null; t: number | null; percentileRank: number; rank: number };

/** z (against the group's mean and sample SD), T, percentile rank and competition rank (desc) of every value of a norm group. */
export function normTable(xs: readonly number[]): NormEntry[] {
  const z = zScores(xs);
  const ranks = competitionRanks(xs);
  const pr = percentileRanks(xs);
  return xs.map((value, i) => {
    const zi = at(z, i);
    return { value, z: zi, t: zi === null ? null : tScore(zi), percentileRank: at(pr, i), rank: at(ranks, i) };
  });
}

/**
 * percentileRank of every value of a group against the group itself, in O(m log m): after
 * sorting, the values below x and equal to x are counted by position (the same numbers as
 * percentileRank(x, xs) for each x, which takes O(m) per value).
 */
export function percentileRanks(xs: readonly number[]): number[] {
  finite(xs, false);
  const s = sorted(xs);
  const m = xs.length;
  const firstAt = new Map<number, number>();
  const lastAt = new Map<number, number>();
  s.forEach((v, i) => {
    if (!firstAt.has(v)) firstAt.set(v, i);
    lastAt.set(v, i);
  });
  return xs.map((x) => {
    const below = atKey(firstAt, x);
    const equal = atKey(lastAt, x) - below + 1;
    return ((below + 0.5 * equal) / m) * 100;
  });
}

export type ClassReliability = { n: number; mean: number; reliability: number; shrunk: number };
export type ReliabilityReport = {
  anova: OneWayAnova;
  /** Raters needed for a class reliability of 0.7 and 0.8 (null: ICC(1) ≤ 0). */
  ratersFor07: number | null;
  ratersFor08: number | null;
  normMean: number;
  classes: ClassReliability[];
};

/**
 * Reliability for one instrument × unit × term: the ANOVA over the classes' ratings, raters needed
 * for 0.7 and 0.8, and for each class its reliability for its own n and its empirical-Bayes
 * score shrunk toward normMean (default: the grand mean of all ratings, the ANOVA's). A null
 * ICC(1) (no variance at all) counts as 0: every class is then shrunk fully to the norm mean.
 */
export function reliabilityReport(groups: readonly (readonly number[])[], normMean?: number): ReliabilityReport {
  const anova = oneWayAnova(groups);
  const icc = anova.icc1 ?? 0;
  const norm = normMean ?? anova.grandMean;
  return {
    anova,
    ratersFor07: ratersNeeded(icc, 0.7),
    ratersFor08: ratersNeeded(icc, 0.8),
    normMean: norm,
    classes: groups.map((g) => {
      const m = mean(g);
      const reliability = classReliability(icc, g.length);
      return { n: g.length, mean: m, reliability, shrunk: shrunkScore(m, norm, reliability) };
    }),
  };
}
