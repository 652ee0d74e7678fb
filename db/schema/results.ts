import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  json,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { campaigns, campaignTargets, raterGroup } from "./campaigns";
import { instrumentVersions } from "./instruments";
import { lifecycleColumns } from "./lifecycle";
import { terms, units } from "./org";
import { persons } from "./people";
import { observationRecords, responses } from "./responses";

// The score of one response (anonymous or imported: response_id; a named observation
// record: observation_id), written in the same statement as the response itself by the
// scorer of server/scoring/score.ts. It is a function of the immutable answers and the
// immutable instrument version, so no policy changes it. Nothing here names a person.
//   total       0–100 (百分制); null when no scored item was answered (all "na")
//   indicators  every indicator's score in the depth-first order of the version's tree
//   options     per item (the version's `items` order) the chosen option's position on the
//               item's scale, lowest 0 … highest k−1; k = "na"; null = not answered
//   quality_flags  the quality rules that flag the response, one bit each (the rule's `bit` in
//               the registry server/shared/scoring/quality.ts): a new rule needs no column
export const responseScores = pgTable(
  "response_scores",
  {
    responseId: uuid("response_id")
      .unique()
      .references(() => responses.id, { onDelete: "cascade" }),
    observationId: integer("observation_id")
      .unique()
      .references(() => observationRecords.id, { onDelete: "cascade" }),
    targetId: integer("target_id")
      .notNull()
      .references(() => campaignTargets.id, { onDelete: "cascade" }),
    raterGroup: raterGroup("rater_group").notNull(),
    versionId: integer("version_id")
      .notNull()
      .references(() => instrumentVersions.id, { onDelete: "restrict" }),
    total: doublePrecision("total"),
    indicators: doublePrecision("indicators").array().notNull(),
    options: smallint("options").array().notNull(),
    qualityFlags: smallint("quality_flags").notNull().default(0),
  },
  (t) => [
    check("response_scores_source_ck", sql`num_nonnulls(${t.responseId}, ${t.observationId}) = 1`),
    // a target's scores: its detail page, and rebuilding its tallies after a delete
    index("response_scores_target_idx").on(t.targetId, t.raterGroup),
  ],
);

// What the recompute reads instead of scanning response_scores (aggregates maintained as
// responses arrive): per target × rater group × kind of response. A trigger on
// response_scores (db/migrations/0005_target_tallies.sql) queues a copy of every new score in
// tally_queue, whatever path wrote it (the submit's single statement, bulk inserts, COPY), and
// every recompute (the scheduler's, once a minute) first folds the queue into the tallies in
// one statement: a submit pays one queue row, not a tally update. A delete or an update of
// scores rebuilds the tallies of their targets; `npm run scores:recompute` rebuilds them all.
// Invariant: the tallies and the queue together are the aggregate of response_scores.
//   kind     0 every scored response; the flagged ones again by their quality_flags (1
//            straight-lining only, 2 all-lowest only, 3 both, …: any combination of the rules'
//            bits, so a new rule needs no migration; the quality rules exclude by flag, so every
//            policy finds its excludable responses here); -1 unscored (no total)
//   n        responses of this kind (a check keeps it below 10^6, the base of `counts`)
//   totals   their totals, ascending: sorted, so that the tallies keep no order of arrival
//   counts   per item (the version's `items` order) one word Σ count(position) · 10^(6·position):
//            every option's count in six decimal digits (exact, as no count exceeds n)
export const targetTallies = pgTable(
  "target_tallies",
  {
    targetId: integer("target_id")
      .notNull()
      .references(() => campaignTargets.id, { onDelete: "cascade" }),
    raterGroup: raterGroup("rater_group").notNull(),
    kind: smallint("kind").notNull(),
    n: integer("n").notNull(),
    totals: doublePrecision("totals").array().notNull(),
    counts: numeric("counts").array().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.targetId, t.raterGroup, t.kind] }),
    check("target_tallies_kind_ck", sql`${t.kind} between -1 and 32767`),
    check("target_tallies_n_ck", sql`${t.n} between 0 and 999999`),
  ],
);

