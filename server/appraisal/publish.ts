import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { appraisalRuns, appraisalVersionRows, appraisalVersions } from "@/db/schema";
import { recordAudit } from "../kernel/audit";
import { badRequest, DomainError } from "../kernel/errors";
import { addDays, beijingDate, weekday } from "../kernel/time";
import { currentPolicy } from "../scoring/policies";
import type { Actor, Clock } from "./vetoes";
import { idSchema, schoolYearSchema } from "../kernel/ids";
import { one } from "@/db/query";
import { parseInput } from "../kernel/validate";

/**
 * Publishing a year's appraisal (公示) and its versions. A version is a frozen copy of the
 * year's bands (appraisal_version_rows, append-only by trigger):
 *   prepare   HR: a draft from the bands of the policy in force (a later version needs a reason)
 *   request   HR: draft → pending (the quality office's approval asked)
 *   approve   the quality office: pending → notice, from today (Beijing) for NOTICE_WORKING_DAYS
 *             working days (Monday–Friday); the version in force before it is superseded
 *   lock      HR: notice → locked, once the notice has ended
 * From the notice on, recomputes and new responses change the live bands only; teachers see the
 * version in force (notice or locked), nothing before it. An upheld appeal makes a new version
 * from the one in force with the teacher's row corrected (appeals.ts), in the same state.
 */

export const NOTICE_WORKING_DAYS = 5;
export const yearInput = z.object({ schoolYear: schoolYearSchema }).strict();
export const prepareInput = yearInput.extend({ reason: z.string().trim().min(1).max(2000).optional() }).strict();
export const versionIdInput = z.object({ versionId: idSchema }).strict();

/** The last day of n working days (Monday–Friday) starting on `date` (counted if a working day). */
export function workingDaysFrom(date: string, n: number): string {
  let d = date,
    left = n;
  for (;;) {
    const day = weekday(d);
    if (day !== 0 && day !== 6) left--;
    if (left <= 0) return d;
    d = addDays(d, 1);
  }
}

export type VersionRow = typeof appraisalVersions.$inferSelect;

export async function versionsOf(db: DbOrTx, schoolYear: string): Promise<VersionRow[]> {
  return db.select().from(appraisalVersions).where(eq(appraisalVersions.schoolYear, schoolYear)).orderBy(desc(appraisalVersions.version));
}
/** The version in force (on notice or locked), or null: before it teachers see nothing. */
export async function versionInForce(db: DbOrTx, schoolYear: string): Promise<VersionRow | null> {
  const [v] = await db
    .select()
    .from(appraisalVersions)
    .where(and(eq(appraisalVersions.schoolYear, schoolYear), inArray(appraisalVersions.status, ["notice", "locked"])));
  return v ?? null;
}
async function versionById(db: DbOrTx, id: number): Promise<VersionRow> {
  const [v] = await db.select().from(appraisalVersions).where(eq(appraisalVersions.id, id));
  if (!v) throw new DomainError("NOT_FOUND", "errors.notFound");
  return v;
}
async function nextNumber(db: DbOrTx, schoolYear: string): Promise<number> {
  const r = one(
    await db
      .select({ n: sql<number>`coalesce(max(${appraisalVersions.version}), 0)` })
      .from(appraisalVersions)
      .where(eq(appraisalVersions.schoolYear, schoolYear)),
  );
  return Number(r.n) + 1;
}

export async function prepareVersion(db: DbOrTx, actor: Actor, now: Clock, raw: z.input<typeof prepareInput>): Promise<VersionRow> {
  const input = parseInput(prepareInput, raw);
  const y = input.schoolYear;
  const policy = await currentPolicy(db, y);
  const [run] = policy ? await db.select().from(appraisalRuns).where(eq(appraisalRuns.policyId, policy.id)) : [];
  if (!policy || !run) throw badRequest("appraisal.errors.noResults", { year: y });
  const existing = await versionsOf(db, y);
  if (existing.some((v) => v.status === "draft" || v.status === "pending")) {
    throw new DomainError("CONFLICT", "appraisal.errors.publishState", { state: "draft" });
  }
  if (existing.length > 0 && !input.reason) throw badRequest("appraisal.errors.frozen", { year: y });
  const v = one(
    await db
      .insert(appraisalVersions)
      .values({
        schoolYear: y,
        version: await nextNumber(db, y),
        policyId: policy.id,
        runId: run.runId,
        status: "draft",
        reason: input.reason ?? null,
        rules: run.rules,
        quota: run.quota,
        createdBy: actor.id,
        createdAt: now(),
      })
      .returning(),
  );
  await db.execute(sql`insert into appraisal_version_rows (version_id, teacher_id, unit_id, score, se, ci_low, ci_high, band, reason,
      veto_code, borderline, annual_fail, rank, rank_of, detail)
    select ${v.id}, teacher_id, unit_id, score, se, ci_low, ci_high, band, reason, veto_code, borderline, annual_fail, rank, rank_of, detail
    from appraisal_results where policy_id = ${policy.id}`);
  await recordAudit(db, {
    actorId: actor.id,
    action: "appraisal.version.prepare",
    subject: `appraisal:${y}`,
    detail: { version: v.version, reason: v.reason },
  });
  return v;
}

export async function requestApproval(db: DbOrTx, actor: Actor, now: Clock, raw: z.input<typeof versionIdInput>) {
  const { versionId } = parseInput(versionIdInput, raw);
  const v = await versionById(db, versionId);
  if (v.status !== "draft") throw new DomainError("CONFLICT", "appraisal.errors.publishState", { state: v.status });
  await db
    .update(appraisalVersions)
    .set({ status: "pending", requestedBy: actor.id, requestedAt: now() })
    .where(eq(appraisalVersions.id, v.id));
  await recordAudit(db, {
    actorId: actor.id,
    action: "appraisal.version.request",
    subject: `appraisal:${v.schoolYear}`,
    detail: { version: v.version },
  });
}

