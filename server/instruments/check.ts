import { Model, type JsonError } from "survey-core";
import type { z } from "zod";
import { instrumentFileSchema, NA_VALUE, type Indicator, type InstrumentFile, type Item } from "./format";
import { ALLOWED_TAGS, forbiddenProperty, markupProblem } from "@/server/shared/instruments/markup";
import { checkMessages, keysOf } from "../i18n/messages";
import { checklistProblems } from "./checklist";
import { columnCellType, isJsonArray, isJsonObject, itemValue, surveyQuestions, walkSurvey, type Json, type SurveyQuestion } from "./walk";
import { at, atKey } from "@/server/shared/indexed";

export { surveyQuestions, type SurveyQuestion } from "./walk";

/**
 * checkInstrument: everything an instrument file (surveys/*.json or an upload) must satisfy
 * before it can be stored, approved and scored. See format.ts for the format and the rules.
 * Every finding is a Problem with a JSON path into the file ("items[3].indicator",
 * "survey.pages[0].elements[2].choices[1].text") and a code; describeProblem renders it in
 * Chinese or English.
 */

// The texts are in the catalogue (server/i18n/messages/*/checks.json, "instrument").
export type ProblemCode = keyof typeof checkMessages.zh.instrument;
export const PROBLEM_CODES = keysOf(checkMessages.zh.instrument);
export type Problem = { path: string; code: ProblemCode; params?: Record<string, string | number> };
export type CheckResult = { ok: true; file: InstrumentFile } | { ok: false; problems: Problem[] };

/** A readable sentence for a problem, prefixed with where it is ("items[2].indicator: …"). */
export function describeProblem(p: Problem, locale: "zh" | "en"): string {
  const template: string = checkMessages[locale].instrument[p.code] ?? p.code;
  const text = template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = p.params?.[key];
    if (v === undefined) return whole;
    if (key === "lang" && (v === "zh" || v === "en")) return checkMessages[locale].languages[v];
    return String(v);
  });
  return p.path ? `${p.path}${locale === "zh" ? "：" : ": "}${text}` : text;
}

const TOLERANCE = 1e-6;
const NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;
const SCORABLE_TYPES = new Set(["radiogroup", "dropdown", "rating", "matrix"]);
const MATRIX_TYPES = new Set(["matrix", "matrixdropdown", "matrixdynamic"]);
const CHOICE_TYPES = new Set(["radiogroup", "dropdown", "checkbox", "tagbox", "ranking", "imagepicker"]);
const ITEM_CLASSES = new Set(["itemvalue", "choiceitem", "ratingitem", "matrixcolumn", "imageitemvalue", "checkboxitem"]);
const QUESTION_VIA = new Set(["elements", "questions", "templateElements"]);
const NOT_CHECKED_LOCALIZABLE = new Set(["logo"]);
const EXPRESSION_KEYS = new Set(["visibleIf", "enableIf", "requiredIf", "resetValueIf", "setValueIf"]);
const EXPRESSION_CONTEXT = new Set([
  "item",
  "choice",
  "row",
  "panel",
  "parentPanel",
  "composite",
  "self",
  "rowIndex",
  "visibleRowIndex",
  "rowName",
  "rowValue",
  "rowTitle",
  "locale",
  "pageno",
  "pagecount",
  "questionName",
]);

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const looksNumeric = (v: unknown) => isNumber(v) || (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()));
const fmtSum = (n: number) => Number(n.toFixed(6));

function pathOf(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out ? `.${String(s)}` : String(s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// zod

function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue): Problem => {
    const path = pathOf(issue.path);
    switch (issue.code) {
      case "invalid_type":
        return { path, code: "schema_invalid_type", params: { expected: String(issue.expected) } };
      case "too_small":
        return { path, code: "schema_too_small", params: { minimum: String(issue.minimum) } };
      case "too_big":
        return { path, code: "schema_too_big", params: { maximum: String(issue.maximum) } };
      case "invalid_value":
        return { path, code: "schema_invalid_value", params: { values: issue.values.map(String).join(", ") } };
      case "invalid_format":
        return { path, code: "schema_invalid_format", params: { detail: issue.message } };
      default:
        return { path, code: "schema_invalid", params: { detail: issue.message } };
    }
  });
}

