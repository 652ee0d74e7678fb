import { Model } from "survey-core";
import { describe, expect, it } from "vitest";
import { compilePlan, DEFAULT_COMMENT_MAX_LENGTH, type Plan } from "./plan";
import { FIXTURE_SURVEY } from "./testing/fixture";
import { loadRegistry } from "./registry";
import { answersFor, rng } from "../scoring/simulate";
import {
  getPlan,
  MAX_ERRORS,
  PLAN_CACHE_LIMIT,
  planCache,
  validateAnswers,
  type AnswerErrorCode,
  type Locale,
  type ValidationResult,
} from "./validate";
import { checkMessages } from "../i18n/messages";
import { one } from "@/db/query";

const plan = compilePlan(FIXTURE_SURVEY);

/** A complete valid answer set for the fixture, with page 3 hidden (attitude > 2). */
const base = (): Record<string, unknown> => ({
  attitude: 4,
  overall: "na",
  nps: 7,
  attendance: "always",
  methods: ["lecture", "lab"],
  grade: 2,
  recommend: true,
  consent: "yes",
  hours: 10,
  started: "2024-09-01",
  student_no: "20240001",
  nickname: "小明",
  score: 80,
  quality: { clarity: 3, pace: "na" },
  extras: { materials: 1 },
});

/** Page 3 shown (attitude 2): the matrixdropdown's required column must be filled in every row. */
const withPage3 = (): Record<string, unknown> => ({
  ...base(),
  attitude: 2,
  improve: { content: { priority: 1, stars: 3, note: "多举例", agree: true, tags: ["a", "c"] }, delivery: { priority: 2 } },
});

function errorsOf(answers: unknown, locale: Locale = "zh", p: Plan = plan) {
  const r = validateAnswers(p, answers, locale);
  if (r.ok) return [];
  return r.errors;
}

function expectError(answers: unknown, question: string, code: AnswerErrorCode, locale: Locale = "zh") {
  const errors = errorsOf(answers, locale);
  expect(
    errors.map((e) => [e.question, e.code]),
    JSON.stringify(errors),
  ).toContainEqual([question, code]);
  return one(errors.filter((e) => e.question === question && e.code === code));
}

function expectOk(answers: unknown, p: Plan = plan): Record<string, unknown> {
  const r: ValidationResult = validateAnswers(p, answers, "zh");
  expect(r.ok ? [] : r.errors).toEqual([]);
  return (r as { answers: Record<string, unknown> }).answers;
}