export async function approveVersion(db: DbOrTx, actor: Actor, now: Clock, raw: z.input<typeof versionIdInput>) {
  const { versionId } = parseInput(versionIdInput, raw);
  const v = await versionById(db, versionId);
  if (v.status !== "pending") throw new DomainError("CONFLICT", "appraisal.errors.publishState", { state: v.status });
  const from = beijingDate(now());
  const before = await versionInForce(db, v.schoolYear);
  if (before)
    await db.update(appraisalVersions).set({ status: "superseded", supersededBy: v.id }).where(eq(appraisalVersions.id, before.id));
  await db
    .update(appraisalVersions)
    .set({
      status: "notice",
      approvedBy: actor.id,
      approvedAt: now(),
      noticeFrom: from,
      noticeUntil: workingDaysFrom(from, NOTICE_WORKING_DAYS),
    })
    .where(eq(appraisalVersions.id, v.id));
  await recordAudit(db, {
    actorId: actor.id,
    action: "appraisal.version.approve",
    subject: `appraisal:${v.schoolYear}`,
    detail: { version: v.version },
  });
}

export async function lockVersion(db: DbOrTx, actor: Actor, now: Clock, raw: z.input<typeof versionIdInput>) {
  const { versionId } = parseInput(versionIdInput, raw);
  const v = await versionById(db, versionId);
  if (v.status !== "notice" || !v.noticeUntil || beijingDate(now()) <= v.noticeUntil) {
    throw new DomainError("CONFLICT", "appraisal.errors.publishState", {
      state: v.status === "notice" ? `notice → ${v.noticeUntil}` : v.status,
    });
  }
  await db.update(appraisalVersions).set({ status: "locked", lockedBy: actor.id, lockedAt: now() }).where(eq(appraisalVersions.id, v.id));
  await recordAudit(db, {
    actorId: actor.id,
    action: "appraisal.version.lock",
    subject: `appraisal:${v.schoolYear}`,
    detail: { version: v.version },
  });
}

/**
 * A new version in force from the one in force, with one teacher's row replaced (an upheld
 * appeal's correction): same state and notice dates; the one before superseded.
 */
export async function correctedVersion(
  db: DbOrTx,
  actor: Actor,
  now: Clock,
  p: {
    from: VersionRow;
    teacherId: number;
    band: "excellent" | "good" | "pass" | "fail" | null;
    reason: string;
    appealId: number;
  },
): Promise<VersionRow> {
  await db.update(appraisalVersions).set({ status: "superseded" }).where(eq(appraisalVersions.id, p.from.id));
  const v = one(
    await db
      .insert(appraisalVersions)
      .values({
        schoolYear: p.from.schoolYear,
        version: await nextNumber(db, p.from.schoolYear),
        policyId: p.from.policyId,
        runId: p.from.runId,
        status: p.from.status,
        reason: p.reason,
        rules: p.from.rules,
        quota: p.from.quota,
        createdBy: actor.id,
        createdAt: now(),
        requestedBy: p.from.requestedBy,
        requestedAt: p.from.requestedAt,
        approvedBy: p.from.approvedBy,
        approvedAt: p.from.approvedAt,
        noticeFrom: p.from.noticeFrom,
        noticeUntil: p.from.noticeUntil,
        lockedBy: p.from.lockedBy,
        lockedAt: p.from.lockedAt,
      })
      .returning(),
  );
  await db.update(appraisalVersions).set({ supersededBy: v.id }).where(eq(appraisalVersions.id, p.from.id));
  await db.execute(sql`insert into appraisal_version_rows (version_id, teacher_id, unit_id, score, se, ci_low, ci_high, band, reason,
      veto_code, borderline, annual_fail, rank, rank_of, detail)
    select ${v.id}, teacher_id, unit_id, score, se, ci_low, ci_high,
      case when teacher_id = ${p.teacherId} then ${p.band}::text else band end,
      case when teacher_id = ${p.teacherId} then 'appeal' else reason end,
      veto_code, borderline,
      case when teacher_id = ${p.teacherId} then ${p.band === "fail"} else annual_fail end,
      rank, rank_of,
      case when teacher_id = ${p.teacherId} then detail || jsonb_build_object('appeal', ${p.appealId}::int, 'previousBand', band) else detail end
    from appraisal_version_rows where version_id = ${p.from.id}`);
  await recordAudit(db, {
    actorId: actor.id,
    action: "appraisal.version.correct",
    subject: `appraisal:${v.schoolYear}`,
    detail: { version: v.version, teacher: p.teacherId, appeal: p.appealId },
  });
  return v;
}

/** One teacher's row in every version of a year (history), oldest first. */
export async function rowHistory(db: DbOrTx, schoolYear: string, teacherId: number) {
  return db
    .select({
      version: appraisalVersions.version,
      status: appraisalVersions.status,
      reason: appraisalVersions.reason,
      createdAt: appraisalVersions.createdAt,
      noticeFrom: appraisalVersions.noticeFrom,
      band: appraisalVersionRows.band,
      bandReason: appraisalVersionRows.reason,
      score: appraisalVersionRows.score,
    })
    .from(appraisalVersionRows)
    .innerJoin(appraisalVersions, eq(appraisalVersions.id, appraisalVersionRows.versionId))
    .where(and(eq(appraisalVersions.schoolYear, schoolYear), eq(appraisalVersionRows.teacherId, teacherId)))
    .orderBy(appraisalVersions.version);
}
