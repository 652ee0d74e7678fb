import { assert, describe, expect, it } from "vitest";
import { match } from "@/server/test/match";
import {
  attainmentDocument,
  computeAttainment,
  computeIndirect,
  isAttained,
  shortfalls,
  trainingObjectiveValues,
  type SurveyLink,
} from "./compute";
import { EXAMPLE, PARAMS } from "./testing";
import { at } from "@/server/shared/indexed";

const objective = (r: ReturnType<typeof computeAttainment>, course: string, code: string) => {
  const found = r.objectives.find((o) => o.course === course && o.objective === code);
  assert.exists(found);
  return found;
};

describe("course objective attainment", () => {
  it("item_ratio: a(CO) = Σ w_k · mean_k / full_k", () => {
    const r = computeAttainment(EXAMPLE, PARAMS);
    // mean Q1 = (8 + 6 + 10)/3 = 8 → 8/10 = 0.8; mean Q2 = (14 + 10 + 0)/3 = 8 → 8/20 = 0.4
    // a(C1.CO1) = 0.6·0.8 + 0.4·0.4 = 0.48 + 0.16 = 0.64
    const co1 = objective(r, "C1", "CO1");
    expect(co1.attainment).toBeCloseTo(0.64, 12);
    expect(co1.items.map((i) => [i.item, i.mean, i.ratio])).toEqual([
      ["Q1", 8, 0.8],
      ["Q2", 8, 0.4],
    ]);
    expect(co1.students).toBe(3);
    expect(co1.attained).toBe(false);
    // mean Q3 = (40 + 30 + 45)/3 = 115/3 → a(C1.CO2) = 115/150 = 0.7666…
    expect(objective(r, "C1", "CO2").attainment).toBeCloseTo(115 / 150, 12);
    expect(objective(r, "C1", "CO2").attained).toBe(true);
    // C2: mean E1 = (90 + 70)/2 = 80 → 0.8
    expect(objective(r, "C2", "CO1").attainment).toBeCloseTo(0.8, 12);
  });

  it("weighted_marks: a(CO) = Σ w_k · mean_k / Σ w_k · full_k, and the result records the method", () => {
    const r = computeAttainment(EXAMPLE, { ...PARAMS, method: "weighted_marks" });
    // (0.6·8 + 0.4·8) / (0.6·10 + 0.4·20) = (4.8 + 3.2) / (6 + 8) = 8/14 = 0.571428…
    expect(objective(r, "C1", "CO1").attainment).toBeCloseTo(8 / 14, 12);
    // one item: both methods agree, 38.333…/50
    expect(objective(r, "C1", "CO2").attainment).toBeCloseTo(115 / 150, 12);
    expect(attainmentDocument(r).method).toBe("weighted_marks");
    expect(attainmentDocument(computeAttainment(EXAMPLE, PARAMS)).method).toBe("item_ratio");
  });

  it("per student: a(s, CO) = Σ w_k · score_s,k / full_k; share at the threshold and quartiles", () => {
    const r = computeAttainment(EXAMPLE, PARAMS);
    // s1: 0.6·8/10 + 0.4·14/20 = 0.48 + 0.28 = 0.76; s2: 0.36 + 0.20 = 0.56; s3: 0.6·1 + 0.4·0 = 0.60
    const co1 = objective(r, "C1", "CO1");
    expect(co1.studentValues.map((v) => +v.toFixed(12))).toEqual([0.56, 0.6, 0.76]);
    // their mean (0.56 + 0.6 + 0.76)/3 = 0.64 = a(CO1)
    expect(co1.studentValues.reduce((a, b) => a + b) / 3).toBeCloseTo(co1.attainment, 12);
    // at or above 0.7: s1 only → 1/3
    expect(co1.shareAtThreshold).toBeCloseTo(1 / 3, 12);
    // quartiles (type 7) of 0.56, 0.60, 0.76: h = 0.5 → 0.56 + 0.5·0.04 = 0.58; 0.60; h = 1.5 → 0.60 + 0.5·0.16 = 0.68
    expect(co1.quartiles[0]).toBeCloseTo(0.58, 12);
    expect(co1.quartiles[1]).toBeCloseTo(0.6, 12);
    expect(co1.quartiles[2]).toBeCloseTo(0.68, 12);
    // CO2 per student 40/50 = 0.8, 0.6, 0.9 → 2 of 3 at 0.7
    expect(objective(r, "C1", "CO2").shareAtThreshold).toBeCloseTo(2 / 3, 12);
    // weighted_marks per student: s1 (0.6·8 + 0.4·14)/14 = 10.4/14
    const wm = objective(computeAttainment(EXAMPLE, { ...PARAMS, method: "weighted_marks" }), "C1", "CO1");
    expect(wm.studentValues.at(-1)).toBeCloseTo(10.4 / 14, 12);
  });

  it("the roster decides who counts: an enrolled student without any score counts 0 on every item", () => {
    const rosters = new Map([["C2", ["t1", "t2", "t3"]]]);
    const r = computeAttainment({ ...EXAMPLE, rosters }, PARAMS);
    // (90 + 70 + 0)/3 = 53.33… → 0.5333…
    expect(objective(r, "C2", "CO1").attainment).toBeCloseTo(160 / 300, 12);
    expect(objective(r, "C2", "CO1").students).toBe(3);
  });
});

