import {
  compilePlan,
  EMAIL_RE,
  FORBIDDEN_KEYS,
  isIsoDate,
  type Check,
  type Plan,
  type PlanQuestion,
  type Primitive,
  type ValueSpec,
} from "./plan";
import { checkMessages } from "../i18n/messages";
import { at } from "@/server/shared/indexed";

/**
 * Strict server-side validation of one answer set against the compiled plan of the exact
 * instrument version the respondent saw (see plan.ts). Nothing but the plan is used, except
 * survey-core's ConditionRunner for the conditions compiled in it.
 *
 * Decisions:
 *  - Unknown keys, answers to questions that hold none (html, image, expression) and
 *    answers to questions that are hidden (`visible: false`, or a `visibleIf` of the
 *    question, its panels or its page that is false for the submitted answers) are
 *    REJECTED, not dropped: a survey-core client clears hidden values on completion, so a
 *    hidden answer means a tampered or stale submission. (Let the client use
 *    `clearInvisibleValues: "onHidden"`: with the default "onComplete", survey-core clears
 *    hidden values in one pass, which can leave the answer of a question whose condition
 *    depended on a value cleared in that pass.)
 *  - Empty values — null, "", [], {} — count as "no answer" and are left out of the cleaned
 *    copy. Strings of blanks are kept but do not satisfy "required" (as in survey-core).
 *  - "other": the value "other" (survey-core's `otherItem`) needs a non-blank text in
 *    `<name>-Comment`; a `<name>-Comment` without "other" selected is rejected unless the
 *    question has a comment area (`showCommentArea`).
 *  - "none" (and "refused", "dontknow", items with `isExclusive`) must stand alone in a
 *    checkbox answer; in radiogroup/dropdown it is an ordinary allowed value.
 *  - Required (`isRequired`, `requiredIf`, `eachRowRequired`, required matrixdropdown
 *    columns, and `minSelectedChoices` > 0, which survey-core enforces on an empty
 *    checkbox too) applies only to visible questions that are enabled (survey-core skips
 *    read-only questions); values are type- and range-checked everywhere.
 *  - Values must have the exact JSON type of the definition: rating 5 is not "5".
 */

export type Locale = "zh" | "en";
export type AnswerError = { question: string; code: AnswerErrorCode; message: string };
export type ValidationResult = { ok: true; answers: Record<string, unknown> } | { ok: false; errors: AnswerError[] };

/** At most this many errors are reported. */
export const MAX_ERRORS = 100;
/** Keys beyond those the plan knows that are still looked at before giving up. */
export const MAX_EXTRA_KEYS = 20;

// Message texts, with {placeholders}, are in the catalogue (server/i18n/messages/*/checks.json,
// "answers"); {title} is the question title in the respondent's language; validator_text is used
// instead of the code's own text when the validator in the definition has its own text.
export type AnswerErrorCode = Exclude<keyof typeof checkMessages.zh.answers, "validator_text">;

type Expected = keyof typeof checkMessages.zh.expectedTypes;

type Params = Record<string, string | number>;

export function formatAnswerMessage(code: keyof typeof checkMessages.zh.answers, locale: Locale, params: Params): string {
  return checkMessages[locale].answers[code].replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(params, k) ? String(params[k]) : m));
}

const NON_BLANK = /\S/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isPlainArray(v: unknown): v is unknown[] {
  return Array.isArray(v) && Object.getPrototypeOf(v) === Array.prototype;
}

function isPrimitive(v: unknown): v is Primitive {
  return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
}

/** No answer: null, undefined, "", [], {}. */
function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return true;
  if (typeof v !== "object") return false;
  if (Array.isArray(v)) return v.length === 0;
  if (!isPlainObject(v)) return false;
  for (const k in v) if (Object.hasOwn(v, k)) return false;
  return true;
}

/** obj[key] if obj is an object that has it as its own property (never an Object.prototype member). */
function own(obj: unknown, key: string): unknown {
  return typeof obj === "object" && obj !== null && Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** An answer that satisfies "required": not empty and not a string of blanks. */
function isAnswered(v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v === "string") return NON_BLANK.test(v);
  return true;
}

function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return "[…]";
  return typeof v === "object" ? "{…}" : typeof v;
}

