// Text limits that refuse rather than cut. SurveyJS puts a question's maxLength on its textarea
// or input as the maxlength attribute, and the browser then cuts whatever goes past it (a
// pasted paragraph loses its end without a word). Here the limit is kept (the counter shows
// "520/500") and checked instead: the form says what the limit is and refuses to go on while a
// text is over it; the server refuses it too (server/instruments/validate.ts too_long).
import type { Question, SurveyModel } from "survey-core";

type Limited = Question & {
  getMaxLength(): number | null;
  updateRemainingCharacterCounter(value: unknown): void;
  characterCounter: { remainingCharacterCounter: string };
};

const lengthOf = (v: unknown) => (typeof v === "string" ? v.length : 0);

/** Makes every text and comment question with a maximum length refuse, not cut, longer text; `message` words the refusal. */
export function refuseOverLongText(model: SurveyModel, message: (max: number, length: number) => string) {
  const limits = new Map<string, number>();
  for (const q of model.getAllQuestions(false, false, true) as Limited[]) {
    const type = q.getType();
    if ((type !== "comment" && type !== "text") || typeof q.getMaxLength !== "function") continue;
    const limit = q.getMaxLength();
    if (!limit || limit <= 0) continue;
    limits.set(q.name, limit);
    // The counter keeps counting against the limit (survey-react-ui renders it only while
    // getMaxLength() is set), and shows the length past it too.
    q.updateRemainingCharacterCounter = (value: unknown) => {
      q.characterCounter.remainingCharacterCounter = `${lengthOf(value)}/${limit}`;
    };
    q.updateRemainingCharacterCounter(q.value);
  }
  if (!limits.size) return;
  // No maxlength attribute on the rendered field, so the browser cuts nothing.
  model.onAfterRenderQuestion.add((_, o) => {
    if (!limits.has(o.question.name)) return;
    for (const el of Array.from(o.htmlElement.querySelectorAll("textarea[maxlength], input[maxlength]"))) el.removeAttribute("maxlength");
  });
  model.onValidateQuestion.add((_, o) => {
    const limit = limits.get(o.name);
    if (limit && lengthOf(o.value) > limit) o.error = message(limit, lengthOf(o.value));
  });
  // Said as soon as the text is left over the limit, and cleared once it is short enough.
  model.onValueChanged.add((_, o) => {
    const limit = limits.get(o.name);
    const q = o.question;
    if (!limit || !q) return;
    if (lengthOf(o.value) > limit || q.errors.length > 0) q.validate(true);
  });
}
