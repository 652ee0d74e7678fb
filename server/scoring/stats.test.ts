import fc from "fast-check";
import { assert, describe, expect, it } from "vitest";
import {
  chiSquareQuantile,
  classReliability,
  competitionRanks,
  confidenceInterval,
  distribution,
  fQuantile,
  iccLowerBound,
  mean,
  median,
  normalCdf,
  oneWayAnova,
  percentileRank,
  percentileRanks,
  quantile,
  ratersNeeded,
  sampleSd,
  shrunkScore,
  standardError,
  summarize,
  tCdf,
  tQuantile,
  trimCount,
  normTable,
  reliabilityReport,
  trimmedMean,
  tScore,
  zScore,
  zScores,
} from "./stats";
import { expectDomainError } from "../test/errors";
import { at } from "@/server/shared/indexed";

// The classic example 2,4,4,4,5,5,7,9: mean 5, Σ(x − 5)² = 32, so the population SD is 2 and
// the sample SD sqrt(32/7) = 2.1380899352993950 (by hand); median (4 + 5)/2 = 4.5.
const CLASSIC = [2, 4, 4, 4, 5, 5, 7, 9];

describe("descriptives", () => {
  it("mean, median, sample SD of a hand-worked example", () => {
    expect(mean(CLASSIC)).toBe(5);
    expect(median(CLASSIC)).toBe(4.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(sampleSd(CLASSIC)).toBeCloseTo(2.138089935299395, 12);
    expect(sampleSd([7])).toBeNull();
  });

  it("quantile, type 7: of 2,4,4,4,5,5,7,9 the quartiles are at h = 7·0.25 = 1.75 → 4 + 0.75·0 = 4 and h = 5.25 → 5 + 0.25·(7 − 5) = 5.5", async () => {
    expect(quantile(CLASSIC, 0.25)).toBe(4);
    expect(quantile(CLASSIC, 0.75)).toBe(5.5);
    expect(quantile(CLASSIC, 0.5)).toBe(4.5);
    expect(quantile([1, 2], 0.25)).toBe(1.25); // h = 0.25 → 1 + 0.25·(2 − 1)
    expect(quantile([3], 0.75)).toBe(3);
    await expectDomainError(() => quantile([], 0.5), { code: "scoring.errors.emptySample" });
  });

  it("refuses empty and non-finite samples", async () => {
    await expectDomainError(() => mean([]), { code: "scoring.errors.emptySample" });
    await expectDomainError(() => median([1, NaN]), { code: "scoring.errors.notFinite" });
  });

  it("trimmed mean: R's documentation example mean(c(0:10, 50), trim = 0.1) = 5.5 (plain mean 8.75)", () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50];
    expect(mean(x)).toBe(8.75);
    expect(trimmedMean(x, 0.1)).toBe(5.5); // g = floor(1.2) = 1: drops 0 and 50
    expect(trimmedMean(x)).toBe(5.5); // default 10 %
  });

  it("trimmed mean: the rounding rule g = floor(f·n)", () => {
    expect(trimCount(9, 0.1)).toBe(0); // 0.9 → 0: nothing dropped
    expect(trimmedMean([1, 2, 3, 4, 5, 6, 7, 8, 100], 0.1)).toBeCloseTo(136 / 9, 12);
    expect(trimCount(10, 0.1)).toBe(1);
    expect(trimCount(19, 0.1)).toBe(1); // 1.9 → 1
    expect(trimCount(20, 0.1)).toBe(2);
    expect(trimCount(100, 0.29)).toBe(29); // 0.29·100 is 28.999999999999996 in binary
    expect(trimCount(30, 0.1)).toBe(3);
    expect(trimmedMean([5, 1, 9], 0.49)).toBe(5); // g = 1 of 3: the median
    expect(trimmedMean([4, 1, 9, 2], 0)).toBe(4);
    expect(trimmedMean([1, 2], 0.4999999999999)).toBe(1.5); // g = 0: a value always stays
    expect(trimCount(0, 0.1)).toBe(0);
  });

  it("trimmed mean: a fraction outside [0, 0.5) is refused, naming the problem", async () => {
    for (const f of [-0.1, 0.5, 0.7, NaN])
      await expectDomainError(() => trimmedMean([1, 2, 3], f), { code: "scoring.errors.trimFraction" });
    await expectDomainError(() => summarize([], 10, 0.5), { code: "scoring.errors.trimFraction" });
  });

  it("standard error with the finite-population correction", async () => {
    // s = 10, n = 25, N = 100: 10/5 · sqrt(75/99) = 2 · 0.87038827977848 (by hand: 75/99 = 0.7575…)
    expect(standardError(10, 25, 100)).toBeCloseTo(1.7407765595569784, 12);
    expect(standardError(10, 25)).toBe(2); // no N: no correction
    expect(standardError(10, 25, 25)).toBe(0); // a census
    expect(standardError(null, 1, 1)).toBe(0); // N = 1: the one rater is everyone
    expect(standardError(null, 1, 30)).toBeNull(); // one rater of 30: no SD
    await expectDomainError(() => standardError(3, 10, 9), { code: "scoring.errors.populationTooSmall" });
  });

  it("distribution per option, in the options' order, shares over all answers", async () => {
    expect(distribution([5, 4, 5, "na", 5], [5, 4, 3, "na"])).toEqual([
      { value: 5, count: 3, share: 0.6 },
      { value: 4, count: 1, share: 0.2 },
      { value: 3, count: 0, share: 0 },
      { value: "na", count: 1, share: 0.2 },
    ]);
    expect(distribution([], [1, 2])).toEqual([
      { value: 1, count: 0, share: 0 },
      { value: 2, count: 0, share: 0 },
    ]);
    await expectDomainError(() => distribution([6], [1, 2, 3]), { code: "scoring.errors.valueNotAnOption" });
  });
});

