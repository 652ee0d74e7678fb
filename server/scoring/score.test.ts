import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { assert, describe, expect, it } from "vitest";
import { instrumentFileSchema, type InstrumentFile } from "@/server/instruments/format";
import { at } from "@/server/shared/indexed";
import { compileScoring, scoreResponse } from "./score";
import { expectDomainError } from "../test/errors";

const name = (zh: string) => ({ zh, en: zh });
const choices = (values: (number | string)[]) => values.map((value) => ({ value, text: String(value) }));
/** The first question of an instrument's first page, to change its choices. */
const firstQuestion = (f: InstrumentFile) => at(at(f.survey.pages as { elements: { choices?: unknown }[] }[], 0).elements, 0);

// A: 0.6 (A1 0.5, A2 0.5), B: 0.4. q1 → A1 (1–5 and na); q2 (rating 1–5, optional) 0.4 and
// q3 (coefficients 0.2–1.0) 0.6 → A2; the matrix m, rows r1 and r2 (columns 1–4), 0.5 each → B.
function fixture(): InstrumentFile {
  return {
    key: "fixture",
    kind: "student_evaluation",
    name: name("测试"),
    unscored: [],
    indicators: [
      {
        id: "A",
        name: name("A"),
        weight: 0.6,
        children: [
          { id: "A1", name: name("A1"), weight: 0.5 },
          { id: "A2", name: name("A2"), weight: 0.5 },
        ],
      },
      { id: "B", name: name("B"), weight: 0.4 },
    ],
    items: [
      { question: "q1", indicator: "A1", weight: 1 },
      { question: "q2", indicator: "A2", weight: 0.4 },
      { question: "q3", indicator: "A2", weight: 0.6 },
      { question: "m", row: "r1", indicator: "B", weight: 0.5 },
      { question: "m", row: "r2", indicator: "B", weight: 0.5 },
    ],
    survey: {
      pages: [
        {
          name: "p",
          elements: [
            { type: "radiogroup", name: "q1", choices: choices([5, 4, 3, 2, 1, "na"]) },
            { type: "rating", name: "q2" },
            { type: "dropdown", name: "q3", choices: choices([1, 0.8, 0.6, 0.4, 0.2]) },
            { type: "matrix", name: "m", rows: ["r1", "r2"], columns: choices([1, 2, 3, 4]) },
            { type: "comment", name: "remarks" },
          ],
        },
      ],
    },
  };
}

