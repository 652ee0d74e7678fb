import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ItemValue,
  MatrixDropdownColumn,
  Model,
  surveyLocalization,
  type Question,
  type QuestionBooleanModel,
  type QuestionMatrixDropdownModel,
  type QuestionMatrixModel,
  type QuestionRatingModel,
  type QuestionSelectBase,
} from "survey-core";
import { INSTRUMENT_KINDS } from "@/db/schema/instruments";
import { instrumentFileSchema, type Indicator, type InstrumentFile } from "./format";
import { node } from "./testing/json";
import { InstrumentRegistryError, loadRegistry } from "./registry";
import { expectFailure } from "../test/errors";
import { one } from "@/db/query";

// These tests prove the library's properties directly with survey-core and plain JSON
// walking, independently of check.ts (which loadRegistry also runs).

const dir = path.join(process.cwd(), "surveys");
const fileNames = readdirSync(dir)
  .filter((n) => n.endsWith(".json"))
  .sort();
const files: [string, InstrumentFile][] = fileNames.map((n) => [
  n,
  instrumentFileSchema.parse(JSON.parse(readFileSync(path.join(dir, n), "utf8"))),
]);

const CJK = /[\u3400-\u9fff]/;
const NA = "na";

function model(f: InstrumentFile) {
  const m = new Model();
  m.fromJSON(f.survey, { validatePropertyValues: true });
  return m;
}

/** Values a respondent can choose that could carry a number (without "na"); null = not an option question. */
function optionValues(q: Question): unknown[] | null {
  const vals = (items: unknown) =>
    itemValues(items)
      .map((i): unknown => i.value)
      .filter((v) => v !== NA);
  // The question's class is the one its type names (survey-core's typings say `any[]` for
  // its item lists, which itemValues checks).
  switch (q.getType()) {
    case "radiogroup":
    case "dropdown":
    case "checkbox":
    case "tagbox":
    case "ranking":
      return vals((q as QuestionSelectBase).choices);
    case "rating": {
      const r = q as QuestionRatingModel;
      return r.rateValues.length > 0 ? vals(r.rateValues) : [r.rateMin, r.rateMax];
    }
    case "matrix":
      return vals((q as QuestionMatrixModel).columns);
    case "matrixdropdown":
      return matrixColumns(q).flatMap((c) => vals(columnChoices(c)));
    default:
      return null;
  }
}

/** A list survey-core's typings give as `any[]`, checked to hold instances of `cls`. */
function listOf<T>(list: unknown, cls: abstract new (...args: never[]) => T): T[] {
  if (!Array.isArray(list) || !list.every((i): i is T => i instanceof cls)) throw new TypeError(`not a list of ${cls.name}`);
  return list;
}
const itemValues = (list: unknown) => listOf(list, ItemValue);
const matrixColumns = (q: Question) => listOf((q as QuestionMatrixDropdownModel).columns, MatrixDropdownColumn);
/** A matrix column's choices: a property survey-core adds to columns at run time (not in its typings). */
const columnChoices = (c: MatrixDropdownColumn) => itemValues(Reflect.get(c, "choices"));

function leaves(list: Indicator[]): Indicator[] {
  return list.flatMap((i) => (i.children && i.children.length > 0 ? leaves(i.children) : [i]));
}

/** Every [key, value] in the JSON whose key is a text shown to respondents. */
const SHOWN = new Set([
  "title",
  "description",
  "completedHtml",
  "placeholder",
  "requiredErrorText",
  "otherText",
  "noneText",
  "commentText",
  "labelTrue",
  "labelFalse",
  "minRateDescription",
  "maxRateDescription",
  "html",
  "text",
  "minErrorText",
  "maxErrorText",
]);
function shownTexts(v: unknown, p = "survey", out: [string, unknown][] = []): [string, unknown][] {
  if (Array.isArray(v)) v.forEach((x, i) => shownTexts(x, `${p}[${i}]`, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (SHOWN.has(k)) out.push([`${p}.${k}`, x]);
      else shownTexts(x, `${p}.${k}`, out);
    }
  }
  return out;
}

/** What a respondent reads for one question in the current locale. */
function questionTexts(q: Question): string[] {
  const items = (list: unknown) =>
    itemValues(list ?? [])
      .filter((i) => typeof i.value !== "number" || i.locText.textOrHtml !== String(i.value))
      .map((i) => i.text);
  const out = [q.title, ...(q.description ? [q.description] : [])];
  const type = q.getType();
  if (["radiogroup", "dropdown", "checkbox"].includes(type)) out.push(...items((q as QuestionSelectBase).choices));
  if (type === "rating") out.push((q as QuestionRatingModel).minRateDescription, (q as QuestionRatingModel).maxRateDescription);
  if (type === "matrix") out.push(...items((q as QuestionMatrixModel).rows), ...items((q as QuestionMatrixModel).columns));
  if (type === "matrixdropdown") {
    const md = q as QuestionMatrixDropdownModel;
    out.push(...items(md.rows));
    for (const c of matrixColumns(md)) out.push(c.title, ...items(columnChoices(c)));
  }
  if (type === "boolean") out.push((q as QuestionBooleanModel).labelTrue, (q as QuestionBooleanModel).labelFalse);
  return out;
}

