import { z } from "zod";
import { badRequest } from "@/server/kernel/errors";

/**
 * The appraisal rules of a school year: an optional part (`appraisal`) of the scoring policy
 * (server/scoring/policy.ts), versioned and approved with it. A policy without it uses the
 * defaults below. `checkAppraisalRules` refuses what zod cannot express, each with its own
 * message (appraisal.errors.*, both languages), so nothing is banded under bad rules.
 *
 *   cutoffs     composite (0–100) at or above which a band starts: excellent 90 (优秀),
 *               good 75 (良好), pass 60 (合格); below pass: fail (不合格). Strictly decreasing,
 *               each in [0, 100].
 *   quota       at most floor(share × banded teachers) 优秀 per scope ("school", or "unit":
 *               the teacher's college), share in (0, 1], default 0.2
 *   caps        optional, off (null) by default: goodOrBetterMax, the largest share of
 *               excellent + good; passOrFailMin, the smallest share of pass + fail; each in (0, 1]
 *   evidence    optional minimums before a teacher is banded at all (the composite must exist
 *               in any case): minTerms, terms of the year with a composite; minResponseRate,
 *               the students' pooled response rate (valid responses ÷ eligible) in [0, 1]
 *   confidence  the level of the composite's interval used for the borderline mark (0.95)
 */

export const BANDS = ["excellent", "good", "pass", "fail"] as const;
export type Band = (typeof BANDS)[number];
export const EXEMPTION_KINDS = ["visiting", "further_study", "training", "secondment", "maternity"] as const;
export type ExemptionKind = (typeof EXEMPTION_KINDS)[number];

export const DEFAULT_APPRAISAL = {
  cutoffs: { excellent: 90, good: 75, pass: 60 },
  quota: { share: 0.2, scope: "school" as "school" | "unit" },
  caps: { goodOrBetterMax: null as number | null, passOrFailMin: null as number | null },
  evidence: { minTerms: null as number | null, minResponseRate: null as number | null },
  confidence: 0.95,
};

const finite = z.number().finite();

export const appraisalRulesSchema = z
  .object({
    cutoffs: z.object({ excellent: finite, good: finite, pass: finite }).strict().default(DEFAULT_APPRAISAL.cutoffs),
    quota: z
      .object({ share: finite.default(0.2), scope: z.enum(["school", "unit"]).default("school") })
      .strict()
      .default({ share: 0.2, scope: "school" }),
    caps: z
      .object({ goodOrBetterMax: finite.nullable().default(null), passOrFailMin: finite.nullable().default(null) })
      .strict()
      .default({ goodOrBetterMax: null, passOrFailMin: null }),
    evidence: z
      .object({ minTerms: z.number().int().min(1).max(4).nullable().default(null), minResponseRate: finite.nullable().default(null) })
      .strict()
      .default({ minTerms: null, minResponseRate: null }),
    confidence: z.literal(0.95).default(0.95),
  })
  .strict();

export type AppraisalRules = z.output<typeof appraisalRulesSchema>;

/** The rules with every default filled, checked; throws appraisal.errors.* on the first problem. */
export function checkAppraisalRules(r: AppraisalRules): AppraisalRules {
  const { excellent, good, pass } = r.cutoffs;
  for (const [name, v] of [
    ["excellent", excellent],
    ["good", good],
    ["pass", pass],
  ] as const) {
    if (v < 0 || v > 100) throw badRequest("appraisal.errors.cutoffRange", { band: name, value: v });
  }
  if (!(excellent > good && good > pass)) throw badRequest("appraisal.errors.cutoffsOrder", { excellent, good, pass });
  if (!(r.quota.share > 0 && r.quota.share <= 1)) throw badRequest("appraisal.errors.quotaShare", { share: r.quota.share });
  for (const [name, v] of [
    ["goodOrBetterMax", r.caps.goodOrBetterMax],
    ["passOrFailMin", r.caps.passOrFailMin],
  ] as const) {
    if (v !== null && !(v > 0 && v <= 1)) throw badRequest("appraisal.errors.capShare", { cap: name, share: v });
  }
  const rate = r.evidence.minResponseRate;
  if (rate !== null && !(rate >= 0 && rate <= 1)) throw badRequest("appraisal.errors.responseRateFloor", { rate });
  return r;
}

/** Parses and checks rules on their own (the policy page and tests); the defaults when absent. */
export function parseAppraisalRules(raw: unknown): AppraisalRules {
  const r = appraisalRulesSchema.safeParse(raw ?? {});
  if (!r.success) throw badRequest("appraisal.errors.rulesInvalid", { path: r.error.issues[0]?.path.join(".") || "(root)" });
  return checkAppraisalRules(r.data);
}

/** The rules a policy holds, or the defaults when it has none. */
export function rulesOf(policy: { appraisal?: AppraisalRules }): AppraisalRules {
  return policy.appraisal ?? appraisalRulesSchema.parse({});
}
