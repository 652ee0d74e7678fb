import type { TargetFigures } from "./figures";
import type { ScoringModel } from "./score";

/**
 * How a target's figures (figures.ts TargetFigures) are stored in target_results: one typed
 * column per figure (written in bulk by every recompute: numbers in typed arrays cost a
 * fraction of JSON, and the pages sort and filter on them), the option counts as one int[]
 * (every item of the version in its order, its scale's positions then "na"). The one mapping
 * both ways, for the recompute and for every reader.
 */

export type StoredFigures = Omit<TargetFigures, "key" | "targetId" | "group">;

type Type = "int" | "float8" | "boolean" | "int[]";
const summary = (prefix: string): [string, Type][] => [
  [`${prefix}n`, "int"], [`${prefix}eligible`, "int"], [`${prefix}response_rate`, "float8"], [`${prefix}mean`, "float8"],
  [`${prefix}trimmed_mean`, "float8"], [`${prefix}median`, "float8"], [`${prefix}sd`, "float8"], [`${prefix}se`, "float8"],
  [`${prefix}ci_low`, "float8"], [`${prefix}ci_high`, "float8"],
];

/** The figure columns of target_results after (policy_id, run_id, target_id, rater_group). */
export const FIGURE_COLUMNS: [string, Type][] = [
  ["version_id", "int"], ["reported", "boolean"], ...summary(""), ...summary("all_"),
  ["unscored", "int"], ["straight_lining", "int"], ["all_lowest", "int"], ["excluded", "int"], ["cap_exceeded", "boolean"],
  ["eligible_below_n", "boolean"], ["reliability", "float8"], ["eb_score", "float8"],
  ["norm_z", "float8"], ["norm_t", "float8"], ["norm_percentile", "float8"], ["norm_rank", "int"], ["norm_of", "int"], ["norm_mean", "float8"],
  ["counts", "int[]"],
];

export type ItemShape = { id: string; slots: number };

/** The items of a scoring model as stored: id ("q" or "q/row") and option slots (the scale's values, then "na"). */
export function itemShapes(model: ScoringModel | null): ItemShape[] {
  return model ? model.items.map((it) => ({ id: it.row === null ? it.question : `${it.question}/${it.row}`, slots: it.scale.length + 1 })) : [];
}

const summaryValues = (s: StoredFigures["valid"]) => [s.n, s.eligible, s.responseRate, s.mean, s.trimmedMean, s.median, s.sd, s.se, s.ci95?.low ?? null, s.ci95?.high ?? null];

/** The values of FIGURE_COLUMNS for one target (items: its version's items, in order). */
export function figureValues(f: TargetFigures, items: readonly ItemShape[]): unknown[] {
  const counts: number[] = [];
  for (const it of items) {
    const c = f.counts[it.id];
    for (let i = 0; i < it.slots; i++) counts.push(c?.[i] ?? 0);
  }
  const q = f.quality;
  return [
    f.versionId, f.reported, ...summaryValues(f.valid), ...summaryValues(f.all),
    q.unscored, q.straightLining, q.allLowest, q.excluded, q.capExceeded, f.eligibleBelowN, f.reliability, f.ebScore,
    f.norm?.z ?? null, f.norm?.t ?? null, f.norm?.percentileRank ?? null, f.norm?.rank ?? null, f.norm?.of ?? null, f.norm?.mean ?? null,
    counts,
  ];
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function summaryOf(r: Row, prefix: string): StoredFigures["valid"] {
  const low = num(r[`${prefix}ci_low`]), high = num(r[`${prefix}ci_high`]);
  return {
    n: Number(r[`${prefix}n`]), eligible: num(r[`${prefix}eligible`]), responseRate: num(r[`${prefix}response_rate`]),
    mean: num(r[`${prefix}mean`]), trimmedMean: num(r[`${prefix}trimmed_mean`]), median: num(r[`${prefix}median`]),
    sd: num(r[`${prefix}sd`]), se: num(r[`${prefix}se`]), ci95: low === null || high === null ? null : { low, high },
  };
}

function intArray(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === "string") return v.replace(/[{}]/g, "").split(",").filter((x) => x !== "").map(Number);
  return [];
}

/** A stored row back as figures (items: the version's items, to split the counts; omit to skip them). */
export function figuresFromRow(r: Row, items?: readonly ItemShape[]): StoredFigures {
  const counts: Record<string, number[]> = {};
  if (items) {
    const flat = intArray(r.counts);
    let k = 0;
    for (const it of items) {
      counts[it.id] = flat.slice(k, k + it.slots);
      k += it.slots;
    }
  }
  const normOf = num(r.norm_of);
  return {
    versionId: Number(r.version_id), reported: Boolean(r.reported),
    valid: summaryOf(r, ""), all: summaryOf(r, "all_"),
    quality: {
      unscored: Number(r.unscored), straightLining: Number(r.straight_lining), allLowest: Number(r.all_lowest),
      excluded: Number(r.excluded), capExceeded: Boolean(r.cap_exceeded),
    },
    eligibleBelowN: Boolean(r.eligible_below_n),
    counts,
    reliability: num(r.reliability), ebScore: num(r.eb_score),
    norm: normOf === null ? null : {
      z: num(r.norm_z), t: num(r.norm_t), percentileRank: Number(r.norm_percentile), rank: Number(r.norm_rank), of: normOf, mean: Number(r.norm_mean),
    },
  };
}
