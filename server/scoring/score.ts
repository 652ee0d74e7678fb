import { badRequest } from "@/server/errors";
import { NA_VALUE, type Indicator, type InstrumentFile } from "@/server/instruments/format";
import { compilePlan } from "@/server/instruments/plan";

/**
 * Response scores (issue 5, part 1): item → indicator → instrument score of ONE response, from
 * the option values and the weights of the instrument version the respondent answered. Pure:
 * no database; the SurveyJS definition is read with compilePlan (the same reading that
 * validated the answers), once per instrument object.
 *
 * Definitions, exactly:
 *   Item (a scored question, or one row of a scored matrix, as `items` in format.ts):
 *     its scale is the set of NUMERIC option values of the question (radiogroup/dropdown
 *     choices, rating values, matrix columns); the reserved value "na" (无法评估) and any other
 *     non-numeric value are not on the scale. With lo = min and hi = max of the scale,
 *       score = (value − lo)/(hi − lo) · outOf        (outOf = 100, 百分制, by default),
 *     so the lowest option is 0 and the highest is outOf, linearly between (1–5: 1→0, 3→50,
 *     5→100; coefficients 0.2–1.0: 0.2→0, 0.6→50, 1.0→100). An item is unanswered when its
 *     answer (or its matrix row) is missing, null or "na"; it then has no score.
 *   Leaf indicator: the weighted mean of the scores of its ANSWERED items with the item
 *     weights renormalised over them, Σ w_i s_i / Σ w_i; null when none is answered.
 *   Parent indicator, and the total: the same weighted mean over the children (over the
 *     level-1 indicators for the total) whose score is not null, weights renormalised; null
 *     when none has a score. (So an optional question left out, or answered "na", neither
 *     counts as 0 nor changes the weight of the other indicators' parts.)
 *   Flags: straightLining = at least 2 items answered and every answered item has the same
 *     score (no variance across the scored items: max − min ≤ 1e-9·outOf, since binary fractions
 *     make 0.6 on 0.2–1.0 49.99999999999999 rather than 50); allLowest = at least 1 item
 *     answered and every answered value is the lowest value of its scale.
 *   A declined response (拒评) is not scored: scoreResponse returns null.
 *
 * Refused (DomainError, nothing computed): level-1 weights, the children of an indicator, or
 * the items of a leaf indicator that do not sum to 1 within 1e-6 (scoring.errors.weightsSum,
 * with `scope` = "indicators" or the indicator id, and the sum); an item on an unknown or
 * non-leaf indicator (scoring.errors.itemIndicator); an item whose question is missing or not
 * a choice/rating/matrix question, or a matrix item without a known row
 * (scoring.errors.itemNotScorable); a scale with fewer than two numeric values
 * (scoring.errors.degenerateScale); an answer that is neither on the scale nor "na"
 * (scoring.errors.valueOutsideScale: the answers do not belong to this version); outOf ≤ 0
 * (scoring.errors.outOf).
 */

export const DEFAULT_OUT_OF = 100;
const TOLERANCE = 1e-6;

export type ScoringItem = {
  question: string; row: string | null; indicator: string; weight: number;
  /** The numeric option values, ascending. */
  scale: number[];
};

export type ScoringModel = { key: string; indicators: Indicator[]; items: ScoringItem[] };

export type ItemScore = { question: string; row: string | null; indicator: string; weight: number; value: number; score: number };

export type ResponseScore = {
  /** Answered items only, in the order of the instrument's `items`. */
  items: ItemScore[];
  /** Every indicator id (leaf and parent) → its score, null when nothing under it was answered. */
  indicators: Record<string, number | null>;
  total: number | null;
  flags: { straightLining: boolean; allLowest: boolean };
};

/** Refuses weights that do not sum to 1 (within 1e-6): scoring.errors.weightsSum {scope, sum}. */
export function checkSum(weights: number[], scope: string) {
  const s = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(s - 1) > TOLERANCE) throw badRequest("scoring.errors.weightsSum", { scope, sum: Number(s.toFixed(6)) });
}

function scaleOf(spec: ReturnType<typeof compilePlan>["questions"][number]["spec"], row: string | null, where: string): number[] {
  let values: unknown[];
  if ((spec.kind === "single" || spec.kind === "rating") && row === null) values = spec.values;
  else if (spec.kind === "matrix" && !spec.multi && row !== null && spec.rows.has(row)) values = spec.columns;
  else throw badRequest("scoring.errors.itemNotScorable", { item: where });
  const scale = [...new Set(values.filter((v): v is number => typeof v === "number" && Number.isFinite(v)))].sort((a, b) => a - b);
  if (scale.length < 2) throw badRequest("scoring.errors.degenerateScale", { item: where });
  return scale;
}

