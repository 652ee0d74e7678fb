import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Model } from "survey-core";
import { FIXTURE_SURVEY } from "./fixture";

export const SURVEYS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../surveys");

/** The fixture and every instrument file in surveys/ (its `survey` member). */
export function loadInstruments(): { name: string; survey: Record<string, unknown> }[] {
  const out: { name: string; survey: Record<string, unknown> }[] = [{ name: "fixture", survey: FIXTURE_SURVEY }];
  let files: string[];
  try {
    files = readdirSync(SURVEYS_DIR)
      .filter((f) => f.endsWith(".json"))
      .sort();
  } catch {
    files = [];
  }
  for (const f of files) {
    const json = JSON.parse(readFileSync(path.join(SURVEYS_DIR, f), "utf8")) as { survey?: unknown };
    if (typeof json.survey !== "object" || json.survey === null) throw new Error(`${f}: no "survey" member`);
    out.push({ name: f.replace(/\.json$/, ""), survey: json.survey as Record<string, unknown> });
  }
  return out;
}

/**
 * survey-core's verdict on an answer set, with a model reused across calls: the questions
 * (a matrix cell counts as its matrix) that report errors, and their error types.
 */
export function surveyCoreErrors(model: Model, answers: Record<string, unknown>): { question: string; types: string[] }[] {
  model.data = answers;
  const all = model.getAllQuestions(false, false, true);
  for (const q of all) q.errors = [];
  model.validate(true, false);
  const out: { question: string; types: string[] }[] = [];
  for (const q of model.getAllQuestions(false, false, true)) {
    if (q.errors.length > 0) out.push({ question: (q.parentQuestion ?? q).name, types: q.errors.map((e) => e.getErrorType()) });
  }
  return out;
}

/** survey-core's view of which questions show (own visibility and every container's). */
export function surveyCoreVisible(model: Model, name: string): boolean {
  const q = model.getQuestionByName(name);
  return !!q && q.isVisible && q.isParentVisible;
}
