import { badRequest } from "@/server/kernel/errors";
import { NA_VALUE, type Indicator, type InstrumentFile } from "@/server/instruments/format";
import { compilePlan } from "@/server/instruments/plan";
import { qualityFlags, type PerRule } from "@/server/shared/scoring/quality";
import { at } from "@/server/shared/indexed";

/**
 * Response scores: item → indicator → instrument score of ONE response, from
 * the option values and the weights of the instrument version the respondent answered. Pure:
 * no database; the SurveyJS definition is read with compilePlan (the same reading that
 * validated the answers), once per instrument object.
 *
 * Definitions, exactly:
 *   Item (a scored question, or one row of a scored matrix, as `items` in format.ts):
 *     its scale is the set of NUMERIC option values of the question (radiogroup/dropdown
 *     choices, rating values, matrix columns); the reserved value "na" (无法评估) and any other
 *     non-numeric value are not on the scale. With hi = the highest value of the scale,
 *       score = value / hi · outOf        (outOf = 100, 百分制, by default),
 *     the level-coefficient convention of Chinese evaluation forms (等级系数 × 分值): the best
 *     option earns the full mark and every other option its share of it (coefficients
 *     1.0/0.8/0.6/0.4/0.2 → 100/80/60/40/20; a 1–5 scale → 20/40/60/80/100; 0–10 → 0…100).
 *     A scale needs at least two values, none negative (a negative value would give a
 *     negative score). An item is unanswered when its answer (or its matrix row) is missing,
 *     null or "na"; it then has no score.
 *   Leaf indicator: the weighted mean of the scores of its ANSWERED items with the item
 *     weights renormalised over them, Σ w_i s_i / Σ w_i; null when none is answered.
 *   Parent indicator, and the total: the same weighted mean over the children (over the
 *     level-1 indicators for the total) whose score is not null, weights renormalised; null
 *     when none has a score. (So an optional question left out, or answered "na", neither
 *     counts as 0 nor changes the weight of the other indicators' parts.)
 *   Flags (the quality rules of server/shared/scoring/quality.ts, e.g.): straightLining = at least 2 items answered and every answered item sits at the same
 *     relative place on its scale, position/(k − 1) with positions 0 (lowest) … k − 1 (highest)
 *     (no variance across the scored items: the same option everywhere, also across scales of
 *     different lengths for the lowest, middle and highest options); allLowest = at least 1
 *     item answered and every answered value is the lowest value of its scale.
 *   A declined response (拒评) is not scored: scoreResponse returns null.
 *
 * Refused (DomainError, nothing computed): level-1 weights, the children of an indicator, or
 * the items of a leaf indicator that do not sum to 1 within 1e-6 (scoring.errors.weightsSum,
 * with `scope` = "indicators" or the indicator id, and the sum); an item on an unknown or
 * non-leaf indicator (scoring.errors.itemIndicator); an item whose question is missing or not
 * a choice/rating/matrix question, or a matrix item without a known row
 * (scoring.errors.itemNotScorable); a scale with fewer than two numeric values or with a
 * negative value (scoring.errors.degenerateScale); an answer that is neither on the scale nor "na"
 * (scoring.errors.valueOutsideScale: the answers do not belong to this version); outOf ≤ 0
 * (scoring.errors.outOf).
 */

export const DEFAULT_OUT_OF = 100;
const TOLERANCE = 1e-6;

export type ScoringItem = {
  question: string;
  row: string | null;
  indicator: string;
  weight: number;
  /** The numeric option values, ascending. */
  scale: number[];
  /** Whether the question offers "na" (无法评估). */
  hasNa: boolean;
};

export type ScoringModel = {
  key: string;
  indicators: Indicator[];
  items: ScoringItem[];
  /** Every indicator id, parents before their children, in the file's order (response_scores.indicators). */
  indicatorIds: string[];
};

/** position: the value's place on the item's scale, lowest 0. */
export type ItemScore = {
  question: string;
  row: string | null;
  indicator: string;
  weight: number;
  value: number;
  position: number;
  score: number;
};

