import { readFileSync } from "node:fs";
import path from "node:path";
import { surveyLocalization } from "survey-core";
import "survey-core/i18n/simplified-chinese";
import { describe, expect, it } from "vitest";
import { PLAIN_NAME_PREFIX, plainFirstPage, SURVEYJS_TEXTS, type PlainOptions } from "./plain";
import { at } from "@/server/shared/indexed";

const file = (key: string) =>
  (JSON.parse(readFileSync(path.join(process.cwd(), "surveys", `${key}.json`), "utf8")) as { survey: Record<string, unknown> }).survey;
const page = (elements: unknown[], extra: Record<string, unknown> = {}) => ({
  showQuestionNumbers: "on",
  pages: [{ name: "p1", elements }],
  ...extra,
});
const radio = (name: string, extra: Record<string, unknown> = {}) => ({
  type: "radiogroup",
  name,
  title: { default: "题目", en: "Question" },
  isRequired: true,
  choices: [
    { value: 1, text: { default: "是", en: "Yes" } },
    { value: 0.5, text: { default: "否", en: "No" } },
  ],
  ...extra,
});

/** The plain first page of a survey the test expects it to render (nothing rendered is an error here). */
function rendered(survey: unknown, opts: PlainOptions): string {
  const html = plainFirstPage(survey, opts);
  if (html === null) throw new Error("plainFirstPage rendered nothing");
  return html;
}

/** The controls of a rendered page, as a person meets them: [question, kind, value]. */
function controls(html: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const m of html.matchAll(/<(input|textarea)\b([^>]*)>/g)) {
    const attr = (n: string) => at(m, 2).match(new RegExp(`\\b${n}="([^"]*)"`))?.[1] ?? "";
    if (attr("type") === "button" || attr("data-plain-nav-request")) continue;
    out.push([attr("name"), m[1] === "textarea" ? "textarea" : attr("type"), attr("value")]);
  }
  return out;
}