const TOP_FIELDS = new Set(Object.keys(instrumentFileSchema.shape));
const ITEM_FIELDS = new Set(["question", "row", "indicator", "weight"]);
const INDICATOR_FIELDS = new Set(["id", "name", "weight", "children"]);
const NAME_FIELDS = new Set(["zh", "en"]);

/** zod strips unknown keys silently; a misspelt "unscord" or "wieght" should not vanish. */
function unknownFields(raw: Json): Problem[] {
  const out: Problem[] = [];
  const check = (obj: unknown, allowed: Set<string>, path: string) => {
    if (!isJsonObject(obj)) return;
    for (const k of Object.keys(obj)) {
      if (!allowed.has(k)) out.push({ path: path ? `${path}.${k}` : k, code: "unknown_field", params: { field: k } });
    }
  };
  check(raw, TOP_FIELDS, "");
  check(raw.name, NAME_FIELDS, "name");
  check(raw.description, NAME_FIELDS, "description");
  if (Array.isArray(raw.items)) raw.items.forEach((it, i) => check(it, ITEM_FIELDS, `items[${i}]`));
  const indicators = (list: unknown, path: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((ind, i) => {
      const p = `${path}[${i}]`;
      check(ind, INDICATOR_FIELDS, p);
      if (isJsonObject(ind)) {
        check(ind.name, NAME_FIELDS, `${p}.name`);
        indicators(ind.children, `${p}.children`);
      }
    });
  };
  indicators(raw.indicators, "indicators");
  return out;
}

// ---------------------------------------------------------------------------------------
// markup: every string of the file, wherever it is, and the survey's properties

const TAG_LIST = [...ALLOWED_TAGS].join(", ");

