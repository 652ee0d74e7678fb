import { Model, type QuestionRatingModel } from "survey-core";
import { describe, expect, it } from "vitest";
import {
  compilePlan,
  DEFAULT_COMMENT_MAX_LENGTH,
  DEFAULT_TEXT_MAX_LENGTH,
  PlanError,
  type Plan,
  type PlanQuestion,
  type ValueSpec,
} from "./plan";
import { FIXTURE_SURVEY } from "./testing/fixture";
import { loadInstruments } from "./testing/instruments";
import { at } from "@/server/shared/indexed";

const one = (question: Record<string, unknown>, survey: Record<string, unknown> = {}) =>
  at(compilePlan({ ...survey, elements: [{ name: "q", ...question }] }).questions, 0);
const spec = <K extends ValueSpec["kind"]>(q: PlanQuestion, kind: K) => {
  expect(q.spec.kind).toBe(kind);
  return q.spec as Extract<ValueSpec, { kind: K }>;
};
const byName = (plan: Plan, name: string) => {
  const q = plan.questions.find((x) => x.name === name);
  if (q === undefined) throw new Error(`no question ${name} in the plan`);
  return q;
};

describe("compilePlan", () => {
  it("compiles the fixture: every question in document order, with titles in both languages", () => {
    const plan = compilePlan(FIXTURE_SURVEY);
    expect(plan.questions.map((q) => q.name)).toEqual([
      "intro",
      "attitude",
      "overall",
      "nps",
      "attendance",
      "methods",
      "grade",
      "recommend",
      "consent",
      "why_not",
      "calc",
      "hours",
      "started",
      "email",
      "student_no",
      "nickname",
      "score",
      "quality",
      "extras",
      "improve",
      "suggestion",
    ]);
    expect(byName(plan, "attitude").title).toEqual({ zh: "教学态度", en: "Teaching attitude" });
    expect(byName(plan, "intro")).toMatchObject({ answerable: false, spec: { kind: "none" }, title: { zh: "intro", en: "intro" } });
    expect(byName(plan, "calc").answerable).toBe(false);
    expect([...plan.keys.keys()]).toContain("attendance-Comment");
    expect(plan.keys.get("attendance-Comment")).toMatchObject({ comment: true, question: { name: "attendance" } });
  });

  it("compiles every instrument in surveys/", () => {
    for (const { name, survey } of loadInstruments()) {
      expect(() => compilePlan(survey), name).not.toThrow();
    }
  });

  it("rating: values as survey-core renders them", () => {
    expect(spec(one({ type: "rating" }), "rating").values).toEqual([1, 2, 3, 4, 5]);
    expect(spec(one({ type: "rating", rateMin: 0, rateMax: 10 }), "rating").values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(spec(one({ type: "rating", rateMin: 1, rateMax: 10, rateStep: 3 }), "rating").values).toEqual([1, 4, 7, 10]);
    expect(spec(one({ type: "rating", rateValues: [1, 2, { value: 3, text: "c" }, "na"] }), "rating").values).toEqual([1, 2, 3, "na"]);
    // survey-core quirks the plan follows because the respondent's form follows them:
    // rateCount alone does not widen the default 1–5 scale; with rateMax it counts down from it.
    for (const rating of [
      { rateCount: 10 },
      { rateCount: 3, rateMax: 10 },
      { rateMin: 2, rateCount: 4 },
      { rateType: "smileys", rateMax: 12 },
    ]) {
      const model = new Model({ elements: [{ type: "rating", name: "q", ...rating }] });
      const expected = (model.getQuestionByName("q") as QuestionRatingModel).visibleRateValues.map((i): unknown => i.value);
      expect(spec(one({ type: "rating", ...rating }), "rating").values, JSON.stringify(rating)).toEqual(expected);
    }
    expect(spec(one({ type: "rating", rateCount: 10 }), "rating").values).toEqual([1, 2, 3, 4, 5]);
  });

  it('choices: item objects, "value|text" strings, built-in none/other/refused/dontknow, choicesMin/Max', () => {
    const r = spec(
      one({ type: "radiogroup", choices: [{ value: 1, text: "一" }, "b|B", 3], showNoneItem: true, showOtherItem: true }),
      "single",
    );
    expect(r.values).toEqual([1, "b", 3, "none", "other"]);
    expect(r.other).toBe("other");
    const c = spec(
      one({
        type: "checkbox",
        choices: ["a", { value: "x", isExclusive: true }],
        showNoneItem: true,
        showRefuseItem: true,
        showDontKnowItem: true,
        showSelectAllItem: true,
      }),
      "multi",
    );
    expect(c.values).toEqual(["a", "x", "none", "refused", "dontknow"]);
    expect([...c.exclusive]).toEqual(["x", "none", "refused", "dontknow"]);
    expect(spec(one({ type: "dropdown", choicesMin: 10, choicesMax: 30, choicesStep: 10 }), "single").values).toEqual([10, 20, 30]);
    expect(one({ type: "radiogroup", choices: [1], hasOther: true }).comment).toEqual({
      key: "q-Comment",
      other: true,
      area: false,
      maxLength: DEFAULT_COMMENT_MAX_LENGTH,
    });
    expect(one({ type: "radiogroup", choices: [1], showCommentArea: true }, { maxCommentLength: 50 }).comment).toEqual({
      key: "q-Comment",
      other: false,
      area: true,
      maxLength: 50,
    });
  });

  it("text: input types, limits and validators", () => {
    expect(spec(one({ type: "text" }), "string")).toMatchObject({ email: false, maxLength: DEFAULT_TEXT_MAX_LENGTH });
    expect(spec(one({ type: "text" }, { maxTextLength: 80 }), "string").maxLength).toBe(80);
    expect(spec(one({ type: "text", maxLength: 20 }), "string").maxLength).toBe(20);
    expect(spec(one({ type: "text", inputType: "email" }), "string").email).toBe(true);
    expect(spec(one({ type: "text", inputType: "number", min: 1, max: "9" }), "number")).toMatchObject({ min: 1, max: 9 });
    expect(spec(one({ type: "text", inputType: "date", min: "2020-01-01" }), "date")).toMatchObject({ min: "2020-01-01", max: null });
    expect(spec(one({ type: "comment" }), "string").maxLength).toBe(DEFAULT_COMMENT_MAX_LENGTH);
    const checks = spec(
      one({
        type: "text",
        validators: [
          { type: "numeric", minValue: 1 },
          { type: "text", minLength: 2, allowDigits: false },
          { type: "regex", regex: "^a" },
          { type: "email" },
        ],
      }),
      "string",
    ).checks;
    expect(checks.map((c) => c.kind)).toEqual(["numeric", "digits", "length", "regex", "email"]);
  });

  it("matrices: rows, columns, eachRowRequired (alias isAllRowRequired), cells inheriting matrix choices", () => {
    const m = spec(
      one({
        type: "matrix",
        rows: [{ value: "r1", text: { default: "行一", en: "Row 1" } }, "r2"],
        columns: [1, 2],
        isAllRowRequired: true,
      }),
      "matrix",
    );
    expect([...m.rows.keys()]).toEqual(["r1", "r2"]);
    expect(m.rows.get("r1")).toEqual({ zh: "行一", en: "Row 1" });
    expect(m).toMatchObject({ columns: [1, 2], eachRowRequired: true, multi: false });
    const d = spec(
      one({
        type: "matrixdropdown",
        rows: ["a"],
        choices: [1, 2],
        cellType: "radiogroup",
        columns: [
          { name: "x", isRequired: true },
          { name: "y", cellType: "rating" },
          { name: "z", cellType: "checkbox", choices: ["p"] },
        ],
      }),
      "matrixdropdown",
    );
    expect(d.columns.get("x")).toMatchObject({ required: true, spec: { kind: "single", values: [1, 2] } });
    expect(d.columns.get("y")).toMatchObject({ required: false, spec: { kind: "rating", values: [1, 2, 3, 4, 5] } });
    expect(d.columns.get("z")).toMatchObject({ spec: { kind: "multi", values: ["p"] } });
  });

  it("conditions: a question carries its own, its panels' and its page's visibleIf, compiled once", () => {
    const plan = compilePlan({
      pages: [
        {
          name: "p",
          visibleIf: "{a} = 1",
          elements: [
            { type: "rating", name: "a" },
            {
              type: "panel",
              name: "outer",
              visibleIf: "{a} = 1",
              elements: [
                { type: "panel", name: "inner", enableIf: "{a} > 0", elements: [{ type: "text", name: "t", visibleIf: "{a} notempty" }] },
              ],
            },
          ],
        },
      ],
    });
    expect(plan.conditions.map((c) => c.expression)).toEqual(["{a} = 1", "{a} > 0", "{a} notempty"]);
    expect(byName(plan, "t")).toMatchObject({ visibleIf: [0, 0, 2], enableIf: [1], visible: true, enabled: true });
  });

  it("static visible/readOnly/isRequired count only without their condition, as in survey-core", () => {
    expect(one({ type: "text", visible: false })).toMatchObject({ visible: false, visibleIf: [] });
    expect(one({ type: "text", visible: false, visibleIf: "{q} = 1" })).toMatchObject({ visible: true, visibleIf: [0] });
    expect(one({ type: "text", readOnly: true })).toMatchObject({ enabled: false });
    expect(one({ type: "text", isRequired: true, requiredIf: "{q} empty" })).toMatchObject({ required: false, requiredIf: 0 });
    // A condition that is false on empty data must not leave the question hidden in the plan.
    expect(
      compilePlan({
        elements: [
          { type: "text", name: "a" },
          { type: "text", name: "b", visibleIf: "{a} = 1" },
        ],
      }).questions[1]?.visible,
    ).toBe(true);
  });

  it("refuses what the server could not check exactly", () => {
    const cases: [string, Record<string, unknown>][] = [
      ["paneldynamic", { elements: [{ type: "paneldynamic", name: "p", templateElements: [{ type: "text", name: "t" }] }] }],
      ["matrixdynamic", { elements: [{ type: "matrixdynamic", name: "m", columns: [{ name: "c" }] }] }],
      ["file", { elements: [{ type: "file", name: "f" }] }],
      ["choicesByUrl", { elements: [{ type: "dropdown", name: "d", choicesByUrl: { url: "https://example.com" } }] }],
      [
        "choicesFromQuestion",
        {
          elements: [
            { type: "checkbox", name: "a", choices: [1] },
            { type: "dropdown", name: "d", choicesFromQuestion: "a" },
          ],
        },
      ],
      ["choicesVisibleIf", { elements: [{ type: "dropdown", name: "d", choices: [1], choicesVisibleIf: "{item} > 0" }] }],
      ["choice visibleIf", { elements: [{ type: "dropdown", name: "d", choices: [{ value: 1, visibleIf: "{x} = 1" }] }] }],
      ["valueName", { elements: [{ type: "text", name: "t", valueName: "u" }] }],
      ["inputType color", { elements: [{ type: "text", name: "t", inputType: "color" }] }],
      ["mask", { elements: [{ type: "text", name: "t", maskType: "numeric" }] }],
      ["minValueExpression", { elements: [{ type: "text", name: "t", inputType: "date", minValueExpression: "today()" }] }],
      [
        "storeOthersAsComment",
        { storeOthersAsComment: false, elements: [{ type: "radiogroup", name: "r", choices: [1], showOtherItem: true }] },
      ],
      ["calculatedValues", { calculatedValues: [{ name: "v", expression: "1" }], elements: [{ type: "text", name: "t" }] }],
      [
        "triggers",
        {
          triggers: [{ type: "setvalue", expression: "{t} = 1", setToName: "u", setValue: 2 }],
          elements: [
            { type: "text", name: "t" },
            { type: "text", name: "u" },
          ],
        },
      ],
      ["unknown variable", { elements: [{ type: "text", name: "t", visibleIf: "{nobody} = 1" }] }],
      [
        "variable holding no answer",
        {
          elements: [
            { type: "expression", name: "e", expression: "1" },
            { type: "text", name: "t", visibleIf: "{e} = 1" },
          ],
        },
      ],
      ["unparsable", { elements: [{ type: "text", name: "t", visibleIf: "{t} = = 1" }] }],
      [
        "duplicate names",
        {
          elements: [
            { type: "text", name: "t" },
            { type: "text", name: "T" },
          ],
        },
      ],
      ["__proto__ name", { elements: [{ type: "text", name: "__proto__" }] }],
      ["__proto__ row", { elements: [{ type: "matrix", name: "m", rows: ["__proto__"], columns: [1] }] }],
      ["name ending -Comment", { elements: [{ type: "text", name: "x-Comment" }] }],
      [
        "column condition",
        { elements: [{ type: "matrixdropdown", name: "m", rows: ["a"], columns: [{ name: "c", visibleIf: "{x} = 1" }] }] },
      ],
      [
        "totals",
        { elements: [{ type: "matrixdropdown", name: "m", rows: ["a"], columns: [{ name: "c", cellType: "text", totalType: "sum" }] }] },
      ],
      [
        "other in cells",
        {
          elements: [
            {
              type: "matrixdropdown",
              name: "m",
              rows: ["a"],
              columns: [{ name: "c", cellType: "dropdown", choices: [1], showOtherItem: true }],
            },
          ],
        },
      ],
      ["unknown validator", { elements: [{ type: "text", name: "t", validators: [{ type: "answercount", minCount: 1 }] }] }],
      ["panel requiredIf", { elements: [{ type: "panel", name: "p", requiredIf: "{t} = 1", elements: [{ type: "text", name: "t" }] }] }],
    ];
    for (const [label, survey] of cases) expect(() => compilePlan(survey), label).toThrow(PlanError);
  });
});
