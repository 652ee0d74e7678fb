// The registry of quality rules: every rule that flags a response, in one list. Each entry
// names the rule (its id is the key of the policy's `quality` setting, of the counts in the
// figures and of its messages `results.flags.<id>` and `results.policies.ruleNames.<id>`),
// says how the rule reads a scored response, and where its flag is stored. Everything that
// varies by rule reads this list: the scorer (score.ts), the stored score (store.ts), the
// policy's schema and defaults (policy.ts), the tallies' flag bits and the exclusions of a
// run (compute.ts, figures.ts, results.ts), the result rows (rows.ts), the CLI's summary and
// the pages (they list the rules the figures and the policy carry).
//
// Storage: a rule's flag is a boolean column of response_scores and tally_queue, a count
// column of target_results, and a bit of target_tallies.kind (the tally trigger of
// db/migrations/0005_target_tallies.sql sets the bits). A new rule therefore also needs
// those columns and the trigger's line (a migration); CONTRIBUTING.md has the recipe.
//
// Completion times are not kept (by design, for anonymity), so there is no speeder rule.

/** What a rule sees of one scored response: each answered item's option. */
export type RuleInput = {
  /** Per answered item (not "na"): the chosen option's position, 0 = lowest … k − 1. */
  positions: readonly number[];
  /** Per answered item: its relative place on its scale, position / (k − 1), 0 … 1. */
  places: readonly number[];
};

export type QualityRule = {
  id: string;
  /** The flag's boolean column in response_scores and tally_queue, and its count in target_results. */
  column: string;
  /** Its bit in target_tallies.kind (1, 2, 4, …; kind 4 is taken by the unscored, see compute.ts TALLY). */
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
  column: "straight_lining",
  bit: 1,
  defaultAction: "flag",
  flags: ({ places }) => places.length >= 2 && Math.max(...places) - Math.min(...places) <= 1e-9,
});

/** 全选最低: at least 1 item answered, every one at the lowest value of its scale. */
const allLowest = defineRule({
  id: "allLowest",
  column: "all_lowest",
  bit: 2,
  defaultAction: "flag",
  flags: ({ positions }) => positions.length >= 1 && positions.every((p) => p === 0),
});

export const QUALITY_RULES = [straightLining, allLowest] as const;

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
