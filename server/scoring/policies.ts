import { createHash } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { scoringPolicies } from "@/db/schema";
import { canonicalJson } from "../instruments/diff";
import { notFound } from "../kernel/errors";
import { z } from "zod";
import { idSchema, schoolYearSchema } from "../kernel/ids";
import { lifecycle, selectWithPeople } from "../kernel/lifecycle";
import { parsePolicy, type ScoringPolicy } from "./policy";

/**
 * Scoring policies in the database, versioned per school year with the lifecycle of every
 * versioned, approved thing (server/kernel/lifecycle.ts):
 *
 * - createPolicy: a policy file, checked by parsePolicy (every default filled in, so the stored
 *   text says everything), becomes the next version of its school year, as a draft. The same
 *   policy again (sha256 of the canonical JSON) is "unchanged".
 * - approvePolicy: the committee's approval (who, when, note), once, on a draft not older than
 *   an approved version. The year's current policy is its latest approved version: figures
 *   are computed under it, and every figure names it (target_results.policy_id).
 * - retirePolicy: an approved version (or a draft) is retired for good; its figures stay
 *   (history), none are computed under it any more.
 */

export const POLICY_NOTE_MAX = 2000;

// The inputs of the policy procedures (server/api/routers/scoring.ts).
export const schoolYearInput = z.object({ schoolYear: schoolYearSchema });
export const policyIdInput = z.object({ id: idSchema });
/** A policy file as sent (checked by parsePolicy, which names its problem in the user's language). */
export const policyFileInput = z.object({ policy: z.unknown() });
export const approvePolicyInput = z.object({ id: idSchema, note: z.string().trim().min(1).max(POLICY_NOTE_MAX) });

/** The lifecycle of scoring policies: a series per school year. */
export const policyLifecycle = lifecycle({
  table: scoringPolicies,
  series: "schoolYear",
  codes: {
    notFound: "scoring.errors.policyNotFound",
    noteRequired: "scoring.errors.noteRequired",
    alreadyApproved: "scoring.errors.alreadyApproved",
    alreadyRetired: "scoring.errors.alreadyRetired",
    newerApproved: "scoring.errors.newerApproved",
  },
  audit: { action: "scoring.policy", subject: (p) => `${p.schoolYear} v${p.version}` },
  noteMax: POLICY_NOTE_MAX,
  lockKey: "policy",
});

export function policyHash(p: ScoringPolicy): string {
  return createHash("sha256").update(canonicalJson(p)).digest("hex");
}

/** The documented defaults for a school year: students 50 %, supervisors 30 %, peers 20 %. */
export function defaultPolicy(schoolYear: string): ScoringPolicy {
  return parsePolicy({
    key: `${schoolYear} 学年评分方案`,
    schoolYear,
    weights: { default: { student: 0.5, supervisor: 0.3, peer: 0.2 } },
  });
}

export type PolicyRow = { id: number; schoolYear: string; version: number; status: string; policy: ScoringPolicy };

function listQuery(db: DbOrTx) {
  return selectWithPeople(db, scoringPolicies, {
    id: scoringPolicies.id,
    schoolYear: scoringPolicies.schoolYear,
    version: scoringPolicies.version,
    status: scoringPolicies.status,
    policy: scoringPolicies.policy,
    hash: scoringPolicies.hash,
    createdAt: scoringPolicies.createdAt,
    approvedAt: scoringPolicies.approvedAt,
    approvalNote: scoringPolicies.approvalNote,
    retiredAt: scoringPolicies.retiredAt,
  });
}

export type PolicySummary = Awaited<ReturnType<typeof listQuery>>[number] & { current: boolean };

/** Every policy version, newest school year and version first; `current` marks each year's policy in force. */
export async function listPolicies(db: DbOrTx): Promise<PolicySummary[]> {
  const rows = await listQuery(db).orderBy(desc(scoringPolicies.schoolYear), desc(scoringPolicies.version));
  const current = new Set<number>();
  const seen = new Set<string>();
  for (const r of rows) {
    if (r.status === "approved" && !seen.has(r.schoolYear)) {
      seen.add(r.schoolYear);
      current.add(r.id);
    }
  }
  return rows.map((r) => ({ ...r, current: current.has(r.id) }));
}

export async function getPolicy(db: DbOrTx, id: number) {
  const [row] = await listQuery(db).where(eq(scoringPolicies.id, id));
  if (!row) throw notFound("scoring.errors.policyNotFound");
  return row;
}

/** The policy in force for a school year (its latest approved version), or null. */
export async function currentPolicy(db: DbOrTx, schoolYear: string): Promise<PolicyRow | null> {
  const row = await policyLifecycle.current(db, schoolYear);
  return row ? { id: row.id, schoolYear: row.schoolYear, version: row.version, status: row.status, policy: parsePolicy(row.policy) } : null;
}

/** Every school year's policy in force. */
export async function currentPolicies(db: DbOrTx): Promise<PolicyRow[]> {
  const years = await db
    .selectDistinct({ y: scoringPolicies.schoolYear })
    .from(scoringPolicies)
    .where(eq(scoringPolicies.status, "approved"));
  const out: PolicyRow[] = [];
  for (const { y } of years) {
    const p = await currentPolicy(db, y);
    if (p) out.push(p);
  }
  return out;
}

export async function createPolicy(db: DbOrTx, raw: unknown, actorId: number | null) {
  const policy = parsePolicy(raw);
  const made = await policyLifecycle.create(db, {
    series: policy.schoolYear,
    hash: policyHash(policy),
    actorId,
    values: { policy: policy },
  });
  return { ...made, schoolYear: policy.schoolYear };
}

export async function approvePolicy(db: DbOrTx, id: number, actorId: number, note: string, now: Date) {
  const p = await policyLifecycle.approve(db, id, actorId, note, now);
  return { id, schoolYear: p.schoolYear, version: p.version };
}

export async function retirePolicy(db: DbOrTx, id: number, actorId: number, now: Date) {
  const p = await policyLifecycle.retire(db, id, actorId, now);
  return { id, schoolYear: p.schoolYear, version: p.version };
}
