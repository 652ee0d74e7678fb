// Drafts of answers stay on the respondent's device (localStorage) and nowhere else.
import type { SurveyAnswers } from "./types";

const PREFIX = "tqe.survey-draft.";
type Draft = { data: SurveyAnswers; page: number; savedAt: string };

export function readDraft(key: string): Draft | null {
  try {
    const raw = window.localStorage.getItem(PREFIX + key);
    if (!raw) return null;
    const d = JSON.parse(raw) as Partial<Draft>;
    if (!d || typeof d.data !== "object" || d.data === null || Array.isArray(d.data)) return null;
    return { data: d.data, page: Number.isInteger(d.page) ? (d.page as number) : 0, savedAt: String(d.savedAt ?? "") };
  } catch {
    return null; // storage blocked or a damaged draft: start afresh
  }
}

export function writeDraft(key: string, data: SurveyAnswers, page: number) {
  try {
    window.localStorage.setItem(PREFIX + key, JSON.stringify({ data, page, savedAt: new Date().toISOString() } satisfies Draft));
  } catch {
    /* storage full or blocked: the form works without drafts */
  }
}

export function clearDraft(key: string) {
  try {
    window.localStorage.removeItem(PREFIX + key);
  } catch {
    /* nothing to clear */
  }
}
