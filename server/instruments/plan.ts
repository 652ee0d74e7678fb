import {
  ConditionRunner,
  EmailValidator,
  ExpressionValidator,
  Model,
  NumericValidator,
  RegexValidator,
  TextValidator,
  type SurveyValidator,
} from "survey-core";
import { at } from "@/server/shared/indexed";

/**
 * Compiles a SurveyJS definition ONCE into a plain validation plan: for every question, its
 * data key, title in both languages, whether it is required, the conditions that show or
 * hide it (own, its panels' and its page's), and the exact set of values it accepts.
 * validateAnswers (validate.ts) then checks a submission with the plan alone; survey-core
 * is only used here and, at validation time, to run the compiled conditions.
 *
 * The structure is walked on a survey-core Model built from the JSON (pages → panels →
 * elements), so that aliases (`hasOther`/`showOtherItem`, `isAllRowRequired`/
 * `eachRowRequired`, root-level `elements`/`questions`) and the value domains (rating
 * scales from `rateValues` or `rateMin`/`rateMax`/`rateStep`/`rateCount`, built-in
 * "none"/"other"/"refused"/"dontknow" items, `choicesMin`/`choicesMax`, matrix cell choices
 * inherited from the matrix) are exactly what the respondent's survey-core renders.
 *
 * Anything the server could not check exactly (dynamic choices, per-choice conditions,
 * dynamic panels and matrices, masks, calculated values, conditions referring to unknown
 * names, …) makes compilePlan throw a PlanError: such a definition must not be approved.
 */