// Weights, trims, quality rules, minimums and norm groups for one school year
// (server/scoring/policy.ts); immutable versions approved like instruments, and named by
// every figure they produced. The current policy of a year is its latest approved version.
export const scoringPolicies = pgTable(
  "scoring_policies",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    schoolYear: text("school_year").notNull(),
    // version, hash (of the canonical JSON of the parsed policy), status and approval
    ...lifecycleColumns(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    policy: jsonb("policy").notNull().$type<Record<string, unknown>>(),
  },
  (t) => [unique("scoring_policies_uq").on(t.schoolYear, t.version), unique("scoring_policies_hash_uq").on(t.schoolYear, t.hash)],
);

// One computation of a school year's figures under a policy: when, why, over how much,
// and what the quality rules flagged and excluded (never a silent deletion).
export const scoringRuns = pgTable(
  "scoring_runs",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    policyId: integer("policy_id")
      .notNull()
      .references(() => scoringPolicies.id, { onDelete: "restrict" }),
    schoolYear: text("school_year").notNull(),
    trigger: text("trigger", { enum: ["scheduler", "command", "manual", "approval", "import"] }).notNull(),
    // responses:targets seen, so the scheduler recomputes only when something arrived
    fingerprint: text("fingerprint").notNull(),
    responses: integer("responses").notNull(),
    targets: integer("targets").notNull(),
    summary: jsonb("summary").notNull().$type<Record<string, unknown>>(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull(),
    actorId: integer("actor_id").references(() => persons.id, { onDelete: "set null" }),
  },
  (t) => [index("scoring_runs_policy_idx").on(t.policyId)],
);

// Per target × rater group under one policy (the latest run's): the figures of
// server/scoring/figures.ts, one typed column each (server/scoring/rows.ts maps them both
// ways): for the valid responses n, N eligible, response rate, mean, trimmed mean, median, SD,
// SE, 95 % CI; the same for all responses (all_…, null when nothing was excluded: then all is
// valid, and half the figures need not be written again); the unscored, the excluded, and in
// quality_counts the responses each quality rule flagged (keyed by the rule's id, only the
// rules that flagged any: a missing key reads 0, a new rule needs no column); reliability (and its
// value at the lower limit of the ICC's 95 % interval), EB score,
// norm (z, T, percentile, rank of `norm_of`, the group's mean); the option counts of every item.
// `reported` is false below the policy's minimum of raters (small groups are never shown).
// Typed, not json: every recompute writes all of them in bulk, and the pages sort on them.
const summaryColumns = (prefix: string) => ({
  [`${prefix}n`]: prefix === "" ? integer(`${prefix}n`).notNull() : integer(`${prefix}n`),
  [`${prefix}eligible`]: integer(`${prefix}eligible`),
  [`${prefix}response_rate`]: doublePrecision(`${prefix}response_rate`),
  [`${prefix}mean`]: doublePrecision(`${prefix}mean`),
  [`${prefix}trimmed_mean`]: doublePrecision(`${prefix}trimmed_mean`),
  [`${prefix}median`]: doublePrecision(`${prefix}median`),
  [`${prefix}sd`]: doublePrecision(`${prefix}sd`),
  [`${prefix}se`]: doublePrecision(`${prefix}se`),
  [`${prefix}ci_low`]: doublePrecision(`${prefix}ci_low`),
  [`${prefix}ci_high`]: doublePrecision(`${prefix}ci_high`),
});