describe("scoreResponse", () => {
  it("a full response, worked by hand", () => {
    const s = scoreResponse(fixture(), { q1: 4, q2: 3, q3: 0.8, m: { r1: 4, r2: 2 }, remarks: "好" });
    assert.exists(s);
    // value / highest option · 100: q1 4/5 = 80; q2 3/5 = 60; q3 0.8/1.0 = 80; r1 4/4 = 100; r2 2/4 = 50
    expect(s.items.map((i) => i.score)).toEqual([80, 60, 80, 100, 50]);
    expect(s.indicators.A1).toBe(80);
    expect(s.indicators.A2).toBeCloseTo(72, 10); // 0.4·60 + 0.6·80
    expect(s.indicators.A).toBeCloseTo(76, 10); // 0.5·80 + 0.5·72
    expect(s.indicators.B).toBeCloseTo(75, 10); // (100 + 50)/2
    expect(s.total).toBeCloseTo(75.6, 10); // 0.6·76 + 0.4·75 = 45.6 + 30
    expect(s.flags).toEqual({ straightLining: false, allLowest: false, sparse: false });
    // positions on each scale (lowest 0), the remarks are not an item
    expect(s.options).toEqual([3, 2, 3, 3, 1]);
  });

  it("unanswered and na items are left out and the weights renormalised at every level", () => {
    const s = scoreResponse(fixture(), { q1: "na", q3: 0.8, m: { r1: 4 } });
    assert.exists(s);
    expect(s.items.map((i) => `${i.question}${i.row ?? ""}`)).toEqual(["q3", "mr1"]);
    expect(s.indicators.A1).toBeNull();
    expect(s.indicators.A2).toBeCloseTo(80, 10); // q3 alone
    expect(s.indicators.A).toBeCloseTo(80, 10); // A2 alone
    expect(s.indicators.B).toBe(100); // r1 alone
    expect(s.total).toBeCloseTo(88, 10); // 0.6·80 + 0.4·100
    // "na" is the slot after the scale (q1 has 5 values), unanswered is null
    expect(s.options).toEqual([5, null, 3, 3, null]);
    const none = scoreResponse(fixture(), {});
    assert.exists(none);
    expect(none.total).toBeNull();
    expect(none.flags).toEqual({ straightLining: false, allLowest: false, sparse: true });
  });

  it("another scale (outOf = 5) is the 百分制 score divided by 20", async () => {
    const s = scoreResponse(fixture(), { q1: 4, q2: 3, q3: 0.8, m: { r1: 4, r2: 2 } }, { outOf: 5 });
    assert.exists(s);
    expect(s.total).toBeCloseTo(75.6 / 20, 10);
    await expectDomainError(() => scoreResponse(fixture(), {}, { outOf: 0 }), { code: "scoring.errors.outOf" });
  });

  it("flags straight-lining and all-lowest; declined responses are not scored", () => {
    const top = scoreResponse(fixture(), { q1: 5, q2: 5, q3: 1, m: { r1: 4, r2: 4 } });
    assert.exists(top);
    expect(top.total).toBe(100);
    expect(top.flags).toEqual({ straightLining: true, allLowest: false, sparse: false });
    const low = scoreResponse(fixture(), { q1: 1, q2: 1, q3: 0.2, m: { r1: 1, r2: 1 } });
    assert.exists(low);
    // the lowest option earns its share of the full mark: 1/5, 0.2/1.0 → 20; 1/4 → 25
    expect(low.total).toBeCloseTo(22, 10); // 0.6·20 + 0.4·25
    expect(low.flags).toEqual({ straightLining: true, allLowest: true, sparse: false });
    // straight-lining is the same place on every scale, not the same score: 4 of 5 and 3 of 4 differ
    expect(scoreResponse(fixture(), { q1: 5, m: { r1: 4 } })?.flags.straightLining).toBe(true);
    expect(scoreResponse(fixture(), { q1: 4, m: { r1: 3 } })?.flags.straightLining).toBe(false);
    // the same middle option everywhere is straight-lining, not all-lowest
    expect(scoreResponse(fixture(), { q1: 3, q2: 3, q3: 0.6 })?.flags).toEqual({ straightLining: true, allLowest: false, sparse: false });
    expect(scoreResponse(fixture(), { q1: 1 })?.flags).toEqual({ straightLining: false, allLowest: true, sparse: true });
    expect(scoreResponse(fixture(), {}, { declined: true })).toBeNull();
  });

  it("flags too few answered: fewer than half of the scored items, 'na' and left out counting as not answered", () => {
    // the fixture has 5 scored items (q1, q2, q3, m/r1, m/r2): 3 answered is enough, 2 is not
    expect(scoreResponse(fixture(), { q1: 4, q3: 0.8, m: { r1: 4 } })?.flags.sparse).toBe(false);
    expect(scoreResponse(fixture(), { q1: 4, q3: 0.8 })?.flags.sparse).toBe(true);
    expect(scoreResponse(fixture(), { q1: "na", q3: 0.8, m: { r1: 4 } })?.flags.sparse).toBe(true);
    expect(scoreResponse(fixture(), { q1: 4, q2: 3, q3: 0.8, m: { r1: 4, r2: 2 } })?.flags.sparse).toBe(false);
  });

  it("refuses answers that are not on the scale", async () => {
    await expectDomainError(() => scoreResponse(fixture(), { q1: 6 }), {
      code: "scoring.errors.valueOutsideScale",
      params: { item: "q1", value: "6" },
    });
    await expectDomainError(() => scoreResponse(fixture(), { m: { r2: "4" } }), {
      code: "scoring.errors.valueOutsideScale",
      params: { item: "m/r2" },
    });
  });

  it("refuses weights that do not sum to 1, naming where", async () => {
    const f1 = fixture();
    at(f1.indicators, 1).weight = 0.5;
    await expectDomainError(() => compileScoring(f1), { code: "scoring.errors.weightsSum", params: { scope: "indicators", sum: 1.1 } });
    const f2 = fixture();
    at(at(f2.indicators, 0).children ?? [], 1).weight = 0.4;
    await expectDomainError(() => compileScoring(f2), { code: "scoring.errors.weightsSum", params: { scope: "A", sum: 0.9 } });
    const f3 = fixture();
    at(f3.items, 2).weight = 0.5;
    await expectDomainError(() => scoreResponse(f3, { q1: 4 }), { code: "scoring.errors.weightsSum", params: { scope: "A2", sum: 0.9 } });
  });

  it("refuses items it cannot score", async () => {
    const f1 = fixture();
    at(f1.items, 0).indicator = "A";
    await expectDomainError(() => compileScoring(f1), { code: "scoring.errors.itemIndicator", params: { item: "q1", indicator: "A" } });
    const f2 = fixture();
    at(f2.items, 0).question = "remarks";
    await expectDomainError(() => compileScoring(f2), { code: "scoring.errors.itemNotScorable", params: { item: "remarks" } });
    const f3 = fixture();
    at(f3.items, 4).row = "r9";
    await expectDomainError(() => compileScoring(f3), { code: "scoring.errors.itemNotScorable", params: { item: "m/r9" } });
    const f4 = fixture();
    firstQuestion(f4).choices = choices([3, "na"]);
    await expectDomainError(() => compileScoring(f4), { code: "scoring.errors.degenerateScale", params: { item: "q1" } });
    const f5 = fixture();
    firstQuestion(f5).choices = choices([-1, 0, 1]);
    await expectDomainError(() => compileScoring(f5), { code: "scoring.errors.degenerateScale", params: { item: "q1" } });
  });

  it("the student evaluation of the library: top answers 100, lowest 20 (coefficient 0.2), and always within [0, 100]", () => {
    const raw: unknown = JSON.parse(readFileSync(path.resolve(__dirname, "../../surveys/student_evaluation.json"), "utf8"));
    const file = instrumentFileSchema.parse(raw);
    const model = compileScoring(file);
    expect(model.items.length).toBeGreaterThan(3);
    const answer = (pick: (scale: number[]) => number) => {
      const a: Record<string, unknown> = {};
      for (const it of model.items) {
        if (it.row === null) a[it.question] = pick(it.scale);
        else a[it.question] = { ...(a[it.question] as object), [it.row]: pick(it.scale) };
      }
      return a;
    };
    expect(
      scoreResponse(
        file,
        answer((s) => at(s, s.length - 1)),
      )?.total,
    ).toBeCloseTo(100, 10);
    const lowest = scoreResponse(
      file,
      answer((s) => at(s, 0)),
    );
    assert.exists(lowest);
    expect(lowest.flags.allLowest).toBe(true);
    expect(lowest.total).toBeCloseTo(20, 10);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: model.items.length, maxLength: model.items.length }), (picks) => {
        let i = 0;
        const s = scoreResponse(
          model,
          answer((scale) => at(scale, at(picks, i++) % scale.length)),
        );
        assert.exists(s);
        expect(s.total).toBeGreaterThanOrEqual(0);
        expect(s.total).toBeLessThanOrEqual(100 + 1e-9);
        for (const v of Object.values(s.indicators)) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(100 + 1e-9);
        }
      }),
      { numRuns: 100 },
    );
  });
});
