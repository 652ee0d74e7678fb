import { and, eq, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryOne, queryRow, one } from "@/db/query";
import {
  courses,
  improvementAttachments,
  improvementEvents,
  improvementItems,
  IMPROVEMENT_SOURCES,
  persons,
  programmes,
  sections,
  units,
  type ImprovementSourceRef,
  type OrderFigure,
} from "@/db/schema";
import type { SessionUser } from "../auth/users";
import { ORDER_VERIFY_ROLES } from "../access/roles";
import { hasRole, inScope, unitScope } from "../access/scope";
import { recordAudit } from "../kernel/audit";
import { DomainError } from "../kernel/errors";
import type { GroupKey } from "../i18n/messages";
import { idSchema } from "../kernel/ids";
import { beijingDate } from "../kernel/time";
import { parseInput } from "../kernel/validate";
import { attachmentInput, decodeAttachments, MAX_ATTACHMENTS } from "./attachments";
import { effectOf } from "./figures";
import { checkStep, type OrderStep } from "./states";

/**
 * Rectification orders (整改通知, seed 001 附3): a finding goes to the responsible unit (and
 * person) with a deadline; the responsible side answers (问题检视答复, 整改措施, 预期效果),
 * the quality office verifies the evidence and closes the order (销号), keeps it open as
 * continuing (持续整改: a reason and the next review date, which becomes the new deadline),
 * reopens it with a reason (fed back again), or cancels it with a reason. The steps are the
 * table of states.ts; each is one event (who, when, note) in the step's transaction, audited.
 *
 * createOrder is the one way an order is made: by the quality office or a unit admin
 * through the router, and by other domains (a reviewed comment escalated, a warning rule,
 * an information officer's report, a teacher's self-diagnosis plan). With a dedupeKey
 * (a warning rule and its subject) at most one order per key is open: the partial unique
 * index improvement_items_open_dedupe_uq enforces it, and createOrder returns the open
 * order instead of a second one.
 */

export const err = (kind: DomainError["kind"], code: GroupKey<"improvement.errors">, params?: Record<string, string | number>) =>
  new DomainError(kind, `improvement.errors.${code}`, params);

/** Who answers for the order besides its responsible person: unit admins and leaders of its unit (or above). */
export const RESPONSIBLE_ROLES = ["unit_admin", "leader"] as const;

export const NOTE_MAX = 2000;
export const CONTENT_MAX = 5000;
export const DEDUPE_KEY_MAX = 200;

export const dayText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "invalid date");
const text = (max: number) => z.string().trim().min(1).max(max);

/** The evidence an order links to (db/schema/improvement.ts ImprovementSourceRef). */
export const sourceRefSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("info_report"), id: idSchema }).strict(),
  z.object({ kind: z.literal("comment"), id: idSchema }).strict(),
  z.object({ kind: z.literal("warning"), id: idSchema }).strict(),
  z.object({ kind: z.literal("inspection"), id: idSchema, unitId: idSchema, item: z.string().min(1).max(100) }).strict(),
  z.object({ kind: z.literal("campaign"), id: idSchema, targetId: idSchema.optional() }).strict(),
  z.object({ kind: z.literal("observation"), id: idSchema }).strict(),
  z.object({ kind: z.literal("appraisal"), id: idSchema }).strict(),
  z.object({ kind: z.literal("attainment_run"), id: idSchema }).strict(),
  z.object({ kind: z.literal("section"), id: idSchema }).strict(),
  z.object({ kind: z.literal("course"), id: idSchema }).strict(),
  z.object({ kind: z.literal("programme"), id: idSchema }).strict(),
  z.object({ kind: z.literal("person"), id: idSchema }).strict(),
  z.object({ kind: z.literal("document"), title: text(200), url: z.string().url().max(1000).optional() }).strict(),
]) satisfies z.ZodType<ImprovementSourceRef>;

/** The figure an order is raised from (effectiveness: figures.ts measures it again next term). */
export const orderFigureSchema = z
  .object({
    figure: z.enum(["teacher_composite", "response_rate", "observation_score", "student_score"]),
    teacherId: idSchema,
    courseId: idSchema.nullish(),
    termId: idSchema,
    value: z.number().finite(),
    n: z.number().int().min(0),
    target: z.number().finite(),
  })
  .strict() satisfies z.ZodType<OrderFigure>;

