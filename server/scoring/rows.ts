import { getTableColumns } from "drizzle-orm";
import { targetResults } from "@/db/schema/results";
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
const TYPES: Record<string, Type> = { PgInteger: "int", PgDoublePrecision: "float8", PgBoolean: "boolean", PgArray: "int[]" };
const KEY_COLUMNS = new Set(["id", "policy_id", "run_id", "target_id", "rater_group"]);

/** The figure columns of target_results after (policy_id, run_id, target_id, rater_group), read off its schema. */
export const FIGURE_COLUMNS: [string, Type][] = Object.values(getTableColumns(targetResults))
  .filter((c) => !KEY_COLUMNS.has(c.name))
  .map((c) => {
    const type = TYPES[c.columnType];
    if (!type) throw new Error(`target_results.${c.name}: no bulk-insert type for ${c.columnType}`);
    return [c.name, type];
  });

export type ItemShape = { id: string; slots: number };

/** The items of a scoring model as stored: id ("q" or "q/row") and option slots (the scale's values, then "na"). */
export function itemShapes(model: ScoringModel | null): ItemShape[] {
  return model ? model.items.map((it) => ({ id: it.row === null ? it.question : `${it.question}/${it.row}`, slots: it.scale.length + 1 })) : [];
}

const summaryValues = (prefix: string, s: StoredFigures["valid"]) => ({
  [`${prefix}n`]: s.n, [`${prefix}eligible`]: s.eligible, [`${prefix}response_rate`]: s.responseRate, [`${prefix}mean`]: s.mean,
  [`${prefix}trimmed_mean`]: s.trimmedMean, [`${prefix}median`]: s.median, [`${prefix}sd`]: s.sd, [`${prefix}se`]: s.se,
  [`${prefix}ci_low`]: s.ci95?.low ?? null, [`${prefix}ci_high`]: s.ci95?.high ?? null,
});

/** The values of FIGURE_COLUMNS, in their order, for one target (items: its version's items, in order). */
export function figureValues(f: TargetFigures, items: readonly ItemShape[]): unknown[] {
  const counts: number[] = [];
  for (const it of items) {
    const c = f.counts[it.id];
    for (let i = 0; i < it.slots; i++) counts.push(c?.[i] ?? 0);
  }
  const q = f.quality;
  const byColumn: Record<string, unknown> = {
    version_id: f.versionId, reported: f.reported, ...summaryValues("", f.valid), ...summaryValues("all_", f.all),
    unscored: q.unscored, straight_lining: q.straightLining, all_lowest: q.allLowest, excluded: q.excluded, cap_exceeded: q.capExceeded,
    eligible_below_n: f.eligibleBelowN, reliability: f.reliability, eb_score: f.ebScore,
    norm_z: f.norm?.z ?? null, norm_t: f.norm?.t ?? null, norm_percentile: f.norm?.percentileRank ?? null,
    norm_rank: f.norm?.rank ?? null, norm_of: f.norm?.of ?? null, norm_mean: f.norm?.mean ?? null,
    counts,
  };
  return FIGURE_COLUMNS.map(([name]) => {
    const v = byColumn[name];
    if (v === undefined) throw new Error(`target_results.${name}: figureValues gives it no value`);
    return v;
  });
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
