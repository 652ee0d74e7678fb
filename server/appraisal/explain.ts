import type { Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import type { QuotaCheck } from "./band";

/**
 * The quota check of one scope in words, with the teachers moved named: "优秀 by score 14,
 * quota 12 (= floor(0.2 × 62)), 2 moved to 良好" and then who (the page, the export, the CLI).
 */
export function quotaSummary(locale: Locale, q: QuotaCheck, nameOf: (teacherId: number) => string): string {
  const params = { byScore: q.byScore, quota: q.quota, share: q.share, banded: q.banded, moved: q.moved.length };
  if (q.moved.length === 0) return translate(locale, "appraisal.quota.within", params);
  const parts = [translate(locale, "appraisal.quota.summary", params)];
  parts.push(translate(locale, "appraisal.quota.movedNames", { names: q.moved.map(nameOf).join(locale === "zh" ? "、" : ", ") }));
  if (q.tied.length > 0) parts.push(translate(locale, "appraisal.quota.tied", { tied: q.tied.length }));
  return parts.join(locale === "zh" ? "；" : "; ");
}