export const createOrderInput = z
  .object({
    source: z.enum(IMPROVEMENT_SOURCES),
    sourceRef: sourceRefSchema.nullish(),
    unitId: idSchema,
    ownerId: idSchema.nullish(),
    courseId: idSchema.nullish(),
    programmeId: idSchema.nullish(),
    subjectPersonId: idSchema.nullish(),
    content: text(CONTENT_MAX),
    /** 时限: a Beijing day, today or later. */
    deadline: dayText,
    /** The day the finding was made (default: today). */
    reportedOn: dayText.optional(),
    dedupeKey: z.string().trim().min(1).max(DEDUPE_KEY_MAX).nullish(),
    figure: orderFigureSchema.nullish(),
  })
  .strict();
export type CreateOrderInput = z.input<typeof createOrderInput>;

/** The course and programme an order is about, from its input or its evidence (a section, course or programme). */
async function subjectOf(
  db: DbOrTx,
  input: z.infer<typeof createOrderInput>,
): Promise<{ courseId: number | null; programmeId: number | null }> {
  let courseId = input.courseId ?? null;
  let programmeId = input.programmeId ?? null;
  const ref = input.sourceRef;
  if (ref?.kind === "section" && courseId === null) {
    const [s] = await db.select({ courseId: sections.courseId }).from(sections).where(eq(sections.id, ref.id));
    if (!s) throw err("BAD_REQUEST", "badSourceRef", { detail: `section ${ref.id}` });
    courseId = s.courseId;
  }
  if (ref?.kind === "course" && courseId === null) courseId = ref.id;
  if (ref?.kind === "programme" && programmeId === null) programmeId = ref.id;
  if (courseId !== null) {
    const [c] = await db.select({ programmeId: courses.programmeId }).from(courses).where(eq(courses.id, courseId));
    if (!c) throw err("BAD_REQUEST", "badSourceRef", { detail: `course ${courseId}` });
    programmeId ??= c.programmeId;
  }
  if (programmeId !== null) {
    const [p] = await db.select({ id: programmes.id }).from(programmes).where(eq(programmes.id, programmeId));
    if (!p) throw err("BAD_REQUEST", "badSourceRef", { detail: `programme ${programmeId}` });
  }
  return { courseId, programmeId };
}

export type CreatedOrder = { id: number; created: boolean };

/**
 * Issues an order (status issued, one "issue" event, audited improvement.issue). `actor` is
 * who issues it, or null for the system (a warning rule run by the scheduler). The deadline
 * must be today or later (Beijing). With a dedupeKey and an open order of that key, nothing
 * is written and that order is returned with created: false. Access is the caller's: the
 * router lets the quality office issue anywhere and a unit admin within their units.
 */
export async function createOrder(db: DbOrTx, now: Date, actor: { id: number } | null, raw: CreateOrderInput): Promise<CreatedOrder> {
  const input = parseInput(createOrderInput, raw);
  const today = beijingDate(now);
  if (input.deadline < today) throw err("BAD_REQUEST", "deadlinePast", { deadline: input.deadline });
  const [u] = await db.select({ id: units.id }).from(units).where(eq(units.id, input.unitId));
  if (!u) throw err("BAD_REQUEST", "unitNotFound");
  for (const pid of [input.ownerId, input.subjectPersonId]) {
    if (pid == null) continue;
    const [p] = await db.select({ active: persons.active }).from(persons).where(eq(persons.id, pid));
    if (!p?.active) throw err("BAD_REQUEST", "ownerNotFound");
  }
  const subject = await subjectOf(db, input);
  const run = async (tx: DbOrTx): Promise<CreatedOrder> => {
    const row = await queryRow(
      tx,
      { id: col.int },
      sql`
      insert into improvement_items (source, source_ref, reported_on, unit_id, owner_id, course_id, programme_id, subject_person_id,
        content, deadline, status, dedupe_key, figure, created_by, created_at)
      values (${input.source}, ${input.sourceRef ? JSON.stringify(input.sourceRef) : null}::jsonb, ${input.reportedOn ?? today}::date,
        ${input.unitId}, ${input.ownerId ?? null}, ${subject.courseId}, ${subject.programmeId}, ${input.subjectPersonId ?? null},
        ${input.content}, ${input.deadline}::date, 'issued', ${input.dedupeKey ?? null},
        ${input.figure ? JSON.stringify(input.figure) : null}::jsonb, ${actor?.id ?? null}, ${now.toISOString()}::timestamptz)
      on conflict (dedupe_key) where dedupe_key is not null and status not in ('closed', 'cancelled') do nothing
      returning id`,
    );
    if (!row) {
      const open = await queryOne(
        tx,
        { id: col.int },
        sql`
        select id from improvement_items where dedupe_key = ${input.dedupeKey ?? null} and status not in ('closed', 'cancelled')`,
      );
      return { id: open.id, created: false };
    }
    await tx.insert(improvementEvents).values({
      itemId: row.id,
      at: now,
      actorId: actor?.id ?? null,
      kind: "issue",
      fromStatus: null,
      toStatus: "issued",
      note: null,
      data: { deadline: input.deadline, unitId: input.unitId, ownerId: input.ownerId ?? null },
    });
    await recordAudit(tx, {
      actorId: actor?.id ?? null,
      action: "improvement.issue",
      subject: `improvement_item ${row.id}`,
      detail: { source: input.source },
    });
    return { id: row.id, created: true };
  };
  return db.transaction(run);
}

