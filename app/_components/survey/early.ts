// The answer page's plain first page (server/instruments/plain.ts) as answers: what the
// respondent tapped or typed there before SurveyJS mounted. The controls are native, so they
// work before any script has run and the page itself holds the answers; these functions read
// them out (and put a draft back in). Plain DOM, no SurveyJS.
import type { SurveyAnswers } from "./types";

/** Each question of the plain page: its name (data-plain-question) and its element. */
function questions(root: ParentNode): [string, Element][] {
  return Array.from(root.querySelectorAll("[data-plain-question]")).map((el) => [el.getAttribute("data-plain-question") ?? "", el]);
}

/** A control's value as the renderer wrote it (JSON, so that 0.8 stays a number); null if unreadable. */
function parsed(raw: string): string | number | null {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === "string" || typeof v === "number" ? v : null;
  } catch {
    return null;
  }
}

/** The answers given on the plain page: the chosen option of each radio group or scale, the text of each non-empty text box. */
export function readPlainAnswers(root: ParentNode): SurveyAnswers {
  const out: SurveyAnswers = {};
  for (const [name, el] of questions(root)) {
    if (!name) continue;
    const checked = el.querySelector<HTMLInputElement>("input[type=radio]:checked");
    const text = el.querySelector("textarea");
    if (checked) {
      const v = parsed(checked.value);
      if (v !== null) out[name] = v;
    } else if (text && text.value !== "") {
      out[name] = text.value;
    }
  }
  return out;
}

/** Shows a kept draft on the plain page, for every question not answered there yet (what was just tapped wins). */
export function showDraftOnPlain(root: ParentNode, data: SurveyAnswers) {
  for (const [name, el] of questions(root)) {
    if (!(name in data)) continue;
    const value = data[name];
    const radios = Array.from(el.querySelectorAll<HTMLInputElement>("input[type=radio]"));
    const text = el.querySelector("textarea");
    if (radios.length > 0 && !radios.some((r) => r.checked)) {
      const match = radios.find((r) => parsed(r.value) === value);
      if (match) match.checked = true;
    } else if (text && text.value === "" && typeof value === "string") {
      text.value = value;
    }
  }
}

/** The question whose control has the focus on the plain page (to give the same control the focus in SurveyJS), if any. */
export function focusedPlainQuestion(root: Element): string | null {
  const active = document.activeElement;
  if (!active || !root.contains(active) || !(active.tagName === "TEXTAREA" || active.tagName === "INPUT")) return null;
  return active.closest("[data-plain-question]")?.getAttribute("data-plain-question") ?? null;
}

/**
 * The navigation the respondent asked for on the plain page: its button sits in a label with a
 * radio (server/instruments/plain.ts), so a tap is kept by the page itself, even before any
 * script ran. "next" or "complete", or null if the button was not tapped.
 */
export function plainNavRequested(root: ParentNode): "next" | "complete" | null {
  const v = root.querySelector<HTMLInputElement>("input[data-plain-nav-request]:checked")?.getAttribute("data-plain-nav-request");
  return v === "next" || v === "complete" ? v : null;
}