describe("the plain first page of a survey", () => {
  it("renders the student evaluation's first page: every question, numbered, with its five options as radio buttons, and 下一页", () => {
    const html = rendered(file("student_evaluation"), { locale: "zh" });
    expect(html).not.toBeNull();
    const names = [...html.matchAll(/data-plain-question="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "overall"]);
    expect(html).toContain("教师为人师表，言行文明，尊重和关心学生。");
    expect(html).toContain(">12.</span>");
    const q1 = controls(html).filter(([n]) => n === `${PLAIN_NAME_PREFIX}q1`);
    expect(q1).toEqual([["1", "0.8", "0.6", "0.4", "0.2"].map((v) => [`${PLAIN_NAME_PREFIX}q1`, "radio", v])].flat());
    expect(html).toContain('value="下一页"');
    expect(html).toContain("学生评教表");
    expect(html).not.toContain("<form");
  });

  it("speaks English where the survey has it, and uses SurveyJS's own navigation texts", () => {
    const html = rendered(file("student_evaluation"), { locale: "en" });
    expect(html).toContain("The teacher sets a good example");
    expect(html).toContain("Strongly agree");
    expect(html).toContain('value="Next"');
    expect(html).toContain(">Page 1 of 2<");
    expect(html).toContain('lang="en"');
    for (const [loc, sjs] of [
      ["zh", "zh-cn"],
      ["en", "en"],
    ] as const) {
      expect(SURVEYJS_TEXTS[loc].next).toBe(surveyLocalization.getString("pageNextText", sjs));
      expect(SURVEYJS_TEXTS[loc].complete).toBe(surveyLocalization.getString("completeText", sjs));
      expect(SURVEYJS_TEXTS[loc].progress).toBe(surveyLocalization.getString("progressText", sjs));
    }
  });

  it("renders rating scales with their end labels and comment boxes with the limit's counter and no maxlength", () => {
    const html = rendered(
      page([
        { type: "rating", name: "r", title: "打分", rateMin: 1, rateMax: 5, minRateDescription: "很差", maxRateDescription: "很好" },
        { type: "comment", name: "c", title: "意见", maxLength: 500, placeholder: { default: "选填" } },
      ]),
      { locale: "zh" },
    );
    expect(controls(html)).toEqual([
      ...["1", "2", "3", "4", "5"].map((v) => [`${PLAIN_NAME_PREFIX}r`, "radio", v]),
      [`${PLAIN_NAME_PREFIX}c`, "textarea", ""],
    ]);
    expect(html).toContain("很差");
    expect(html).toContain("0/500");
    expect(html).toContain('placeholder="选填"');
    expect(html).not.toMatch(/maxlength/i);
    expect(html).toContain('value="提交问卷"'); // one page: the button completes
  });

  it("puts the navigation button in a label with a radio, so a tap is kept before any script runs", () => {
    const nav = (html: string) => [...html.matchAll(/<label class="tqe-plain__nav">(.*?)<\/label>/g)].map((m) => m[1]);
    const one = nav(rendered(page([radio("a")]), { locale: "zh" }));
    expect(one).toHaveLength(1);
    expect(one[0]).toMatch(/^<input type="radio" [^>]*name="tqe-plain-nav" value="complete" data-plain-nav-request="complete"[^>]*\/>/);
    // SurveyJS's own button, out of the pointer's and the keyboard's way (the label and the radio take them).
    expect(one[0]).toMatch(
      /<input class="sd-btn sd-btn--action sd-navigation__complete-btn" type="button" tabindex="-1" aria-hidden="true" data-plain-nav="complete" value="提交问卷"\/>$/,
    );
    const two = nav(rendered(file("student_evaluation"), { locale: "en" }));
    expect(two).toHaveLength(1);
    expect(two[0]).toContain('data-plain-nav-request="next"');
    expect(two[0]).toContain('aria-label="Next"');
    expect(two[0]).toContain('class="sd-btn sd-navigation__next-btn"');
  });

  it("keeps a choice's value exactly: numbers as numbers, text as text (JSON in the control)", () => {
    const html = rendered(page([radio("g", { choices: ["甲", { value: 2, text: "乙" }] })]), { locale: "zh" });
    expect(controls(html).map(([, , v]) => v)).toEqual(["&quot;甲&quot;", "2"]);
  });

  it("escapes every text, and html elements keep only the allow-list", () => {
    const evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>"\'&';
    const html = rendered(
      {
        title: evil,
        description: evil,
        pages: [
          {
            name: "p",
            title: evil,
            elements: [
              radio("a", { title: evil, choices: [{ value: '"><script>alert(3)</script>', text: evil }] }),
              { type: "comment", name: "c", title: evil, placeholder: evil },
              {
                type: "html",
                name: "h",
                html: '<p class="x">好<b>的</b></p><script>alert(4)</script><img src=x onerror=alert(5)><a href="javascript:alert(6)">链接</a>',
              },
            ],
          },
        ],
      },
      { locale: "zh", cssVariables: { "--ok": "red", "--bad": 'x"><script>alert(7)</script>', "not-a-var": "1" } },
    );
    expect(html).not.toBeNull();
    // Every "<" left is a tag of the renderer's own or of the allow-list; no handler, link or source on any of them.
    const tags = [...html.matchAll(/<([A-Za-z][\w-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*\/?>/g)];
    expect(tags.length).toBe((html.match(/<[A-Za-z]/g) ?? []).length);
    expect(new Set(tags.map((m) => m[1]))).toEqual(new Set(["div", "span", "fieldset", "label", "input", "textarea", "p", "b"]));
    expect(
      tags
        .flatMap((m) => [...at(m, 2).matchAll(/\s+([\w:-]+)(?:="[^"]*")?/g)].map((a) => at(a, 1)))
        .filter((a) => /^on|^(href|src|action|formaction)$/i.test(a)),
    ).toEqual([]);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;&quot;&#39;&amp;");
    expect(html).toContain('<p class="x">好<b>的</b></p>链接');
    expect(html).toContain("--ok:red");
    expect(html).not.toContain("not-a-var");
  });

  it("numbers questions as SurveyJS does: not html elements, and not at all when numbers are off", () => {
    const on = rendered(page([{ type: "html", name: "h", html: "<p>说明</p>" }, radio("a"), radio("b")]), { locale: "zh" });
    expect([...on.matchAll(/sd-element__num[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(["1.", "2."]);
    const off = rendered(page([radio("a")], { showQuestionNumbers: "off" }), { locale: "zh" });
    expect(off).not.toContain("sd-element__num");
  });

  it("renders nothing (the form keeps its skeleton) when the first page has anything it cannot show exactly", () => {
    const cases: [string, unknown][] = [
      ["a dropdown", page([radio("a"), { type: "dropdown", name: "d", choices: [1, 2] }])],
      ["a text input", page([{ type: "text", name: "t" }])],
      ["a checkbox", page([{ type: "checkbox", name: "c", choices: [1, 2] }])],
      ["a boolean", page([{ type: "boolean", name: "b" }])],
      ["a panel", page([{ type: "panel", name: "p", elements: [radio("a")] }])],
      ["a matrix", page([{ type: "matrix", name: "m", columns: [1], rows: ["r"] }])],
      ["a condition", page([radio("a"), radio("b", { visibleIf: "{a} = 1" })])],
      ["piping in a title", page([radio("a"), radio("b", { title: "关于 {a}" })])],
      ["an other option", page([radio("a", { showOtherItem: true })])],
      ["a column layout not copied", page([radio("a", { colCount: 3 })])],
      ["a long scale", page([{ type: "rating", name: "r", rateMin: 0, rateMax: 10 }])],
      [
        "a page condition",
        {
          pages: [
            { name: "p", elements: [radio("a")] },
            { name: "q", visibleIf: "{a} = 1", elements: [radio("b")] },
          ],
        },
      ],
      ["a start page", { ...page([radio("a")]), firstPageIsStartPage: true }],
      ["a survey setting it does not know", { ...page([radio("a")]), questionsOrder: "random" }],
      ["a survey without pages", { elements: [radio("a")] }],
      ["not a survey", "<p>"],
    ];
    for (const [what, survey] of cases) expect(plainFirstPage(survey, { locale: "zh" }), what).toBeNull();
  });

  it("renders the first page of every instrument it can show exactly, and none of the others", () => {
    const shown = [
      "employer_tracking",
      "graduate_tracking",
      "graduating_satisfaction",
      "info_officer_report",
      "leader_observation",
      "learning_experience",
      "mid_term_feedback",
      "peer_evaluation",
      "self_evaluation",
      "student_evaluation",
      "supervisor_observation",
      "teacher_evaluates_learning",
      "teaching_experience",
    ].filter((k) => plainFirstPage(file(k), { locale: "zh" }) !== null);
    expect(shown).toEqual([
      "graduating_satisfaction",
      "mid_term_feedback",
      "self_evaluation",
      "student_evaluation",
      "teacher_evaluates_learning",
    ]);
  });
});
