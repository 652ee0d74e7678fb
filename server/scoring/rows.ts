import { getTableColumns } from "drizzle-orm";
import { targetResults } from "@/db/schema/results";
import { col, type Decoder } from "@/db/query";
import type { TargetFigures } from "./figures";
import type { ScoringModel } from "./score";
import { countsOfStored, storedCounts } from "@/server/shared/scoring/quality";

/**
 * How a target's figures (figures.ts TargetFigures) are stored in target_results: one typed
 * column per figure (written in bulk by every recompute: numbers in typed arrays cost a
 * fraction of JSON, and the pages sort and filter on them), the option counts as one int[]
 * (every item of the version in its order, its scale's positions then "na"), the quality rules'
 * counts as one jsonb keyed by rule id (only the rules that flagged any: no column per rule). The one mapping
 * both ways, for the recompute and for every reader.
 */

export type StoredFigures = Omit<TargetFigures, "key" | "targetId" | "group">;

type Type = "int" | "float8" | "boolean" | "int[]" | "jsonb";
const TYPES: Record<string, Type> = {
  PgInteger: "int",
  PgDoublePrecision: "float8",
  PgBoolean: "boolean",
  PgArray: "int[]",
  PgJsonb: "jsonb",
};
const KEY_COLUMNS = new Set(["policy_id", "run_id", "target_id", "rater_group"]);

/** The figure columns of target_results after (policy_id, run_id, target_id, rater_group), read off its schema. */
export const FIGURE_COLUMNS: [string, Type][] = Object.values(getTableColumns(targetResults))
  .filter((c) => !KEY_COLUMNS.has(c.name))
  .map((c) => {
    const type = TYPES[c.columnType];
    if (!type) throw new Error(`target_results.${c.name}: no bulk-insert type for ${c.columnType}`);
    return [c.name, type];
  });

/** An int[] column as numbers: an array from the driver, or its text form `{1,2}` (null stays null). */
const intArrayColumn: Decoder<number[] | null> = (v) => (v === null || v === undefined ? null : intArray(v));
const DECODERS: Record<Type, Decoder<unknown>> = {
  int: col.int.nullable,
  float8: col.num.nullable,
  boolean: col.bool.nullable,
  "int[]": intArrayColumn,
  jsonb: col.json<Record<string, unknown>>().nullable,
};

/**
 * The column spec (db/query.ts) of a `select r.*` of target_results: every figure column decoded
 * by its type (null allowed), and the columns callers read by name typed; figuresFromRow turns
 * such a row into figures.
 */
export const TARGET_RESULT_SPEC = {
  ...Object.fromEntries<Decoder<unknown>>(FIGURE_COLUMNS.map(([name, type]) => [name, DECODERS[type]])),
  policy_id: col.int,
  run_id: col.int,
  target_id: col.int,
  rater_group: col.text,
  version_id: col.int,
  reported: col.bool,
  n: col.int,
};

export type ItemShape = { id: string; slots: number };

/** The items of a scoring model as stored: id ("q" or "q/row") and option slots (the scale's values, then "na"). */
export function itemShapes(model: ScoringModel | null): ItemShape[] {
  return model
    ? model.items.map((it) => ({ id: it.row === null ? it.question : `${it.question}/${it.row}`, slots: it.scale.length + 1 }))
    : [];
}

type Getter = (f: TargetFigures, counts: number[]) => unknown;

const summaryGetters = (prefix: string, of: (f: TargetFigures) => StoredFigures["valid"] | null): Record<string, Getter> => ({
  [`${prefix}n`]: (f) => of(f)?.n ?? null,
  [`${prefix}eligible`]: (f) => of(f)?.eligible ?? null,
  [`${prefix}response_rate`]: (f) => of(f)?.responseRate ?? null,
  [`${prefix}mean`]: (f) => of(f)?.mean ?? null,
  [`${prefix}trimmed_mean`]: (f) => of(f)?.trimmedMean ?? null,
  [`${prefix}median`]: (f) => of(f)?.median ?? null,
  [`${prefix}sd`]: (f) => of(f)?.sd ?? null,
  [`${prefix}se`]: (f) => of(f)?.se ?? null,
  [`${prefix}ci_low`]: (f) => of(f)?.ci95?.low ?? null,
  [`${prefix}ci_high`]: (f) => of(f)?.ci95?.high ?? null,
});

