import { describe, expect, it } from "vitest";
import { biText, canonicalJson, diffVersions, type DiffChange } from "./diff";
import type { InstrumentFile } from "./format";
import { at } from "@/server/shared/indexed";

const bi = (zh: string, en: string) => ({ default: zh, en });
const opts = () => [
  { value: 5, text: bi("非常同意", "Strongly agree") },
  { value: 3, text: bi("一般", "Neutral") },
  { value: 1, text: bi("不同意", "Disagree") },
];

function file(): InstrumentFile {
  return {
    key: "t",
    kind: "student_evaluation",
    name: { zh: "评教表", en: "Evaluation" },
    indicators: [
      {
        id: "I1",
        name: { zh: "态度", en: "Attitude" },
        weight: 0.4,
        children: [
          { id: "I1.1", name: { zh: "备课", en: "Preparation" }, weight: 0.5 },
          { id: "I1.2", name: { zh: "守时", en: "Punctuality" }, weight: 0.5 },
        ],
      },
      { id: "I2", name: { zh: "效果", en: "Effect" }, weight: 0.6 },
    ],
    items: [
      { question: "q1", indicator: "I1.1", weight: 1 },
      { question: "q2", indicator: "I1.2", weight: 1 },
      { question: "m", row: "r1", indicator: "I2", weight: 0.5 },
      { question: "m", row: "r2", indicator: "I2", weight: 0.5 },
    ],
    unscored: [],
    survey: {
      title: bi("评教", "Evaluation"),
      pages: [
        {
          name: "p1",
          elements: [
            { type: "radiogroup", name: "q1", title: bi("备课充分", "Well prepared"), isRequired: true, choices: opts() },
            { type: "radiogroup", name: "q2", title: bi("按时上下课", "On time"), choices: opts() },
          ],
        },
        {
          name: "p2",
          elements: [
            {
              type: "matrix",
              name: "m",
              title: bi("效果", "Effect"),
              rows: [
                { value: "r1", text: bi("行一", "Row 1") },
                { value: "r2", text: bi("行二", "Row 2") },
              ],
              columns: opts(),
            },
            { type: "comment", name: "c", title: bi("建议", "Comments"), visibleIf: "{q1} < 3" },
          ],
        },
      ],
    },
  };
}

type Q = Record<string, unknown> & { choices?: Record<string, unknown>[]; rows?: Record<string, unknown>[] };
const q = (f: InstrumentFile, page: number, i: number) => at(at(f.survey.pages as { elements: Q[] }[], page).elements, i);
/** A list the fixture has (a question's choices or rows, an indicator's children), for a test to edit. */
function listed<T>(list: T[] | undefined): T[] {
  if (list === undefined) throw new Error("the fixture lacks the list the test edits");
  return list;
}
const pick = (changes: DiffChange[]) =>
  changes.map(({ op, entity, key, sub, field, before, after }) => ({
    op,
    entity,
    key,
    ...(sub !== undefined ? { sub } : {}),
    ...(field ? { field } : {}),
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
  }));