describe("Student t", () => {
  // Two-sided 95 % critical values t(0.975, df), as in every published t table (12.706, 4.303,
  // 2.571, 2.228, 2.042, 1.980, 1.960), to 10 decimals from an independent computation:
  // numerical integration of the t density (composite Simpson, 20 000 panels) and bisection in
  // plain python3 (math.lgamma); df = 10⁶ from the Cornish–Fisher expansion of t in z
  // (Abramowitz & Stegun 26.7.5, four terms, error < 1e-18 there; the integration loses digits to
  // lgamma cancellation at that df); df = ∞ from python's statistics.NormalDist().inv_cdf(0.975).
  const T975: [number, number][] = [
    [1, 12.7062047362],
    [2, 4.3026527297],
    [5, 2.5705818356],
    [10, 2.228138852],
    [30, 2.0422724563],
    [120, 1.9799304051],
    [1_000_000, 1.959966356814],
    [Infinity, 1.95996398454],
  ];
  it.each(T975)("t(0.975, %s) = %s", (df, t) => {
    expect(Math.abs(tQuantile(0.975, df) - t)).toBeLessThan(1e-9);
    expect(Math.abs(tQuantile(0.025, df) + t)).toBeLessThan(1e-9);
  });

  it("one-sided t(0.95, df) for df 5 and 10 (tables: 2.015, 1.812), the CDF and the normal", async () => {
    expect(Math.abs(tQuantile(0.95, 5) - 2.0150483733)).toBeLessThan(1e-9);
    expect(Math.abs(tQuantile(0.95, 10) - 1.8124611228)).toBeLessThan(1e-9);
    expect(Math.abs(tCdf(2, 5) - 0.949030260585)).toBeLessThan(1e-10); // same python integration
    expect(tCdf(1, 1)).toBeCloseTo(0.75, 14); // Cauchy: ½ + atan(1)/π
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(tQuantile(0.5, 7)).toBe(0);
    await expectDomainError(() => tQuantile(1, 5), { code: "scoring.errors.probability" });
    await expectDomainError(() => tQuantile(0.9, 0), { code: "scoring.errors.degreesOfFreedom" });
  });

  it("closed forms: df = 1 (Cauchy) t = tan(π(p − ½)); df = 2 t = (2p − 1)/sqrt(2p(1 − p))", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (p) => {
        expect(Math.abs(tQuantile(p, 1) - Math.tan(Math.PI * (p - 0.5)))).toBeLessThan(
          1e-9 * Math.max(1, Math.abs(Math.tan(Math.PI * (p - 0.5)))),
        );
        expect(Math.abs(tQuantile(p, 2) - (2 * p - 1) / Math.sqrt(2 * p * (1 - p)))).toBeLessThan(1e-9);
      }),
    );
  });

  it("the quantile inverts the CDF (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 500 }), (p, df) => {
        expect(Math.abs(tCdf(tQuantile(p, df), df) - p)).toBeLessThan(1e-10);
      }),
    );
  });

  it("95 % CI: mean ± t(0.975, n − 1)·SE", () => {
    // mean 80, SE 2, n = 11: ± 2.228138852 · 2
    const ci = confidenceInterval(80, 2, 11);
    assert.exists(ci);
    expect(ci.low).toBeCloseTo(75.543722296, 8);
    expect(ci.high).toBeCloseTo(84.456277704, 8);
    expect(confidenceInterval(80, 0, 30)).toEqual({ low: 80, high: 80 });
    expect(confidenceInterval(80, null, 1)).toBeNull();
  });

  it("95 % CI on a bounded scale: the t-interval cut at the ends of the scale (an observer group of 3 near the top stays ≤ 100)", () => {
    // three observers 100, 95, 85.2: mean 93.4, SD 7.54, SE 4.35; t(0.975, 2) = 4.302652730
    // gives 74.67–112.13 unbounded; the scale ends at 100
    const s = summarize([85.2, 95, 100], null, 0.1, 100);
    expect(s.ci95?.high).toBe(100);
    assert.exists(s.se);
    expect(s.ci95?.low).toBeCloseTo(93.4 - 4.30265273 * s.se, 6);
    expect(confidenceInterval(2, 1.5, 4, 0.95, 100)?.low).toBe(0);
    // inside the scale nothing changes
    expect(confidenceInterval(80, 2, 11, 0.95, 100)).toEqual(confidenceInterval(80, 2, 11));
    // a full mark other than 100 bounds at its own top
    expect(confidenceInterval(9, 1, 3, 0.95, 10)?.high).toBe(10);
  });
});