export const DEFAULT_TEXT_MAX_LENGTH = 1000;
export const DEFAULT_COMMENT_MAX_LENGTH = 2000;
/** The data key suffix for "other" texts and comment areas (survey-core settings.commentSuffix). */
export const COMMENT_SUFFIX = "-Comment";
/** survey-core's own e-mail pattern (EmailValidator), so that both sides agree. */
export const EMAIL_RE = /^(([^<>()[\].,;:\s@"]+(\.[^<>()[\].,;:\s@"]+)*)|(".+"))@(([^<>()=[\].,;:\s@"]+\.)+[^<>()=[\].,;:\s@"]{2,})$/i;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export type Localized = { zh: string; en: string };
export type Primitive = string | number | boolean;

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

/** A condition (`visibleIf`, `enableIf`, `requiredIf`, an expression validator) compiled once. */
export type Condition = { expression: string; runner: ConditionRunner };

/**
 * Checks from a question's `validators` (and the text validator's `allowDigits`); `text` is
 * the validator's own error text, if the definition gives one.
 */
export type Check = { text: Localized | null } & (
  | { kind: "numeric"; min: number | null; max: number | null }
  | { kind: "length"; min: number; max: number }
  | { kind: "digits" }
  | { kind: "regex"; re: RegExp; source: string }
  | { kind: "email" }
  | { kind: "expression"; condition: number }
);

export type ValueSpec =
  /** radiogroup, dropdown: one of `values`; `other` is the value that asks for a text in `<name>-Comment`. */
  | { kind: "single"; values: Primitive[]; allowed: Set<Primitive>; other: Primitive | null }
  /** rating: one of `values`. */
  | { kind: "rating"; values: Primitive[]; allowed: Set<Primitive> }
  /** checkbox, tagbox: distinct values; an exclusive value ("none", …) stands alone. */
  | {
      kind: "multi";
      values: Primitive[];
      allowed: Set<Primitive>;
      exclusive: Set<Primitive>;
      other: Primitive | null;
      min: number;
      max: number;
    }
  | { kind: "boolean"; valueTrue: Primitive; valueFalse: Primitive }
  | { kind: "number"; min: number | null; max: number | null; checks: Check[] }
  | { kind: "date"; min: string | null; max: string | null; checks: Check[] }
  | { kind: "string"; email: boolean; maxLength: number; checks: Check[] }
  /** matrix (single choice, or checkbox cells when `multi`): row → column value(s). */
  | {
      kind: "matrix";
      rows: Map<string, Localized>;
      columns: Primitive[];
      allowed: Set<Primitive>;
      multi: boolean;
      eachRowRequired: boolean;
      eachRowUnique: boolean;
    }
  /** matrixdropdown: row → { column → cell value }. */
  | { kind: "matrixdropdown"; rows: Map<string, Localized>; columns: Map<string, MatrixCell> }
  /** html, image, expression: holds no answer. */
  | { kind: "none" };

export type MatrixCell = { name: string; title: Localized; required: boolean; spec: ValueSpec };

export type PlanQuestion = {
  index: number;
  name: string;
  /** survey-core type, lower case. */
  type: string;
  title: Localized;
  answerable: boolean;
  /** `isRequired`, unless there is a `requiredIf` (a condition index), which then decides alone (as in survey-core). */
  required: boolean;
  requiredIf: number | null;
  /** False when the question, a panel around it or its page has `visible: false` and no `visibleIf`. */
  visible: boolean;
  /** Condition indexes that must all hold for the question to show: own, its panels' and its page's `visibleIf`. */
  visibleIf: number[];
  /** False when the question or a container is `readOnly` without `enableIf`; `enableIf` conditions must all hold as well. */
  enabled: boolean;
  enableIf: number[];
  spec: ValueSpec;
  /**
   * Expression validators of the question: survey-core runs them for every visible, enabled
   * question without a "required" error, answered or not (they may refer to other answers).
   */
  expressionChecks: (Check & { kind: "expression" })[];
  /** The `<name>-Comment` text: the "other" item's text and/or a comment area. */
  comment: { key: string; other: boolean; area: boolean; maxLength: number } | null;
};

export type PlanKey = { question: PlanQuestion; comment: boolean };

export type Plan = {
  questions: PlanQuestion[];
  /** Every data key a submission may carry: question names and their `-Comment` keys. */
  keys: Map<string, PlanKey>;
  conditions: Condition[];
};

const ANSWERABLE = new Set([
  "radiogroup",
  "dropdown",
  "checkbox",
  "tagbox",
  "rating",
  "boolean",
  "text",
  "comment",
  "matrix",
  "matrixdropdown",
]);
const NOT_ANSWERABLE = new Set(["html", "image", "expression"]);
const TEXT_INPUT_TYPES = new Set(["text", "tel", "url", "password", "email", "number", "range", "date"]);
/** Names that would be unsafe as plain-object keys or shadow Object.prototype members. */
export const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

// survey-core's classes are read through their public properties; the typings do not cover
// every property the JSON may set (a property of another question type reads as undefined),
// so the walk reads the model through these views: what it only tests for presence is
// `unknown`, what it walks or calls is typed as survey-core gives it.

/** survey-core's localizable strings (`locTitle`, `locText`). */
type LocView = { getLocaleText?: (locale: string) => unknown } | undefined;

/** An item value (choice, rate value, matrix row or column) or a matrixdropdown column. */
type ItemView = {
  value?: unknown;
  name?: unknown;
  visibleIf?: unknown;
  enableIf?: unknown;
  requiredIf?: unknown;
  showCommentArea?: unknown;
  isExclusive?: unknown;
  isRequired?: unknown;
  totalType?: unknown;
  locText?: LocView;
  locTitle?: LocView;
};

/** A page, panel or question (also a matrix cell's question). */
type ElementView = {
  getType(): string;
  name?: unknown;
  isPage?: unknown;
  isPanel?: unknown;
  elements?: ElementView[];
  visible?: unknown;
  visibleIf?: unknown;
  enableIf?: unknown;
  requiredIf?: unknown;
  readOnly?: unknown;
  isRequired?: unknown;
  locTitle?: LocView;
  valueName?: unknown;
  defaultValueExpression?: unknown;
  setValueExpression?: unknown;
  resetValueIf?: unknown;
  setValueIf?: unknown;
  showCommentArea?: unknown;
  getStoreOthersAsComment?: () => boolean;
  getOthersMaxLength?: () => number;
  // choices
  choices?: ItemView[];
  visibleChoices?: ItemView[];
  choicesByUrl?: { url?: unknown };
  choicesFromQuestion?: unknown;
  choicesVisibleIf?: unknown;
  choicesEnableIf?: unknown;
  choicesLazyLoadEnabled?: unknown;
  hideIfChoicesEmpty?: unknown;
  selectAllItem?: unknown;
  otherItem?: unknown;
  minSelectedChoices?: unknown;
  maxSelectedChoices?: unknown;
  // rating, boolean, text, comment
  rateValues?: ItemView[];
  visibleRateValues?: ItemView[];
  getValueTrue?: () => unknown;
  getValueFalse?: () => unknown;
  getMaxLength?: () => number | null;
  inputType?: unknown;
  maskType?: unknown;
  minValueExpression?: unknown;
  maxValueExpression?: unknown;
  min?: unknown;
  max?: unknown;
  validators?: SurveyValidator[];
  // matrices
  rows?: ItemView[];
  columns?: ItemView[];
  visibleRows?: { getQuestionByColumnName?: (name: string) => ElementView | null }[];
  rowsVisibleIf?: unknown;
  columnsVisibleIf?: unknown;
  hideIfRowsEmpty?: unknown;
  isMultiSelect?: unknown;
  eachRowRequired?: unknown;
  eachRowUnique?: unknown;
  detailPanelMode?: unknown;
};

/** The survey model. */
type SurveyView = { pages: ElementView[]; calculatedValues?: unknown; triggers?: unknown };

/**
 * A property or method survey-core always has on the class the question's type names (the
 * views above cannot say which): its absence is a TypeError, which compilePlan reports as
 * "cannot compile the definition".
 */
function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new TypeError(`${what} is undefined`);
  return value;
}