export type ResponseScore = {
  /** Answered items only, in the order of the instrument's `items`. */
  items: ItemScore[];
  /** Every indicator id (leaf and parent) → its score, null when nothing under it was answered. */
  indicators: Record<string, number | null>;
  total: number | null;
  /**
   * Per item of the model, in its order: the answer's position on the item's scale (0 = lowest),
   * the scale's length for "na", null when not answered (what response_scores.options stores).
   */
  options: (number | null)[];
  flags: PerRule<boolean>;
};

/** Refuses weights that do not sum to 1 (within 1e-6): scoring.errors.weightsSum {scope, sum}. */
/** An item's score: value / the highest value of its scale (ascending) · outOf (see the header). */
export function itemScore(value: number, scale: readonly number[], outOf = DEFAULT_OUT_OF): number {
  return (value / at(scale, scale.length - 1)) * outOf; // a scale has at least two values (scaleOf)
}

export function checkSum(weights: number[], scope: string) {
  const s = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(s - 1) > TOLERANCE) throw badRequest("scoring.errors.weightsSum", { scope, sum: Number(s.toFixed(6)) });
}

function scaleOf(
  spec: ReturnType<typeof compilePlan>["questions"][number]["spec"],
  row: string | null,
  where: string,
): { scale: number[]; hasNa: boolean } {
  let values: unknown[];
  if ((spec.kind === "single" || spec.kind === "rating") && row === null) values = spec.values;
  else if (spec.kind === "matrix" && !spec.multi && row !== null && spec.rows.has(row)) values = spec.columns;
  else throw badRequest("scoring.errors.itemNotScorable", { item: where });
  const scale = [...new Set(values.filter((v): v is number => typeof v === "number" && Number.isFinite(v)))].sort((a, b) => a - b);
  if (scale.length < 2 || at(scale, 0) < 0) throw badRequest("scoring.errors.degenerateScale", { item: where });
  return { scale, hasNa: values.includes(NA_VALUE) };
}

/** Checks the weights and reads every item's scale; throws on a file that cannot be scored. */
export function compileScoring(file: InstrumentFile): ScoringModel {
  checkSum(
    file.indicators.map((i) => i.weight),
    "indicators",
  );
  const leaves = new Set<string>();
  const indicatorIds: string[] = [];
  const walk = (list: Indicator[]) => {
    for (const ind of list) {
      indicatorIds.push(ind.id);
      if (ind.children && ind.children.length > 0) {
        checkSum(
          ind.children.map((c) => c.weight),
          ind.id,
        );
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
    return { question: item.question, row, indicator: item.indicator, weight: item.weight, ...scaleOf(q.spec, row, where) };
  });
  for (const leaf of leaves)
    checkSum(
      items.filter((i) => i.indicator === leaf).map((i) => i.weight),
      leaf,
    );
  return { key: file.key, indicators: file.indicators, items, indicatorIds };
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
  let ws = 0,
    w = 0;
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
  const positions: (number | null)[] = [];
  const places: number[] = []; // position / (k − 1) of each answered item
  for (const item of model.items) {
    const value = answerOf(answers, item);
    if (value === undefined || value === null) {
      positions.push(null);
      continue;
    }
    if (value === NA_VALUE) {
      positions.push(item.scale.length);
      continue;
    }
    const position = typeof value === "number" ? item.scale.indexOf(value) : -1;
    if (position < 0) {
      throw badRequest("scoring.errors.valueOutsideScale", {
        item: item.row === null ? item.question : `${item.question}/${item.row}`,
        value: String(value),
      });
    }
    const v = value as number;
    positions.push(position);
    places.push(position / (item.scale.length - 1));
    items.push({
      question: item.question,
      row: item.row,
      indicator: item.indicator,
      weight: item.weight,
      value: v,
      position,
      score: itemScore(v, item.scale, outOf),
    });
  }
  const indicators: Record<string, number | null> = {};
  const scoreOf = (ind: Indicator): number | null => {
    const s =
      ind.children && ind.children.length > 0
        ? weightedMean(ind.children.map((c) => ({ weight: c.weight, score: scoreOf(c) })))
        : weightedMean(items.filter((it) => it.indicator === ind.id));
    indicators[ind.id] = s;
    return s;
  };
  const total = weightedMean(model.indicators.map((ind) => ({ weight: ind.weight, score: scoreOf(ind) })));
  return {
    items,
    indicators,
    total,
    options: positions,
    flags: qualityFlags({ positions: items.map((i) => i.position), places, items: model.items.length }),
  };
}