/** "1–5", or a list; runs of three or more consecutive integers are shortened to "a–b". */
function showAllowed(values: readonly Primitive[], locale: Locale): string {
  const sep = locale === "zh" ? "、" : ", ";
  const parts: string[] = [];
  for (let i = 0; i < values.length && parts.length < 12; i++) {
    const v = values[i];
    let j = i;
    if (Number.isInteger(v)) {
      while (j + 1 < values.length && Number.isInteger(values[j + 1]) && (values[j + 1] as number) === (values[j] as number) + 1) j++;
    }
    if (j - i >= 2) {
      parts.push(`${v}–${values[j]}`);
      i = j;
    } else {
      parts.push(show(v));
    }
  }
  const shownAll = parts.join(sep);
  return parts.length >= 12 ? `${shownAll}${sep}…` : shownAll;
}

function showRange(min: number | string | null, max: number | string | null, locale: Locale): string {
  if (min !== null && max !== null) return `${min}–${max}`;
  if (min !== null) return locale === "zh" ? `不小于 ${min}` : `at least ${min}`;
  return locale === "zh" ? `不大于 ${max}` : `at most ${max}`;
}

/** Where a value sits: a question, or a matrix row / cell of it. */
type Where = { q: PlanQuestion; row: string | null; column: string | null };

class Run {
  errors: AnswerError[] = [];
  /** Condition results: 0 not yet run, 1 true, 2 false. */
  private cache: Uint8Array;
  constructor(
    readonly plan: Plan,
    readonly locale: Locale,
    readonly values: Record<string, unknown>,
  ) {
    this.cache = new Uint8Array(plan.conditions.length);
  }

  get full(): boolean {
    return this.errors.length >= MAX_ERRORS;
  }

  title(w: Where): string {
    const l = this.locale;
    let t = w.q.title[l];
    if (w.row !== null) {
      const spec = w.q.spec;
      const rows = spec.kind === "matrix" || spec.kind === "matrixdropdown" ? spec.rows : null;
      t += ` › ${rows?.get(w.row)?.[l] ?? w.row}`;
    }
    if (w.column !== null) {
      const spec = w.q.spec;
      t += ` › ${spec.kind === "matrixdropdown" ? (spec.columns.get(w.column)?.title[l] ?? w.column) : w.column}`;
    }
    return t;
  }

  add(question: string, code: AnswerErrorCode, params: Params) {
    if (this.full) return;
    this.errors.push({ question, code, message: formatAnswerMessage(code, this.locale, params) });
  }

  at(w: Where, code: AnswerErrorCode, params: Params = {}) {
    if (this.full) return;
    const title = this.title(w);
    this.add(w.q.name, code, { ...params, title, place: this.locale === "zh" ? `「${title}」` : `“${title}”` });
  }

  /** A validator's failure: its own text from the definition if it has one. */
  failed(w: Where, check: Check, code: AnswerErrorCode, params: Params = {}) {
    if (this.full) return;
    if (check.text === null) {
      this.at(w, code, params);
      return;
    }
    this.errors.push({
      question: w.q.name,
      code,
      message: formatAnswerMessage("validator_text", this.locale, { title: this.title(w), text: check.text[this.locale] }),
    });
  }

  wrongType(w: Where, expected: Expected) {
    this.at(w, "wrong_type", { expected: checkMessages[this.locale].expectedTypes[expected] });
  }

  condition(i: number): boolean {
    const c = this.cache[i];
    if (c !== 0) return c === 1;
    let r: boolean;
    try {
      r = at(this.plan.conditions, i).runner.runValues(this.values);
    } catch {
      r = false;
    }
    this.cache[i] = r ? 1 : 2;
    return r;
  }

  all(indexes: number[]): boolean {
    for (const i of indexes) if (!this.condition(i)) return false;
    return true;
  }

  isVisible(q: PlanQuestion): boolean {
    return q.visible && this.all(q.visibleIf);
  }

  isEnabled(q: PlanQuestion): boolean {
    return q.enabled && this.all(q.enableIf);
  }

  isRequired(q: PlanQuestion): boolean {
    return q.required || (q.requiredIf !== null && this.condition(q.requiredIf));
  }
}

/** Sentinel for "the value was rejected". */
const BAD = Symbol("bad");
/** A checked value, or BAD (`unknown` includes the symbol; the name says which to expect). */
type Checked = unknown;

