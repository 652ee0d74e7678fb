import type { Plan, PlanQuestion, Primitive, ValueSpec } from "../plan";
import type { AnswerErrorCode } from "../validate";
import { questionStates } from "../validate";
import type { AnswerCase } from "./arbitrary";
import { at } from "@/server/shared/indexed";

/**
 * One invalid change to a valid answer set, with the question validateAnswers must then name
 * and the codes it may give. `surveyCore` says whether survey-core's own validation is
 * expected to flag that question too (it checks required answers and number/date ranges,
 * but not allowed values, unknown keys, lengths or types).
 */
export type Mutation = {
  kind: MutationKind;
  answers: Record<string, unknown>;
  question: string;
  codes: AnswerErrorCode[];
  surveyCore: boolean;
};

export const MUTATION_KINDS = ["out_of_set", "drop_required", "unknown_key", "wrong_type", "hidden_answer", "forbidden_key"] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

type Target = { q: PlanQuestion; value: unknown };

export function mutate(plan: Plan, c: AnswerCase, kindPick: number, pick: number): Mutation {
  const answers = c.answers;
  const st = questionStates(plan, answers);
  const answered: Target[] = plan.questions.filter((q) => Object.hasOwn(answers, q.name)).map((q) => ({ q, value: answers[q.name] }));
  const droppable = answered.filter(
    ({ q }) => st.visible[q.index] && st.enabled[q.index] && st.required[q.index] && !dependsOnItself(plan, q),
  );
  const hidden = plan.questions.filter((q) => q.answerable && !st.visible[q.index] && !Object.hasOwn(answers, q.name));
  const kinds = MUTATION_KINDS.filter((k) => {
    if (k === "out_of_set" || k === "wrong_type") return answered.length > 0;
    if (k === "drop_required") return droppable.length > 0;
    if (k === "hidden_answer") return hidden.length > 0;
    return true;
  });
  const kind = at(kinds, kindPick % kinds.length);
  const copy = { ...answers };
  switch (kind) {
    case "out_of_set": {
      const t = at(answered, pick % answered.length);
      const [value, codes, surveyCore] = outOfSet(t.q.spec, t.value, pick);
      copy[t.q.name] = value;
      return { kind, answers: copy, question: t.q.name, codes, surveyCore };
    }
    case "wrong_type": {
      const t = at(answered, pick % answered.length);
      copy[t.q.name] = wrongType(t.q.spec, t.value);
      return { kind, answers: copy, question: t.q.name, codes: ["wrong_type"], surveyCore: false };
    }
    case "drop_required": {
      const t = at(droppable, pick % droppable.length);
      delete copy[t.q.name];
      if (t.q.comment) delete copy[t.q.comment.key];
      return { kind, answers: copy, question: t.q.name, codes: ["required"], surveyCore: true };
    }
    case "unknown_key": {
      let key = `zz_unknown_${pick % 1000}`;
      while (plan.keys.has(key)) key += "_";
      copy[key] = pick % 2 === 0 ? 1 : "x";
      return { kind, answers: copy, question: key, codes: ["unknown_question"], surveyCore: false };
    }
    case "hidden_answer": {
      const q = at(hidden, pick % hidden.length);
      copy[q.name] = c.candidates[q.index];
      return { kind, answers: copy, question: q.name, codes: ["hidden"], surveyCore: false };
    }
    case "forbidden_key": {
      // As JSON.parse builds it: an own "__proto__" property, not a prototype.
      const withProto = JSON.parse(`{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}`) as Record<string, unknown>;
      const key = pick % 2 === 0 ? "__proto__" : "constructor";
      Object.defineProperty(copy, key, { value: withProto[key], enumerable: true, configurable: true, writable: true });
      return { kind, answers: copy, question: key, codes: ["forbidden_key"], surveyCore: false };
    }
  }
}

function dependsOnItself(plan: Plan, q: PlanQuestion): boolean {
  const conds = [...q.visibleIf, ...q.enableIf, ...(q.requiredIf === null ? [] : [q.requiredIf])];
  const name = q.name.toLowerCase();
  return conds.some((i) =>
    at(plan.conditions, i)
      .runner.getVariables()
      .some((v) => at(v.toLowerCase().split(/[.[]/), 0) === name),
  );
}

function badPrimitive(values: readonly Primitive[]): Primitive {
  if (values.some((v) => typeof v === "number")) {
    let n = 9999;
    while (values.includes(n)) n++;
    return n;
  }
  return "__not_a_choice__";
}

function outOfSet(spec: ValueSpec, value: unknown, pick: number): [unknown, AnswerErrorCode[], boolean] {
  switch (spec.kind) {
    case "single":
    case "rating":
      return [badPrimitive(spec.values), ["not_allowed"], false];
    case "boolean":
      return ["maybe", ["not_allowed", "wrong_type"], false];
    case "multi":
      return [[badPrimitive(spec.values)], ["not_allowed"], false];
    case "number": {
      if (spec.max !== null) return [spec.max + 1, ["out_of_range"], true];
      if (spec.min !== null) return [spec.min - 1, ["out_of_range"], true];
      const numeric = spec.checks.find((c) => c.kind === "numeric" && (c.max !== null || c.min !== null));
      if (numeric && numeric.kind === "numeric") {
        return [numeric.max !== null ? numeric.max + 1 : (numeric.min as number) - 1, ["out_of_range"], true];
      }
      return [String(value), ["wrong_type"], false];
    }
    case "date": {
      if (spec.max !== null && pick % 2 === 0) {
        const d = new Date(`${spec.max}T00:00:00Z`);
        d.setUTCDate(d.getUTCDate() + 1);
        return [d.toISOString().slice(0, 10), ["out_of_range"], true];
      }
      return ["2021-02-30", ["invalid_date"], false];
    }
    case "string":
      return ["x".repeat(spec.maxLength + 1), ["too_long"], false];
    case "matrix": {
      const rows = [...spec.rows.keys()];
      if (pick % 2 === 0) return [{ ...(value as object), zz_no_such_row: spec.columns[0] }, ["unknown_row"], false];
      const bad = badPrimitive(spec.columns);
      return [{ ...(value as object), [at(rows, pick % rows.length)]: spec.multi ? [bad] : bad }, ["unknown_column"], false];
    }
    case "matrixdropdown": {
      const rows = [...spec.rows.keys()];
      if (pick % 2 === 0) return [{ ...(value as object), zz_no_such_row: {} }, ["unknown_row"], false];
      const row = at(rows, pick % rows.length);
      const old = (value as Record<string, object>)[row] ?? {};
      return [{ ...(value as object), [row]: { ...old, zz_no_such_column: 1 } }, ["unknown_column"], false];
    }
    case "none":
      return [value, ["not_answerable"], false];
  }
}

function wrongType(spec: ValueSpec, value: unknown): unknown {
  switch (spec.kind) {
    case "single":
    case "rating":
    case "boolean":
      return { value };
    case "multi":
      return { 0: Array.isArray(value) ? (value as unknown[])[0] : value };
    case "number":
      return String(value);
    case "date":
      return 20210101;
    case "string":
      return 12345;
    case "matrix":
    case "matrixdropdown":
      return [value];
    case "none":
      return value;
  }
}