describe("summarize (one target)", () => {
  it("puts the pieces together", () => {
    const s = summarize(CLASSIC, 10);
    expect(s).toMatchObject({ n: 8, eligible: 10, responseRate: 0.8, mean: 5, median: 4.5, trimmedMean: 5 });
    // SE = sqrt(32/7)/sqrt(8) · sqrt(2/9) = sqrt(32/7 · 1/8 · 2/9) = sqrt(8/63) = 0.35634832254989918
    expect(s.se).toBeCloseTo(0.3563483225498992, 12);
    // t(0.975, 7) = 2.3646242516 (published 2.365; same python integration)
    expect(s.ci95?.high).toBeCloseTo(5 + 2.3646242516 * 0.3563483225498992, 8);
    expect(summarize([], 12)).toMatchObject({ n: 0, responseRate: 0, mean: null, ci95: null });
    expect(summarize([90], null)).toMatchObject({ n: 1, responseRate: null, mean: 90, sd: null, se: null, ci95: null });
  });

  it("property: on a bounded scale the CI lies within [0, full mark] and contains the mean", () => {
    const scores = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 2, maxLength: 12 });
    fc.assert(
      fc.property(scores, fc.integer({ min: 0, max: 50 }), (xs, extra) => {
        const s = summarize(xs, extra === 0 ? null : xs.length + extra, 0.1, 100);
        if (!s.ci95) return;
        assert.exists(s.mean);
        expect(s.ci95.low).toBeGreaterThanOrEqual(0);
        expect(s.ci95.high).toBeLessThanOrEqual(100);
        expect(s.ci95.low).toBeLessThanOrEqual(s.mean + 1e-9);
        expect(s.ci95.high).toBeGreaterThanOrEqual(s.mean - 1e-9);
      }),
    );
  });

  it("properties: min ≤ trimmed mean ≤ max, the CI contains the mean", () => {
    const scores = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(scores, fc.double({ min: 0, max: 0.49, noNaN: true }), fc.integer({ min: 0, max: 200 }), (xs, f, extra) => {
        const s = summarize(xs, xs.length + extra, f);
        const lo = Math.min(...xs),
          hi = Math.max(...xs);
        expect(s.trimmedMean).toBeGreaterThanOrEqual(lo - 1e-9);
        expect(s.trimmedMean).toBeLessThanOrEqual(hi + 1e-9);
        expect(s.median).toBeGreaterThanOrEqual(lo);
        expect(s.median).toBeLessThanOrEqual(hi);
        if (s.ci95) {
          assert.exists(s.mean);
          expect(s.ci95.low).toBeLessThanOrEqual(s.mean);
          expect(s.ci95.high).toBeGreaterThanOrEqual(s.mean);
        }
      }),
    );
  });
});