describe("instrument library (surveys/*.json)", () => {
  it("holds one instrument per kind, named after its key, and loads without problems", () => {
    const registry = loadRegistry();
    expect(Object.keys(registry).sort()).toEqual([...INSTRUMENT_KINDS].sort());
    for (const [key, f] of Object.entries(registry)) expect(f.key).toBe(key);
    expect(new Set(files.map(([, f]) => f.kind))).toEqual(new Set(INSTRUMENT_KINDS));
    expect(fileNames).toEqual(files.map(([, f]) => `${f.key}.json`));
  });

  describe.each(files)("%s", (_name, f) => {
    it("parses in survey-core with no jsonErrors", () => {
      expect(new Model(f.survey).jsonErrors ?? []).toEqual([]);
      expect((model(f).jsonErrors ?? []).map((e) => e.message)).toEqual([]);
      expect(model(f).getAllQuestions().length).toBeGreaterThan(0);
    });

    it("has weights summing to 1 at every level of the indicator tree and within every leaf", () => {
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const check = (list: Indicator[], where: string) => {
        expect(sum(list.map((i) => i.weight)), where).toBeCloseTo(1, 9);
        for (const i of list) if (i.children?.length) check(i.children, i.id);
      };
      if (f.indicators.length > 0) check(f.indicators, "level 1");
      for (const leaf of leaves(f.indicators)) {
        expect(sum(f.items.filter((it) => it.indicator === leaf.id).map((it) => it.weight)), leaf.id).toBeCloseTo(1, 9);
      }
      // a two-level tree (一级/二级指标)
      for (const i of f.indicators) for (const c of i.children ?? []) expect(c.children ?? []).toEqual([]);
    });

    it("maps every scored question to a leaf indicator, with numeric options only ('na' apart)", () => {
      const m = model(f);
      const leafIds = new Set(leaves(f.indicators).map((i) => i.id));
      for (const it of f.items) {
        expect(leafIds.has(it.indicator), `${it.question} → ${it.indicator}`).toBe(true);
        const q = m.getQuestionByName(it.question);
        expect(q, it.question).toBeTruthy();
        const values = optionValues(q);
        if (values === null) throw new Error(`${it.question}: a scored question without options`);
        expect(values.length, it.question).toBeGreaterThan(0);
        for (const v of values) expect(typeof v, `${it.question}: ${String(v)}`).toBe("number");
        if (q.getType() === "matrix") {
          expect(itemValues((q as QuestionMatrixModel).rows).map((r): unknown => r.value)).toContain(it.row);
        }
      }
      const scored = new Set(f.items.map((it) => it.question));
      for (const q of m.getAllQuestions()) {
        const values = optionValues(q);
        const numeric = !!values && values.length > 0 && values.every((v) => typeof v === "number");
        if (numeric) expect(scored.has(q.name) || f.unscored.includes(q.name), `${q.name} is numeric`).toBe(true);
      }
      // every row of a scored matrix is scored
      for (const name of scored) {
        const q = m.getQuestionByName(name);
        if (q.getType() !== "matrix") continue;
        const rows = itemValues((q as QuestionMatrixModel).rows).map((r): unknown => r.value);
        expect(new Set(f.items.filter((it) => it.question === name).map((it) => it.row))).toEqual(new Set(rows));
      }
    });

    it("has every respondent-facing text in Chinese (default) and English", () => {
      const aString: unknown = expect.any(String);
      const texts = shownTexts(f.survey);
      expect(texts.length).toBeGreaterThan(0);
      for (const [where, v] of texts) {
        expect(v, where).toEqual({ default: aString, en: aString });
        const { default: zh, en } = v as { default: string; en: string };
        expect(zh, where).toMatch(CJK);
        expect(en.trim().length, where).toBeGreaterThan(0);
        expect(en, where).not.toMatch(CJK);
      }
      expect(f.name.zh).toMatch(CJK);
      expect(f.name.en).not.toMatch(CJK);
      for (const i of [...f.indicators, ...f.indicators.flatMap((x) => x.children ?? [])]) {
        expect(i.name.zh, i.id).toMatch(CJK);
        expect(i.name.en, i.id).not.toMatch(CJK);
      }
    });

    it("renders every question in both languages when Chinese is survey-core's default locale", () => {
      const saved = surveyLocalization.defaultLocale;
      try {
        surveyLocalization.defaultLocale = "zh-cn";
        const m = model(f);
        for (const q of m.getAllQuestions()) {
          m.locale = "en";
          for (const s of questionTexts(q)) expect(s, `${q.name} (en)`).not.toMatch(CJK);
          m.locale = "zh-cn";
          expect(q.title, q.name).toMatch(CJK);
          for (const s of questionTexts(q)) expect(s.trim().length, `${q.name} (zh)`).toBeGreaterThan(0);
        }
      } finally {
        surveyLocalization.defaultLocale = saved;
      }
    });

    it("uses stable ASCII question names, at most three pages and no fixed locale", () => {
      for (const q of model(f).getAllQuestions()) expect(q.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect((f.survey.pages as unknown[]).length).toBeLessThanOrEqual(3);
      expect(f.survey).not.toHaveProperty("locale");
    });
  });

  it("uses every question type the checks cover, and visibleIf", () => {
    const types = new Set(
      files.flatMap(([, f]) =>
        model(f)
          .getAllQuestions()
          .map((q) => q.getType()),
      ),
    );
    for (const t of ["radiogroup", "rating", "checkbox", "dropdown", "comment", "text", "boolean", "matrix", "matrixdropdown"]) {
      expect(types, t).toContain(t);
    }
    const json = files.map(([, f]) => JSON.stringify(f.survey)).join("\n");
    for (const s of ['"visibleIf"', '"inputType":"date"', '"inputType":"number"', '"validators"']) expect(json).toContain(s);
  });

  it("keeps 'na' apart from the 1–5 scale in the graduate tracking abilities grid", () => {
    const f = one(files.filter(([, x]) => x.key === "graduate_tracking"))[1];
    const q = model(f).getQuestionByName("abilities");
    expect(q.getType()).toBe("matrixdropdown");
    expect(matrixColumns(q).map((c) => c.name)).toEqual(["importance", "required_level", "own_level"]);
    for (const c of matrixColumns(q)) expect(columnChoices(c).map((i): unknown => i.value)).toEqual([5, 4, 3, 2, 1, NA]);
    expect(f.unscored).toContain("abilities");
    const status = model(f).getQuestionByName("employment_status") as QuestionSelectBase;
    expect(itemValues(status.choices).map((c) => typeof c.value)).not.toContain("number");
    // shown only to those in work
    const m = model(f);
    m.setValue("employment_status", "further_study");
    expect(m.getQuestionByName("industry").isVisible).toBe(false);
    m.setValue("employment_status", "employed");
    expect(m.getQuestionByName("industry").isVisible).toBe(true);
  });

  it("keeps the information officer report unscored", () => {
    const f = one(files.filter(([, x]) => x.key === "info_officer_report"))[1];
    expect(f.indicators).toEqual([]);
    expect(f.items).toEqual([]);
    const m = model(f);
    expect(m.getQuestionByName("description").isRequired).toBe(true);
    for (const name of ["category", "urgency"]) {
      for (const c of (m.getQuestionByName(name) as unknown as { choices: ItemValue[] }).choices) expect(typeof c.value).toBe("string");
    }
  });
});

describe("loadRegistry", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "instruments-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const good: unknown = JSON.parse(readFileSync(path.join(dir, "student_evaluation.json"), "utf8"));

  it("reads a directory of valid files keyed by key", () => {
    const d = mkdtempSync(path.join(tmp, "ok-"));
    writeFileSync(path.join(d, "student_evaluation.json"), JSON.stringify(good));
    writeFileSync(path.join(d, "README.md"), "not an instrument");
    expect(Object.keys(loadRegistry(d))).toEqual(["student_evaluation"]);
  });

  it("throws one error listing every problem of every broken file", async () => {
    const d = mkdtempSync(path.join(tmp, "bad-"));
    writeFileSync(path.join(d, "student_evaluation.json"), JSON.stringify(good));
    writeFileSync(path.join(d, "renamed.json"), JSON.stringify(good));
    writeFileSync(path.join(d, "broken.json"), '{ "key": ');
    const bad = node(structuredClone(good));
    bad.key = "weights";
    node(bad, "indicators.0").weight = 0.1;
    writeFileSync(path.join(d, "weights.json"), JSON.stringify(bad));
    const e = await expectFailure(() => loadRegistry(d), InstrumentRegistryError);
    expect(e.files.map((x) => [x.file, x.problems.map((p) => p.code)])).toEqual([
      ["broken.json", ["json_syntax"]],
      ["renamed.json", ["file_name_mismatch"]],
      ["weights.json", ["indicator_weights_sum"]],
    ]);
    expect(e.message).toContain('renamed.json:\n  - key: the file name "renamed.json" does not match the key "student_evaluation"');
    expect(e.message).toContain("weights.json:\n  - indicators: the level-1 indicator weights sum to 0.9, not 1");
  });
});
