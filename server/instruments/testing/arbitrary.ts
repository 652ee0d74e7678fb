import fc from "fast-check";
import { EMAIL_RE, type Check, type Plan, type PlanQuestion, type Primitive, type ValueSpec } from "../plan";
import { questionStates } from "../validate";
import { at } from "@/server/shared/indexed";

/**
 * fast-check builders for VALID answer sets of a compiled plan. Every answerable question
 * gets a candidate value; then, repeatedly, hidden questions are pruned, visible required
 * (and enabled) ones are kept, optional ones kept or not as drawn, until the set no longer
 * changes (conditions may depend on answers that pruning removed). Expression validators
 * are honoured by dropping or adding optional answers; sets that still fail one are
 * filtered out.
 */

const NON_BLANK = /\S/;
const CJK = [..."教学质量评价课程老师讲解清晰内容充实方法得当互动良好建议改进作业实验"];

export type AnswerCase = {
  answers: Record<string, unknown>;
  /** A type-correct candidate value for every question (null for those holding none), also for hidden ones. */
  candidates: unknown[];
};

type Candidate = { include: boolean; value: unknown; comment: string | null };

export function arbitraryAnswerCase(plan: Plan): fc.Arbitrary<AnswerCase> {
  const perQuestion = plan.questions.map((q) => candidateArb(q));
  return fc
    .tuple(...perQuestion)
    .map((cands) => settle(plan, cands))
    .filter((c): c is AnswerCase => c !== null);
}

export function arbitraryAnswers(plan: Plan): fc.Arbitrary<Record<string, unknown>> {
  return arbitraryAnswerCase(plan).map((c) => c.answers);
}

function candidateArb(q: PlanQuestion): fc.Arbitrary<Candidate | null> {
  if (!q.answerable) return fc.constant(null);
  const c = q.comment;
  return fc.record({
    include: fc.boolean(),
    value: valueArb(q.spec),
    comment: c ? fc.option(textArb(1, Math.min(c.maxLength, 60), []), { nil: null }) : fc.constant(null),
  });
}

/** Whether the question must be answered when it shows and is enabled (survey-core complains otherwise). */
function mustAnswer(q: PlanQuestion, required: boolean): boolean {
  const s = q.spec;
  if (required) return true;
  if (s.kind === "matrix" && s.eachRowRequired) return true;
  if (s.kind === "multi" && s.min > 0) return true;
  if (s.kind === "matrixdropdown") for (const c of s.columns.values()) if (c.required) return true;
  return false;
}

function isOther(q: PlanQuestion, value: unknown): boolean {
  const s = q.spec;
  if (s.kind === "single") return s.other !== null && value === s.other;
  if (s.kind === "multi") return s.other !== null && Array.isArray(value) && value.includes(s.other);
  return false;
}

function settle(plan: Plan, cands: (Candidate | null)[]): AnswerCase | null {
  let values: Record<string, unknown> = {};
  // Optional answers that fail an expression validator are dropped; unanswered questions
  // whose expression validator fails (survey-core runs it on empty values too) are answered.
  const dropped = new Set<number>();
  const forced = new Set<number>();
  for (let round = 0; round < 30; round++) {
    const st = questionStates(plan, values);
    const next: Record<string, unknown> = {};
    plan.questions.forEach((q, i) => {
      const c = cands[i];
      if (!c || !st.visible[i]) return;
      const must = st.enabled[i] && mustAnswer(q, at(st.required, i));
      if (!must && !forced.has(i) && (!c.include || dropped.has(i))) return;
      next[q.name] = c.value;
      if (q.comment) {
        const other = isOther(q, c.value);
        const text = c.comment ?? (other ? "其他：自定义内容" : null);
        if (other || (q.comment.area && text !== null)) next[q.comment.key] = text;
      }
    });
    const st2 = questionStates(plan, next);
    plan.questions.forEach((q, i) => {
      if (!cands[i] || !st2.visible[i] || !st2.enabled[i] || expressionsHold(plan, q, next)) return;
      if (Object.hasOwn(next, q.name)) {
        if (!mustAnswer(q, at(st2.required, i)) && !forced.has(i)) dropped.add(i);
      } else if (!dropped.has(i)) {
        forced.add(i);
      }
    });
    if (sameKeys(values, next)) {
      for (const q of plan.questions) {
        if (st2.visible[q.index] && st2.enabled[q.index] && !expressionsHold(plan, q, next)) return null;
      }
      return { answers: next, candidates: cands.map((c) => (c ? c.value : null)) };
    }
    values = next;
  }
  return null;
}

