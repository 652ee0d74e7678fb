import { inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { instrumentVersions } from "@/db/schema";
import { translate } from "../i18n/translate";
import { isJsonObject, itemValue, surveyQuestions, type Json } from "./walk";

/**
 * Stored answers as a reader sees them: each answered question of the definition in
 * document order, with its title and the answer's text in the reader's language (a
 * choice's text, yes/no, a matrix's "row: column" pairs). Plain text only: pages render it
 * as text, never as markup. Used for named records (observations, information officers'
 * reports), never for anonymous answers.
 */

export type ReadableAnswer = { name: string; title: string; text: string };

function localized(v: unknown, locale: "zh" | "en"): string | null {
  if (typeof v === "string") return v;
  if (isJsonObject(v)) {
    const en = typeof v.en === "string" ? v.en : null;
    const zh = typeof v.default === "string" ? v.default : typeof v.zh === "string" ? v.zh : null;
    return locale === "en" ? (en ?? zh) : (zh ?? en);
  }
  return null;
}

function choiceText(list: unknown, value: unknown, locale: "zh" | "en"): string {
  if (Array.isArray(list)) {
    for (const c of list) {
      if (itemValue(c) === value) return (isJsonObject(c) ? localized(c.text, locale) : null) ?? String(value);
    }
  }
  return String(value);
}

function answerText(q: Json, type: string, value: unknown, locale: "zh" | "en"): string {
  const sep = locale === "en" ? ", " : "、";
  switch (type) {
    case "radiogroup":
    case "dropdown":
    case "rating":
    case "imagepicker":
      return choiceText(q.choices ?? q.rateValues, value, locale);
    case "checkbox":
    case "tagbox":
    case "ranking":
      return Array.isArray(value) ? value.map((v) => choiceText(q.choices, v, locale)).join(sep) : String(value);
    case "boolean":
      if (value === true) return localized(q.labelTrue, locale) ?? translate(locale, "common.yes");
      if (value === false) return localized(q.labelFalse, locale) ?? translate(locale, "common.no");
      return String(value);
    case "matrix":
      if (!isJsonObject(value)) return String(value);
      return Object.entries(value)
        .map(([row, col]) => `${choiceText(q.rows, row, locale)}${locale === "en" ? ": " : "："}${choiceText(q.columns, col, locale)}`)
        .join(locale === "en" ? "; " : "；");
    default:
      if (typeof value === "string" || typeof value === "number") return String(value);
      return JSON.stringify(value);
  }
}

export function readableAnswers(survey: unknown, answers: unknown, locale: "zh" | "en"): ReadableAnswer[] {
  if (!isJsonObject(answers)) return [];
  const out: ReadableAnswer[] = [];
  for (const q of surveyQuestions(survey)) {
    const value = answers[q.name];
    if (value === undefined || value === null || value === "") continue;
    out.push({ name: q.name, title: localized(q.json.title, locale) ?? q.name, text: answerText(q.json, q.type, value, locale) });
  }
  return out;
}

/** The question holding a visit's date: the first date input of the form (null: none). */
export function dateQuestionOf(survey: unknown): string | null {
  return surveyQuestions(survey).find((q) => q.type === "text" && q.json.inputType === "date")?.name ?? null;
}

/** The SurveyJS part of each version (versions are immutable: safe to read once per request). */
export async function surveysOf(db: DbOrTx, versionIds: number[]): Promise<Map<number, unknown>> {
  const ids = [...new Set(versionIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: instrumentVersions.id, definition: instrumentVersions.definition })
    .from(instrumentVersions)
    .where(inArray(instrumentVersions.id, ids));
  return new Map(rows.map((r) => [r.id, (r.definition as { survey?: unknown }).survey]));
}
