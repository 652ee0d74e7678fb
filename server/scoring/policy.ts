import { z } from "zod";
import { schoolYearSchema } from "../kernel/ids";
import { courseType } from "@/db/schema/org";
import { badRequest } from "@/server/kernel/errors";
import { appraisalRulesSchema, checkAppraisalRules } from "../appraisal/rules";
import type { RaterGroup } from "../campaigns/kinds";
import { perRule, QUALITY_ACTIONS, type QualityAction } from "@/server/shared/scoring/quality";
import { checkSum } from "./score";
import { trimCount } from "./stats";

/**
 * A scoring policy: every choice the figures depend on, as a versioned file
 * per school year. `parsePolicy` checks one and fills the defaults; a bad one is refused with
 * the first problem named (scoring.errors.policyInvalid {path}, weightsSum {scope, sum},
 * trimFraction {fraction}) and nothing is computed from it.
 *
 *   trim              fraction trimmed at each end for the trimmed mean, [0, 0.5), default 0.1
 *   outOf             full mark of a response score, default 100 (百分制)
 *   quality           per quality rule (quality.ts: straightLining, allLowest): "off" | "flag" (shown, kept) | "exclude"
 *                     (left out of the valid figures, still counted in "all"); maxExcludedShare:
 *                     at most this share of a target's responses may be excluded (default 0.2;
 *                     beyond it nothing is excluded for that target and it is flagged)
 *   minRaters         valid responses a rater group needs before its figures are reported and
 *                     count in a composite or a norm (small groups are never shown): `student`
 *                     for the anonymous groups (students, alumni, employers; default 5),
 *                     `observer` for supervisors, peers and leaders (3), `self` (1)
 *   compositeOf       which figure of a target enters the composite: "mean", "trimmed_mean"
 *                     (default: the 10 % trimmed mean, 去掉最高和最低) or "eb_score"
 *   weights           rater-group weights for the composite, summing to 1 (±1e-6): `default`
 *                     and optionally one table per course type
 *   normGroup         the group z, T and percentile ranks are taken in: unit | course_type | level
 *   minReliability    the reliability a figure needs before its place among others (z, T,
 *                     percentile rank, ranks) is reported, in [0, 1], default 0.7: a target's
 *                     class reliability, a teacher composite's reliability (figures.ts); below it,
 *                     or when the reliability is unknown, the figure is shown without them
 *   appraisal         optional: the appraisal rules of the year (bands, quota, caps, evidence;
 *                     server/appraisal/rules.ts); absent, the defaults there apply
 *
 * Completion times are not kept (by design, for anonymity), so there is no speeder rule.
 */

export const COMPOSITE_GROUPS = ["student", "supervisor", "peer", "leader", "self"] as const;
export type CompositeGroup = (typeof COMPOSITE_GROUPS)[number];
export type { RaterGroup };

const rule = z.enum(QUALITY_ACTIONS);
/** One action per quality rule (quality.ts), each with the rule's default. */
const qualityRules = perRule((r) => rule.default(r.defaultAction));
const qualityDefaults = { ...perRule((r): QualityAction => r.defaultAction), maxExcludedShare: 0.2 };
const weightTable = z.partialRecord(z.enum(COMPOSITE_GROUPS), z.number().min(0).max(1));

export const policySchema = z
  .object({
    key: z.string().trim().min(1).max(100),
    schoolYear: schoolYearSchema,
    trim: z.number().default(0.1),
    outOf: z.number().positive().max(1000).default(100),
    quality: z
      .object({
        ...qualityRules,
        maxExcludedShare: z.number().min(0).max(1).default(0.2),
      })
      .strict()
      .default(qualityDefaults),
    minRaters: z
      .object({
        student: z.number().int().min(1).max(1000).default(5),
        observer: z.number().int().min(1).max(100).default(3),
        self: z.number().int().min(1).max(1).default(1),
      })
      .strict()
      .default({ student: 5, observer: 3, self: 1 }),
    weights: z
      .object({
        default: weightTable,
        byCourseType: z.partialRecord(z.enum(courseType.enumValues), weightTable).default({}),
      })
      .strict(),
    compositeOf: z.enum(["mean", "trimmed_mean", "eb_score"]).default("trimmed_mean"),
    normGroup: z.enum(["unit", "course_type", "level"]).default("unit"),
    minReliability: z.number().min(0).max(1).default(0.7),
    appraisal: appraisalRulesSchema.optional(),
  })
  .strict();