export function validateAnswers(plan: Plan, answers: unknown, locale: Locale): ValidationResult {
  const values: Record<string, unknown> = {};
  const run = new Run(plan, locale, values);
  if (!isPlainObject(answers)) {
    run.add("", "invalid_answers", {});
    return { ok: false, errors: run.errors };
  }
  let keys: string[];
  try {
    keys = Object.keys(answers);
  } catch {
    run.add("", "invalid_answers", {});
    return { ok: false, errors: run.errors };
  }
  const maxKeys = plan.keys.size + MAX_EXTRA_KEYS;
  if (keys.length > maxKeys) {
    run.add("", "too_many_answers", { count: keys.length, max: plan.keys.size });
    return { ok: false, errors: run.errors };
  }
  const n = plan.questions.length;
  // Per question: 1 = a (non-empty) value was accepted, 2 = one was rejected; comments alike.
  const sent = new Uint8Array(n);
  const commentSent = new Uint8Array(n);

  for (const key of keys) {
    if (run.full) break;
    if (FORBIDDEN_KEYS.has(key)) {
      run.add(key, "forbidden_key", { place: locale === "zh" ? "提交的答案" : "the answers", key: show(key) });
      continue;
    }
    const entry = plan.keys.get(key);
    if (entry === undefined) {
      run.add(key.length > 200 ? key.slice(0, 200) : key, "unknown_question", { key: show(key) });
      continue;
    }
    const raw = answers[key];
    if (isEmpty(raw)) continue;
    const q = entry.question;
    const w: Where = { q, row: null, column: null };
    if (!q.answerable) {
      run.at(w, "not_answerable");
      continue;
    }
    if (entry.comment) {
      const c = commentOf(q);
      commentSent[q.index] = 1;
      if (typeof raw !== "string") {
        run.wrongType(w, "text");
        commentSent[q.index] = 2;
      } else if (raw.length > c.maxLength) {
        run.at(w, "too_long", { length: raw.length, max: c.maxLength });
        commentSent[q.index] = 2;
      } else {
        values[key] = raw;
      }
      continue;
    }
    const v = checkValue(run, q.spec, raw, w);
    if (v === BAD) {
      sent[q.index] = 2;
    } else if (v !== undefined) {
      sent[q.index] = 1;
      values[key] = v;
    }
  }

  // Visibility, required answers and what depends on the whole answer set.
  for (const [i, q] of plan.questions.entries()) {
    if (run.full) break;
    if (!q.answerable) continue;
    const s = at(sent, i);
    const cs = at(commentSent, i);
    const spec = q.spec;
    const needsCompleteness =
      q.required ||
      q.requiredIf !== null ||
      (spec.kind === "matrix" && spec.eachRowRequired) ||
      spec.kind === "matrixdropdown" ||
      (spec.kind === "multi" && spec.min > 0) ||
      q.expressionChecks.length > 0;
    if (s === 0 && cs === 0 && !needsCompleteness) continue;
    const w: Where = { q, row: null, column: null };
    if (!run.isVisible(q)) {
      if (s !== 0 || cs !== 0) run.at(w, "hidden");
      continue;
    }
    if (s === 2) continue;
    const value = own(values, q.name);
    if (q.comment) checkComment(run, q, q.comment, w, value, cs);
    const enabled = run.isEnabled(q);
    if (!enabled) continue;
    if (!(s === 1 && isAnswered(value)) && run.isRequired(q)) {
      run.at(w, "required");
      continue;
    }
    const before = run.errors.length;
    const sep = run.locale === "zh" ? "、" : ", ";
    if (spec.kind === "multi" && spec.min > 0 && s === 0) {
      // survey-core's minSelectedChoices asks for an answer even when the question is optional.
      run.at(w, "too_few_selected", { min: spec.min, count: 0 });
    } else if (spec.kind === "matrix" && spec.eachRowRequired) {
      const missing: string[] = [];
      for (const [row, text] of spec.rows) if (own(value, row) === undefined) missing.push(text[run.locale]);
      if (missing.length > 0) run.at(w, "row_required", { rows: missing.join(sep) });
    } else if (spec.kind === "matrixdropdown") {
      for (const cell of spec.columns.values()) {
        if (!cell.required) continue;
        const missing: string[] = [];
        for (const [row, text] of spec.rows) if (!isAnswered(own(own(value, row), cell.name))) missing.push(text[run.locale]);
        if (missing.length > 0) run.at(w, "cell_required", { column: cell.title[run.locale], rows: missing.join(sep) });
      }
    }
    // Expression validators see the whole answer set; survey-core runs them also when the
    // question is unanswered, unless it found an error already.
    if (run.errors.length > before) continue;
    for (const check of q.expressionChecks) {
      if (!run.condition(check.condition)) run.failed(w, check, "expression_failed");
    }
  }
  if (run.errors.length > 0) return { ok: false, errors: run.errors };
  return { ok: true, answers: values };
}