describe("reliability", () => {
  // Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges. Published: BMS = 11.24, WMS = 6.26,
  // ICC(1,1) = .17, ICC(1,k) = .44. Exact fractions from the raw formulas in python3
  // (fractions.Fraction): MSB = 1349/120, MSW = 451/72, ICC(1) = 448/2703, ICC(k) = 1792/4047.
  const SF = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
  ];

  it("Shrout & Fleiss 1979, balanced", () => {
    const a = oneWayAnova(SF);
    expect(a.msb).toBeCloseTo(11.24, 2);
    expect(a.msw).toBeCloseTo(6.26, 2);
    expect(a.icc1).toBeCloseTo(0.17, 2);
    expect(a.iccK).toBeCloseTo(0.44, 2);
    expect(a.msb).toBeCloseTo(1349 / 120, 12);
    expect(a.msw).toBeCloseTo(451 / 72, 12);
    expect(a.n0).toBeCloseTo(4, 12);
    expect(a.icc1).toBeCloseTo(448 / 2703, 12);
    expect(a.iccK).toBeCloseTo(1792 / 4047, 12);
    // the class reliability for n = 4 is ICC(k) of the balanced design
    expect(classReliability(448 / 2703, 4)).toBeCloseTo(1792 / 4047, 12);
  });

  it("unbalanced groups (5, 3, 7, 4 raters): n0 and the ICCs against exact fractions", () => {
    // python3, fractions.Fraction, raw sums of squares: SSB = 25724/1995, SSW = 724/105,
    // n0 = (19 − 99/19)/3 = 262/57, ICC(1) = 43074/66785, ICC(k) = 28716/32155, grand mean 74/19.
    const a = oneWayAnova([
      [4, 5, 5, 4, 3],
      [2, 3, 3],
      [5, 5, 4, 5, 5, 4, 5],
      [3, 2, 4, 3],
    ]);
    expect(a).toMatchObject({ k: 4, N: 19 });
    expect(a.grandMean).toBeCloseTo(74 / 19, 12);
    expect(a.ssb).toBeCloseTo(25724 / 1995, 12);
    expect(a.ssw).toBeCloseTo(724 / 105, 12);
    expect(a.n0).toBeCloseTo(262 / 57, 12);
    expect(a.icc1).toBeCloseTo(43074 / 66785, 12);
    expect(a.iccK).toBeCloseTo(28716 / 32155, 12);
  });

  it("degenerate and bad input", async () => {
    expect(
      oneWayAnova([
        [3, 3],
        [3, 3],
      ]).icc1,
    ).toBeNull(); // no variance at all
    const same = oneWayAnova([
      [1, 5],
      [1, 5],
    ]); // equal class means: MSB = 0
    expect(same.iccK).toBeNull();
    expect(same.icc1).toBeCloseTo(-1, 12); // −1/(n0 − 1) with n0 = 2
    await expectDomainError(() => oneWayAnova([[1, 2, 3]]), { code: "scoring.errors.tooFewGroups" });
    await expectDomainError(() => oneWayAnova([[1], [2]]), { code: "scoring.errors.noWithinGroupDf" });
    await expectDomainError(() => oneWayAnova([[1, 2], []]), { code: "scoring.errors.emptyGroup" });
  });

  it("property: ICC(1) ≤ 1 and ICC(k) ≤ 1", () => {
    const group = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(group, { minLength: 2, maxLength: 8 }), (groups) => {
        fc.pre(groups.reduce((s, g) => s + g.length, 0) > groups.length);
        const a = oneWayAnova(groups);
        if (a.icc1 !== null) expect(a.icc1).toBeLessThanOrEqual(1 + 1e-12);
        if (a.iccK !== null) expect(a.iccK).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it("quantiles of F and χ² (scipy.stats 1.17: f.ppf, chi2.ppf)", () => {
    expect(fQuantile(0.95, 5, 18)).toBeCloseTo(2.7728531529978304, 9);
    expect(fQuantile(0.95, 2, 6)).toBeCloseTo(5.143252849784718, 9);
    expect(fQuantile(0.975, 2, 6)).toBeCloseTo(7.259855680060178, 9);
    expect(fQuantile(0.95, 3, 15)).toBeCloseTo(3.2873821046365115, 9);
    expect(fQuantile(0.95, 15, 800)).toBeCloseTo(1.6788970287124088, 9);
    expect(chiSquareQuantile(0.95, 1)).toBeCloseTo(3.841458820694124, 9);
    expect(chiSquareQuantile(0.95, 2)).toBeCloseTo(5.991464547107979, 9);
    expect(chiSquareQuantile(0.95, 15)).toBeCloseTo(24.995790139728616, 9);
    expect(chiSquareQuantile(0.975, 1)).toBeCloseTo(5.023886187314888, 9);
    expect(chiSquareQuantile(0.975, 15)).toBeCloseTo(27.488392863442975, 9);
    expect(chiSquareQuantile(0.95, 200)).toBeCloseTo(233.99426889232492, 7);
  });

  it("the lower limit of the 95 % interval of ICC(1) (F-based, Shrout & Fleiss 1979 / McGraw & Wong 1996 case 1)", () => {
    // ICC_L = (F_L − 1)/(F_L + n0 − 1), F_L = (MSB/MSW)/F_0.975(k − 1, N − k); scipy for the quantile
    expect(iccLowerBound(oneWayAnova(SF))).toBeCloseTo(-0.13293232487475098, 9);
    const unbalanced = oneWayAnova([
      [4, 5, 5, 4, 3],
      [2, 3, 3],
      [5, 5, 4, 5, 5, 4, 5],
      [3, 2, 4, 3],
    ]);
    expect(iccLowerBound(unbalanced)).toBeCloseTo(0.21400716412255624, 9);
    // its class reliability for 5 raters: 0.58 although the point estimate gives 0.90
    const low = iccLowerBound(unbalanced);
    assert.exists(low);
    assert.exists(unbalanced.icc1);
    expect(classReliability(low, 5)).toBeCloseTo(0.5765190191816505, 9);
    expect(classReliability(unbalanced.icc1, 5)).toBeGreaterThan(0.9);
    // nothing varies within classes: no bound short of the estimate; nothing varies at all: none
    expect(
      iccLowerBound(
        oneWayAnova([
          [1, 1],
          [5, 5],
        ]),
      ),
    ).toBe(1);
    expect(
      iccLowerBound(
        oneWayAnova([
          [3, 3],
          [3, 3],
        ]),
      ),
    ).toBeNull();
  });

  it("Spearman–Brown: class reliability and raters needed (hand-worked)", async () => {
    expect(classReliability(0.2, 10)).toBeCloseTo(2 / 2.8, 12); // 10·0.2/(1 + 9·0.2)
    expect(classReliability(0.2, 1)).toBeCloseTo(0.2, 12);
    expect(classReliability(-0.1, 30)).toBe(0);
    // ρ = 0.5: 0.7 → 0.7·0.5/(0.5·0.3) = 2.33 → 3; 0.8 → 0.8·0.5/(0.5·0.2) = 4 exactly
    expect(ratersNeeded(0.5, 0.7)).toBe(3);
    expect(ratersNeeded(0.5, 0.8)).toBe(4);
    // ρ = 0.2: 0.7 → 0.56/0.06 = 9.33 → 10; 0.8 → 0.64/0.04 = 16 exactly
    expect(ratersNeeded(0.2, 0.7)).toBe(10);
    expect(ratersNeeded(0.2, 0.8)).toBe(16);
    expect(classReliability(0.2, 16)).toBeCloseTo(0.8, 12);
    expect(ratersNeeded(0.9, 0.8)).toBe(1);
    expect(ratersNeeded(0, 0.7)).toBeNull();
    await expectDomainError(() => ratersNeeded(0.3, 1), { code: "scoring.errors.reliabilityTarget" });
    await expectDomainError(() => classReliability(1.2, 3), { code: "scoring.errors.iccOutOfRange" });
  });

  it("the report of the unbalanced example: each class's reliability and shrunk score", () => {
    // python3 with exact fractions: ρ = 43074/66785; reliability n·ρ/(1 + (n − 1)ρ); shrunk =
    // 74/19 + reliability·(class mean − 74/19); raters for 0.7: 1.284 → 2, for 0.8: 2.202 → 3.
    const r = reliabilityReport([
      [4, 5, 5, 4, 3],
      [2, 3, 3],
      [5, 5, 4, 5, 5, 4, 5],
      [3, 2, 4, 3],
    ]);
    expect(r.ratersFor07).toBe(2);
    expect(r.ratersFor08).toBe(3);
    expect(r.normMean).toBeCloseTo(74 / 19, 12);
    const expected: [n: number, mean: number, reliability: number, shrunk: number][] = [
      [5, 4.2, 0.900824406791, 4.169725345231],
      [3, 8 / 3, 0.844958249691, 2.857068816169],
      [7, 33 / 7, 0.927094447297, 4.654536050792],
      [4, 3, 0.879029830567, 3.108236467387],
    ];
    r.classes.forEach((c, i) => {
      const [n, mean, reliability, shrunk] = at(expected, i);
      expect(c.n).toBe(n);
      expect(c.mean).toBeCloseTo(mean, 12);
      expect(c.reliability).toBeCloseTo(reliability, 11);
      expect(c.shrunk).toBeCloseTo(shrunk, 11);
    });
    // toward another norm group's mean, 4: 4 + 0.900824406791·(4.2 − 4) = 4.180164881358
    const other = reliabilityReport(
      [
        [4, 5, 5, 4, 3],
        [2, 3, 3],
        [5, 5, 4, 5, 5, 4, 5],
        [3, 2, 4, 3],
      ],
      4,
    );
    expect(other.classes[0]?.shrunk).toBeCloseTo(4.180164881358, 11);
    // no variance at all: reliability 0, everything shrunk to the norm mean
    expect(
      reliabilityReport([
        [3, 3],
        [3, 3],
      ]).classes[0],
    ).toEqual({ n: 2, mean: 3, reliability: 0, shrunk: 3 });
  });

  it("empirical-Bayes shrinkage toward the norm-group mean", async () => {
    expect(shrunkScore(90, 80, 0.6)).toBeCloseTo(86, 12); // 80 + 0.6·10
    expect(shrunkScore(70, 80, 0)).toBe(80);
    expect(shrunkScore(70, 80, 1)).toBe(70);
    await expectDomainError(() => shrunkScore(70, 80, 1.5), { code: "scoring.errors.reliabilityOutOfRange" });
  });
});

describe("norms", () => {
  it("z, T, percentile rank, competition ranks", () => {
    // x = 7 in CLASSIC: (7 − 5)/sqrt(32/7) = sqrt(7/8) = 0.9354143466934853
    expect(zScore(7, 5, sampleSd(CLASSIC))).toBeCloseTo(0.9354143466934853, 12);
    expect(zScores(CLASSIC)[6]).toBeCloseTo(0.9354143466934853, 12);
    expect(tScore(0.9354143466934853)).toBeCloseTo(59.35414346693485, 10);
    expect(tScore(-1.5)).toBe(35);
    expect(zScore(3, 3, 0)).toBeNull();
    // 4 in CLASSIC: 1 below, 3 equal → (1 + 1.5)/8 = 31.25 %
    expect(percentileRank(4, CLASSIC)).toBe(31.25);
    expect(percentileRank(1, CLASSIC)).toBe(0);
    expect(percentileRank(10, CLASSIC)).toBe(100);
    expect(percentileRank(9, CLASSIC)).toBe(93.75); // (7 + 0.5)/8
    expect(competitionRanks([90, 85, 90, 70])).toEqual([1, 3, 1, 4]);
    expect(competitionRanks([90, 85, 90, 70], "asc")).toEqual([3, 2, 3, 1]);
    expect(competitionRanks([])).toEqual([]);
    expect(normTable([60, 80, 80, 100]).map(({ rank, percentileRank: p }) => [rank, p])).toEqual([
      [4, 12.5],
      [2, 50],
      [2, 50],
      [1, 87.5],
    ]);
    // mean 80, sample SD sqrt(800/3) = 16.3299…: z(100) = 20/16.3299 = sqrt(1.5) = 1.2247448713915890
    expect(normTable([60, 80, 80, 100])[3]?.z).toBeCloseTo(1.224744871391589, 12);
    expect(normTable([60, 80, 80, 100])[3]?.t).toBeCloseTo(62.24744871391589, 10);
    expect(normTable([70, 70])[0]).toEqual({ value: 70, z: null, t: null, percentileRank: 50, rank: 1 });
  });

  it("properties: the z-scores of a group have mean 0; percentile ranks lie in [0, 100]", () => {
    const xs = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 40 });
    fc.assert(
      fc.property(xs, (ys) => {
        const z = zScores(ys);
        if (z[0] !== null) {
          const sum = z.reduce<number>((s, v) => {
            assert.exists(v);
            return s + v;
          }, 0);
          expect(Math.abs(sum)).toBeLessThan(1e-9);
        }
        for (const y of ys) {
          const p = percentileRank(y, ys);
          expect(p).toBeGreaterThan(0);
          expect(p).toBeLessThan(100);
        }
        // the whole group at once gives each value's own percentile rank, to the last bit
        expect(percentileRanks(ys)).toEqual(ys.map((y) => percentileRank(y, ys)));
        // competition ranks: 1 + how many are strictly greater (the definition, counted directly)
        const r = competitionRanks(ys);
        ys.forEach((y, i) => expect(r[i]).toBe(1 + ys.filter((v) => v > y).length));
      }),
    );
  });
});