describe("course attainment", () => {
  it("min over objectives, the weakest named", () => {
    const r = computeAttainment(EXAMPLE, PARAMS);
    const c1 = r.courses.find((c) => c.course === "C1");
    assert.exists(c1);
    // min(0.64, 0.7666…) = 0.64 (CO1)
    expect(c1.attainment).toBeCloseTo(0.64, 12);
    expect(c1.weakestObjective).toBe("CO1");
    expect(c1.attained).toBe(false);
  });

  it("weighted mean by the objectives' marks, as an option", () => {
    const r = computeAttainment(EXAMPLE, { ...PARAMS, courseAggregate: "weighted_mean" });
    // CO1 marks 10 + 20 = 30, CO2 marks 50: (30·0.64 + 50·0.7666…) / 80 = (19.2 + 38.333…)/80 = 0.719166…
    const c1 = r.courses.find((c) => c.course === "C1");
    assert.exists(c1);
    expect(c1.attainment).toBeCloseTo((19.2 + 115 / 3) / 80, 12);
    expect(c1.attained).toBe(true);
    expect(attainmentDocument(r).course_aggregate).toBe("weighted_mean");
  });
});

describe("indicator points and requirements", () => {
  it("A(m) = Σ v_j · a(CO_j) / Σ v_j with H = 3, M = 2, L = 1", () => {
    const r = computeAttainment(EXAMPLE, PARAMS);
    const point = (code: string) => {
      const found = r.points.find((p) => p.point === code);
      assert.exists(found);
      return found;
    };
    // 1.1: (3·0.64 + 2·0.8) / (3 + 2) = (1.92 + 1.6)/5 = 0.704
    expect(point("1.1").attainment).toBeCloseTo(0.704, 12);
    // 1.2: (1·0.7666… + 3·0.8) / (1 + 3) = 3.1666…/4 = 0.791666…
    expect(point("1.2").attainment).toBeCloseTo((115 / 150 + 2.4) / 4, 12);
    // 2.1: 3·0.64/3 = 0.64
    expect(point("2.1").attainment).toBeCloseTo(0.64, 12);
    expect(point("1.1").contributions.map((c) => [c.course, c.objective, c.value])).toEqual([
      ["C1", "CO1", 3],
      ["C2", "CO1", 2],
    ]);
  });

  it("the programme's own strength values (H 0.7, M 0.25, L 0.05)", () => {
    const r = computeAttainment(EXAMPLE, { ...PARAMS, strengthValues: { H: 0.7, M: 0.25, L: 0.05 } });
    // 1.1: (0.7·0.64 + 0.25·0.8) / 0.95 = (0.448 + 0.2)/0.95 = 0.682105…
    expect(r.points.find((p) => p.point === "1.1")?.attainment).toBeCloseTo(0.648 / 0.95, 12);
  });

  it("a requirement is the minimum over its points, the weakest named, attained at the threshold", () => {
    const r = computeAttainment(EXAMPLE, PARAMS);
    // R1 = min(0.704, 0.7916…) = 0.704 (1.1) ≥ 0.7; R2 = 0.64 (2.1) < 0.7
    expect(r.requirements).toEqual([
      { requirement: "R1", attainment: match.closeTo(0.704, 12), weakestPoint: "1.1", attained: true },
      { requirement: "R2", attainment: match.closeTo(0.64, 12), weakestPoint: "2.1", attained: false },
    ]);
    // the threshold is a parameter: at 0.75, R1 (0.704) falls short
    const strict = computeAttainment(EXAMPLE, { ...PARAMS, threshold: 0.75 });
    expect(strict.requirements[0]?.attained).toBe(false);
    expect(objective(strict, "C1", "CO2").shareAtThreshold).toBeCloseTo(2 / 3, 12); // 0.8 and 0.9 ≥ 0.75
    const lax = computeAttainment(EXAMPLE, { ...PARAMS, threshold: 0.6 });
    expect(lax.requirements.map((q) => q.attained)).toEqual([true, true]);
  });

  it("a value equal to the threshold but for rounding counts as attained", () => {
    expect(0.1 * 7).not.toBe(0.7); // 0.7000000000000001
    expect(isAttained(0.7 - Number.EPSILON / 2, 0.7)).toBe(true); // 0.6999999999999999, the double just below 0.7
    expect(isAttained(0.6999, 0.7)).toBe(false);
  });
});