/** The comment of a question a comment key names: compilePlan keys a comment only for a question with one. */
function commentOf(q: PlanQuestion): PlanComment {
  if (q.comment === null) throw new TypeError(`the plan keys a comment for ${q.name}, which has none`);
  return q.comment;
}

type PlanComment = NonNullable<PlanQuestion["comment"]>;

function checkComment(run: Run, q: PlanQuestion, c: PlanComment, w: Where, value: unknown, cs: number) {
  if (cs === 2) return;
  const otherSelected =
    c.other &&
    value !== undefined &&
    (q.spec.kind === "single" ? value === q.spec.other : q.spec.kind === "multi" && Array.isArray(value) && value.includes(q.spec.other));
  const text = own(run.values, c.key);
  if (otherSelected) {
    if (!isAnswered(text)) run.at(w, "other_empty");
  } else if (cs === 1 && !c.area) {
    run.at(w, "unexpected_comment");
  }
}

function checkValue(run: Run, spec: ValueSpec, raw: unknown, w: Where): Checked {
  switch (spec.kind) {
    case "single":
    case "rating": {
      if (!isPrimitive(raw)) {
        run.wrongType(w, "choice");
        return BAD;
      }
      if (!spec.allowed.has(raw)) {
        if (spec.values.some((x) => typeof x === typeof raw))
          run.at(w, "not_allowed", { value: show(raw), allowed: showAllowed(spec.values, run.locale) });
        else run.wrongType(w, "choice");
        return BAD;
      }
      return raw;
    }
    case "boolean": {
      if (raw === spec.valueTrue || raw === spec.valueFalse) return raw;
      if (typeof raw === typeof spec.valueTrue || typeof raw === typeof spec.valueFalse) {
        run.at(w, "not_allowed", { value: show(raw), allowed: showAllowed([spec.valueTrue, spec.valueFalse], run.locale) });
      } else {
        run.wrongType(w, "boolean");
      }
      return BAD;
    }
    case "multi":
      return checkMulti(run, spec, raw, w);
    case "number": {
      if (typeof raw !== "number" || !Number.isFinite(raw)) {
        run.wrongType(w, "number");
        return BAD;
      }
      if ((spec.min !== null && raw < spec.min) || (spec.max !== null && raw > spec.max)) {
        run.at(w, "out_of_range", { value: raw, range: showRange(spec.min, spec.max, run.locale) });
        return BAD;
      }
      return runChecks(run, spec.checks, raw, w) ? raw : BAD;
    }
    case "date": {
      if (typeof raw !== "string") {
        run.wrongType(w, "date");
        return BAD;
      }
      if (!isIsoDate(raw)) {
        run.at(w, "invalid_date", { value: show(raw) });
        return BAD;
      }
      if ((spec.min !== null && raw < spec.min) || (spec.max !== null && raw > spec.max)) {
        run.at(w, "out_of_range", { value: raw, range: showRange(spec.min, spec.max, run.locale) });
        return BAD;
      }
      return runChecks(run, spec.checks, raw, w) ? raw : BAD;
    }
    case "string": {
      if (typeof raw !== "string") {
        run.wrongType(w, "text");
        return BAD;
      }
      if (raw.length > spec.maxLength) {
        run.at(w, "too_long", { length: raw.length, max: spec.maxLength });
        return BAD;
      }
      if (spec.email && !EMAIL_RE.test(raw)) {
        run.at(w, "invalid_email");
        return BAD;
      }
      return runChecks(run, spec.checks, raw, w) ? raw : BAD;
    }
    case "matrix":
      return checkMatrix(run, spec, raw, w);
    case "matrixdropdown":
      return checkMatrixDropdown(run, spec, raw, w);
    case "none":
      run.at(w, "not_answerable");
      return BAD;
  }
}