const GETTERS: Record<string, Getter> = {
  version_id: (f) => f.versionId,
  reported: (f) => f.reported,
  ...summaryGetters("", (f) => f.valid),
  // all_… only when something was excluded (otherwise all is valid: figuresFromRow)
  ...summaryGetters("all_", (f) => (f.quality.excluded === 0 ? null : f.all)),
  unscored: (f) => f.quality.unscored,
  quality_counts: (f) => storedCounts(f.quality),
  excluded: (f) => f.quality.excluded,
  cap_exceeded: (f) => f.quality.capExceeded,
  eligible_below_n: (f) => f.eligibleBelowN,
  reliability: (f) => f.reliability,
  reliability_low: (f) => f.reliabilityLow,
  eb_score: (f) => f.ebScore,
  norm_z: (f) => f.norm?.z ?? null,
  norm_t: (f) => f.norm?.t ?? null,
  norm_percentile: (f) => f.norm?.percentileRank ?? null,
  norm_rank: (f) => f.norm?.rank ?? null,
  norm_of: (f) => f.norm?.of ?? null,
  norm_mean: (f) => f.norm?.mean ?? null,
  counts: (_f, counts) => counts,
};

/** One getter per FIGURE_COLUMNS entry, in its order (a column without one is refused at load). */
const COLUMN_GETTERS: Getter[] = FIGURE_COLUMNS.map(([name]) => {
  const g = GETTERS[name];
  if (!g) throw new Error(`target_results.${name}: figureValues gives it no value`);
  return g;
});

/** The values of FIGURE_COLUMNS, in their order, for one target (items: its version's items, in order). */
export function figureValues(f: TargetFigures, items: readonly ItemShape[]): unknown[] {
  const counts: number[] = [];
  for (const it of items) {
    const c = f.counts[it.id];
    for (let i = 0; i < it.slots; i++) counts.push(c?.[i] ?? 0);
  }
  return COLUMN_GETTERS.map((g) => g(f, counts));
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function summaryOf(r: Row, prefix: string): StoredFigures["valid"] {
  const low = num(r[`${prefix}ci_low`]),
    high = num(r[`${prefix}ci_high`]);
  return {
    n: Number(r[`${prefix}n`]),
    eligible: num(r[`${prefix}eligible`]),
    responseRate: num(r[`${prefix}response_rate`]),
    mean: num(r[`${prefix}mean`]),
    trimmedMean: num(r[`${prefix}trimmed_mean`]),
    median: num(r[`${prefix}median`]),
    sd: num(r[`${prefix}sd`]),
    se: num(r[`${prefix}se`]),
    ci95: low === null || high === null ? null : { low, high },
  };
}

function intArray(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number);
  if (typeof v === "string")
    return v
      .replace(/[{}]/g, "")
      .split(",")
      .filter((x) => x !== "")
      .map(Number);
  return [];
}

/** A jsonb object as the driver gives it (PGlite and postgres.js parse it; its text form otherwise). */
function jsonObject(v: unknown): Record<string, unknown> | null {
  const o: unknown = typeof v === "string" ? JSON.parse(v) : v;
  return typeof o === "object" && o !== null ? Object.fromEntries(Object.entries(o)) : null;
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
    versionId: Number(r.version_id),
    reported: Boolean(r.reported),
    // all_… are null when nothing was excluded: all is valid
    valid: summaryOf(r, ""),
    all: r.all_n === null || r.all_n === undefined ? summaryOf(r, "") : summaryOf(r, "all_"),
    quality: {
      unscored: Number(r.unscored),
      ...countsOfStored(jsonObject(r.quality_counts)),
      excluded: Number(r.excluded),
      capExceeded: Boolean(r.cap_exceeded),
    },
    eligibleBelowN: Boolean(r.eligible_below_n),
    counts,
    reliability: num(r.reliability),
    reliabilityLow: num(r.reliability_low),
    ebScore: num(r.eb_score),
    norm:
      normOf === null
        ? null
        : {
            z: num(r.norm_z),
            t: num(r.norm_t),
            percentileRank: Number(r.norm_percentile),
            rank: Number(r.norm_rank),
            of: normOf,
            mean: Number(r.norm_mean),
          },
    // every reported target is normed unless its reliability is below the policy's minimum (figures.ts)
    rankWithheld: Boolean(r.reported) && normOf === null,
  };
}