function markupProblems(raw: unknown): Problem[] {
  const out: Problem[] = [];
  const visit = (v: unknown, path: string, inSurvey: boolean) => {
    if (typeof v === "string") {
      const markup = markupProblem(v);
      if (markup) out.push({ path, code: "markup_not_allowed", params: { markup, tags: TAG_LIST } });
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${path}[${i}]`, inSurvey));
      return;
    }
    if (!isJsonObject(v)) return;
    for (const [k, x] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k;
      const forbidden = inSurvey ? forbiddenProperty(k, x) : null;
      if (forbidden) out.push({ path: p, code: "property_not_allowed", params: { property: forbidden } });
      else visit(x, p, inSurvey || (path === "" && k === "survey"));
    }
  };
  visit(raw, "", false);
  return out;
}

// ---------------------------------------------------------------------------------------
// survey-core

function surveyCoreProblems(survey: Json): Problem[] {
  const paths = new Map<object, string>();
  const index = (v: unknown, p: string) => {
    if (!v || typeof v !== "object") return;
    paths.set(v, p);
    if (Array.isArray(v)) v.forEach((x, i) => index(x, `${p}[${i}]`));
    else for (const [k, x] of Object.entries(v)) index(x, `${p}.${k}`);
  };
  index(survey, "survey");

  let errors: JsonError[];
  try {
    const model = new Model();
    model.fromJSON(survey, { validatePropertyValues: true });
    errors = model.jsonErrors ?? [];
  } catch (e) {
    return [{ path: "survey", code: "survey_json_error", params: { message: e instanceof Error ? e.message : String(e) } }];
  }
  return errors.map((e): Problem => {
    const jsonObj: unknown = e.jsonObj;
    const path = (typeof jsonObj === "object" && jsonObj !== null && paths.get(jsonObj)) || "survey";
    const err = e as JsonError & { propertyName?: string; className?: string; property?: { name: string }; value?: unknown };
    const property = err.propertyName ?? err.property?.name ?? "";
    const className = err.className ?? (isJsonObject(e.jsonObj) && typeof e.jsonObj.type === "string" ? e.jsonObj.type : "");
    switch (e.type) {
      case "unknownproperty":
        return { path: `${path}.${property}`, code: "survey_unknown_property", params: { property, className } };
      case "incorrecttypeproperty":
        return {
          path: `${path}.type`,
          code: "survey_unknown_type",
          params: { type: String(isJsonObject(e.jsonObj) ? e.jsonObj.type : ""), property },
        };
      case "missingtypeproperty":
        return { path, code: "survey_missing_type", params: { property } };
      case "requiredproperty":
        return { path: `${path}.${property}`, code: "survey_required_property", params: { property, className } };
      case "arrayproperty":
        return { path: `${path}.${property}`, code: "survey_array_property", params: { property, className } };
      case "incorrectvalue":
        return {
          path: `${path}.${property}`,
          code: "survey_incorrect_value",
          params: { property, value: typeof err.value === "object" ? JSON.stringify(err.value) : String(err.value) },
        };
      default:
        return { path, code: "survey_json_error", params: { message: e.message } };
    }
  });
}

// ---------------------------------------------------------------------------------------
// questions, options, texts

type OptionList = { list: string; path: string; values: unknown[] };

/** Lists of values respondents choose from, with where they are (for uniqueness). */
function optionLists(q: SurveyQuestion): OptionList[] {
  const out: OptionList[] = [];
  const add = (list: string, path: string, arr: unknown) => {
    if (Array.isArray(arr)) out.push({ list, path, values: arr.map(itemValue) });
  };
  const j = q.json;
  if (CHOICE_TYPES.has(q.type)) add("choices", `${q.path}.choices`, j.choices);
  if (q.type === "rating") add("rateValues", `${q.path}.rateValues`, j.rateValues);
  if (MATRIX_TYPES.has(q.type)) add("rows", `${q.path}.rows`, j.rows);
  if (q.type === "matrix") add("columns", `${q.path}.columns`, j.columns);
  if (q.type === "matrixdropdown" || q.type === "matrixdynamic") {
    add("choices", `${q.path}.choices`, j.choices);
    if (isJsonArray(j.columns)) {
      out.push({ list: "columns", path: `${q.path}.columns`, values: j.columns.map((c) => (isJsonObject(c) ? c.name : c)) });
      j.columns.forEach((c, i) => {
        if (isJsonObject(c)) add(`columns[${String(c.name)}].choices`, `${q.path}.columns[${i}].choices`, c.choices);
      });
    }
  }
  return out;
}

/** The answer values of a question that could carry a score (without "na"); null if none. */
function scaleValues(q: SurveyQuestion): unknown[] | null {
  const j = q.json;
  const vals = (arr: unknown) => (Array.isArray(arr) ? arr.map(itemValue).filter((v) => v !== NA_VALUE) : []);
  if (CHOICE_TYPES.has(q.type)) return vals(j.choices);
  if (q.type === "rating") {
    if (Array.isArray(j.rateValues) && j.rateValues.length > 0) return vals(j.rateValues);
    return [isNumber(j.rateMin) ? j.rateMin : 1, isNumber(j.rateMax) ? j.rateMax : 5];
  }
  if (q.type === "matrix") return vals(j.columns);
  if (q.type === "matrixdropdown" || q.type === "matrixdynamic") {
    const out: unknown[] = [];
    const matrixNode = { value: j } as Parameters<typeof columnCellType>[1];
    for (const c of Array.isArray(j.columns) ? j.columns : []) {
      if (!isJsonObject(c)) continue;
      const cell = columnCellType(c, matrixNode);
      if (cell === "rating") out.push(1);
      else if (CHOICE_TYPES.has(cell)) out.push(...vals(c.choices ?? j.choices));
      else return null; // a text/comment/boolean column: not a numeric question
    }
    return out;
  }
  return null;
}

function isNumericQuestion(q: SurveyQuestion): boolean {
  const values = scaleValues(q);
  return !!values && values.length > 0 && values.every(looksNumeric);
}

/** A rating needs a numeric scale: numeric rateValues ("na" apart), or integer rateMin < rateMax (default 1–5). */
function ratingScaleProblems(q: SurveyQuestion): Problem[] {
  const j = q.json;
  if (Array.isArray(j.rateValues) && j.rateValues.length > 0) {
    const out: Problem[] = [];
    j.rateValues.forEach((item, i) => {
      const v = itemValue(item);
      if (!isNumber(v) && v !== NA_VALUE)
        out.push({ path: `${q.path}.rateValues[${i}]`, code: "option_not_numeric", params: { question: q.name, value: String(v) } });
    });
    if (!j.rateValues.some((item) => isNumber(itemValue(item))))
      out.push({ path: q.path, code: "scored_question_without_scale", params: { question: q.name } });
    return out;
  }
  const min = j.rateMin ?? 1;
  const max = j.rateMax ?? 5;
  if (!Number.isInteger(min) || !Number.isInteger(max) || (min as number) >= (max as number)) {
    return [{ path: q.path, code: "rating_scale_invalid", params: { question: q.name } }];
  }
  return [];
}

function checkQuestions(survey: Json, questions: SurveyQuestion[]): Problem[] {
  const out: Problem[] = [];
  if (questions.length === 0) out.push({ path: "survey", code: "survey_no_questions" });
  if ("locale" in survey) out.push({ path: "survey.locale", code: "survey_locale_forbidden" });
  const seen = new Set<string>();
  for (const q of questions) {
    if (!NAME_RE.test(q.name)) out.push({ path: `${q.path}.name`, code: "question_name_invalid", params: { question: q.name } });
    if (seen.has(q.name)) out.push({ path: `${q.path}.name`, code: "duplicate_question_name", params: { question: q.name } });
    seen.add(q.name);
    if (q.type === "rating") out.push(...ratingScaleProblems(q));
    for (const list of optionLists(q)) {
      const keys = new Set<string>();
      list.values.forEach((v, i) => {
        const key = String(v);
        if (keys.has(key))
          out.push({
            path: `${list.path}[${i}]`,
            code: "duplicate_choice_value",
            params: { question: q.name, list: list.list, value: key },
          });
        keys.add(key);
        if ((list.list === "rows" || (list.list === "columns" && q.type !== "matrix")) && !(typeof v === "string" && NAME_RE.test(v))) {
          out.push({ path: `${list.path}[${i}]`, code: "row_value_invalid", params: { question: q.name, value: key } });
        }
      });
    }
  }
  return out;
}

function checkTexts(survey: Json, questionNames: Set<string>): Problem[] {
  const out: Problem[] = [];
  const variables = new Set<string>();
  if (Array.isArray(survey.calculatedValues)) {
    for (const c of survey.calculatedValues) if (isJsonObject(c) && typeof c.name === "string") variables.add(c.name);
  }
  walkSurvey(survey, (node) => {
    for (const { key, value, path } of node.localizable) {
      if (NOT_CHECKED_LOCALIZABLE.has(key)) continue;
      if (isJsonObject(value)) {
        for (const [lang, k] of [
          ["zh", "default"],
          ["en", "en"],
        ] as const) {
          const t = value[k];
          if (typeof t !== "string" || t.trim() === "")
            out.push({ path: `${path}.${k}`, code: "translation_missing", params: { property: key, lang } });
        }
      } else if (!(typeof value === "string" && value.trim() === "")) {
        out.push({ path, code: "text_not_localized", params: { property: key } });
      }
    }
    const has = (k: string) => node.localizable.some((l) => l.key === k);
    const obj = isJsonObject(node.value) ? node.value : undefined;
    if (ITEM_CLASSES.has(node.className)) {
      const v = itemValue(node.value);
      if (!has("text") && !isNumber(v)) out.push({ path: node.path, code: "text_missing", params: { property: "text", value: String(v) } });
    } else if (obj && node.via && QUESTION_VIA.has(node.via) && node.className !== "panel" && node.className !== "html") {
      if (!has("title")) out.push({ path: node.path, code: "text_missing", params: { property: "title", value: String(obj.name ?? "") } });
    } else if (obj && node.className === "matrixdropdowncolumn") {
      if (!has("title")) out.push({ path: node.path, code: "text_missing", params: { property: "title", value: String(obj.name ?? "") } });
    }
    if (obj) {
      for (const [k, expr] of Object.entries(obj)) {
        if (!EXPRESSION_KEYS.has(k) || typeof expr !== "string") continue;
        for (const m of expr.matchAll(/\{([^{}]+)\}/g)) {
          const name = at(at(m, 1).trim().split(/[.[]/), 0);
          if (!questionNames.has(name) && !variables.has(name) && !EXPRESSION_CONTEXT.has(name)) {
            out.push({ path: `${node.path}.${k}`, code: "expression_unknown_question", params: { expression: expr, question: name } });
          }
        }
      }
    }
  });
  return out;
}

function checkSurvey(survey: Json): { problems: Problem[]; questions: SurveyQuestion[] } {
  const problems = surveyCoreProblems(survey);
  const questions = surveyQuestions(survey);
  problems.push(...checkQuestions(survey, questions));
  problems.push(...checkTexts(survey, new Set(questions.map((q) => q.name))));
  return { problems, questions };
}

// ---------------------------------------------------------------------------------------
// indicators, items, unscored

type FlatIndicator = { indicator: Indicator; path: string; leaf: boolean };

function checkIndicators(indicators: Indicator[]): { problems: Problem[]; byId: Map<string, FlatIndicator> } {
  const problems: Problem[] = [];
  const byId = new Map<string, FlatIndicator>();
  const sum = (list: Indicator[]) => list.reduce((s, i) => s + i.weight, 0);
  if (indicators.length > 0 && Math.abs(sum(indicators) - 1) > TOLERANCE) {
    problems.push({ path: "indicators", code: "indicator_weights_sum", params: { sum: fmtSum(sum(indicators)) } });
  }
  const visit = (list: Indicator[], path: string) => {
    list.forEach((ind, i) => {
      const p = `${path}[${i}]`;
      const children = ind.children ?? [];
      if (byId.has(ind.id)) problems.push({ path: `${p}.id`, code: "duplicate_indicator_id", params: { indicator: ind.id } });
      else byId.set(ind.id, { indicator: ind, path: p, leaf: children.length === 0 });
      if (children.length > 0) {
        const s = sum(children);
        if (Math.abs(s - 1) > TOLERANCE)
          problems.push({ path: `${p}.children`, code: "indicator_children_weights_sum", params: { indicator: ind.id, sum: fmtSum(s) } });
        visit(children, `${p}.children`);
      }
    });
  };
  visit(indicators, "indicators");
  return { problems, byId };
}

function checkScoredOptions(q: SurveyQuestion): Problem[] {
  const out: Problem[] = [];
  const j = q.json;
  const options = (key: string) => {
    const arr = j[key];
    if (!Array.isArray(arr) || arr.length === 0) return false;
    let numeric = 0;
    arr.forEach((item, i) => {
      const v = itemValue(item);
      if (isNumber(v)) numeric++;
      else if (v !== NA_VALUE)
        out.push({ path: `${q.path}.${key}[${i}]`, code: "option_not_numeric", params: { question: q.name, value: String(v) } });
    });
    return numeric > 0;
  };
  // Rating scales are checked for every rating question (checkQuestions).
  const scale = q.type === "rating" ? true : options(q.type === "matrix" ? "columns" : "choices");
  if (!scale) out.push({ path: q.path, code: "scored_question_without_scale", params: { question: q.name } });
  // Extra answers a respondent can pick that carry no number.
  const extras: [string[], string][] = [
    [["showOtherItem", "hasOther"], "other"],
    [["showNoneItem", "hasNone"], "none"],
    [["showRefuseItem"], "refused"],
    [["showDontKnowItem"], "dontknow"],
  ];
  for (const [keys, value] of extras) {
    const key = keys.find((k) => j[k] === true);
    if (key) out.push({ path: `${q.path}.${key}`, code: "option_not_numeric", params: { question: q.name, value } });
  }
  return out;
}

function checkScoring(file: InstrumentFile, questions: SurveyQuestion[]): Problem[] {
  const { problems, byId } = checkIndicators(file.indicators);
  const byName = new Map<string, SurveyQuestion>();
  for (const q of questions) if (!byName.has(q.name)) byName.set(q.name, q);

  const leafSums = new Map<string, number>();
  const scored = new Map<string, Set<string>>(); // question → mapped rows ("" for whole question)
  const targets = new Set<string>();
  file.items.forEach((item: Item, i) => {
    const p = `items[${i}]`;
    const ind = byId.get(item.indicator);
    if (!ind) problems.push({ path: `${p}.indicator`, code: "item_indicator_unknown", params: { indicator: item.indicator } });
    else if (!ind.leaf) problems.push({ path: `${p}.indicator`, code: "item_indicator_not_leaf", params: { indicator: item.indicator } });
    else leafSums.set(item.indicator, (leafSums.get(item.indicator) ?? 0) + item.weight);

    const target = item.row === undefined ? item.question : `${item.question}/${item.row}`;
    if (targets.has(target)) problems.push({ path: p, code: "duplicate_item", params: { target } });
    targets.add(target);

    const q = byName.get(item.question);
    if (!q) {
      problems.push({ path: `${p}.question`, code: "item_question_missing", params: { question: item.question } });
      return;
    }
    let rowsScored = scored.get(q.name);
    if (rowsScored === undefined) scored.set(q.name, (rowsScored = new Set()));
    rowsScored.add(item.row ?? "");
    if (!SCORABLE_TYPES.has(q.type)) {
      problems.push({ path: `${p}.question`, code: "item_question_not_scorable", params: { question: q.name, type: q.type } });
      return;
    }
    if (q.type === "matrix") {
      const rows = Array.isArray(q.json.rows) ? q.json.rows.map((r) => String(itemValue(r))) : [];
      if (item.row === undefined) problems.push({ path: p, code: "item_row_required", params: { question: q.name } });
      else if (!rows.includes(item.row))
        problems.push({ path: `${p}.row`, code: "item_row_missing", params: { question: q.name, row: item.row } });
    } else if (item.row !== undefined) {
      problems.push({ path: `${p}.row`, code: "item_row_unexpected", params: { question: q.name, row: item.row } });
    }
  });

  for (const [id, ind] of byId) {
    if (!ind.leaf) continue;
    const s = leafSums.get(id);
    if (s === undefined) problems.push({ path: ind.path, code: "indicator_without_items", params: { indicator: id } });
    else if (Math.abs(s - 1) > TOLERANCE)
      problems.push({ path: ind.path, code: "item_weights_sum", params: { indicator: id, sum: fmtSum(s) } });
  }

  for (const [name, rows] of scored) {
    const q = atKey(byName, name);
    if (!SCORABLE_TYPES.has(q.type)) continue;
    problems.push(...checkScoredOptions(q));
    if (q.type === "matrix" && Array.isArray(q.json.rows)) {
      q.json.rows.forEach((r, i) => {
        const row = String(itemValue(r));
        if (!rows.has(row)) problems.push({ path: `${q.path}.rows[${i}]`, code: "matrix_row_unmapped", params: { question: name, row } });
      });
    }
  }

  const unscored = new Set(file.unscored);
  file.unscored.forEach((name, i) => {
    if (!byName.has(name)) problems.push({ path: `unscored[${i}]`, code: "unscored_question_missing", params: { question: name } });
    else if (scored.has(name)) problems.push({ path: `unscored[${i}]`, code: "unscored_but_scored", params: { question: name } });
  });
  for (const q of questions) {
    if (!scored.has(q.name) && !unscored.has(q.name) && isNumericQuestion(q)) {
      problems.push({ path: q.path, code: "numeric_question_unmapped", params: { question: q.name } });
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------

/** Checks an instrument file (parsed JSON). On success returns it parsed by instrumentFileSchema. */
export function checkInstrument(raw: unknown): CheckResult {
  const parsed = instrumentFileSchema.safeParse(raw);
  const problems: Problem[] = isJsonObject(raw) ? [...markupProblems(raw), ...unknownFields(raw)] : [];
  if (!parsed.success) {
    problems.push(...zodProblems(parsed.error));
    // Still report what is wrong inside the survey, so one round of fixes suffices.
    if (isJsonObject(raw) && isJsonObject(raw.survey)) problems.push(...checkSurvey(raw.survey).problems);
    return { ok: false, problems };
  }
  const file = parsed.data;
  const survey = checkSurvey(file.survey);
  problems.push(...survey.problems, ...checkScoring(file, survey.questions));
  if (file.kind === "inspection") problems.push(...checklistProblems(file.survey));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, file };
}

/** The problems as lines, one per problem, in the given language. */
export function describeProblems(problems: Problem[], locale: "zh" | "en"): string[] {
  return problems.map((p) => describeProblem(p, locale));
}