export type OrderRow = typeof improvementItems.$inferSelect;

export async function getOrder(db: DbOrTx, id: number): Promise<OrderRow> {
  const [o] = await db.select().from(improvementItems).where(eq(improvementItems.id, id));
  if (!o) throw err("NOT_FOUND", "notFound");
  return o;
}

/** Whether the user answers for the order: its responsible person, or a unit admin or leader of its unit (or a unit above). */
export async function isResponsible(db: DbOrTx, user: SessionUser, o: Pick<OrderRow, "ownerId" | "unitId">): Promise<boolean> {
  if (o.ownerId === user.id) return true;
  return inScope(await unitScope(db, user, RESPONSIBLE_ROLES), o.unitId);
}

export const isQualityOffice = (user: SessionUser) => hasRole(user, ...ORDER_VERIFY_ROLES);

// ---- the steps --------------------------------------------------------------------------

const orderId = idSchema;
const attachments = z.array(attachmentInput).max(MAX_ATTACHMENTS).optional();

export const answerInput = z
  .object({
    orderId,
    response: text(CONTENT_MAX), // 问题检视答复
    measures: text(CONTENT_MAX), // 整改措施
    expectedEffect: text(CONTENT_MAX), // 预期效果
    attachments,
  })
  .strict();
export const verifyInput = z.object({ orderId, note: z.string().trim().max(NOTE_MAX).optional(), attachments }).strict();
export const closeInput = z
  .object({
    orderId,
    note: z.string().trim().max(NOTE_MAX).optional(),
    /**
     * An order raised from a figure closes as effective only once the next measurement reaches
     * its target; the quality office may close it before (or below) with this reason.
     */
    overrideReason: z.string().trim().max(NOTE_MAX).optional(),
    /** "You said, we did": a short public text for the students (orders from students). */
    publicSummary: z.string().trim().max(500).optional(),
  })
  .strict();
export const continueInput = z.object({ orderId, reason: text(NOTE_MAX), nextReviewOn: dayText }).strict();
export const reasonInput = z.object({ orderId, reason: text(NOTE_MAX) }).strict();
/** Reopening may give a new deadline (today or later) for the next answer. */
export const reopenInput = z.object({ orderId, reason: text(NOTE_MAX), deadline: dayText.optional() }).strict();

type StepPayload = {
  note: string | null;
  set?: PgUpdateSetSource<typeof improvementItems>;
  data?: Record<string, unknown>;
  files?: z.infer<typeof attachmentInput>[];
};

/**
 * Takes one step of the transition table: checks who may (the responsible side answers, the
 * quality office does the rest), checks the step from the order's status, updates the order
 * only if it is still in that status (a concurrent step gets the refusal), writes the event
 * and its attachments, and audits improvement.<step>. Nothing is written when anything is
 * refused.
 */
async function takeStep(db: DbOrTx, now: Date, actor: SessionUser, id: number, step: OrderStep, p: StepPayload) {
  const files = decodeAttachments(p.files ?? []);
  return db.transaction(async (tx) => {
    const o = await getOrder(tx, id);
    const t = checkStep(o.status, step);
    if (t.by === "responsible" ? !(await isResponsible(tx, actor, o)) : !isQualityOffice(actor)) {
      throw err("FORBIDDEN", t.by === "responsible" ? "notResponsible" : "qualityOnly");
    }
    if (t.reason && !p.note) throw err("BAD_REQUEST", "reasonRequired");
    const [moved] = await tx
      .update(improvementItems)
      .set({ ...p.set, status: t.to })
      .where(and(eq(improvementItems.id, id), eq(improvementItems.status, o.status)))
      .returning({ id: improvementItems.id });
    if (!moved) throw new DomainError("CONFLICT", "improvement.errors.badStep", { step, status: o.status });
    const ev = one(
      await tx
        .insert(improvementEvents)
        .values({
          itemId: id,
          at: now,
          actorId: actor.id,
          kind: step,
          fromStatus: o.status,
          toStatus: t.to,
          note: p.note,
          data: p.data ?? null,
        })
        .returning({ id: improvementEvents.id }),
    );
    if (files.length) {
      await tx
        .insert(improvementAttachments)
        .values(files.map((f) => ({ itemId: id, eventId: ev.id, name: f.name, mime: f.mime, size: f.size, content: f.bytes })));
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: `improvement.${step}`,
      subject: `improvement_item ${id}`,
      detail: { from: o.status, to: t.to },
    });
    return { id, status: t.to, eventId: ev.id };
  });
}