describe("validateAnswers: valid answers", () => {
  it("accepts a complete answer set and returns a cleaned copy", () => {
    const answers = base();
    const out = expectOk(answers);
    expect(out).toEqual(answers);
    expect(out).not.toBe(answers);
    expect(out.methods).not.toBe(answers.methods);
    expect(out.quality).not.toBe(answers.quality);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it("accepts every type on a shown page 3, including the matrixdropdown", () => {
    expect(expectOk(withPage3())).toEqual(withPage3());
  });

  it('leaves empty values (null, "", [], {}) out as unanswered', () => {
    const out = expectOk({
      ...base(),
      overall: null,
      nps: "",
      grade: undefined,
      student_no: "",
      nickname: null,
      extras: { materials: 1, feedback: null },
    });
    expect(Object.keys(out)).not.toContain("overall");
    expect(Object.keys(out)).not.toContain("nps");
    expect(Object.keys(out)).not.toContain("nickname");
    expect(out.extras).toEqual({ materials: 1 });
    const p = compilePlan({
      elements: [
        { type: "checkbox", name: "c", choices: [1, 2] },
        { type: "matrix", name: "m", rows: ["a"], columns: [1] },
      ],
    });
    expect(validateAnswers(p, { c: [], m: {} }, "zh")).toEqual({ ok: true, answers: {} });
    expect(validateAnswers(p, { c: [1], m: { a: null } }, "zh")).toEqual({ ok: true, answers: { c: [1] } });
  });

  it('accepts "other" with its text, and "none" alone despite minSelectedChoices', () => {
    expectOk({ ...base(), attendance: "other", "attendance-Comment": "线上", methods: ["none"] });
    expectOk({ ...base(), methods: ["lecture", "other"], "methods-Comment": "翻转课堂" });
  });

  it("accepts a root object without prototype, and matrix rows named like Object.prototype members", () => {
    const root = Object.assign(Object.create(null) as Record<string, unknown>, base(), { extras: { toString: 2 } });
    expectOk(root);
  });
});

describe("validateAnswers: values", () => {
  it("rating: 9 on a 1–5 scale is refused, with the title in the respondent's language", () => {
    const zh = expectError({ ...base(), attitude: 9 }, "attitude", "not_allowed", "zh");
    expect(zh.message).toBe("「教学态度」的取值 9 不在允许的范围内（1–5）");
    const en = expectError({ ...base(), attitude: 9 }, "attitude", "not_allowed", "en");
    expect(en.message).toBe("“Teaching attitude”: 9 is not an allowed value (1–5)");
    expect(expectError({ ...base(), overall: 6 }, "overall", "not_allowed", "en").message).toBe(
      '“Overall”: 6 is not an allowed value (1–5, "na")',
    );
    expectError({ ...base(), nps: 11 }, "nps", "not_allowed");
    expectError({ ...base(), attitude: 2.5 }, "attitude", "not_allowed");
  });

  it('rating and choices: the JSON type must match ("4" is not 4)', () => {
    expectError({ ...base(), attitude: "4" }, "attitude", "wrong_type");
    expectError({ ...base(), grade: "2" }, "grade", "wrong_type");
    expectError({ ...base(), attitude: { value: 4 } }, "attitude", "wrong_type");
    expectError({ ...base(), attitude: [4] }, "attitude", "wrong_type");
  });

  it("radiogroup and dropdown: a value not among the choices is refused", () => {
    expectError({ ...base(), attendance: "sometimes" }, "attendance", "not_allowed");
    expectError({ ...base(), grade: 5 }, "grade", "not_allowed");
  });

  it('other: needs its text; a text without "other" or over the limit is refused', () => {
    expectError({ ...base(), attendance: "other" }, "attendance", "other_empty");
    expectError({ ...base(), attendance: "other", "attendance-Comment": "   " }, "attendance", "other_empty");
    expectError({ ...base(), "attendance-Comment": "线上" }, "attendance", "unexpected_comment");
    expectError({ ...base(), attendance: "other", "attendance-Comment": "x".repeat(301) }, "attendance", "too_long");
    expectError({ ...base(), attendance: "other", "attendance-Comment": 5 }, "attendance", "wrong_type");
    expectError({ ...base(), methods: ["other", "lab"] }, "methods", "other_empty");
    // A refused value is reported once, not again as a text without "other".
    expect(errorsOf({ ...base(), attendance: "sometimes", "attendance-Comment": "x" }).map((e) => e.code)).toEqual(["not_allowed"]);
  });

  it('checkbox: wrong type, unknown value, duplicates, too many, too few, "none" with others', () => {
    expectError({ ...base(), methods: { 0: "lecture" } }, "methods", "wrong_type");
    expectError({ ...base(), methods: "lecture" }, "methods", "wrong_type");
    expectError({ ...base(), methods: ["lecture", { x: 1 }] }, "methods", "wrong_type");
    expectError({ ...base(), methods: ["lecture", "swimming"] }, "methods", "not_allowed");
    expectError({ ...base(), methods: ["lecture", "lecture"] }, "methods", "duplicate");
    expectError({ ...base(), methods: ["lecture", "discussion", "project", "lab"] }, "methods", "too_many_selected");
    expectError({ ...base(), methods: Array.from({ length: 10_000 }, () => "lecture") }, "methods", "too_many_selected");
    expectError({ ...base(), methods: ["lecture"] }, "methods", "too_few_selected");
    const e = expectError({ ...base(), methods: ["none", "lab"] }, "methods", "exclusive", "en");
    expect(e.message).toBe('“Teaching methods”: "none" cannot be combined with other choices');
  });

  it("checkbox with minSelectedChoices: unanswered counts as too few (as in survey-core)", () => {
    const { methods: _m, ...rest } = base();
    expectError(rest, "methods", "too_few_selected");
  });

  it("boolean: only true/false, or the defined valueTrue/valueFalse", () => {
    expectError({ ...base(), recommend: "true" }, "recommend", "wrong_type");
    expectError({ ...base(), recommend: 1 }, "recommend", "wrong_type");
    expectError({ ...base(), consent: true }, "consent", "wrong_type");
    expectError({ ...base(), consent: "maybe" }, "consent", "not_allowed");
    expectOk({
      ...base(),
      consent: "no",
      hours: undefined,
      started: undefined,
      student_no: undefined,
      nickname: undefined,
      score: undefined,
    });
  });

  it("text number: a number within min/max", () => {
    expectError({ ...base(), hours: "10" }, "hours", "wrong_type");
    expectError({ ...base(), hours: Number.POSITIVE_INFINITY }, "hours", "wrong_type");
    expectError({ ...base(), hours: Number.NaN }, "hours", "wrong_type");
    const e = expectError({ ...base(), hours: 41 }, "hours", "out_of_range", "zh");
    expect(e.message).toBe("「每周学习时数」的取值 41 超出范围（0–40）");
    expectError({ ...base(), hours: -1 }, "hours", "out_of_range");
    expectOk({ ...base(), hours: 12.5 });
  });

  it("text number with validators: numeric range and an expression over other answers", () => {
    expectError({ ...base(), score: 101 }, "score", "out_of_range");
    expectError({ ...base(), score: "80" }, "score", "wrong_type");
    expectError({ ...base(), score: 5 }, "score", "expression_failed");
    // survey-core runs expression validators on unanswered questions too.
    expectError({ ...base(), score: undefined }, "score", "expression_failed");
  });

  it("text date: a real yyyy-mm-dd date within min/max", () => {
    expectError({ ...base(), started: "2024-02-30" }, "started", "invalid_date");
    expectError({ ...base(), started: "2024-9-1" }, "started", "invalid_date");
    expectError({ ...base(), started: "2024-09-01T00:00:00Z" }, "started", "invalid_date");
    expectError({ ...base(), started: 20240901 }, "started", "wrong_type");
    expectError({ ...base(), started: "2019-12-31" }, "started", "out_of_range");
    expectError({ ...base(), started: "2031-01-01" }, "started", "out_of_range");
    expectOk({ ...base(), started: "2024-02-29" });
  });

  it("text email, regex, length validators and maxLength", () => {
    expectError({ ...base(), email: "not-an-email" }, "email", "invalid_email");
    expectOk({ ...base(), email: "li.ming@example.edu.cn" });
    expectError({ ...base(), student_no: "abc123" }, "student_no", "pattern_mismatch");
    expectError({ ...base(), student_no: "1234567890123" }, "student_no", "too_long");
    expectError({ ...base(), nickname: "a" }, "nickname", "too_short");
    expectError({ ...base(), nickname: "a".repeat(21) }, "nickname", "too_long");
    expectError({ ...base(), nickname: 42 }, "nickname", "wrong_type");
  });

  it("comment: text within its maxLength (the question's, else a default cap)", () => {
    const no = { ...base(), recommend: false };
    expectOk({ ...no, why_not: "太难" });
    const e = expectError({ ...no, why_not: "长".repeat(201) }, "why_not", "too_long", "en");
    expect(e.message).toBe("“Why not”: the text is too long (201 characters; at most 200)");
    expectError({ ...no, why_not: ["太难"] }, "why_not", "wrong_type");
    expectOk({ ...withPage3(), attitude: 1, suggestion: "建".repeat(DEFAULT_COMMENT_MAX_LENGTH) });
    expectError({ ...withPage3(), attitude: 1, suggestion: "建".repeat(DEFAULT_COMMENT_MAX_LENGTH + 1) }, "suggestion", "too_long");
  });

  it("matrix: rows and columns from the definition; every row when eachRowRequired", () => {
    expectError({ ...base(), quality: { clarity: 3 } }, "quality", "row_required");
    expectError({ ...base(), quality: { clarity: 4, pace: 1 } }, "quality", "unknown_column");
    expectError({ ...base(), quality: { clarity: "3", pace: 1 } }, "quality", "unknown_column");
    expectError({ ...base(), quality: { clarity: 3, pace: 1, speed: 2 } }, "quality", "unknown_row");
    expectError({ ...base(), quality: [3, 1] }, "quality", "wrong_type");
    expectError({ ...base(), quality: { clarity: { value: 3 }, pace: 1 } }, "quality", "wrong_type");
    expectError({ ...base(), quality: "3" }, "quality", "wrong_type");
    const e = expectError({ ...base(), quality: { clarity: 9, pace: 1 } }, "quality", "unknown_column", "zh");
    expect(e.message).toBe("「教学质量 › 讲解清晰」没有 9 这一列");
  });

  it("matrixdropdown: row → { column → cell }, cells typed by their column, required columns in every row", () => {
    const p3 = withPage3();
    expectError({ ...p3, improve: { content: { priority: 1 } } }, "improve", "cell_required");
    expectError({ ...p3, improve: { content: { priority: 9 }, delivery: { priority: 1 } } }, "improve", "not_allowed");
    expectError({ ...p3, improve: { content: { priority: 1, stars: 4 }, delivery: { priority: 1 } } }, "improve", "not_allowed");
    expectError({ ...p3, improve: { content: { priority: 1, note: "x".repeat(51) }, delivery: { priority: 1 } } }, "improve", "too_long");
    expectError({ ...p3, improve: { content: { priority: 1, agree: "yes" }, delivery: { priority: 1 } } }, "improve", "wrong_type");
    expectError({ ...p3, improve: { content: { priority: 1, tags: ["a", "a"] }, delivery: { priority: 1 } } }, "improve", "duplicate");
    expectError({ ...p3, improve: { content: { priority: 1, color: "red" }, delivery: { priority: 1 } } }, "improve", "unknown_column");
    expectError(
      { ...p3, improve: { content: { priority: 1 }, delivery: { priority: 1 }, price: { priority: 1 } } },
      "improve",
      "unknown_row",
    );
    expectError({ ...p3, improve: { content: [1], delivery: { priority: 1 } } }, "improve", "wrong_type");
    expectError({ ...p3, improve: [{ priority: 1 }] }, "improve", "wrong_type");
    expectError(
      { ...p3, improve: { content: { priority: { deep: { deeper: [1] } } }, delivery: { priority: 1 } } },
      "improve",
      "wrong_type",
    );
    const e = expectError({ ...p3, improve: { content: { priority: 1 } } }, "improve", "cell_required", "en");
    expect(e.message).toBe("“Improvements”: “Priority” is not answered in these rows: Delivery");
    const cell = expectError(
      { ...p3, improve: { content: { priority: 1, stars: 4 }, delivery: { priority: 1 } } },
      "improve",
      "not_allowed",
      "en",
    );
    expect(cell.message).toBe("“Improvements › Content › Stars”: 4 is not an allowed value (1–3)");
  });

  it("html and expression questions take no answer", () => {
    expectError({ ...base(), intro: "hello" }, "intro", "not_answerable");
    expectError({ ...base(), calc: 2 }, "calc", "not_answerable");
  });
});

describe("validateAnswers: questions, visibility, required", () => {
  it("refuses unknown question names", () => {
    const e = expectError({ ...base(), q99: 5 }, "q99", "unknown_question", "en");
    expect(e.message).toBe('There is no question "q99" in this questionnaire');
    expectError({ ...base(), "grade-Comment": "x" }, "grade-Comment", "unknown_question");
    expectError({ ...base(), ATTITUDE: 4 }, "ATTITUDE", "unknown_question");
  });

  it("reports a missing required answer on a shown question", () => {
    const { attitude: _a, ...rest } = base();
    const e = expectError(rest, "attitude", "required", "zh");
    expect(e.message).toBe("「教学态度」为必答题");
    expectError({ ...base(), recommend: null }, "recommend", "required");
    expectError({ ...base(), extras: {} }, "extras", "required");
    // A string of blanks is no answer to a required question (survey-core agrees).
    expectError({ ...base(), recommend: false, why_not: "   " }, "why_not", "required");
  });

  it("does not require hidden questions: visibleIf on the question, its panel and its page", () => {
    // why_not (required) shows only when recommend = false.
    expectOk({ ...base(), recommend: true });
    expectError({ ...base(), recommend: false }, "why_not", "required");
    // The panel "about" shows only when consent = yes: hours (required) is then not asked.
    expectOk({
      ...base(),
      consent: "no",
      hours: undefined,
      started: undefined,
      student_no: undefined,
      nickname: undefined,
      score: undefined,
    });
    // Page 3 shows only when attitude <= 2: suggestion (required) and improve are not asked.
    expectOk(base());
  });

  it("requiredIf: email is required once hours > 20", () => {
    expectOk({ ...base(), hours: 20 });
    expectError({ ...base(), hours: 21 }, "email", "required");
    expectOk({ ...base(), hours: 21, email: "a@b.cn" });
  });

  it("does not require a question that enableIf disables", () => {
    // suggestion (required) is enabled only when attitude = 1.
    expectOk(withPage3());
    expectError({ ...withPage3(), attitude: 1 }, "suggestion", "required");
  });

  it("rejects answers to hidden questions (question, panel and page conditions)", () => {
    const e = expectError({ ...base(), why_not: "太难" }, "why_not", "hidden", "en");
    expect(e.message).toBe("“Why not” is not shown, so it cannot be answered");
    expectError({ ...base(), attendance: "rarely", grade: 2 }, "grade", "hidden");
    expectError(
      { ...base(), consent: "no", nickname: undefined, student_no: undefined, score: undefined, started: undefined },
      "hours",
      "hidden",
    );
    expectError({ ...base(), suggestion: "x" }, "suggestion", "hidden");
    expectError({ ...base(), improve: { content: { priority: 1 }, delivery: { priority: 1 } } }, "improve", "hidden");
    // …also a hidden question's "other" text.
    const survey = {
      elements: [
        { type: "boolean", name: "b" },
        { type: "radiogroup", name: "r", choices: [1], showOtherItem: true, visibleIf: "{b} = true" },
      ],
    };
    const p = compilePlan(survey);
    expect(validateAnswers(p, { b: false, "r-Comment": "x" }, "en")).toMatchObject({
      ok: false,
      errors: [{ question: "r", code: "hidden" }],
    });
  });
});

describe("validateAnswers: untrusted shapes", () => {
  it("refuses __proto__ and constructor keys as JSON.parse builds them, without polluting anything", () => {
    const json = JSON.stringify(base()).replace(
      /^\{/,
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}},',
    );
    const answers = JSON.parse(json) as unknown;
    const errors = errorsOf(answers);
    expect(errors.map((e) => [e.question, e.code])).toEqual([
      ["__proto__", "forbidden_key"],
      ["constructor", "forbidden_key"],
    ]);
    expect(errors[0]?.message).toBe('提交的答案中含有不允许的键 "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const nested = JSON.parse(JSON.stringify(base()).replace('"quality":{', '"quality":{"__proto__":{"polluted":1},')) as unknown;
    expect(expectError(nested, "quality", "forbidden_key", "en").message).toBe('Forbidden key "__proto__" in “Teaching quality”');
    const cell = JSON.parse(JSON.stringify(withPage3()).replace('"content":{', '"content":{"__proto__":1,')) as unknown;
    expectError(cell, "improve", "forbidden_key");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a root that is not a plain object", () => {
    for (const bad of [null, undefined, 5, "answers", [base()], new Map(), new Date(), new (class Answers {})()]) {
      expect(errorsOf(bad).map((e) => e.code)).toEqual(["invalid_answers"]);
    }
  });

  it("refuses non-plain objects and arrays inside", () => {
    expectError({ ...base(), quality: new Map([["clarity", 3]]) }, "quality", "wrong_type");
    class Row {
      clarity = 3;
      pace = 1;
    }
    expectError({ ...base(), quality: new Row() }, "quality", "wrong_type");
    class List extends Array<string> {}
    const list = new List();
    list.push("lecture", "lab");
    expectError({ ...base(), methods: list }, "methods", "wrong_type");
    expectError({ ...base(), started: new Date("2024-09-01") }, "started", "wrong_type");
  });

  it("caps the number of answers and of reported errors", () => {
    const flood: Record<string, unknown> = base();
    for (let i = 0; i < 10_000; i++) flood[`x${i}`] = i;
    expect(errorsOf(flood).map((e) => e.code)).toEqual(["too_many_answers"]);
    const many: Record<string, unknown> = base();
    for (let i = 0; i < plan.keys.size + 5; i++) many[`x${i}`] = i;
    const r = errorsOf(many);
    expect(r.length).toBeGreaterThan(0);
    expect(r.length).toBeLessThanOrEqual(MAX_ERRORS);
  });
});

describe("messages", () => {
  it("every message has Chinese and English text", () => {
    for (const [code, zh] of Object.entries(checkMessages.zh.answers)) {
      const en = checkMessages.en.answers[code as keyof typeof checkMessages.en.answers];
      expect(zh.length, code).toBeGreaterThan(0);
      expect(en.length, code).toBeGreaterThan(0);
      expect(zh.match(/\{\w+\}/g)?.sort(), code).toEqual(en.match(/\{\w+\}/g)?.sort());
    }
  });

  it("uses the validator's own text from the definition when it has one", () => {
    const survey = {
      elements: [
        { type: "text", name: "enrolled", inputType: "number", title: { default: "应到人数", en: "Enrolled" } },
        {
          type: "text",
          name: "present",
          inputType: "number",
          title: { default: "实到人数", en: "Present" },
          validators: [
            {
              type: "expression",
              expression: "{present} <= {enrolled}",
              text: { default: "实到人数不能多于应到人数", en: "Cannot exceed enrolled" },
            },
          ],
        },
      ],
    };
    const p = compilePlan(survey);
    const r = validateAnswers(p, { enrolled: 30, present: 31 }, "zh");
    expect(r).toEqual({
      ok: false,
      errors: [{ question: "present", code: "expression_failed", message: "「实到人数」：实到人数不能多于应到人数" }],
    });
    expect(validateAnswers(p, { enrolled: 30, present: 30 }, "en").ok).toBe(true);
  });
});

describe("survey-core alone", () => {
  // Why the server checks values itself: survey-core's validation accepts these.
  it('accepts out-of-range ratings, unknown choices and rows, over-long text and mixed "none"', () => {
    const model = new Model(FIXTURE_SURVEY);
    model.data = {
      ...base(),
      attitude: 9,
      attendance: "sometimes",
      quality: { clarity: 3, pace: 1, speed: 2 },
      methods: ["none", "lab", "lab"],
      nickname: "ok",
      recommend: "maybe",
    };
    const flagged = model
      .getAllQuestions()
      .filter((q) => {
        q.validate(true);
        return q.errors.length > 0;
      })
      .map((q) => q.name);
    expect(flagged).not.toContain("attitude");
    expect(flagged).not.toContain("attendance");
    expect(flagged).not.toContain("quality");
    expect(flagged).not.toContain("methods");
    expect(flagged).not.toContain("recommend");
    model.dispose();
  });
});

describe("getPlan", () => {
  const tiny = (n: number) => ({ elements: [{ type: "rating", name: `q${n}` }] });

  it("compiles each version once, shares concurrent loads, and does not keep failures", async () => {
    planCache.clear();
    let loads = 0;
    const load = async () => {
      loads++;
      return FIXTURE_SURVEY;
    };
    const [a, b] = await Promise.all([getPlan(1, load), getPlan(1, load)]);
    expect(a).toBe(b);
    expect(await getPlan(1, load)).toBe(a);
    expect(loads).toBe(1);
    await expect(
      getPlan(2, async () => {
        throw new Error("db down");
      }),
    ).rejects.toThrow("db down");
    await expect(getPlan(3, async () => ({ elements: [{ type: "paneldynamic", name: "p" }] }))).rejects.toThrow(/not supported/);
    expect(planCache.size).toBe(1);
    expect((await getPlan(2, async () => tiny(2))).questions[0]?.name).toBe("q2");
  });

  it("keeps at most PLAN_CACHE_LIMIT plans, least recently used out first", async () => {
    planCache.clear();
    const first = await getPlan(0, async () => tiny(0));
    for (let i = 1; i < PLAN_CACHE_LIMIT; i++) await getPlan(i, async () => tiny(i));
    expect(await getPlan(0, async () => tiny(0))).toBe(first); // touch 0: now most recent
    await getPlan(PLAN_CACHE_LIMIT, async () => tiny(PLAN_CACHE_LIMIT));
    expect(planCache.size).toBe(PLAN_CACHE_LIMIT);
    expect(await getPlan(0, async () => tiny(0))).toBe(first);
    let reloaded = false;
    await getPlan(1, async () => {
      reloaded = true;
      return tiny(1);
    });
    expect(reloaded).toBe(true);
    planCache.clear();
  });
});

describe("the students' comment boxes (500 characters)", () => {
  // The form refuses longer text rather than letting the browser cut it
  // (app/_components/survey/lengthLimit.ts); the server refuses it too, saying the limit.
  const file = one(Object.values(loadRegistry()).filter((f) => f.kind === "student_evaluation"));
  const studentPlan = compilePlan(file.survey);
  const valid = answersFor(file, 0.8, rng(1), { noise: 0 });
  it("accepts 500 characters", () => {
    expect(validateAnswers(studentPlan, { ...valid, strengths: "很".repeat(500) }, "zh").ok).toBe(true);
  });
  it("refuses 501, naming the limit and the length, in Chinese and in English", () => {
    const zh = validateAnswers(studentPlan, { ...valid, strengths: "很".repeat(501) }, "zh");
    const en = validateAnswers(studentPlan, { ...valid, suggestions: "x".repeat(620) }, "en");
    expect(zh.ok || zh.errors.map((e) => [e.question, e.code, e.message])).toEqual([
      ["strengths", "too_long", "「该教师教学中最值得肯定的方面」的内容过长（501 字，最多 500 字）"],
    ]);
    expect(en.ok || en.errors.map((e) => [e.question, e.message])).toEqual([
      ["suggestions", "“What could this teacher do to improve?”: the text is too long (620 characters; at most 500)"],
    ]);
  });
});