describe("the output document", () => {
  it("has the documented fields", () => {
    const doc = attainmentDocument(computeAttainment(EXAMPLE, PARAMS));
    expect(Object.keys(at(doc.objectives, 0))).toEqual(
      expect.arrayContaining(["course", "objective", "attainment", "students", "share_at_threshold"]),
    );
    expect(doc.courses[0]).toEqual({ course: "C1", attainment: match.closeTo(0.64, 12), weakest_objective: "CO1", attained: false });
    expect(doc.points.map((p) => p.point)).toEqual(["1.1", "1.2", "2.1"]);
    expect(doc.requirements[1]).toEqual({ requirement: "R2", attainment: match.closeTo(0.64, 12), weakest_point: "2.1", attained: false });
  });
});

describe("shortfalls and the next year", () => {
  it("lists requirements, points and objectives below the threshold with next year's value", () => {
    const now = computeAttainment(EXAMPLE, PARAMS);
    // Next year s2 scores 10 on Q2 → 18: mean Q2 = (14 + 18 + 0)/3 = 32/3; a(C1.CO1) = 0.48 + 0.4·(32/3)/20 = 0.48 + 0.21333… = 0.69333…
    const nextScores = EXAMPLE.scores.map((s) => (s.student === "s2" && s.item === "Q2" ? { ...s, score: 18 } : s));
    const next = computeAttainment({ ...EXAMPLE, scores: nextScores }, PARAMS);
    const list = shortfalls(now, next);
    expect(list.map((s) => [s.level, s.course ?? null, s.code])).toEqual([
      ["requirement", null, "R2"],
      ["point", null, "2.1"],
      ["objective", "C1", "CO1"],
    ]);
    const co1 = list.find((s) => s.level === "objective");
    assert.exists(co1);
    expect(co1.attainment).toBeCloseTo(0.64, 12);
    expect(co1.next).toBeCloseTo(0.48 + (0.4 * (32 / 3)) / 20, 12);
    expect(co1.recovered).toBe(false); // 0.6933… < 0.7
    // without a next year: no value, no verdict
    expect(shortfalls(now).every((s) => s.next === null && s.recovered === null)).toBe(true);
  });
});

