import { isJsonObject, itemValue, surveyQuestions, type SurveyQuestion } from "./walk";

/**
 * The inspection checklist (教学检查表, instrument kind "inspection"): a SurveyJS form whose
 * items are single-choice questions answered 符合 / 基本符合 / 不符合 (the values of
 * CHECKLIST_ANSWERS, exactly), each followed by its problem text, a comment question named
 * `<item>_problem` (存在问题). Any other question (the unit's summary, who checked) is free.
 * checkInstrument refuses an inspection file that breaks this (checklistProblems), so the
 * inspection domain can read the items of any approved version with checklistItems.
 */
export const CHECKLIST_ANSWERS = ["conform", "partial", "nonconform"] as const;
export type ChecklistAnswer = (typeof CHECKLIST_ANSWERS)[number];
/** The answer that makes an item a problem by itself (any non-empty problem text does too). */
export const PROBLEM_ANSWER: ChecklistAnswer = "nonconform";
export const problemQuestionOf = (item: string) => `${item}_problem`;

export type ChecklistItem = { name: string; title: { zh: string; en: string }; problem: string };

const text = (v: unknown, locale: "default" | "en"): string | null => {
  if (typeof v === "string") return v;
  if (isJsonObject(v) && typeof v[locale] === "string") return v[locale];
  return null;
};

/** Whether a question is a checklist item: a radiogroup whose choices' values are exactly CHECKLIST_ANSWERS. */
function isItem(q: SurveyQuestion): boolean {
  if (q.type !== "radiogroup" || !Array.isArray(q.json.choices)) return false;
  const values = q.json.choices.map((c) => String(itemValue(c)));
  return values.length === CHECKLIST_ANSWERS.length && CHECKLIST_ANSWERS.every((a) => values.includes(a));
}

/** The items of a checklist, in the form's order, with their titles and problem questions. */
export function checklistItems(survey: unknown): ChecklistItem[] {
  return surveyQuestions(survey)
    .filter(isItem)
    .map((q) => {
      const zh = text(q.json.title, "default") ?? q.name;
      return { name: q.name, title: { zh, en: text(q.json.title, "en") ?? zh }, problem: problemQuestionOf(q.name) };
    });
}

export type ChecklistProblem =
  | { path: string; code: "checklist_no_items" }
  | { path: string; code: "checklist_choices"; params: { question: string; values: string } }
  | { path: string; code: "checklist_problem_missing"; params: { question: string; problem: string } };

/**
 * What an inspection checklist must satisfy besides every instrument's rules: at least one
 * item; every radiogroup offers exactly the three answers (a fourth or a missing one would
 * leave a problem unread); every item has its comment question `<item>_problem`.
 */
export function checklistProblems(survey: unknown): ChecklistProblem[] {
  const questions = surveyQuestions(survey);
  const byName = new Map(questions.map((q) => [q.name, q]));
  const out: ChecklistProblem[] = [];
  for (const q of questions) {
    if (q.type !== "radiogroup") continue;
    if (!isItem(q)) {
      out.push({ path: q.path, code: "checklist_choices", params: { question: q.name, values: CHECKLIST_ANSWERS.join(", ") } });
      continue;
    }
    const problem = problemQuestionOf(q.name);
    if (byName.get(problem)?.type !== "comment") {
      out.push({ path: q.path, code: "checklist_problem_missing", params: { question: q.name, problem } });
    }
  }
  if (!questions.some(isItem)) out.push({ path: "survey", code: "checklist_no_items" });
  return out;
}
