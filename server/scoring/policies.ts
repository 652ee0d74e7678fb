import { createHash } from "node:crypto";
import { aliasedTable, and, desc, eq, gt, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { persons, scoringPolicies } from "@/db/schema";
import { recordAudit } from "../kernel/audit";
import { DomainError, notFound } from "../kernel/errors";
import { canonicalJson } from "../instruments/diff";
import { parsePolicy, type ScoringPolicy } from "./policy";

/**
 * Scoring policies in the database, versioned per school year and approved
 * like instrument versions (server/instruments/versions.ts):
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

export function policyHash(p: ScoringPolicy): string {
  return createHash("sha256").update(canonicalJson(p)).digest("hex");
}

/** The documented defaults for a school year: students 50 %, supervisors 30 %, peers 20 %. */
export function defaultPolicy(schoolYear: string): ScoringPolicy {
  return parsePolicy({
    key: `${schoolYear} 学年评分方案`, schoolYear,
    weights: { default: { student: 0.5, supervisor: 0.3, peer: 0.2 } },
  });
}

export type PolicyRow = { id: number; schoolYear: string; version: number; status: string; policy: ScoringPolicy };

const creator = aliasedTable(persons, "creator");
const approver = aliasedTable(persons, "approver");
const retirer = aliasedTable(persons, "retirer");

function listQuery(db: DbOrTx) {
  return db.select({
    id: scoringPolicies.id, schoolYear: scoringPolicies.schoolYear, version: scoringPolicies.version, status: scoringPolicies.status,
    policy: scoringPolicies.policy, hash: scoringPolicies.hash,
    createdAt: scoringPolicies.createdAt, createdByName: creator.name,
    approvedAt: scoringPolicies.approvedAt, approvedByName: approver.name, approvalNote: scoringPolicies.approvalNote,
    retiredAt: scoringPolicies.retiredAt, retiredByName: retirer.name,
  }).from(scoringPolicies)
    .leftJoin(creator, eq(creator.id, scoringPolicies.createdBy))
    .leftJoin(approver, eq(approver.id, scoringPolicies.approvedBy))
    .leftJoin(retirer, eq(retirer.id, scoringPolicies.retiredBy));
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
  const [row] = await db.select().from(scoringPolicies)
    .where(and(eq(scoringPolicies.schoolYear, schoolYear), eq(scoringPolicies.status, "approved")))
    .orderBy(desc(scoringPolicies.version)).limit(1);
  return row ? { id: row.id, schoolYear: row.schoolYear, version: row.version, status: row.status, policy: parsePolicy(row.policy) } : null;
}

/** Every school year's policy in force. */
export async function currentPolicies(db: DbOrTx): Promise<PolicyRow[]> {
  const years = await db.selectDistinct({ y: scoringPolicies.schoolYear }).from(scoringPolicies).where(eq(scoringPolicies.status, "approved"));
  const out: PolicyRow[] = [];
  for (const { y } of years) {
    const p = await currentPolicy(db, y);
    if (p) out.push(p);
  }
  return out;
}

export async function createPolicy(db: DbOrTx, raw: unknown, actorId: number | null) {
  const policy = parsePolicy(raw);
  const hash = policyHash(policy);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`policy:${policy.schoolYear}`}))`);
    const [same] = await tx.select({ id: scoringPolicies.id, version: scoringPolicies.version }).from(scoringPolicies)
      .where(and(eq(scoringPolicies.schoolYear, policy.schoolYear), eq(scoringPolicies.hash, hash)));
    if (same) return { status: "unchanged" as const, id: same.id, version: same.version, schoolYear: policy.schoolYear };
    const [{ max }] = await tx.select({ max: sql<number | null>`max(${scoringPolicies.version})` }).from(scoringPolicies)
      .where(eq(scoringPolicies.schoolYear, policy.schoolYear));
    const version = Number(max ?? 0) + 1;
    const [row] = await tx.insert(scoringPolicies).values({
      schoolYear: policy.schoolYear, version, hash, createdBy: actorId, policy: policy as unknown as Record<string, unknown>,
    }).returning({ id: scoringPolicies.id });
    await recordAudit(tx, { actorId, action: "scoring.policy.create", subject: `${policy.schoolYear} v${version}`, detail: { id: row.id, hash } });
    return { status: "created" as const, id: row.id, version, schoolYear: policy.schoolYear };
  });
}

async function lock(tx: DbOrTx, id: number) {
  const [p] = await tx.select().from(scoringPolicies).where(eq(scoringPolicies.id, id)).for("update");
  if (!p) throw notFound("scoring.errors.policyNotFound");
  return p;
}

export async function approvePolicy(db: DbOrTx, id: number, actorId: number, note: string, now: Date) {
  const text = note.trim();
  if (text.length < 1 || text.length > POLICY_NOTE_MAX) throw new DomainError("BAD_REQUEST", "scoring.errors.noteRequired", { max: POLICY_NOTE_MAX });
  return db.transaction(async (tx) => {
    const p = await lock(tx, id);
    if (p.status !== "draft") throw new DomainError("CONFLICT", p.status === "approved" ? "scoring.errors.alreadyApproved" : "scoring.errors.alreadyRetired", { version: p.version });
    const [newer] = await tx.select({ version: scoringPolicies.version }).from(scoringPolicies)
      .where(and(eq(scoringPolicies.schoolYear, p.schoolYear), gt(scoringPolicies.version, p.version), isNotNull(scoringPolicies.approvedAt)))
      .limit(1);
    if (newer) throw new DomainError("CONFLICT", "scoring.errors.newerApproved", { version: p.version, newer: newer.version });
    await tx.update(scoringPolicies).set({ status: "approved", approvedBy: actorId, approvedAt: now, approvalNote: text })
      .where(eq(scoringPolicies.id, id));
    await recordAudit(tx, { actorId, action: "scoring.policy.approve", subject: `${p.schoolYear} v${p.version}`, detail: { id, note: text } });
    return { id, schoolYear: p.schoolYear, version: p.version };
  });
}

export async function retirePolicy(db: DbOrTx, id: number, actorId: number, now: Date) {
  return db.transaction(async (tx) => {
    const p = await lock(tx, id);
    if (p.status === "retired") throw new DomainError("CONFLICT", "scoring.errors.alreadyRetired", { version: p.version });
    await tx.update(scoringPolicies).set({ status: "retired", retiredBy: actorId, retiredAt: now }).where(eq(scoringPolicies.id, id));
    await recordAudit(tx, { actorId, action: "scoring.policy.retire", subject: `${p.schoolYear} v${p.version}`, detail: { id } });
    return { id, schoolYear: p.schoolYear, version: p.version };
  });
}
