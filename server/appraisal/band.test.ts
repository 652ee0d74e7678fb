import { describe, expect, it } from "vitest";
import { translate } from "../i18n/translate";
import { bandTeachers, type BandTeacher } from "./band";
import { quotaSummary } from "./explain";
import { parseAppraisalRules } from "./rules";
import { expectDomainError } from "../test/errors";
import { at } from "@/server/shared/indexed";

const rules = (over: Record<string, unknown> = {}) => parseAppraisalRules(over);
const t = (teacherId: number, score: number | null, over: Partial<BandTeacher> = {}): BandTeacher => ({
  teacherId,
  unitId: 1,
  score,
  se: null,
  terms: 2,
  responseRate: 0.8,
  ...over,
});
const byId = (out: ReturnType<typeof bandTeachers>) => new Map(out.teachers.map((r) => [r.teacherId, r]));

describe("appraisal bands", () => {
  it("bands the unrounded composite by the default cut-offs 90 / 75 / 60 (score ≥ cut-off)", () => {
    const out = bandTeachers(rules({ quota: { share: 1 } }), [
      t(1, 95),
      t(2, 90),
      t(3, 89.9999999),
      t(4, 75),
      t(5, 74.99),
      t(6, 60),
      t(7, 59.999),
    ]);
    const m = byId(out);
    expect([1, 2, 3, 4, 5, 6, 7].map((i) => m.get(i)?.band)).toEqual(["excellent", "excellent", "good", "good", "pass", "pass", "fail"]);
    expect([...m.values()].every((r) => r.reason === "score")).toBe(true);
    expect(m.get(7)?.annualFail).toBe(true);
    expect(m.get(6)?.annualFail).toBe(false);
  });

  it("quota: at most floor(0.2 × banded) 优秀, the rest to 良好 with reason quota, named in the check", () => {
    // 62 banded teachers, 14 of them ≥ 90: floor(0.2 × 62) = floor(12.4) = 12, so the two lowest 优秀 move
    const list = [
      ...Array.from({ length: 14 }, (_, i) => t(i + 1, 99 - i * 0.5)), // 99 … 92.5
      ...Array.from({ length: 48 }, (_, i) => t(100 + i, 80 + (i % 10))),
    ];
    const out = bandTeachers(rules(), list);
    const m = byId(out);
    expect(out.quota).toHaveLength(1);
    expect(out.quota[0]).toMatchObject({ scope: "school", banded: 62, quota: 12, byScore: 14, excellent: 12, moved: [13, 14], tied: [] });
    expect(m.get(12)?.band).toBe("excellent");
    expect(m.get(13)).toMatchObject({ band: "good", reason: "quota", scoreBand: "excellent" });
    expect(m.get(14)).toMatchObject({ band: "good", reason: "quota" });
    const names = (id: number) => `T${id}`;
    expect(quotaSummary("en", at(out.quota, 0), names)).toBe(
      "优秀 by score 14, quota 12 (= floor(0.2 × 62)), 2 moved to 良好; moved: T13, T14",
    );
    expect(quotaSummary("zh", at(out.quota, 0), names)).toBe(
      "按分数优秀 14 人，名额 12（= floor(0.2 × 62)），2 人调为良好；调整：T13、T14",
    );
  });

  it("ties across the quota boundary (equal within 1e-9): none of the tied teachers is 优秀", () => {
    // 10 banded, quota 2; places 2 and 3 tie at 95 (one of them 5e-10 higher): only the 98 keeps 优秀
    const list = [t(1, 98), t(2, 95 + 5e-10), t(3, 95), t(4, 91), ...Array.from({ length: 6 }, (_, i) => t(10 + i, 70))];
    const out = bandTeachers(rules(), list);
    const m = byId(out);
    expect(m.get(1)?.band).toBe("excellent");
    expect(m.get(2)).toMatchObject({ band: "good", reason: "quota" });
    expect(m.get(3)).toMatchObject({ band: "good", reason: "quota" });
    expect(m.get(4)).toMatchObject({ band: "good", reason: "quota" });
    expect(out.quota[0]).toMatchObject({ quota: 2, byScore: 4, excellent: 1, moved: [2, 3, 4], tied: [2, 3] });
    expect(quotaSummary("en", at(out.quota, 0), (id) => `T${id}`)).toContain("2 of them tied at the quota boundary");
    // the same tie just inside the quota (places 1 and 2) keeps both
    const inside = byId(
      bandTeachers(rules(), [t(1, 98), t(2, 98 - 5e-10), t(3, 95), ...Array.from({ length: 7 }, (_, i) => t(10 + i, 70))]),
    );
    expect([inside.get(1)?.band, inside.get(2)?.band, inside.get(3)?.band]).toEqual(["excellent", "excellent", "good"]);
    // a difference above 1e-9 is not a tie
    const apart = byId(bandTeachers(rules(), [t(1, 98), t(2, 95 + 2e-9), t(3, 95), ...Array.from({ length: 7 }, (_, i) => t(10 + i, 70))]));
    expect([apart.get(2)?.band, apart.get(3)?.band]).toEqual(["excellent", "good"]);
  });

  it("veto: 不合格 with reason veto whatever the score, counted among the banded, taking no 优秀 place", () => {
    // 5 banded (the vetoed 97 counts): quota floor(0.2 × 5) = 1 goes to the 96, not the vetoed 97
    const out = bandTeachers(rules(), [t(1, 97), t(2, 96), t(3, 95), t(4, 80), t(5, 70)], { vetoes: new Map([[1, "ethics"]]) });
    const m = byId(out);
    expect(m.get(1)).toMatchObject({ band: "fail", reason: "veto", veto: "ethics", annualFail: true, scoreBand: "excellent" });
    expect(m.get(2)?.band).toBe("excellent");
    expect(m.get(3)).toMatchObject({ band: "good", reason: "quota" });
    expect(out.quota[0]).toMatchObject({ banded: 5, quota: 1, byScore: 2 });
    // without the veto counted the quota would be floor(0.2 × 4) = 0: a vetoed teacher without a composite counts too
    const noScore = bandTeachers(rules(), [t(1, null), t(2, 96), t(3, 95), t(4, 80), t(5, 70)], { vetoes: new Map([[1, "ethics"]]) });
    expect(byId(noScore).get(1)).toMatchObject({ band: "fail", reason: "veto" });
    expect(noScore.quota[0]).toMatchObject({ banded: 5, quota: 1 });
  });

  it("insufficient evidence: no composite, too few terms, response rate under the floor: no band, the minimum named, not counted", () => {
    const out = bandTeachers(rules(), [t(1, null), t(2, 96), t(3, 95), t(4, 80), t(5, 70), t(6, 65)]);
    expect(byId(out).get(1)).toMatchObject({
      band: null,
      reason: "insufficient_evidence",
      evidence: { failed: "composite" },
      annualFail: false,
    });
    expect(out.quota[0]).toMatchObject({ banded: 5, quota: 1, moved: [3] });
    const strict = rules({ evidence: { minTerms: 2, minResponseRate: 0.5 } });
    const m = byId(
      bandTeachers(strict, [
        t(1, 96, { terms: 1 }),
        t(2, 96, { responseRate: 0.49 }),
        t(3, 96, { responseRate: null }),
        t(4, 50, { terms: 2, responseRate: 0.5 }),
      ]),
    );
    expect(m.get(1)).toMatchObject({ band: null, reason: "insufficient_evidence", evidence: { failed: "terms", have: 1, need: 2 } });
    expect(m.get(2)).toMatchObject({ band: null, evidence: { failed: "response_rate", have: 0.49, need: 0.5 } });
    expect(m.get(3)).toMatchObject({ band: null, evidence: { failed: "response_rate", have: null } });
    expect(m.get(4)).toMatchObject({ band: "fail", reason: "score" });
    // off by default: one term and a low rate are banded
    expect(byId(bandTeachers(rules(), [t(1, 80, { terms: 1, responseRate: 0.1 })])).get(1)?.band).toBe("good");
  });

  it("exemptions: no band rather than a bad one, not counted; a veto still wins", () => {
    const out = bandTeachers(rules(), [t(1, null), t(2, 40), t(3, 96), t(4, 95), t(5, 80), t(6, 70), t(7, 66)], {
      exemptions: new Map([
        [1, "maternity"],
        [2, "visiting"],
        [7, "training"],
      ]),
      vetoes: new Map([[7, "ethics"]]),
    });
    const m = byId(out);
    expect(m.get(1)).toMatchObject({ band: null, reason: "exempt", exemption: "maternity" });
    expect(m.get(2)).toMatchObject({ band: null, reason: "exempt", annualFail: false });
    expect(m.get(7)).toMatchObject({ band: "fail", reason: "veto" });
    expect(out.quota[0]).toMatchObject({ banded: 5, quota: 1 });
  });

  it("quota per unit: each college gets floor(0.2 × its banded)", () => {
    const a = Array.from({ length: 5 }, (_, i) => t(10 + i, 99 - i, { unitId: 1 })); // 5 × 优秀 by score, quota 1
    const b = [
      ...Array.from({ length: 3 }, (_, i) => t(20 + i, 93 - i, { unitId: 2 })),
      ...Array.from({ length: 7 }, (_, i) => t(30 + i, 70, { unitId: 2 })),
    ]; // quota 2
    const perUnit = bandTeachers(rules({ quota: { scope: "unit" } }), [...a, ...b]);
    expect(perUnit.quota.map((q) => [q.unitId, q.banded, q.quota, q.byScore, q.moved])).toEqual([
      [1, 5, 1, 5, [11, 12, 13, 14]],
      [2, 10, 2, 3, [22]],
    ]);
    const m = byId(perUnit);
    expect([m.get(10)?.band, m.get(20)?.band, m.get(21)?.band, m.get(22)?.band]).toEqual(["excellent", "excellent", "excellent", "good"]);
    expect([m.get(20)?.rank, m.get(20)?.rankOf]).toEqual([1, 10]);
    // the school as one scope: floor(0.2 × 15) = 3, the top three of the school
    const school = bandTeachers(rules(), [...a, ...b]);
    expect(school.quota).toMatchObject([{ unitId: null, banded: 15, quota: 3, byScore: 8 }]);
    expect(school.teachers.filter((r) => r.band === "excellent").map((r) => r.teacherId)).toEqual([10, 11, 12]);
  });

  it("borderline: the 95 % interval (±1.96 SE) holds a cut-off; the band stays the point estimate's", () => {
    const m = byId(
      bandTeachers(rules({ quota: { share: 1 } }), [
        t(1, 89, { se: 1 }),
        t(2, 85, { se: 1 }),
        t(3, 76, { se: 0.5 }),
        t(4, 80, { se: null }),
        t(5, 99.5, { se: 1 }),
      ]),
    );
    expect(m.get(1)).toMatchObject({ band: "good", borderline: true, crossed: [90] });
    expect(m.get(1)?.ci95?.[0]).toBeCloseTo(87.04, 2);
    expect(m.get(1)?.ci95?.[1]).toBeCloseTo(90.96, 2);
    expect(m.get(2)).toMatchObject({ band: "good", borderline: false, crossed: [] });
    expect(m.get(3)).toMatchObject({ borderline: false }); // 75.02 … 76.98: above 75
    expect(m.get(4)).toMatchObject({ ci95: null, borderline: false });
    expect(m.get(5)?.ci95?.[1]).toBe(100); // cut at the full mark
  });

  it("optional caps: excellent + good at most 60 %, pass + fail at least a share; ties across the cap alike", () => {
    const list = [t(1, 95), t(2, 88), t(3, 86), t(4, 84), t(5, 82), t(6, 80), t(7, 78), t(8, 78), t(9, 70), t(10, 50)];
    const out = bandTeachers(rules({ quota: { share: 0.2 }, caps: { goodOrBetterMax: 0.6 } }), list);
    const m = byId(out);
    expect(out.quota[0]).toMatchObject({ capLimit: 6, cappedMoved: [7, 8] });
    expect([m.get(6)?.band, m.get(7)?.band, m.get(8)?.band]).toEqual(["good", "pass", "pass"]);
    expect(m.get(7)?.reason).toBe("quota");
    // a limit of 6 landing inside a tie (places 6 and 7 both 80) moves both
    const tie = bandTeachers(rules({ caps: { passOrFailMin: 0.4 } }), [
      t(1, 95),
      t(2, 88),
      t(3, 86),
      t(4, 84),
      t(5, 82),
      t(6, 80),
      t(7, 80),
      t(8, 77),
      t(9, 70),
      t(10, 50),
    ]);
    expect(tie.quota[0]).toMatchObject({ capLimit: 6, cappedMoved: [6, 7, 8] });
    // off by default
    expect(bandTeachers(rules(), list).quota[0]?.capLimit).toBeNull();
  });

  it("refuses bad rules with a message in both languages: cut-offs not decreasing or outside 0–100, quota outside (0, 1]", async () => {
    await expectDomainError(() => rules({ cutoffs: { excellent: 90, good: 90, pass: 60 } }), { code: "appraisal.errors.cutoffsOrder" });
    await expectDomainError(() => rules({ cutoffs: { excellent: 70, good: 75, pass: 60 } }), { code: "appraisal.errors.cutoffsOrder" });
    await expectDomainError(() => rules({ cutoffs: { excellent: 101, good: 75, pass: 60 } }), {
      code: "appraisal.errors.cutoffRange",
      params: { band: "excellent", value: 101 },
    });
    await expectDomainError(() => rules({ cutoffs: { excellent: 90, good: 75, pass: -1 } }), {
      code: "appraisal.errors.cutoffRange",
      params: { band: "pass" },
    });
    await expectDomainError(() => rules({ quota: { share: 0 } }), { code: "appraisal.errors.quotaShare", params: { share: 0 } });
    await expectDomainError(() => rules({ quota: { share: 1.5 } }), { code: "appraisal.errors.quotaShare" });
    await expectDomainError(() => rules({ caps: { goodOrBetterMax: 0 } }), { code: "appraisal.errors.capShare" });
    await expectDomainError(() => rules({ evidence: { minResponseRate: 2 } }), { code: "appraisal.errors.responseRateFloor" });
    await expectDomainError(() => rules({ quota: { scope: "college" } }), {
      code: "appraisal.errors.rulesInvalid",
      params: { path: "quota.scope" },
    });
    expect(rules({ quota: { share: 1 } }).quota.share).toBe(1);
    const d = await expectDomainError(() => rules({ cutoffs: { excellent: 70, good: 75, pass: 60 } }), {
      code: "appraisal.errors.cutoffsOrder",
    });
    expect(translate("zh", d.code, d.params)).toBe("等次分数线必须严格递减（优秀 > 良好 > 合格）：现为 70、75、60。");
    expect(translate("en", d.code, d.params)).toBe(
      "Band cut-offs must be strictly decreasing (excellent > good > pass): they are 70, 75, 60.",
    );
  });

  it("the defaults of the rules", () => {
    expect(rules()).toEqual({
      cutoffs: { excellent: 90, good: 75, pass: 60 },
      quota: { share: 0.2, scope: "school" },
      caps: { goodOrBetterMax: null, passOrFailMin: null },
      evidence: { minTerms: null, minResponseRate: null },
      confidence: 0.95,
    });
  });
});