export const targetResults = pgTable(
  "target_results",
  {
    // Derived rows, rewritten whole by every run of their policy: no foreign keys (their checks
    // were 45 % of the write; 25,000 rows a run check the same policy and run each time), and one
    // index, the key every reader looks up by (policy, target, group). Policies are retired,
    // never deleted; the targets of a campaign past its draft are never deleted.
    policyId: integer("policy_id").notNull(),
    runId: integer("run_id").notNull(),
    targetId: integer("target_id").notNull(),
    raterGroup: raterGroup("rater_group").notNull(),
    versionId: integer("version_id").notNull(),
    reported: boolean("reported").notNull(),
    ...summaryColumns(""),
    ...summaryColumns("all_"),
    unscored: integer("unscored").notNull(),
    // db/ imports nothing from server/: the keys are the rule ids (PerRule of the registry)
    qualityCounts: jsonb("quality_counts").notNull().default({}).$type<Record<string, number>>(),
    excluded: integer("excluded").notNull(),
    capExceeded: boolean("cap_exceeded").notNull(),
    eligibleBelowN: boolean("eligible_below_n").notNull(),
    reliability: doublePrecision("reliability"),
    // the class's reliability at the lower limit of the 95 % interval of ICC(1): what ranking needs
    reliabilityLow: doublePrecision("reliability_low"),
    ebScore: doublePrecision("eb_score"),
    normZ: doublePrecision("norm_z"),
    normT: doublePrecision("norm_t"),
    normPercentile: doublePrecision("norm_percentile"),
    normRank: integer("norm_rank"),
    normOf: integer("norm_of"),
    normMean: doublePrecision("norm_mean"),
    counts: integer("counts").array().notNull(),
  },
  (t) => [primaryKey({ name: "target_results_pk", columns: [t.policyId, t.targetId, t.raterGroup] })],
);

// Scores not yet in target_tallies (see there): what the tallies need of each, and no id
// (response ids appear only in responses and response_scores). No foreign keys: a delete of
// scores takes their targets' queued scores with it (the rebuild of those targets counts them).
export const tallyQueue = pgTable("tally_queue", {
  targetId: integer("target_id").notNull(),
  raterGroup: raterGroup("rater_group").notNull(),
  total: doublePrecision("total"),
  options: smallint("options").array().notNull(),
  qualityFlags: smallint("quality_flags").notNull().default(0),
});

// Reliability of class means per group of classes (instrument version × unit × term, or the
// campaign when it has no term; one rater group): one-way ANOVA, ICC(1), ICC(k), raters needed.
export const reliabilityResults = pgTable(
  "reliability_results",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    policyId: integer("policy_id")
      .notNull()
      .references(() => scoringPolicies.id, { onDelete: "restrict" }),
    runId: integer("run_id").notNull(),
    termId: integer("term_id").references(() => terms.id, { onDelete: "restrict" }),
    campaignId: integer("campaign_id").references(() => campaigns.id, { onDelete: "cascade" }),
    versionId: integer("version_id")
      .notNull()
      .references(() => instrumentVersions.id, { onDelete: "restrict" }),
    unitId: integer("unit_id").references(() => units.id, { onDelete: "restrict" }),
    raterGroup: raterGroup("rater_group").notNull(),
    stats: json("stats").notNull().$type<Record<string, unknown>>(),
  },
  (t) => [index("reliability_results_policy_idx").on(t.policyId)],
);

// A teacher's composite per term (term_id set) and per school year (term_id null).
export const teacherComposites = pgTable(
  "teacher_composites",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    policyId: integer("policy_id")
      .notNull()
      .references(() => scoringPolicies.id, { onDelete: "restrict" }),
    runId: integer("run_id").notNull(),
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    termId: integer("term_id").references(() => terms.id, { onDelete: "restrict" }),
    schoolYear: text("school_year").notNull(),
    score: doublePrecision("score"),
    composite: json("composite").notNull().$type<Record<string, unknown>>(),
  },
  (t) => [
    unique("teacher_composites_uq").on(t.policyId, t.teacherId, t.termId).nullsNotDistinct(),
    index("teacher_composites_teacher_idx").on(t.teacherId),
  ],
);

// Eligible raters of imported targets (past terms from other systems have no eligibility
// rows): the `eligible` column of the long format, per target and rater group.
export const importedEligible = pgTable(
  "imported_eligible",
  {
    targetId: integer("target_id")
      .notNull()
      .references(() => campaignTargets.id, { onDelete: "cascade" }),
    raterGroup: raterGroup("rater_group").notNull(),
    eligible: integer("eligible").notNull(),
  },
  (t) => [unique("imported_eligible_uq").on(t.targetId, t.raterGroup), check("imported_eligible_ck", sql`${t.eligible} >= 0`)],
);
