// The registry of quality rules: every rule that flags a response, in one list. Each entry
// names the rule (its id is the key of the policy's `quality` setting, of the counts in the
// figures and of its messages `results.flags.<id>` and `results.policies.ruleNames.<id>`),
// says how the rule reads a scored response, and gives it a bit of the stored flags. Everything
// that varies by rule reads this list: the scorer (server/scoring/score.ts), the stored score
// (store.ts), the policy's schema and defaults (policy.ts), the tallies' kinds and the exclusions
// of a run (compute.ts, figures.ts, results.ts, server/appraisal/indicators.ts), the result rows
// (rows.ts), the CLI's summary, the benchmarks' seeds and the pages (the flag tags of a target,
// the policy's and the run's summaries). It lives in server/shared (pure, no imports) so that
// the pages list the rules from it too.
//
// Storage needs nothing per rule: a response's flags are one bitmask (response_scores and
// tally_queue `quality_flags`, bit = the rule's `bit`), the tallies' kind of flagged responses is
// that bitmask (db/migrations/0017_quality_flags.sql; any combination of bits up to 32767 is
// allowed), and a target's counts are one jsonb keyed by rule id (target_results
// `quality_counts`, a missing key reads 0). CONTRIBUTING.md "A new quality rule" has the recipe.
//
// Completion times are not kept (by design, for anonymity), so there is no speeder rule.

/** What a rule sees of one scored response: each answered item's option, and how many items it had. */
export type RuleInput = {
  /** Per answered item (not "na"): the chosen option's position, 0 = lowest … k − 1. */
  positions: readonly number[];
  /** Per answered item: its relative place on its scale, position / (k − 1), 0 … 1. */
  places: readonly number[];
  /** The scored items of the instrument version (answered or not; a matrix row counts as one). */
  items: number;
};

export type QualityRule = {
  id: string;
  /** Its bit in quality_flags and target_tallies.kind: a power of two of its own, 1 … 16384 (smallint). */
  bit: number;
  /** The policy's action when the policy file leaves it out. */
  defaultAction: QualityAction;
  /** Whether the response is flagged. */
  flags: (r: RuleInput) => boolean;
};

export const QUALITY_ACTIONS = ["off", "flag", "exclude"] as const;
/** off: not flagged; flag: shown, kept; exclude: left out of the valid figures, still counted in "all". */
export type QualityAction = (typeof QUALITY_ACTIONS)[number];

const defineRule = <const R extends QualityRule>(r: R) => r;

/** 直线作答: at least 2 items answered, every one at the same relative place on its scale. */
const straightLining = defineRule({
  id: "straightLining",
  bit: 1,
  defaultAction: "flag",
  flags: ({ places }) => places.length >= 2 && Math.max(...places) - Math.min(...places) <= 1e-9,
});

/** 全选最低: at least 1 item answered, every one at the lowest value of its scale. */
const allLowest = defineRule({
  id: "allLowest",
  bit: 2,
  defaultAction: "flag",
  flags: ({ positions }) => positions.length >= 1 && positions.every((p) => p === 0),
});

/**
 * 作答过少: fewer than half of the instrument's scored items answered ("无法评估" / "na" and
 * items left out count as not answered). Off unless a policy turns it on: an instrument with
 * many optional items would flag most of its responses.
 */
const sparse = defineRule({
  id: "sparse",
  bit: 4,
  defaultAction: "off",
  flags: ({ positions, items }) => positions.length * 2 < items,
});

export const QUALITY_RULES = [straightLining, allLowest, sparse] as const;

export type QualityRuleId = (typeof QUALITY_RULES)[number]["id"];
/** One value per rule (flags of a response, counts of a target, actions of a policy). */
export type PerRule<T> = { [K in QualityRuleId]: T };

export const QUALITY_RULE_IDS = QUALITY_RULES.map<QualityRuleId>((r) => r.id);

/** Builds a per-rule record. */
export function perRule<T>(f: (r: (typeof QUALITY_RULES)[number]) => T): PerRule<T> {
  return Object.fromEntries(QUALITY_RULES.map((r) => [r.id, f(r)])) as PerRule<T>;
}

/** The flags of one scored response. */
export function qualityFlags(input: RuleInput): PerRule<boolean> {
  return perRule((r) => r.flags(input));
}

/** The stored bitmask of a response's flags (response_scores.quality_flags). */
export function flagBits(flags: PerRule<boolean>): number {
  return QUALITY_RULES.reduce((m, r) => (flags[r.id] ? m | r.bit : m), 0);
}

/** The flags of a stored bitmask. */
export function flagsOfBits(bits: number): PerRule<boolean> {
  return perRule((r) => (bits & r.bit) !== 0);
}

/** Per-rule counts as stored (target_results.quality_counts): the rules that flagged any. */
export function storedCounts(counts: PerRule<number>): Partial<PerRule<number>> {
  return Object.fromEntries(QUALITY_RULES.filter((r) => counts[r.id] !== 0).map((r) => [r.id, counts[r.id]]));
}

/** Stored per-rule counts back (a missing key, a rule added since, reads 0). */
export function countsOfStored(stored: Partial<Record<string, unknown>> | null | undefined): PerRule<number> {
  return perRule((r) => Number(stored?.[r.id] ?? 0));
}