export type ScoringPolicy = z.output<typeof policySchema>;

function checkWeights(scope: string, table: Partial<Record<CompositeGroup, number>>) {
  checkSum(
    Object.values(table).map((w) => w ?? 0),
    scope,
  );
}

export function parsePolicy(raw: unknown): ScoringPolicy {
  const r = policySchema.safeParse(raw);
  if (!r.success) throw badRequest("scoring.errors.policyInvalid", { path: r.error.issues[0]?.path.join(".") || "(root)" });
  const p = r.data;
  trimCount(1, p.trim); // throws trimFraction outside [0, 0.5)
  checkWeights("weights.default", p.weights.default);
  for (const [type, table] of Object.entries(p.weights.byCourseType)) checkWeights(`weights.byCourseType.${type}`, table ?? {});
  if (p.appraisal) checkAppraisalRules(p.appraisal);
  return p;
}

/** The weight table for a course type: its own if the policy has one, else the default. */
export function weightsFor(p: ScoringPolicy, type: string | null): Partial<Record<CompositeGroup, number>> {
  return (type && p.weights.byCourseType[type as keyof typeof p.weights.byCourseType]) || p.weights.default;
}

/** The minimum of valid responses before a rater group's figures are reported and count. */
export function minRatersFor(p: ScoringPolicy, group: RaterGroup): number {
  if (group === "self") return p.minRaters.self;
  if (group === "supervisor" || group === "peer" || group === "leader") return p.minRaters.observer;
  return p.minRaters.student; // students, alumni, employers: the anonymous groups
}

export type Composite = {
  /** Σ w_g·score_g / Σ w_g over the groups that count; null when none counts */
  score: number | null;
  /** the weights actually used, renormalised to sum to 1 */
  used: Partial<Record<CompositeGroup, number>>;
  /** groups with a positive weight that did not count (absent, or below their minimum) */
  missing: CompositeGroup[];
  /** true when `missing` is not empty: the composite was renormalised */
  renormalised: boolean;
};

/**
 * The composite of one teacher: each rater group's score with its number of valid
 * responses; a group counts when it has at least its minimum; the weights of the groups that
 * count are renormalised to sum to 1 and the result is flagged when a weighted group is missing.
 */
export function composite(
  p: ScoringPolicy,
  type: string | null,
  groups: Partial<Record<CompositeGroup, { score: number; n: number }>>,
): Composite {
  const table = weightsFor(p, type);
  const weightOf = (g: CompositeGroup) => table[g] ?? 0; // a group the table leaves out weighs nothing
  const weighted = COMPOSITE_GROUPS.filter((g) => weightOf(g) > 0);
  const counting = weighted.flatMap((g) => {
    const figure = groups[g];
    return figure !== undefined && figure.n >= minRatersFor(p, g) ? [{ group: g, weight: weightOf(g), score: figure.score }] : [];
  });
  const missing = weighted.filter((g) => !counting.some((c) => c.group === g));
  const total = counting.reduce((a, c) => a + c.weight, 0);
  if (counting.length === 0 || total <= 0) return { score: null, used: {}, missing, renormalised: missing.length > 0 };
  const used = Object.fromEntries(counting.map((c) => [c.group, c.weight / total])) as Partial<Record<CompositeGroup, number>>;
  const score = counting.reduce((a, c) => a + (c.weight / total) * c.score, 0);
  return { score, used, missing, renormalised: missing.length > 0 };
}
