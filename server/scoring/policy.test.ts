import { describe, expect, it } from "vitest";
import { composite, parsePolicy } from "./policy";
import { expectDomainError } from "../test/errors";

const base = {
  key: "2026-2027 标准",
  schoolYear: "2026-2027",
  weights: { default: { student: 0.5, supervisor: 0.3, peer: 0.2 }, byCourseType: { pe: { student: 0.7, supervisor: 0.3 } } },
};

describe("scoring policy", () => {
  it("fills the documented defaults", () => {
    const p = parsePolicy(base);
    expect(p).toMatchObject({
      trim: 0.1,
      outOf: 100,
      normGroup: "unit",
      quality: { straightLining: "flag", allLowest: "flag", maxExcludedShare: 0.2 },
      minRaters: { student: 5, observer: 3, self: 1 },
      compositeOf: "trimmed_mean",
      minReliability: 0.7,
    });
  });

  it("minReliability: a coefficient in [0, 1], refused otherwise with its path named", async () => {
    expect(parsePolicy({ ...base, minReliability: 0.8 }).minReliability).toBe(0.8);
    expect(parsePolicy({ ...base, minReliability: 0 }).minReliability).toBe(0);
    await expectDomainError(() => parsePolicy({ ...base, minReliability: 1.2 }), {
      code: "scoring.errors.policyInvalid",
      params: { path: "minReliability" },
    });
    await expectDomainError(() => parsePolicy({ ...base, minReliability: -0.1 }), {
      code: "scoring.errors.policyInvalid",
      params: { path: "minReliability" },
    });
    await expectDomainError(() => parsePolicy({ ...base, minReliability: "0.7" }), {
      code: "scoring.errors.policyInvalid",
      params: { path: "minReliability" },
    });
  });

  it("refuses weights that do not sum to 1, a trim outside [0, 0.5), unknown fields, naming the problem", async () => {
    await expectDomainError(() => parsePolicy({ ...base, weights: { default: { student: 0.5, supervisor: 0.3 } } }), {
      code: "scoring.errors.weightsSum",
      params: { scope: "weights.default", sum: 0.8 },
    });
    await expectDomainError(
      () => parsePolicy({ ...base, weights: { default: base.weights.default, byCourseType: { pe: { student: 0.7 } } } }),
      { code: "scoring.errors.weightsSum", params: { scope: "weights.byCourseType.pe", sum: 0.7 } },
    );
    await expectDomainError(() => parsePolicy({ ...base, trim: 0.5 }), { code: "scoring.errors.trimFraction" });
    await expectDomainError(() => parsePolicy({ ...base, trim: -0.1 }), { code: "scoring.errors.trimFraction" });
    await expectDomainError(() => parsePolicy({ ...base, colour: "red" }), {
      code: "scoring.errors.policyInvalid",
      params: { path: "(root)" },
    });
    await expectDomainError(() => parsePolicy({ ...base, weights: { default: { students: 1 } } }), {
      code: "scoring.errors.policyInvalid",
    });
    await expectDomainError(() => parsePolicy({ ...base, schoolYear: "2026" }), {
      code: "scoring.errors.policyInvalid",
      params: { path: "schoolYear" },
    });
  });

  it("composite: weights of the groups that count, renormalised and flagged when one is missing", () => {
    const p = parsePolicy(base);
    // All three count: 0.5·80 + 0.3·90 + 0.2·70 = 40 + 27 + 14 = 81.
    expect(composite(p, "core", { student: { score: 80, n: 30 }, supervisor: { score: 90, n: 3 }, peer: { score: 70, n: 4 } })).toEqual({
      score: 81,
      used: { student: 0.5, supervisor: 0.3, peer: 0.2 },
      missing: [],
      renormalised: false,
    });
    // Peers below their minimum (2 < 3): students 0.5/0.8 = 0.625, supervisors 0.375 → 50 + 33.75 = 83.75.
    const r = composite(p, "core", { student: { score: 80, n: 30 }, supervisor: { score: 90, n: 3 }, peer: { score: 70, n: 2 } });
    expect(r.score).toBeCloseTo(83.75, 12);
    expect(r).toMatchObject({ missing: ["peer"], renormalised: true });
    // A PE course uses its own table: 0.7·80 + 0.3·90 = 83.
    expect(
      composite(p, "pe", { student: { score: 80, n: 30 }, supervisor: { score: 90, n: 3 }, peer: { score: 10, n: 9 } }).score,
    ).toBeCloseTo(83, 12);
    // Nothing counts: no score, every weighted group missing.
    expect(composite(p, "core", { student: { score: 80, n: 4 } })).toEqual({
      score: null,
      used: {},
      missing: ["student", "supervisor", "peer"],
      renormalised: true,
    });
  });
});
