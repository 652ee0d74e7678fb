import { sql, type SQL } from "drizzle-orm";
import type { Role } from "@/db/schema";
import { CAMPAIGN_KINDS, RATER_GROUPS } from "@/db/schema/campaigns";
import type { INSTRUMENT_KINDS } from "@/db/schema/instruments";

export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];
export type RaterGroup = (typeof RATER_GROUPS)[number];
export type InstrumentKind = (typeof INSTRUMENT_KINDS)[number];
export type CampaignState = "draft" | "open" | "closed" | "published";

/** Who may create and run campaigns: the quality office (school), a unit admin (its unit). */
export const CAMPAIGN_MANAGE_ROLES = ["quality_admin", "unit_admin"] as const satisfies readonly Role[];

/**
 * The rater groups a campaign of each kind may have, and the instrument kind each group
 * answers. A campaign's instrument version for a group must be of exactly that kind:
 *
 * | campaign kind | rater group → instrument kind |
 * |---|---|
 * | end_of_term | student → student_evaluation, self → self_evaluation, peer → peer_evaluation, supervisor → supervisor_observation, leader → leader_observation |
 * | observation_round | peer → peer_evaluation, supervisor → supervisor_observation, leader → leader_observation |
 * | self_evaluation | self → self_evaluation |
 * | info_officer | student → info_officer_report |
 * | learning_experience | student → learning_experience |
 * | teaching_experience | self → teaching_experience (teachers answer about their own teaching) |
 * | graduating_satisfaction | student → graduating_satisfaction |
 * | graduate_tracking | alumni → graduate_tracking |
 * | employer_tracking | employer → employer_tracking |
 * | mid_term | student → mid_term_feedback (its own short questionnaire: its figures never pool with end-of-term ones) |
 */
export const INSTRUMENT_KIND_FOR: Record<CampaignKind, Partial<Record<RaterGroup, InstrumentKind>>> = {
  end_of_term: {
    student: "student_evaluation",
    self: "self_evaluation",
    peer: "peer_evaluation",
    supervisor: "supervisor_observation",
    leader: "leader_observation",
  },
  observation_round: { peer: "peer_evaluation", supervisor: "supervisor_observation", leader: "leader_observation" },
  self_evaluation: { self: "self_evaluation" },
  info_officer: { student: "info_officer_report" },
  learning_experience: { student: "learning_experience" },
  teaching_experience: { self: "teaching_experience" },
  graduating_satisfaction: { student: "graduating_satisfaction" },
  graduate_tracking: { alumni: "graduate_tracking" },
  employer_tracking: { employer: "employer_tracking" },
  mid_term: { student: "mid_term_feedback" },
};

/** Rater groups that answer anonymously (blind-signed tokens); the others are named. */
export const ANONYMOUS_GROUPS = ["student", "alumni", "employer"] as const satisfies readonly RaterGroup[];

/** Campaign kinds that run within a term (a term is required); the tracking kinds take none. */
export const TERM_KINDS: readonly CampaignKind[] = CAMPAIGN_KINDS.filter((k) => k !== "graduate_tracking" && k !== "employer_tracking");

/** Campaign kinds whose targets are teacher × section. */
export const SECTION_KINDS: readonly CampaignKind[] = ["end_of_term", "observation_round", "mid_term"];

/**
 * Section kinds whose eligibility generateAssignments makes from the term's teaching: the
 * enrolled students of each section ("student"), each teacher for their own target ("self"),
 * for the groups the campaign has an instrument for. (An observation round plans observers instead.)
 */
export const ENROLMENT_KINDS: readonly CampaignKind[] = ["end_of_term", "mid_term"];

/**
 * Formative kinds: their figures are computed and shown (the teacher sees their own results
 * on the results pages, with the minimum of raters) but feed no judgement of the teacher: no
 * teacher composite (figures.ts), no appraisal band or dossier (server/appraisal), no warning
 * (server/warnings/kinds.ts), no improvement measurement (server/improvement/figures.ts), and
 * an open one leaves the composites final (server/scoring/results.ts).
 */
export const FORMATIVE_KINDS: readonly CampaignKind[] = ["mid_term"];

/** SQL: whether the campaign row `c` (a table alias) is of a formative kind. */
export const formativeSql = (c: SQL = sql.raw("c")) => sql`(${c}.kind::text = any(${`{${FORMATIVE_KINDS.join(",")}}`}::text[]))`;

/** Distances from graduation a graduate tracking wave may survey (years). */
export const COHORT_OFFSETS = [0.5, 3, 5] as const;

/** The observation rater groups planObservations assigns. */
export const OBSERVER_GROUPS = ["supervisor", "peer", "leader"] as const satisfies readonly RaterGroup[];
export type ObserverGroup = (typeof OBSERVER_GROUPS)[number];

/**
 * The graduation year a wave at `offsetYears` after graduation surveys when it opens at
 * `opensAt` (graduation taken as 1 July): e.g. a wave opening in December 2026 surveys
 * the 2026 graduates at 0.5, 2023 at 3 and 2021 at 5 years. Forms may prefill with it.
 */
export function cohortYearFor(opensAt: Date, offsetYears: number): number {
  const y = opensAt.getUTCFullYear();
  const frac = (opensAt.getTime() - Date.UTC(y, 0, 1)) / (Date.UTC(y + 1, 0, 1) - Date.UTC(y, 0, 1));
  return Math.round(y + frac - offsetYears - 0.5);
}