function sameKeys(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function expressionsHold(plan: Plan, q: PlanQuestion, values: Record<string, unknown>): boolean {
  return q.expressionChecks.every((c) => at(plan.conditions, c.condition).runner.runValues(values));
}

/** A type-correct value for a question of this spec. */
export function valueArb(spec: ValueSpec): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case "single":
    case "rating":
      return fc.constantFrom(...spec.values);
    case "boolean":
      return fc.constantFrom(spec.valueTrue, spec.valueFalse);
    case "multi": {
      const plain = spec.values.filter((v) => !spec.exclusive.has(v));
      const min = Math.max(spec.min, 1);
      const max = Math.min(spec.max, plain.length);
      const subsets: fc.Arbitrary<Primitive[]>[] = [];
      if (min <= max) subsets.push(fc.shuffledSubarray(plain, { minLength: min, maxLength: max }));
      if (spec.exclusive.size > 0) subsets.push(fc.constantFrom(...spec.exclusive).map((v) => [v]));
      return fc.oneof(...subsets);
    }
    case "number":
      return numberArb(spec.min, spec.max, spec.checks);
    case "date": {
      const min = new Date(`${spec.min ?? "1950-01-01"}T00:00:00Z`);
      const max = new Date(`${spec.max ?? "2099-12-31"}T00:00:00Z`);
      return fc.date({ min, max, noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    }
    case "string":
      return spec.email ? emailArb(spec.maxLength) : textArb(1, spec.maxLength, spec.checks);
    case "matrix": {
      const rows = [...spec.rows.keys()];
      const cell: fc.Arbitrary<unknown> = spec.multi
        ? fc.shuffledSubarray(spec.columns, { minLength: 1 })
        : fc.constantFrom(...spec.columns);
      if (spec.eachRowUnique && !spec.multi) {
        // Distinct columns for the rows that are answered.
        return fc
          .tuple(
            fc.shuffledSubarray(spec.columns, { minLength: Math.min(rows.length, spec.columns.length), maxLength: spec.columns.length }),
            fc.array(fc.boolean(), { minLength: rows.length, maxLength: rows.length }),
          )
          .map(([cols, keep]) => {
            const out: Record<string, unknown> = {};
            rows.forEach((r, i) => {
              if (i < cols.length && (spec.eachRowRequired || keep[i] || i === 0)) out[r] = cols[i];
            });
            return out;
          });
      }
      return fc
        .tuple(...rows.map((r) => (spec.eachRowRequired ? cell : fc.option(cell, { nil: undefined })).map((v) => [r, v] as const)))
        .map((pairs) => {
          const out: Record<string, unknown> = {};
          for (const [r, v] of pairs) if (v !== undefined) out[r] = v;
          return out;
        })
        .chain((o) => (Object.keys(o).length > 0 ? fc.constant(o) : cell.map((v) => ({ [at(rows, 0)]: v }))));
    }
    case "matrixdropdown": {
      const rows = [...spec.rows.keys()];
      const cols = [...spec.columns.values()];
      const rowArb = fc
        .tuple(...cols.map((c) => (c.required ? valueArb(c.spec) : fc.option(valueArb(c.spec), { nil: undefined }))))
        .map((vals) => {
          const out: Record<string, unknown> = {};
          cols.forEach((c, i) => {
            if (vals[i] !== undefined) out[c.name] = vals[i];
          });
          return out;
        });
      const firstCol = at(cols, 0);
      return fc.tuple(fc.tuple(...rows.map(() => rowArb)), valueArb(firstCol.spec)).map(([rowValues, first]) => {
        const out: Record<string, unknown> = {};
        rows.forEach((r, i) => {
          const cells = at(rowValues, i);
          if (Object.keys(cells).length > 0) out[r] = cells;
        });
        // At least one cell, so that the matrix is answered when drawn.
        if (Object.keys(out).length === 0) out[at(rows, 0)] = { [firstCol.name]: first };
        return out;
      });
    }
    case "none":
      return fc.constant(null);
  }
}

function numberArb(min: number | null, max: number | null, checks: Check[]): fc.Arbitrary<number> {
  let lo = min ?? -1e6;
  let hi = max ?? 1e6;
  for (const c of checks) {
    if (c.kind === "numeric") {
      if (c.min !== null) lo = Math.max(lo, c.min);
      if (c.max !== null) hi = Math.min(hi, c.max);
    }
  }
  const ints = Math.ceil(lo) <= Math.floor(hi) ? [fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) })] : [];
  return fc
    .oneof(...ints, fc.constantFrom(lo, hi), fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }))
    .map((n) => (Object.is(n, -0) ? 0 : n));
}

function emailArb(maxLength: number): fc.Arbitrary<string> {
  const word = (n: number) => fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), minLength: 1, maxLength: n });
  return fc
    .tuple(word(12), word(10), fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"), minLength: 2, maxLength: 4 }))
    .map(([a, b, c]) => `${a}.${b}@${b}.${c}`)
    .filter((s) => s.length <= maxLength && EMAIL_RE.test(s));
}

/** Non-blank text within the limits and passing the validators (expression validators aside). */
export function textArb(minLength: number, maxLength: number, checks: Check[]): fc.Arbitrary<string> {
  let lo = minLength;
  let hi = maxLength;
  let regex: RegExp | null = null;
  let noDigits = false;
  for (const c of checks) {
    if (c.kind === "length") {
      if (c.min > 0) lo = Math.max(lo, c.min);
      if (c.max > 0) hi = Math.min(hi, c.max);
    } else if (c.kind === "regex") {
      regex = c.re;
    } else if (c.kind === "digits") {
      noDigits = true;
    }
  }
  let base: fc.Arbitrary<string>;
  if (regex) {
    base = fc.stringMatching(regex);
  } else {
    const shortMax = Math.min(hi, 40);
    base = fc.oneof(
      { weight: 4, arbitrary: fc.string({ minLength: lo, maxLength: Math.max(lo, shortMax) }) },
      {
        weight: 3,
        arbitrary: fc.string({ unit: fc.constantFrom(...CJK, "，", "。", " ", "\n"), minLength: lo, maxLength: Math.max(lo, shortMax) }),
      },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: lo, maxLength: Math.max(lo, shortMax) }) },
      // Right at the limit.
      { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...CJK, "a"), minLength: hi, maxLength: hi }) },
    );
  }
  return base.filter(
    (s) =>
      s.length >= lo &&
      s.length <= hi &&
      NON_BLANK.test(s) &&
      (!noDigits || !/\d+$/.test(s)) &&
      checks.every((c) => c.kind !== "email" || EMAIL_RE.test(s)),
  );
}