/** 答复: the responsible side's 问题检视答复, 整改措施 and 预期效果 (with evidence). */
export async function answerOrder(db: DbOrTx, now: Date, actor: SessionUser, raw: z.input<typeof answerInput>) {
  const i = parseInput(answerInput, raw);
  return takeStep(db, now, actor, i.orderId, "answer", {
    note: null,
    files: i.attachments,
    set: { response: i.response, measures: i.measures, expectedEffect: i.expectedEffect, answeredAt: now },
    data: { response: i.response, measures: i.measures, expectedEffect: i.expectedEffect },
  });
}

/** The quality office starts checking the answer's evidence (its own evidence may be attached). */
export async function verifyOrder(db: DbOrTx, now: Date, actor: SessionUser, raw: z.input<typeof verifyInput>) {
  const i = parseInput(verifyInput, raw);
  return takeStep(db, now, actor, i.orderId, "verify", { note: i.note || null, files: i.attachments });
}

/**
 * 销号. An order raised from a figure (effectiveness) is refused unless the figure's next
 * measurement exists and is at or above its target (improvement.errors.notEffectivePending /
 * notEffectiveBelow), or the quality office gives an overrideReason; the close event keeps the
 * measurement and the reason.
 */
export async function closeOrder(db: DbOrTx, now: Date, actor: SessionUser, raw: z.input<typeof closeInput>) {
  const i = parseInput(closeInput, raw);
  const o = await getOrder(db, i.orderId);
  const effect = await effectOf(db, o.figure);
  const override = i.overrideReason || null;
  if (effect && !effect.met && !override && o.status === "verifying" && isQualityOffice(actor)) {
    const shown = (x: number) => String(Math.round(x * 100) / 100);
    const p = { before: shown(effect.before.value), target: shown(effect.before.target) };
    throw effect.next
      ? err("CONFLICT", "notEffectiveBelow", { ...p, term: effect.next.termCode, value: shown(effect.next.value) })
      : err("CONFLICT", "notEffectivePending", p);
  }
  const data: Record<string, unknown> = {};
  if (i.publicSummary) data.publicSummary = i.publicSummary;
  if (effect) data.effect = { next: effect.next, met: effect.met, ...(override && !effect.met ? { overrideReason: override } : {}) };
  return takeStep(db, now, actor, i.orderId, "close", {
    note: i.note || (effect && !effect.met ? override : null),
    set: { closedAt: now, publicSummary: i.publicSummary || null, escalation: 0 },
    data: Object.keys(data).length ? data : undefined,
  });
}

/** 持续整改: the reason, and the next review date, which becomes the order's deadline. */
export async function continueOrder(db: DbOrTx, now: Date, actor: SessionUser, raw: z.input<typeof continueInput>) {
  const i = parseInput(continueInput, raw);
  if (i.nextReviewOn < beijingDate(now)) throw err("BAD_REQUEST", "reviewPast", { date: i.nextReviewOn });
  return takeStep(db, now, actor, i.orderId, "continue", {
    note: i.reason,
    set: { deadline: i.nextReviewOn, escalation: 0 },
    data: { nextReviewOn: i.nextReviewOn },
  });
}

/** 重新反馈: the answer falls short; the responsible side answers again. */
export async function reopenOrder(db: DbOrTx, now: Date, actor: SessionUser, raw: z.input<typeof reopenInput>) {
  const i = parseInput(reopenInput, raw);
  if (i.deadline && i.deadline < beijingDate(now)) throw err("BAD_REQUEST", "deadlinePast", { deadline: i.deadline });
  return takeStep(db, now, actor, i.orderId, "reopen", {
    note: i.reason,
    set: { reopenCount: sql`${improvementItems.reopenCount} + 1`, escalation: 0, ...(i.deadline ? { deadline: i.deadline } : {}) },
    data: i.deadline ? { deadline: i.deadline } : undefined,
  });
}

/** 撤销, with a reason; the order and its events stay. */
export async function cancelOrder(db: DbOrTx, now: Date, actor: SessionUser, raw: z.input<typeof reasonInput>) {
  const i = parseInput(reasonInput, raw);
  return takeStep(db, now, actor, i.orderId, "cancel", { note: i.reason });
}