function checkMulti(run: Run, spec: Extract<ValueSpec, { kind: "multi" }>, raw: unknown, w: Where): Checked {
  if (!isPlainArray(raw)) {
    run.wrongType(w, "list");
    return BAD;
  }
  const count = raw.length;
  if (count > spec.values.length) {
    run.at(w, "too_many_selected", { max: spec.max, count });
    return BAD;
  }
  const out: Primitive[] = [];
  let ok = true;
  let exclusive: Primitive | null = null;
  for (let i = 0; i < count; i++) {
    const v = raw[i];
    if (!isPrimitive(v)) {
      run.wrongType(w, "list");
      return BAD;
    }
    if (!spec.allowed.has(v)) {
      run.at(w, "not_allowed", { value: show(v), allowed: showAllowed(spec.values, run.locale) });
      ok = false;
      continue;
    }
    if (out.indexOf(v) !== -1) {
      run.at(w, "duplicate", { value: show(v) });
      ok = false;
      continue;
    }
    if (exclusive === null && spec.exclusive.has(v)) exclusive = v;
    out.push(v);
  }
  if (!ok) return BAD;
  if (exclusive !== null && out.length > 1) {
    run.at(w, "exclusive", { value: show(exclusive) });
    return BAD;
  }
  if (out.length > spec.max) {
    run.at(w, "too_many_selected", { max: spec.max, count: out.length });
    return BAD;
  }
  // survey-core's minSelectedChoices does not apply to an exclusive choice on its own.
  if (out.length < spec.min && exclusive === null) {
    run.at(w, "too_few_selected", { min: spec.min, count: out.length });
    return BAD;
  }
  return out;
}

/**
 * The answered rows of a matrix answer: an object keyed by row, no more keys than rows
 * (plus a little slack), no prototype keys, no unknown rows; empty rows are left out.
 * Problems are reported; `ok` is false if there was any.
 */
function answeredRows(
  run: Run,
  rows: { has(row: string): boolean; size: number },
  raw: unknown,
  w: Where,
): { ok: boolean; rows: [string, unknown][] } | typeof BAD {
  if (!isPlainObject(raw)) {
    run.wrongType(w, "object");
    return BAD;
  }
  const keys = Object.keys(raw);
  if (keys.length > rows.size + MAX_EXTRA_KEYS) {
    run.wrongType(w, "object");
    return BAD;
  }
  let ok = true;
  const out: [string, unknown][] = [];
  for (const row of keys) {
    if (FORBIDDEN_KEYS.has(row)) {
      run.at(w, "forbidden_key", { key: show(row) });
      ok = false;
    } else if (!rows.has(row)) {
      run.at(w, "unknown_row", { row: show(row) });
      ok = false;
    } else if (!isEmpty(raw[row])) {
      out.push([row, raw[row]]);
    }
  }
  return { ok, rows: out };
}

function checkMatrix(run: Run, spec: Extract<ValueSpec, { kind: "matrix" }>, raw: unknown, w: Where): Checked {
  const answered = answeredRows(run, spec.rows, raw, w);
  if (answered === BAD) return BAD;
  const out: Record<string, unknown> = {};
  let ok = answered.ok;
  let any = false;
  const seen: Primitive[] = [];
  for (const [row, v] of answered.rows) {
    const rw: Where = { q: w.q, row, column: null };
    if (spec.multi) {
      if (!isPlainArray(v) || v.length > spec.columns.length) {
        run.wrongType(rw, "list");
        ok = false;
        continue;
      }
      const cells: Primitive[] = [];
      for (const c of v) {
        if (!isPrimitive(c) || !spec.allowed.has(c)) {
          run.at(rw, "unknown_column", { column: show(c) });
          ok = false;
        } else if (cells.indexOf(c) !== -1) {
          run.at(rw, "duplicate", { value: show(c) });
          ok = false;
        } else {
          cells.push(c);
        }
      }
      out[row] = cells;
    } else {
      if (!isPrimitive(v)) {
        run.wrongType(rw, "choice");
        ok = false;
        continue;
      }
      if (!spec.allowed.has(v)) {
        run.at(rw, "unknown_column", { column: show(v) });
        ok = false;
        continue;
      }
      if (spec.eachRowUnique && seen.indexOf(v) !== -1) {
        run.at(w, "rows_not_unique");
        ok = false;
        continue;
      }
      seen.push(v);
      out[row] = v;
    }
    any = true;
  }
  if (!ok) return BAD;
  return any ? out : undefined;
}