export function compilePlan(survey: Record<string, unknown>): Plan {
  if (typeof survey !== "object" || survey === null || Array.isArray(survey))
    throw new PlanError("the survey definition must be an object");
  let model: Model;
  try {
    model = new Model(survey);
  } catch (e) {
    throw new PlanError(`survey-core cannot load the definition: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return new Compiler(model as SurveyView).compile();
  } catch (e) {
    if (e instanceof PlanError) throw e;
    throw new PlanError(`cannot compile the definition: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    model.dispose();
  }
}

class Compiler {
  private conditions: Condition[] = [];
  private conditionIndex = new Map<string, number>();
  private questions: PlanQuestion[] = [];
  private references: { expression: string; variables: string[] }[] = [];

  constructor(private model: SurveyView) {}

  compile(): Plan {
    const m = this.model;
    if (Array.isArray(m.calculatedValues) && m.calculatedValues.length > 0) throw new PlanError("calculatedValues are not supported");
    if (Array.isArray(m.triggers) && m.triggers.length > 0)
      throw new PlanError("triggers are not supported (they change answers on the client)");
    for (const page of m.pages) this.container(page, [], true, [], true);
    const keys = new Map<string, PlanKey>();
    for (const q of this.questions) {
      const lower = q.name.toLowerCase();
      for (const k of keys.keys()) {
        if (k.toLowerCase() === lower) throw new PlanError(`duplicate question name "${q.name}"`);
      }
      keys.set(q.name, { question: q, comment: false });
      if (q.comment) {
        if (keys.has(q.comment.key)) throw new PlanError(`"${q.comment.key}" is both a question and a comment key`);
        keys.set(q.comment.key, { question: q, comment: true });
      }
    }
    // Every name a condition refers to must be something a submission can carry.
    const lowerKeys = new Map<string, PlanKey>();
    for (const [k, v] of keys) lowerKeys.set(k.toLowerCase(), v);
    for (const { expression, variables } of this.references) {
      for (const v of variables) {
        const base = at(v.split(/[.[]/), 0).toLowerCase();
        const hit = lowerKeys.get(base);
        if (!hit) throw new PlanError(`condition "${expression}" refers to "${v}", which is not a question of this survey`);
        if (!hit.question.answerable) throw new PlanError(`condition "${expression}" refers to "${v}", which holds no answer`);
      }
    }
    return { questions: this.questions, keys, conditions: this.conditions };
  }

  private condition(expression: unknown, where: string): number | null {
    if (typeof expression !== "string" || expression.trim() === "") return null;
    const known = this.conditionIndex.get(expression);
    if (known !== undefined) return known;
    const runner = new ConditionRunner(expression);
    if (!runner.canRun()) throw new PlanError(`${where}: cannot parse condition "${expression}"`);
    if (runner.isAsync) throw new PlanError(`${where}: asynchronous functions are not supported in "${expression}"`);
    this.references.push({ expression, variables: runner.getVariables() });
    const index = this.conditions.push({ expression, runner }) - 1;
    this.conditionIndex.set(expression, index);
    return index;
  }

  /** A page or panel: its visibility and enabling pass on to everything inside. */
  private container(el: ElementView, visibleIf: number[], visible: boolean, enableIf: number[], enabled: boolean) {
    const where = `${el.isPage ? "page" : "panel"} "${String(el.name)}"`;
    if (el.requiredIf) throw new PlanError(`${where}: requiredIf on a panel is not supported`);
    if (el.isPanel && el.isRequired) throw new PlanError(`${where}: isRequired on a panel is not supported`);
    const v = this.condition(el.visibleIf, where);
    const e = this.condition(el.enableIf, where);
    const vis = v === null ? visibleIf : [...visibleIf, v];
    const en = e === null ? enableIf : [...enableIf, e];
    // survey-core overwrites `visible` with the visibleIf result (and `readOnly` with the
    // enableIf one), also in this model, where conditions ran on empty data: the static
    // property only counts without its condition.
    const isVisible = visible && (v !== null || el.visible !== false);
    const isEnabled = enabled && (e !== null || !el.readOnly);
    for (const child of present(el.elements, "elements")) {
      if (child.isPanel) {
        if (child.getType() !== "panel") throw new PlanError(`${child.getType()} "${String(child.name)}" is not supported`);
        this.container(child, vis, isVisible, en, isEnabled);
      } else {
        this.question(child, vis, isVisible, en, isEnabled);
      }
    }
  }

  private question(q: ElementView, visibleIf: number[], visible: boolean, enableIf: number[], enabled: boolean) {
    const type = String(q.getType()).toLowerCase();
    const name = String(q.name);
    const where = `question "${name}" (${type})`;
    if (!ANSWERABLE.has(type) && !NOT_ANSWERABLE.has(type)) throw new PlanError(`${where}: question type "${type}" is not supported`);
    if (FORBIDDEN_KEYS.has(name)) throw new PlanError(`${where}: "${name}" cannot be a question name`);
    if (name.endsWith(COMMENT_SUFFIX)) throw new PlanError(`${where}: question names must not end with "${COMMENT_SUFFIX}"`);
    if (q.valueName) throw new PlanError(`${where}: valueName is not supported`);
    if (q.defaultValueExpression || q.setValueExpression || q.resetValueIf || q.setValueIf) {
      throw new PlanError(`${where}: expressions that set values are not supported`);
    }
    const v = this.condition(q.visibleIf, where);
    const e = this.condition(q.enableIf, where);
    const answerable = ANSWERABLE.has(type);
    const requiredIf = answerable ? this.condition(q.requiredIf, where) : null;
    const pq: PlanQuestion = {
      index: this.questions.length,
      name,
      type,
      title: localized(q.locTitle, name),
      answerable,
      // As with visible/readOnly, survey-core sets isRequired from requiredIf when there is one.
      required: answerable && requiredIf === null && !!q.isRequired,
      requiredIf,
      visible: visible && (v !== null || q.visible !== false),
      visibleIf: v === null ? visibleIf : [...visibleIf, v],
      enabled: enabled && (e !== null || !q.readOnly),
      enableIf: e === null ? enableIf : [...enableIf, e],
      spec: answerable ? this.spec(q, type, where) : { kind: "none" },
      expressionChecks: [],
      comment: null,
    };
    const checks = pq.spec.kind === "number" || pq.spec.kind === "date" || pq.spec.kind === "string" ? pq.spec.checks : [];
    pq.expressionChecks = checks.filter((c): c is Check & { kind: "expression" } => c.kind === "expression");
    if (answerable) pq.comment = this.commentOf(q, pq.spec, where);
    this.questions.push(pq);
  }

  private commentOf(q: ElementView, spec: ValueSpec, where: string): PlanQuestion["comment"] {
    const other = (spec.kind === "single" || spec.kind === "multi") && spec.other !== null;
    const area = !!q.showCommentArea;
    if (!other && !area) return null;
    if (other && typeof q.getStoreOthersAsComment === "function" && !q.getStoreOthersAsComment()) {
      throw new PlanError(`${where}: storeOthersAsComment: false is not supported`);
    }
    const max = typeof q.getOthersMaxLength === "function" ? q.getOthersMaxLength() : null;
    return { key: name(q) + COMMENT_SUFFIX, other, area, maxLength: max && max > 0 ? max : DEFAULT_COMMENT_MAX_LENGTH };
  }

  private spec(q: ElementView, type: string, where: string): ValueSpec {
    switch (type) {
      case "radiogroup":
      case "dropdown": {
        const { values, other } = this.choices(q, where);
        return { kind: "single", values, allowed: new Set(values), other };
      }
      case "checkbox":
      case "tagbox": {
        const { values, other, exclusive } = this.choices(q, where);
        const min = Number(q.minSelectedChoices) || 0;
        const max = Number(q.maxSelectedChoices) || 0;
        return { kind: "multi", values, allowed: new Set(values), exclusive, other, min, max: max > 0 ? max : values.length };
      }
      case "rating": {
        if (q.rateValues?.some((i) => i.visibleIf || i.enableIf))
          throw new PlanError(`${where}: conditions on rate values are not supported`);
        const values = present(q.visibleRateValues, "visibleRateValues").map((i) => itemPrimitive(i, where));
        if (values.length === 0) throw new PlanError(`${where}: the rating has no values`);
        return { kind: "rating", values, allowed: new Set(values) };
      }
      case "boolean": {
        const t = present(q.getValueTrue, "getValueTrue").call(q);
        const f = present(q.getValueFalse, "getValueFalse").call(q);
        if (!isPrimitive(t) || !isPrimitive(f) || t === f)
          throw new PlanError(`${where}: valueTrue/valueFalse must be two different plain values`);
        return { kind: "boolean", valueTrue: t, valueFalse: f };
      }
      case "text":
        return this.text(q, where);
      case "comment": {
        const max = present(q.getMaxLength, "getMaxLength").call(q);
        return {
          kind: "string",
          email: false,
          maxLength: max && max > 0 ? max : DEFAULT_COMMENT_MAX_LENGTH,
          checks: this.checks(q, where),
        };
      }
      case "matrix": {
        this.noMatrixConditions(q, where);
        const columns = present(q.columns, "columns").map((c) => itemPrimitive(c, where));
        if (columns.length === 0) throw new PlanError(`${where}: the matrix has no columns`);
        return {
          kind: "matrix",
          rows: this.rows(q, where),
          columns,
          allowed: new Set(columns),
          multi: !!q.isMultiSelect,
          eachRowRequired: !!q.eachRowRequired,
          eachRowUnique: !!q.eachRowUnique,
        };
      }
      case "matrixdropdown":
        return this.matrixDropdown(q, where);
      default:
        throw new PlanError(`${where}: not supported`);
    }
  }

  private choices(q: ElementView, where: string) {
    if (q.choicesByUrl?.url) throw new PlanError(`${where}: choicesByUrl is not supported`);
    if (q.choicesFromQuestion) throw new PlanError(`${where}: choicesFromQuestion is not supported`);
    if (q.choicesVisibleIf || q.choicesEnableIf) throw new PlanError(`${where}: choicesVisibleIf/choicesEnableIf are not supported`);
    if (q.choicesLazyLoadEnabled) throw new PlanError(`${where}: lazily loaded choices are not supported`);
    if (q.hideIfChoicesEmpty) throw new PlanError(`${where}: hideIfChoicesEmpty is not supported`);
    for (const item of present(q.choices, "choices")) {
      if (item.visibleIf || item.enableIf) throw new PlanError(`${where}: conditions on choice "${String(item.value)}" are not supported`);
      if (item.showCommentArea) throw new PlanError(`${where}: comment areas on choice "${String(item.value)}" are not supported`);
    }
    const values: Primitive[] = [];
    const exclusive = new Set<Primitive>();
    let other: Primitive | null = null;
    for (const item of present(q.visibleChoices, "visibleChoices")) {
      if (q.selectAllItem && item === q.selectAllItem) continue;
      const value = itemPrimitive(item, where);
      if (values.includes(value)) throw new PlanError(`${where}: choice value ${JSON.stringify(value)} appears twice`);
      values.push(value);
      if (item.isExclusive === true) exclusive.add(value);
      if (q.otherItem && item === q.otherItem) other = value;
    }
    if (values.length === 0) throw new PlanError(`${where}: the question has no choices`);
    return { values, other, exclusive };
  }

  private text(q: ElementView, where: string): ValueSpec {
    const inputType = String(q.inputType || "text").toLowerCase();
    if (!TEXT_INPUT_TYPES.has(inputType)) throw new PlanError(`${where}: inputType "${inputType}" is not supported`);
    if (q.maskType && q.maskType !== "none") throw new PlanError(`${where}: input masks are not supported`);
    if (q.minValueExpression || q.maxValueExpression)
      throw new PlanError(`${where}: minValueExpression/maxValueExpression are not supported`);
    const checks = this.checks(q, where);
    if (inputType === "number" || inputType === "range") {
      return { kind: "number", min: numberOrNull(q.min, where), max: numberOrNull(q.max, where), checks };
    }
    if (inputType === "date") {
      return { kind: "date", min: dateOrNull(q.min, where), max: dateOrNull(q.max, where), checks };
    }
    const max = present(q.getMaxLength, "getMaxLength").call(q);
    return { kind: "string", email: inputType === "email", maxLength: max && max > 0 ? max : DEFAULT_TEXT_MAX_LENGTH, checks };
  }

  private checks(q: ElementView, where: string): Check[] {
    const out: Check[] = [];
    for (const v of q.validators ?? []) {
      const own = localized(v.locText, "");
      const text = own.zh ? own : null;
      if (v instanceof NumericValidator) {
        out.push({ kind: "numeric", min: numOrNull(v.minValue), max: numOrNull(v.maxValue), text });
      } else if (v instanceof TextValidator) {
        if (!v.allowDigits) out.push({ kind: "digits", text });
        if ((v.minLength ?? 0) > 0 || (v.maxLength ?? 0) > 0)
          out.push({ kind: "length", min: v.minLength ?? 0, max: v.maxLength ?? 0, text });
      } else if (v instanceof RegexValidator) {
        if (!v.regex) continue;
        let re: RegExp;
        try {
          re = new RegExp(v.regex, v.caseInsensitive ? "i" : "");
        } catch {
          throw new PlanError(`${where}: invalid regex ${JSON.stringify(v.regex)}`);
        }
        out.push({ kind: "regex", re, source: v.regex, text });
      } else if (v instanceof EmailValidator) {
        out.push({ kind: "email", text });
      } else if (v instanceof ExpressionValidator) {
        const c = this.condition(v.expression, `${where} validator`);
        if (c !== null) out.push({ kind: "expression", condition: c, text });
      } else {
        throw new PlanError(`${where}: validator "${v.getType()}" is not supported`);
      }
    }
    return out;
  }

  private noMatrixConditions(q: ElementView, where: string) {
    if (q.rowsVisibleIf || q.columnsVisibleIf) throw new PlanError(`${where}: rowsVisibleIf/columnsVisibleIf are not supported`);
    if (q.hideIfRowsEmpty) throw new PlanError(`${where}: hideIfRowsEmpty is not supported`);
    for (const r of present(q.rows, "rows"))
      if (r.visibleIf || r.enableIf) throw new PlanError(`${where}: conditions on row "${String(r.value)}" are not supported`);
    for (const c of present(q.columns, "columns"))
      if (c.visibleIf || c.enableIf || c.requiredIf)
        throw new PlanError(`${where}: conditions on column "${String(c.value ?? c.name)}" are not supported`);
  }

  private rows(q: ElementView, where: string): Map<string, Localized> {
    const rows = new Map<string, Localized>();
    for (const r of present(q.rows, "rows")) {
      const key = String(r.value);
      if (FORBIDDEN_KEYS.has(key)) throw new PlanError(`${where}: "${key}" cannot be a row value`);
      if (rows.has(key)) throw new PlanError(`${where}: row "${key}" appears twice`);
      rows.set(key, localized(r.locText, key));
    }
    if (rows.size === 0) throw new PlanError(`${where}: the matrix has no rows`);
    return rows;
  }

  private matrixDropdown(q: ElementView, where: string): ValueSpec {
    this.noMatrixConditions(q, where);
    if (q.detailPanelMode && q.detailPanelMode !== "none") throw new PlanError(`${where}: detail panels are not supported`);
    const rows = this.rows(q, where);
    const visibleRows = q.visibleRows;
    if (!visibleRows?.length) throw new PlanError(`${where}: the matrix has no rows`);
    const columns = new Map<string, MatrixCell>();
    for (const column of present(q.columns, "columns")) {
      const colName = String(column.name);
      const cw = `${where} column "${colName}"`;
      if (FORBIDDEN_KEYS.has(colName) || colName.endsWith(COMMENT_SUFFIX)) throw new PlanError(`${cw}: not a usable column name`);
      if (columns.has(colName)) throw new PlanError(`${cw}: appears twice`);
      if (column.totalType && column.totalType !== "none") throw new PlanError(`${cw}: totals are not supported`);
      if (column.visibleIf || column.enableIf || column.requiredIf) throw new PlanError(`${cw}: column conditions are not supported`);
      // The cell question of the first row carries what every row renders (choices
      // inherited from the matrix, cell type, validators).
      const firstRow = at(visibleRows, 0);
      const cell = present(firstRow.getQuestionByColumnName, "getQuestionByColumnName").call(firstRow, colName);
      if (!cell) throw new PlanError(`${cw}: no cell question`);
      const cellType = String(cell.getType()).toLowerCase();
      if (!ANSWERABLE.has(cellType) || cellType === "matrix" || cellType === "matrixdropdown") {
        throw new PlanError(`${cw}: cell type "${cellType}" is not supported`);
      }
      if (cell.visibleIf || cell.enableIf || cell.requiredIf) throw new PlanError(`${cw}: cell conditions are not supported`);
      const spec = this.spec(cell, cellType, cw);
      if ("checks" in spec && spec.checks.some((c) => c.kind === "expression"))
        throw new PlanError(`${cw}: expression validators in matrix cells are not supported`);
      if ((spec.kind === "single" || spec.kind === "multi") && spec.other !== null)
        throw new PlanError(`${cw}: "other" in matrix cells is not supported`);
      if (cell.showCommentArea) throw new PlanError(`${cw}: comment areas in matrix cells are not supported`);
      columns.set(colName, { name: colName, title: localized(column.locTitle, colName), required: !!column.isRequired, spec });
    }
    if (columns.size === 0) throw new PlanError(`${where}: the matrix has no columns`);
    return { kind: "matrixdropdown", rows, columns };
  }
}

function name(q: ElementView): string {
  return String(q.name);
}

function localized(loc: LocView, fallback: string): Localized {
  const get = (l: string): string => {
    const t = loc && typeof loc.getLocaleText === "function" ? loc.getLocaleText(l) : "";
    return typeof t === "string" ? t.trim() : "";
  };
  const zh = get("default") || get("zh") || get("zh-cn") || fallback;
  const en = get("en") || zh;
  return { zh, en };
}

function isPrimitive(v: unknown): v is Primitive {
  return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
}

function itemPrimitive(item: ItemView, where: string): Primitive {
  const v = item.value;
  if (!isPrimitive(v)) throw new PlanError(`${where}: item value ${JSON.stringify(v)} is not a string, number or boolean`);
  return v;
}

function numOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function numberOrNull(v: unknown, where: string): number | null {
  if (v === undefined || v === null || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n)) throw new PlanError(`${where}: min/max ${JSON.stringify(v)} is not a number`);
  return n;
}

function dateOrNull(v: unknown, where: string): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string" || !isIsoDate(v)) throw new PlanError(`${where}: min/max ${JSON.stringify(v)} is not a yyyy-mm-dd date`);
  return v;
}

/** A real calendar date written yyyy-mm-dd. */
export function isIsoDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (m < 1 || m > 12 || d < 1) return false;
  const days = at([31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], m - 1);
  return d <= days;
}