/** Checks the weights and reads every item's scale; throws on a file that cannot be scored. */
export function compileScoring(file: InstrumentFile): ScoringModel {
  checkSum(file.indicators.map((i) => i.weight), "indicators");
  const leaves = new Set<string>();
  const all = new Set<string>();
  const walk = (list: Indicator[]) => {
    for (const ind of list) {
      all.add(ind.id);
      if (ind.children && ind.children.length > 0) {
        checkSum(ind.children.map((c) => c.weight), ind.id);
        walk(ind.children);
      } else {
        leaves.add(ind.id);
      }
    }
  };
  walk(file.indicators);
  const plan = compilePlan(file.survey);
  const questions = new Map(plan.questions.map((q) => [q.name, q]));
  const items = file.items.map((item): ScoringItem => {
    const row = item.row ?? null;
    const where = row === null ? item.question : `${item.question}/${row}`;
    if (!leaves.has(item.indicator)) throw badRequest("scoring.errors.itemIndicator", { item: where, indicator: item.indicator });
    const q = questions.get(item.question);
    if (!q) throw badRequest("scoring.errors.itemNotScorable", { item: where });
    return { question: item.question, row, indicator: item.indicator, weight: item.weight, scale: scaleOf(q.spec, row, where) };
  });
  for (const leaf of leaves) checkSum(items.filter((i) => i.indicator === leaf).map((i) => i.weight), leaf);
  return { key: file.key, indicators: file.indicators, items };
}

const compiled = new WeakMap<InstrumentFile, ScoringModel>();

function modelOf(instrument: InstrumentFile | ScoringModel): ScoringModel {
  if (!("survey" in instrument)) return instrument;
  let m = compiled.get(instrument);
  if (!m) {
    m = compileScoring(instrument);
    compiled.set(instrument, m);
  }
  return m;
}

/** Σ w·s / Σ w over the parts with a score; null when none has one. */
function weightedMean(parts: { weight: number; score: number | null }[]): number | null {
  let ws = 0, w = 0;
  for (const p of parts) {
    if (p.score === null) continue;
    ws += p.weight * p.score;
    w += p.weight;
  }
  return w === 0 ? null : ws / w;
}

function answerOf(answers: Record<string, unknown>, item: ScoringItem): unknown {
  const a = Object.hasOwn(answers, item.question) ? answers[item.question] : undefined;
  if (item.row === null) return a;
  return typeof a === "object" && a !== null && Object.hasOwn(a, item.row) ? (a as Record<string, unknown>)[item.row] : undefined;
}

export function scoreResponse(
  instrument: InstrumentFile | ScoringModel,
  answers: Record<string, unknown>,
  options: { declined?: boolean; outOf?: number } = {},
): ResponseScore | null {
  const outOf = options.outOf ?? DEFAULT_OUT_OF;
  if (!(outOf > 0 && Number.isFinite(outOf))) throw badRequest("scoring.errors.outOf", { outOf: String(outOf) });
  const model = modelOf(instrument);
  if (options.declined) return null;
  const items: ItemScore[] = [];
  for (const item of model.items) {
    const value = answerOf(answers, item);
    if (value === undefined || value === null || value === NA_VALUE) continue;
    if (typeof value !== "number" || !item.scale.includes(value)) {
      throw badRequest("scoring.errors.valueOutsideScale", { item: item.row === null ? item.question : `${item.question}/${item.row}`, value: String(value) });
    }
    const lo = item.scale[0], hi = item.scale[item.scale.length - 1];
    items.push({ question: item.question, row: item.row, indicator: item.indicator, weight: item.weight, value, score: ((value - lo) / (hi - lo)) * outOf });
  }
  const indicators: Record<string, number | null> = {};
  const scoreOf = (ind: Indicator): number | null => {
    const s = ind.children && ind.children.length > 0
      ? weightedMean(ind.children.map((c) => ({ weight: c.weight, score: scoreOf(c) })))
      : weightedMean(items.filter((it) => it.indicator === ind.id));
    indicators[ind.id] = s;
    return s;
  };
  const total = weightedMean(model.indicators.map((ind) => ({ weight: ind.weight, score: scoreOf(ind) })));
  const scores = items.map((i) => i.score);
  return {
    items,
    indicators,
    total,
    flags: {
      straightLining: scores.length >= 2 && Math.max(...scores) - Math.min(...scores) <= 1e-9 * outOf,
      allLowest: items.length >= 1 && items.every((i) => i.score === 0), // exactly 0 iff value = lo
    },
  };
}
