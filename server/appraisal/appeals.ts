import { and, count, desc, eq, inArray, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { appraisalAppeals, appraisalVersionRows, persons } from "@/db/schema";
import {
  ATTACHMENT_MAX_BYTES as KERNEL_ATTACHMENT_MAX_BYTES,
  checkAttachment as checkKernelAttachment,
  storedAttachmentType,
  type AttachmentPolicy,
} from "../kernel/attachments";
import { recordAudit } from "../kernel/audit";
import { badRequest, DomainError } from "../kernel/errors";
import { addDays, beijingDate } from "../kernel/time";
import type { QuotaCheck } from "./band";
import { correctedVersion, versionInForce, type VersionRow } from "./publish";
import { BANDS } from "./rules";
import type { Actor, Clock } from "./vetoes";
import { idSchema, schoolYearSchema } from "../kernel/ids";
import { one } from "@/db/query";
import { parseInput } from "../kernel/validate";

/**
 * 复核 then 申诉 (seed 000 第61条; 事业单位年度考核: 复核 within 10 days of the notice, a reply
 * within 10 days, then 申诉 once):
 *   file     the teacher, on the version in force, within APPEAL_WINDOW_DAYS of the notice's first
 *            day (a 申诉: of the review's rejection), about the band or a figure, with a reason
 *            and an optional attachment; one open case (submitted or assigned) per teacher and year
 *   assign   the quality office names a reviewer; due DECISION_DAYS later
 *   decide   the reviewer: upheld (with the corrected band: a new version in force) or rejected,
 *            with a written note
 * Every step has its date; the teacher sees them all.
 */
export const APPEAL_WINDOW_DAYS = 10;
export const DECISION_DAYS = 10;
const id = idSchema;

export const fileInput = z
  .object({
    schoolYear: schoolYearSchema,
    subject: z.enum(["band", "figure"]),
    reason: z.string().trim().min(1).max(4000),
  })
  .strict();

/**
 * An appeal's optional attachment (evidence: a scanned document, a photo, a letter), checked by
 * the one attachment check (server/kernel/attachments.ts): at most ATTACHMENT_MAX_BYTES (413,
 * appraisal.errors.attachmentTooLarge), and a PDF, JPEG, PNG or Word (.docx) file by its name's
 * extension and by its first bytes alike (400, appraisal.errors.attachmentType), stored under its
 * safe name. The upload route (app/api/appraisal/appeals) reads it; the bytes are stored with the
 * case.
 */
export const ATTACHMENT_MAX_BYTES = KERNEL_ATTACHMENT_MAX_BYTES;
const ATTACHMENT_POLICY: AttachmentPolicy = {
  kinds: ["pdf", "jpeg", "png", "docx"],
  maxBytes: ATTACHMENT_MAX_BYTES,
  tooLarge: "appraisal.errors.attachmentTooLarge",
  wrongType: "appraisal.errors.attachmentType",
};
export type Attachment = { name: string; bytes: Uint8Array };

export function checkAttachment(a: Attachment): { name: string; mime: string } {
  const { name, mime } = checkKernelAttachment(a, ATTACHMENT_POLICY);
  return { name, mime };
}

export const appealListInput = z.object({ schoolYear: schoolYearSchema, open: z.boolean().optional() }).strict();
export const assignInput = z.object({ appealId: id, reviewer: z.string().trim().min(1).max(64) }).strict();
export const decideInput = z
  .object({
    appealId: id,
    decision: z.enum(["upheld", "rejected"]),
    note: z.string().trim().min(1).max(4000),
    band: z.enum(BANDS).nullable().optional(),
  })
  .strict();

export type AppealRow = typeof appraisalAppeals.$inferSelect;

async function appealById(db: DbOrTx, appealId: number): Promise<AppealRow> {
  const [a] = await db.select().from(appraisalAppeals).where(eq(appraisalAppeals.id, appealId));
  if (!a) throw new DomainError("NOT_FOUND", "appraisal.errors.appealNotFound");
  return a;
}

export async function fileAppeal(
  db: DbOrTx,
  teacher: Actor,
  now: Clock,
  raw: z.input<typeof fileInput>,
  attachment?: Attachment,
): Promise<AppealRow> {
  const input = parseInput(fileInput, raw);
  const checked = attachment ? checkAttachment(attachment) : null;
  const y = input.schoolYear;
  const version = await versionInForce(db, y);
  if (!version || !version.noticeFrom) throw badRequest("appraisal.errors.notPublished", { year: y });
  const [row] = await db
    .select({ teacherId: appraisalVersionRows.teacherId })
    .from(appraisalVersionRows)
    .where(and(eq(appraisalVersionRows.versionId, version.id), eq(appraisalVersionRows.teacherId, teacher.id)));
  if (!row) throw badRequest("appraisal.errors.notPublished", { year: y });
  const mine = await db
    .select()
    .from(appraisalAppeals)
    .where(and(eq(appraisalAppeals.teacherId, teacher.id), eq(appraisalAppeals.schoolYear, y)))
    .orderBy(desc(appraisalAppeals.id));
  if (mine.some((a) => a.status === "submitted" || a.status === "assigned"))
    throw new DomainError("CONFLICT", "appraisal.errors.appealOpen", { year: y });
  const today = beijingDate(now());
  let stage: "review" | "appeal" = "review";
  let parentId: number | null = null;
  let opened = version.noticeFrom;
  if (mine.length > 0) {
    // after a review: only a rejected one may go on, once, to 申诉
    const review = mine.find((a) => a.stage === "review");
    if (!review || review.status !== "rejected" || mine.some((a) => a.stage === "appeal")) throw badRequest("appraisal.errors.appealStage");
    stage = "appeal";
    parentId = review.id;
    if (review.decidedAt === null) throw new TypeError(`appeal ${review.id}: rejected without the time it was decided`);
    opened = beijingDate(review.decidedAt);
  }
  const until = addDays(opened, APPEAL_WINDOW_DAYS);
  if (today > until) throw badRequest("appraisal.errors.appealWindow", { days: APPEAL_WINDOW_DAYS, until });
  const a = one(
    await db
      .insert(appraisalAppeals)
      .values({
        teacherId: teacher.id,
        schoolYear: y,
        versionId: version.id,
        stage,
        parentId,
        subject: input.subject,
        reason: input.reason,
        attachmentName: checked?.name ?? null,
        attachment: attachment && checked ? attachment.bytes : null,
        filedAt: now(),
      })
      .returning(),
  );
  await recordAudit(db, {
    actorId: teacher.id,
    action: `appraisal.appeal.file`,
    subject: `person:${teacher.id}`,
    detail: { appeal: a.id, stage, schoolYear: y },
  });
  return a;
}

export async function assignReviewer(db: DbOrTx, actor: Actor, now: Clock, raw: z.input<typeof assignInput>) {
  const input = parseInput(assignInput, raw);
  const a = await appealById(db, input.appealId);
  if (a.status !== "submitted" && a.status !== "assigned")
    throw new DomainError("CONFLICT", "appraisal.errors.appealState", { state: a.status });
  const [reviewer] = await db
    .select({ id: persons.id })
    .from(persons)
    .where(and(eq(persons.number, input.reviewer), eq(persons.kind, "staff")));
  if (!reviewer) throw badRequest("appraisal.errors.unknownTeacher", { teacher: input.reviewer });
  await db
    .update(appraisalAppeals)
    .set({
      status: "assigned",
      reviewerId: reviewer.id,
      assignedBy: actor.id,
      assignedAt: now(),
      dueOn: addDays(beijingDate(now()), DECISION_DAYS),
    })
    .where(eq(appraisalAppeals.id, a.id));
  await recordAudit(db, {
    actorId: actor.id,
    action: "appraisal.appeal.assign",
    subject: `person:${a.teacherId}`,
    detail: { appeal: a.id, reviewer: reviewer.id },
  });
}

export async function decideAppeal(db: DbOrTx, actor: Actor, now: Clock, raw: z.input<typeof decideInput>) {
  const input = parseInput(decideInput, raw);
  const a = await appealById(db, input.appealId);
  if (a.status !== "assigned") throw new DomainError("CONFLICT", "appraisal.errors.appealState", { state: a.status });
  if (a.reviewerId !== actor.id) throw new DomainError("FORBIDDEN", "appraisal.errors.notReviewer");
  let resultVersionId: number | null = null;
  if (input.decision === "upheld" && input.band !== undefined) {
    const from = await versionInForce(db, a.schoolYear);
    if (!from) throw badRequest("appraisal.errors.notPublished", { year: a.schoolYear });
    if (input.band === "excellent") await assertQuotaRoom(db, from, a.teacherId);
    const v = await correctedVersion(db, actor, now, {
      from,
      teacherId: a.teacherId,
      band: input.band,
      reason: input.note,
      appealId: a.id,
    });
    resultVersionId = v.id;
  }
  await db
    .update(appraisalAppeals)
    .set({
      status: input.decision,
      decidedBy: actor.id,
      decidedAt: now(),
      decisionNote: input.note,
      correction: input.band !== undefined ? { band: input.band } : null,
      resultVersionId,
    })
    .where(eq(appraisalAppeals.id, a.id));
  await recordAudit(db, {
    actorId: actor.id,
    action: "appraisal.appeal.decide",
    subject: `person:${a.teacherId}`,
    detail: { appeal: a.id, decision: input.decision, version: resultVersionId },
  });
}

/**
 * An upheld appeal that corrects a band to 优秀 takes a place of the quota like any other: the
 * scope's 优秀 count in the version in force (the teacher aside) must be below the quota that
 * version was banded with (its quota check for the teacher's scope: the school, or the teacher's
 * college when the quota is per unit). Otherwise the correction is refused
 * (appraisal.errors.correctionOverQuota) and nothing changes: the reviewer corrects to another
 * band, or HR makes a new version with a reason that reallocates the places.
 */
async function assertQuotaRoom(db: DbOrTx, from: VersionRow, teacherId: number) {
  const checks = from.quota as QuotaCheck[];
  const [me] = await db
    .select({ unitId: appraisalVersionRows.unitId, band: appraisalVersionRows.band })
    .from(appraisalVersionRows)
    .where(and(eq(appraisalVersionRows.versionId, from.id), eq(appraisalVersionRows.teacherId, teacherId)));
  if (!me || me.band === "excellent") return;
  const check = checks.find((q) => q.scope === "school") ?? checks.find((q) => q.unitId === me.unitId);
  if (!check) return;
  const conds = [
    eq(appraisalVersionRows.versionId, from.id),
    eq(appraisalVersionRows.band, "excellent"),
    ne(appraisalVersionRows.teacherId, teacherId),
  ];
  if (check.scope === "unit")
    conds.push(me.unitId === null ? isNull(appraisalVersionRows.unitId) : eq(appraisalVersionRows.unitId, me.unitId));
  const { used } = one(
    await db
      .select({ used: count() })
      .from(appraisalVersionRows)
      .where(and(...conds)),
  );
  if (used >= check.quota) throw badRequest("appraisal.errors.correctionOverQuota", { used, quota: check.quota });
}

/**
 * An appeal's attachment for its teacher, the quality office or its reviewer (anyone else: 403;
 * none attached: 404).
 */
export async function appealAttachment(db: DbOrTx, reader: { id: number; qualityOffice: boolean }, appealId: number) {
  const [a] = await db
    .select({
      teacherId: appraisalAppeals.teacherId,
      reviewerId: appraisalAppeals.reviewerId,
      name: appraisalAppeals.attachmentName,
      bytes: appraisalAppeals.attachment,
    })
    .from(appraisalAppeals)
    .where(eq(appraisalAppeals.id, appealId));
  if (!a) throw new DomainError("NOT_FOUND", "appraisal.errors.appealNotFound");
  if (a.teacherId !== reader.id && a.reviewerId !== reader.id && !reader.qualityOffice)
    throw new DomainError("FORBIDDEN", "errors.forbidden");
  if (!a.bytes || !a.name) throw new DomainError("NOT_FOUND", "appraisal.errors.appealNotFound");
  return { name: a.name, mime: storedAttachmentType(a.name, a.bytes), bytes: a.bytes };
}

/** Appeals without the attachment's bytes: a teacher's own, a reviewer's, or all of a year (quality office). */
export async function listAppeals(db: DbOrTx, where: { teacherId?: number; reviewerId?: number; schoolYear?: string; open?: boolean }) {
  const conds = [];
  if (where.teacherId !== undefined) conds.push(eq(appraisalAppeals.teacherId, where.teacherId));
  if (where.reviewerId !== undefined) conds.push(eq(appraisalAppeals.reviewerId, where.reviewerId));
  if (where.schoolYear !== undefined) conds.push(eq(appraisalAppeals.schoolYear, where.schoolYear));
  if (where.open) conds.push(inArray(appraisalAppeals.status, ["submitted", "assigned"]));
  return db
    .select({
      id: appraisalAppeals.id,
      teacherId: appraisalAppeals.teacherId,
      teacherName: persons.name,
      teacherNumber: persons.number,
      schoolYear: appraisalAppeals.schoolYear,
      stage: appraisalAppeals.stage,
      subject: appraisalAppeals.subject,
      reason: appraisalAppeals.reason,
      attachmentName: appraisalAppeals.attachmentName,
      status: appraisalAppeals.status,
      filedAt: appraisalAppeals.filedAt,
      reviewerId: appraisalAppeals.reviewerId,
      assignedAt: appraisalAppeals.assignedAt,
      dueOn: appraisalAppeals.dueOn,
      decidedAt: appraisalAppeals.decidedAt,
      decisionNote: appraisalAppeals.decisionNote,
      correction: appraisalAppeals.correction,
      resultVersionId: appraisalAppeals.resultVersionId,
    })
    .from(appraisalAppeals)
    .innerJoin(persons, eq(persons.id, appraisalAppeals.teacherId))
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(appraisalAppeals.id));
}