describe("diffVersions", () => {
  it("finds nothing between equal files", () => {
    expect(diffVersions(file(), file())).toEqual({ changes: [], counts: { added: 0, removed: 0, changed: 0 } });
  });

  it("questions added, removed and changed: title, required, visibleIf, type, page", () => {
    const b = file();
    q(b, 0, 0).title = bi("教师备课非常充分", "Well prepared");
    q(b, 0, 1).isRequired = true;
    q(b, 1, 1).visibleIf = "{q1} <= 3";
    // q2 moves to page p2, comment c is removed, a new question n is added.
    const pages = b.survey.pages as { elements: Q[] }[];
    at(pages, 1).elements.splice(1, 1);
    at(pages, 1).elements.push({ type: "text", name: "n", title: bi("学号后两位", "Last digits") });
    const d = diffVersions(file(), b);
    expect(pick(d.changes)).toEqual(
      expect.arrayContaining([
        {
          op: "changed",
          entity: "question",
          key: "q1",
          field: "title",
          before: { zh: "备课充分", en: "Well prepared" },
          after: { zh: "教师备课非常充分", en: "Well prepared" },
        },
        { op: "changed", entity: "question", key: "q2", field: "isRequired", before: null, after: true },
        { op: "added", entity: "question", key: "n", after: "text" },
        { op: "removed", entity: "question", key: "c", before: "comment" },
      ]),
    );
    expect(d.changes.find((c) => c.key === "n")?.label).toEqual({ zh: "学号后两位", en: "Last digits" });

    const c = file();
    q(c, 1, 1).visibleIf = "{q1} <= 3";
    q(c, 0, 1).type = "dropdown";
    expect(pick(diffVersions(file(), c).changes)).toEqual([
      { op: "changed", entity: "question", key: "q2", field: "type", before: "radiogroup", after: "dropdown" },
      { op: "changed", entity: "question", key: "c", field: "visibleIf", before: "{q1} < 3", after: "{q1} <= 3" },
    ]);

    const moved = file();
    const mp = moved.survey.pages as { elements: Q[] }[];
    at(mp, 1).elements.unshift(at(at(mp, 0).elements.splice(1, 1), 0));
    expect(pick(diffVersions(file(), moved).changes)).toEqual([
      { op: "changed", entity: "question", key: "q2", field: "page", before: "p1", after: "p2" },
    ]);
  });

  it("options and matrix rows added, removed, changed and reordered", () => {
    const b = file();
    listed(q(b, 0, 0).choices).push({ value: 0, text: bi("很不同意", "Strongly disagree") });
    listed(q(b, 0, 1).choices).splice(1, 1);
    at(listed(q(b, 0, 1).choices), 0).text = bi("完全同意", "Strongly agree");
    listed(q(b, 1, 0).rows).push({ value: "r3", text: bi("行三", "Row 3") });
    const d = pick(diffVersions(file(), b).changes);
    expect(d).toEqual(
      expect.arrayContaining([
        { op: "added", entity: "option", key: "q1", sub: "0", after: { zh: "很不同意", en: "Strongly disagree" } },
        { op: "removed", entity: "option", key: "q2", sub: "3", before: { zh: "一般", en: "Neutral" } },
        {
          op: "changed",
          entity: "option",
          key: "q2",
          sub: "5",
          field: "text",
          before: { zh: "非常同意", en: "Strongly agree" },
          after: { zh: "完全同意", en: "Strongly agree" },
        },
        { op: "added", entity: "row", key: "m", sub: "r3", after: { zh: "行三", en: "Row 3" } },
      ]),
    );
    const r = file();
    listed(q(r, 0, 0).choices).reverse();
    expect(pick(diffVersions(file(), r).changes)).toEqual([
      { op: "changed", entity: "option", key: "q1", field: "order", before: "5, 3, 1", after: "1, 3, 5" },
    ]);
    // A shorthand value and { value, text: value } read the same.
    const s1 = file();
    q(s1, 0, 0).choices = ["a", "b"] as never;
    const s2 = file();
    q(s2, 0, 0).choices = [{ value: "a", text: "a" }, "b"] as never;
    expect(diffVersions(s1, s2).changes).toEqual([]);
  });

  it("indicators added, removed, renamed, reweighted and moved; item mappings and weights", () => {
    const b = file();
    at(b.indicators, 0).weight = 0.3;
    at(b.indicators, 1).weight = 0.7;
    at(listed(at(b.indicators, 0).children), 1).name = { zh: "按时上下课", en: "Punctuality" };
    listed(at(b.indicators, 0).children).push({ id: "I1.3", name: { zh: "仪表", en: "Appearance" }, weight: 0 });
    at(b.indicators, 1).children = undefined;
    at(b.items, 2).weight = 0.4;
    at(b.items, 3).weight = 0.6;
    at(b.items, 1).indicator = "I1.3";
    b.items.push({ question: "q3", indicator: "I1.2", weight: 1 });
    b.items.splice(0, 1);
    b.unscored = ["c"];
    const d = pick(diffVersions(file(), b).changes);
    expect(d).toEqual(
      expect.arrayContaining([
        { op: "changed", entity: "indicator", key: "I1", field: "weight", before: 0.4, after: 0.3 },
        { op: "changed", entity: "indicator", key: "I2", field: "weight", before: 0.6, after: 0.7 },
        {
          op: "changed",
          entity: "indicator",
          key: "I1.2",
          field: "name",
          before: { zh: "守时", en: "Punctuality" },
          after: { zh: "按时上下课", en: "Punctuality" },
        },
        { op: "added", entity: "indicator", key: "I1.3", after: 0 },
        { op: "changed", entity: "item", key: "q2", field: "indicator", before: "I1.2", after: "I1.3" },
        { op: "changed", entity: "item", key: "m", sub: "r1", field: "weight", before: 0.5, after: 0.4 },
        { op: "changed", entity: "item", key: "m", sub: "r2", field: "weight", before: 0.5, after: 0.6 },
        { op: "added", entity: "item", key: "q3", after: "I1.2 × 1" },
        { op: "removed", entity: "item", key: "q1", before: "I1.1 × 1" },
        { op: "added", entity: "unscored", key: "c" },
      ]),
    );
    const c = file();
    listed(at(c.indicators, 0).children).splice(1, 1);
    c.indicators.push({ id: "I1.2", name: { zh: "守时", en: "Punctuality" }, weight: 0.5 });
    expect(pick(diffVersions(file(), c).changes)).toEqual([
      { op: "changed", entity: "indicator", key: "I1.2", field: "parent", before: "I1", after: null },
    ]);
    const r = file();
    r.indicators.pop();
    expect(pick(diffVersions(file(), r).changes)).toEqual([{ op: "removed", entity: "indicator", key: "I2", before: 0.6 }]);
  });

  it("the instrument's names, the survey's settings and pages", () => {
    const b = file();
    b.name = { zh: "学生评教表", en: "Evaluation" };
    b.survey.title = bi("学生评教", "Evaluation");
    b.survey.showProgressBar = "top";
    (b.survey.pages as Q[]).push({ name: "p3", elements: [] });
    at(b.survey.pages as Q[], 0).title = bi("第一部分", "Part 1");
    const d = pick(diffVersions(file(), b).changes);
    expect(d).toEqual([
      {
        op: "changed",
        entity: "instrument",
        key: "t",
        field: "name",
        before: { zh: "评教表", en: "Evaluation" },
        after: { zh: "学生评教表", en: "Evaluation" },
      },
      {
        op: "changed",
        entity: "survey",
        key: "survey",
        field: "title",
        before: { zh: "评教", en: "Evaluation" },
        after: { zh: "学生评教", en: "Evaluation" },
      },
      { op: "changed", entity: "survey", key: "survey", field: "showProgressBar", before: null, after: "top" },
      { op: "changed", entity: "page", key: "p1", field: "title", before: null, after: { zh: "第一部分", en: "Part 1" } },
      { op: "added", entity: "page", key: "p3" },
    ]);
  });

  it("counts each kind of change", () => {
    const b = file();
    q(b, 0, 0).isRequired = false;
    at(b.survey.pages as { elements: Q[] }[], 1).elements.pop();
    at(b.items, 0).weight = 1;
    expect(diffVersions(file(), b).counts).toEqual({ added: 0, removed: 1, changed: 1 });
  });
});

describe("helpers", () => {
  it("canonical JSON sorts keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
  it("reads SurveyJS texts in both languages", () => {
    expect(biText("同")).toEqual({ zh: "同", en: "同" });
    expect(biText({ default: "中", en: "En" })).toEqual({ zh: "中", en: "En" });
    expect(biText({ zh: "中", en: "En" })).toEqual({ zh: "中", en: "En" });
    expect(biText(undefined)).toBeNull();
  });
});