describe("indirect values from survey items", () => {
  // Direct values of the example (see above): a(C1.CO1) = 0.64, a(C1.CO2) = 115/150, a(C2.CO1) = 0.8;
  // 1.1 = (3·0.64 + 2·0.8)/5 = 0.704, 1.2 = (1·0.7667 + 3·0.8)/4 = 0.7917 → R1 = 0.704; R2 = 2.1 = 0.64.
  const links: SurveyLink[] = [
    { source: "graduating", item: "q1", requirement: "R1" },
    { source: "graduating", item: "q2", requirement: "R1" },
    { source: "employer", item: "e1", requirement: "R1" },
    { source: "alumni", item: "a1", requirement: "R2" },
    { source: "employer", item: "e2", requirement: "R2" },
    { source: "alumni", item: "a5", objective: "PO1" },
  ];
  const matrix = [
    { requirement: "R1", objective: "PO1" },
    { requirement: "R2", objective: "PO2" },
  ];
  // Item scores on 0–1 (value / the scale's top, pooled over the reported groups); e2 had no answer.
  // Requirements read the graduating survey, the recent alumni wave and the employers;
  // training objectives the five-year wave and the employers.
  const evidence = {
    requirements: {
      items: [
        { source: "graduating" as const, item: "q1", value: 0.84, n: 40 },
        { source: "graduating" as const, item: "q2", value: 0.72, n: 38 },
        { source: "employer" as const, item: "e1", value: 0.9, n: 11 },
        { source: "alumni" as const, item: "a1", value: 0.6, n: 12 },
      ],
      respondents: { graduating: 40, employer: 11, alumni: 12 },
    },
    objectives: {
      items: [
        { source: "alumni" as const, item: "a5", value: 0.7, n: 9 },
        { source: "employer" as const, item: "e1", value: 0.9, n: 11 },
      ],
      respondents: { alumni: 9, employer: 11 },
    },
  };
  const direct = computeAttainment(EXAMPLE, PARAMS);

  it("a requirement's value is the mean of its mapped items' scores, with the respondents behind it as n", () => {
    const r = computeIndirect(
      direct,
      { links, requirementObjectives: matrix, trainingObjectives: ["PO1", "PO2", "PO3"], alpha: null },
      evidence,
    );
    const r1 = r.requirements.find((x) => x.requirement === "R1");
    assert.exists(r1);
    // R1 = (0.84 + 0.72 + 0.9)/3 = 2.46/3 = 0.82; n = 40 graduating + 11 employer respondents = 51
    expect(r1.direct).toBeCloseTo(0.704, 12);
    expect(r1.indirect?.value).toBeCloseTo(0.82, 12);
    expect(r1.indirect?.n).toBe(51);
    expect(r1.indirect?.items.map((i) => i.item)).toEqual(["q1", "q2", "e1"]);
    // R2: e2 has no answer, so a1 alone: 0.6, n = 12 alumni
    const r2 = r.requirements.find((x) => x.requirement === "R2");
    assert.exists(r2);
    expect(r2.indirect?.value).toBeCloseTo(0.6, 12);
    expect(r2.indirect?.n).toBe(12);
    // no α: never blended, and the result records it
    expect(r.alpha).toBeNull();
    expect(r.requirements.every((x) => x.blended === null)).toBe(true);
  });

  it("blends α·direct + (1 − α)·indirect only where the programme set α", () => {
    const r = computeIndirect(direct, { links, requirementObjectives: matrix, trainingObjectives: [], alpha: 0.8 }, evidence);
    expect(r.alpha).toBe(0.8);
    // R1: 0.8·0.704 + 0.2·0.82 = 0.5632 + 0.164 = 0.7272; R2: 0.8·0.64 + 0.2·0.6 = 0.512 + 0.12 = 0.632
    expect(r.requirements[0]?.blended).toBeCloseTo(0.7272, 12);
    expect(r.requirements[1]?.blended).toBeCloseTo(0.632, 12);
    // a requirement without any answered item has nothing to blend
    const none = computeIndirect(direct, { links: [], requirementObjectives: [], trainingObjectives: [], alpha: 0.8 }, evidence);
    expect(none.requirements.map((x) => [x.indirect, x.blended])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it("training objectives from the five-year wave and the employers, directly or through the requirement → objective matrix", () => {
    const r = computeIndirect(
      direct,
      { links, requirementObjectives: matrix, trainingObjectives: ["PO1", "PO2", "PO3"], alpha: null },
      evidence,
    );
    const [po1, po2, po3] = r.objectives;
    // PO1 ← a5 (mapped to PO1) and, through R1, e1 (q1, q2 are the graduating survey's: not read for objectives)
    //   = (0.7 + 0.9)/2 = 0.8; n = 9 alumni + 11 employer = 20; direct = mean of R1 = 0.704
    expect(po1?.indirect?.value).toBeCloseTo(0.8, 12);
    expect(po1?.indirect?.n).toBe(20);
    expect(po1?.direct).toBeCloseTo(0.704, 12);
    // PO2 ← R2's a1 (the recent wave: not read for objectives) and e2 (no answer): none; direct = R2 = 0.64
    expect(po2?.indirect).toBeNull();
    expect(po2?.direct).toBeCloseTo(0.64, 12);
    // PO3: no requirement, no item
    expect(po3).toEqual({ objective: "PO3", direct: null, indirect: null });
    // through the matrix alone, direct: PO1 ← R1, R2 → (0.78 + 0.9)/2 = 0.84
    const po = trainingObjectiveValues(
      [
        { requirement: "GR1", objective: "PO1" },
        { requirement: "GR2", objective: "PO1" },
        { requirement: "GR9", objective: "PO2" },
      ],
      new Map([
        ["GR1", 0.78],
        ["GR2", 0.9],
      ]),
    );
    expect(po.get("PO1")).toBeCloseTo(0.84, 12);
    expect(po.has("PO2")).toBe(false);
  });
});