function checkMatrixDropdown(run: Run, spec: Extract<ValueSpec, { kind: "matrixdropdown" }>, raw: unknown, w: Where): Checked {
  const answered = answeredRows(run, spec.rows, raw, w);
  if (answered === BAD) return BAD;
  const out: Record<string, Record<string, unknown>> = {};
  let ok = answered.ok;
  let any = false;
  for (const [row, r] of answered.rows) {
    const rw: Where = { q: w.q, row, column: null };
    if (!isPlainObject(r)) {
      run.wrongType(rw, "object");
      ok = false;
      continue;
    }
    const cols = Object.keys(r);
    if (cols.length > spec.columns.size + MAX_EXTRA_KEYS) {
      run.wrongType(rw, "object");
      ok = false;
      continue;
    }
    const cleanRow: Record<string, unknown> = {};
    let rowAny = false;
    for (const col of cols) {
      if (FORBIDDEN_KEYS.has(col)) {
        run.at(rw, "forbidden_key", { key: show(col) });
        ok = false;
        continue;
      }
      const cell = spec.columns.get(col);
      if (cell === undefined) {
        run.at(rw, "unknown_column", { column: show(col) });
        ok = false;
        continue;
      }
      const v = r[col];
      if (isEmpty(v)) continue;
      const c = checkValue(run, cell.spec, v, { q: w.q, row, column: col });
      if (c === BAD) {
        ok = false;
      } else if (c !== undefined) {
        cleanRow[col] = c;
        rowAny = true;
      }
    }
    if (rowAny) {
      out[row] = cleanRow;
      any = true;
    }
  }
  if (!ok) return BAD;
  return any ? out : undefined;
}

/** The checks of `validators`, but expression validators, which need the whole answer set. */
function runChecks(run: Run, checks: Check[], v: string | number, w: Where): boolean {
  for (const c of checks) {
    switch (c.kind) {
      case "numeric": {
        const num = typeof v === "number" ? v : /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v) ? Number(v) : NaN;
        if (!Number.isFinite(num)) {
          run.failed(w, c, "not_a_number");
          return false;
        }
        if ((c.min !== null && num < c.min) || (c.max !== null && num > c.max)) {
          run.failed(w, c, "out_of_range", { value: show(v), range: showRange(c.min, c.max, run.locale) });
          return false;
        }
        break;
      }
      case "length": {
        if (typeof v !== "string") break;
        if (c.min > 0 && v.length < c.min) {
          run.failed(w, c, "too_short", { length: v.length, min: c.min });
          return false;
        }
        if (c.max > 0 && v.length > c.max) {
          run.failed(w, c, "too_long", { length: v.length, max: c.max });
          return false;
        }
        break;
      }
      case "digits":
        // survey-core's TextValidator (allowDigits: false) rejects text ending in digits.
        if (typeof v === "string" && /\d+$/.test(v)) {
          run.failed(w, c, "digits_not_allowed");
          return false;
        }
        break;
      case "regex":
        if (!c.re.test(String(v))) {
          run.failed(w, c, "pattern_mismatch");
          return false;
        }
        break;
      case "email":
        if (typeof v !== "string" || !EMAIL_RE.test(v)) {
          run.failed(w, c, "invalid_email");
          return false;
        }
        break;
      case "expression":
        break;
    }
  }
  return true;
}

/**
 * For a candidate answer set (already type-correct), which questions show, are enabled and
 * are required — the same evaluation validateAnswers uses. For test data builders.
 */
export function questionStates(
  plan: Plan,
  values: Record<string, unknown>,
): { visible: boolean[]; enabled: boolean[]; required: boolean[] } {
  const run = new Run(plan, "en", values);
  return {
    visible: plan.questions.map((q) => run.isVisible(q)),
    enabled: plan.questions.map((q) => run.isEnabled(q)),
    required: plan.questions.map((q) => run.isRequired(q)),
  };
}

// ---- Compiled plans per immutable instrument version ----

export const PLAN_CACHE_LIMIT = 500;
const plans = new Map<number, Promise<Plan>>();

/**
 * The compiled plan of an instrument version. Versions are immutable, so a plan is compiled
 * once and kept (least recently used first out, at most PLAN_CACHE_LIMIT). Concurrent
 * requests for the same version share one compilation; a failed load is not cached.
 */
export function getPlan(versionId: number, loadSurvey: () => Promise<Record<string, unknown>>): Promise<Plan> {
  const hit = plans.get(versionId);
  if (hit) {
    plans.delete(versionId);
    plans.set(versionId, hit);
    return hit;
  }
  const p = Promise.resolve()
    .then(loadSurvey)
    .then((survey) => compilePlan(survey));
  plans.set(versionId, p);
  while (plans.size > PLAN_CACHE_LIMIT) plans.delete(plans.keys().next().value as number);
  p.catch(() => {
    if (plans.get(versionId) === p) plans.delete(versionId);
  });
  return p;
}

export const planCache = {
  get: getPlan,
  delete: (versionId: number) => plans.delete(versionId),
  clear: () => plans.clear(),
  get size() {
    return plans.size;
  },
};
