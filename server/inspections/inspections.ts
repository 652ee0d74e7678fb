import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryRow, queryRows } from "@/db/query";
import { INSPECTION_PHASES, IMPROVEMENT_STATUSES, inspections, inspectionUnits, terms, units, type InspectionPhase } from "@/db/schema";
import type { SessionUser } from "../auth/users";
import { INSPECTION_FILL_ROLES, INSPECTION_VIEW_ROLES } from "../access/roles";
import { inScope, unitScope } from "../access/scope";
import type { GroupKey, Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { checklistItems, PROBLEM_ANSWER, type ChecklistItem } from "../instruments/checklist";
import { readableAnswers, type ReadableAnswer } from "../instruments/readable";
import { validateAnswers } from "../instruments/validate";
import { getVersion, planOfVersion, requireApprovedVersion } from "../instruments/versions";
import { parseInput } from "../kernel/validate";
import { createOrder, dayText } from "../improvement/orders";
import { recordAudit } from "../kernel/audit";
import { DomainError } from "../kernel/errors";
import { idSchema } from "../kernel/ids";
import { beijingDate } from "../kernel/time";

/**
 * 期初、期中、期末教学检查 (seed 000 第41条). The quality office starts an inspection: its phase,
 * term, an approved checklist version (instrument kind "inspection", server/instruments/
 * checklist.ts), the units that must fill it in and a deadline. Each unit's admin fills in
 * the unit's checklist once (a named report of the unit, validated like every answer); the
 * quality office follows who has submitted, reads the problems (an item answered 不符合, or
 * any item with a problem text) and turns each into a rectification order to that unit
 * (source "inspection", linked to the inspection, unit and item), one by one or all at once;
 * the unit then answers the order through the order flow (server/improvement). One order per
 * problem, ever: its dedupe key `inspection:<inspection>:<unit>:<item>` is looked up in any
 * status before a new one is made.
 */

export const err = (kind: DomainError["kind"], code: GroupKey<"inspections.errors">, params?: Record<string, string | number>) =>
  new DomainError(kind, `inspections.errors.${code}`, params);

export const NAME_MAX = 200;
export const MAX_UNITS = 500;
const ITEM_MAX = 100;

export const createInspectionInput = z
  .object({
    name: z.string().trim().min(1).max(NAME_MAX),
    phase: z.enum(INSPECTION_PHASES),
    termId: idSchema,
    instrumentVersionId: idSchema,
    /** The units that must fill in the checklist (at least one: inspections.errors.noUnits). */
    unitIds: z.array(idSchema).max(MAX_UNITS),
    /** The last Beijing day to submit: today or later. */
    deadline: dayText,
  })
  .strict();

export const unitChecklistInput = z.object({ inspectionId: idSchema, unitId: idSchema }).strict();
export const submitChecklistInput = z
  .object({
    inspectionId: idSchema,
    unitId: idSchema,
    answers: z.record(z.string().max(200), z.unknown()).refine((a) => Object.keys(a).length <= 500),
  })
  .strict();
export const problemToOrderInput = z
  .object({
    inspectionId: idSchema,
    unitId: idSchema,
    item: z.string().min(1).max(ITEM_MAX),
    /** 时限 of the order: today or later. */
    deadline: dayText,
    ownerId: idSchema.nullish(),
  })
  .strict();
export const problemsToOrdersInput = z
  .object({
    inspectionId: idSchema,
    /** Only this unit's problems (default: every submitted unit's). */
    unitId: idSchema.optional(),
    deadline: dayText,
  })
  .strict();

/** The key of the one order a problem may become. */
export const problemKey = (inspectionId: number, unitId: number, item: string) => `inspection:${inspectionId}:${unitId}:${item}`;

/** Creates an inspection and its units' empty checklists, audited inspection.create. */
export async function createInspection(db: DbOrTx, now: Date, actor: { id: number }, raw: z.input<typeof createInspectionInput>) {
  const i = parseInput(createInspectionInput, raw);
  if (i.deadline < beijingDate(now)) throw err("BAD_REQUEST", "deadlinePast", { deadline: i.deadline });
  const unitIds = [...new Set(i.unitIds)];
  if (unitIds.length === 0) throw err("BAD_REQUEST", "noUnits");
  const [term] = await db.select({ id: terms.id }).from(terms).where(eq(terms.id, i.termId));
  if (!term) throw err("BAD_REQUEST", "termNotFound");
  const version = await requireApprovedVersion(db, i.instrumentVersionId);
  if (version.file.kind !== "inspection") throw err("BAD_REQUEST", "notChecklist");
  const found = await db
    .select({ id: units.id })
    .from(units)
    .where(and(inArray(units.id, unitIds), eq(units.active, true)));
  if (found.length !== unitIds.length) throw err("BAD_REQUEST", "unitNotFound");
  return db.transaction(async (tx) => {
    const [made] = await tx
      .insert(inspections)
      .values({
        name: i.name,
        phase: i.phase,
        termId: i.termId,
        instrumentVersionId: i.instrumentVersionId,
        deadline: i.deadline,
        createdBy: actor.id,
        createdAt: now,
      })
      .returning({ id: inspections.id });
    if (!made) throw new Error("insert into inspections returned no row");
    await tx.insert(inspectionUnits).values(unitIds.map((unitId) => ({ inspectionId: made.id, unitId })));
    await recordAudit(tx, {
      actorId: actor.id,
      action: "inspection.create",
      subject: `inspection ${made.id}`,
      detail: { phase: i.phase, termId: i.termId, versionId: i.instrumentVersionId, units: unitIds.length, deadline: i.deadline },
    });
    return { id: made.id };
  });
}

export type InspectionUnitStatus = "submitted" | "not_started" | "overdue";
const unitStatus = (submittedAt: Date | null, deadline: string, today: string): InspectionUnitStatus =>
  submittedAt ? "submitted" : deadline < today ? "overdue" : "not_started";

/** The problems of a submitted checklist: items answered 不符合, or with a problem text. */
export function problemsOf(items: readonly ChecklistItem[], answers: Record<string, unknown>) {
  return items.flatMap((it) => {
    const answer = answers[it.name];
    const text = answers[it.problem];
    const problem = typeof text === "string" ? text.trim() : "";
    return answer === PROBLEM_ANSWER || problem !== "" ? [{ item: it, answer: typeof answer === "string" ? answer : null, problem }] : [];
  });
}

const scopeSql = (scope: "all" | number[]) =>
  scope === "all"
    ? sql`true`
    : scope.length
      ? sql`u.unit_id in (${sql.join(
          scope.map((id) => sql`${id}`),
          sql`, `,
        )})`
      : sql`false`;

export type InspectionListRow = {
  id: number;
  name: string;
  phase: InspectionPhase;
  termCode: string;
  deadline: string;
  units: number;
  submitted: number;
  /** Submitted units / units, 0..1 (of the units the reader sees). */
  rate: number;
  overdue: boolean;
};

/**
 * The inspections the user sees, newest first: the quality office every one; a unit admin those
 * their units fill in, counted over their units only.
 */
export async function listInspections(db: DbOrTx, now: Date, user: SessionUser): Promise<InspectionListRow[]> {
  const scope = await unitScope(db, user, INSPECTION_VIEW_ROLES);
  const today = beijingDate(now);
  const rows = await queryRows(
    db,
    {
      id: col.int,
      name: col.text,
      phase: col.oneOf(INSPECTION_PHASES),
      term_code: col.text,
      deadline: col.text,
      units: col.int,
      submitted: col.int,
    },
    sql`
    select i.id, i.name, i.phase, t.code as term_code, i.deadline::text as deadline,
      count(u.id)::int as units, count(u.submitted_at)::int as submitted
    from inspections i join terms t on t.id = i.term_id join inspection_units u on u.inspection_id = i.id
    where ${scopeSql(scope)}
    group by i.id, t.code
    order by i.created_at desc, i.id desc
    limit 200`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    phase: r.phase,
    termCode: r.term_code,
    deadline: r.deadline,
    units: r.units,
    submitted: r.submitted,
    rate: r.units ? r.submitted / r.units : 0,
    overdue: r.deadline < today && r.submitted < r.units,
  }));
}

export type MyChecklist = {
  inspectionId: number;
  name: string;
  phase: InspectionPhase;
  termCode: string;
  deadline: string;
  unitId: number;
  unitName: string;
  unitNameEn: string | null;
  status: InspectionUnitStatus;
  submittedAt: Date | null;
};

/** A unit admin's checklists to fill in and filled in (their units'), those not submitted first. */
export async function myChecklists(db: DbOrTx, now: Date, user: SessionUser): Promise<MyChecklist[]> {
  const scope = await unitScope(db, user, INSPECTION_FILL_ROLES);
  const today = beijingDate(now);
  const rows = await queryRows(
    db,
    {
      id: col.int,
      name: col.text,
      phase: col.oneOf(INSPECTION_PHASES),
      term_code: col.text,
      deadline: col.text,
      unit_id: col.int,
      unit_name: col.text,
      unit_name_en: col.text.nullable,
      submitted_at: col.date.nullable,
    },
    sql`
    select i.id, i.name, i.phase, t.code as term_code, i.deadline::text as deadline, u.unit_id, un.name as unit_name,
      un.name_en as unit_name_en, u.submitted_at
    from inspection_units u join inspections i on i.id = u.inspection_id join terms t on t.id = i.term_id
      join units un on un.id = u.unit_id
    where ${scopeSql(scope)}
    order by (u.submitted_at is null) desc, i.deadline, i.id desc, un.code
    limit 200`,
  );
  return rows.map((r) => ({
    inspectionId: r.id,
    name: r.name,
    phase: r.phase,
    termCode: r.term_code,
    deadline: r.deadline,
    unitId: r.unit_id,
    unitName: r.unit_name,
    unitNameEn: r.unit_name_en,
    status: unitStatus(r.submitted_at, r.deadline, today),
    submittedAt: r.submitted_at,
  }));
}

async function inspectionRow(db: DbOrTx, id: number) {
  const row = await queryRow(
    db,
    {
      id: col.int,
      name: col.text,
      phase: col.oneOf(INSPECTION_PHASES),
      term_id: col.int,
      term_code: col.text,
      version_id: col.int,
      deadline: col.text,
      created_at: col.date,
      created_by_name: col.text.nullable,
    },
    sql`
    select i.id, i.name, i.phase, i.term_id, t.code as term_code, i.instrument_version_id as version_id, i.deadline::text as deadline,
      i.created_at, p.name as created_by_name
    from inspections i join terms t on t.id = i.term_id left join persons p on p.id = i.created_by
    where i.id = ${id}`,
  );
  if (!row) throw err("NOT_FOUND", "notFound");
  return row;
}

async function unitRow(db: DbOrTx, inspectionId: number, unitId: number) {
  const [u] = await db
    .select()
    .from(inspectionUnits)
    .where(and(eq(inspectionUnits.inspectionId, inspectionId), eq(inspectionUnits.unitId, unitId)));
  if (!u) throw err("NOT_FOUND", "unitNotInInspection");
  return u;
}

/** The orders made from an inspection's problems, by dedupe key (the latest per key). */
async function ordersOf(db: DbOrTx, inspectionId: number) {
  const rows = await queryRows(
    db,
    { id: col.int, status: col.oneOf(IMPROVEMENT_STATUSES), dedupe_key: col.text },
    sql`
    select id, status, dedupe_key from improvement_items
    where source = 'inspection' and dedupe_key like ${`inspection:${inspectionId}:%`}
    order by id`,
  );
  return new Map(rows.map((r) => [r.dedupe_key, { id: r.id, status: r.status }]));
}

export type InspectionProblem = {
  unitId: number;
  unitName: string;
  unitNameEn: string | null;
  item: string;
  title: { zh: string; en: string };
  answer: string | null;
  /** The answer's label in the reader's language (符合 / 基本符合 / 不符合). */
  answerText: string | null;
  problem: string;
  order: { id: number; status: (typeof IMPROVEMENT_STATUSES)[number] } | null;
};

/**
 * An inspection as its reader sees it: the quality office every unit, a unit admin their
 * units only (an inspection none of whose units they see is not found). Per unit its status
 * (submitted, not started, overdue), who submitted when and the answers in words; the
 * completion rate; and every problem of the submitted checklists with its order, if any.
 */
export async function inspectionDetail(db: DbOrTx, now: Date, user: SessionUser, id: number, locale: Locale) {
  const i = await inspectionRow(db, id);
  const scope = await unitScope(db, user, INSPECTION_VIEW_ROLES);
  const rows = await queryRows(
    db,
    {
      unit_id: col.int,
      unit_code: col.text,
      unit_name: col.text,
      unit_name_en: col.text.nullable,
      answers: col.json<Record<string, unknown>>().nullable,
      submitted_at: col.date.nullable,
      submitted_by_name: col.text.nullable,
    },
    sql`
    select u.unit_id, un.code as unit_code, un.name as unit_name, un.name_en as unit_name_en, u.answers, u.submitted_at,
      p.name as submitted_by_name
    from inspection_units u join units un on un.id = u.unit_id left join persons p on p.id = u.submitted_by
    where u.inspection_id = ${id} and ${scopeSql(scope)}
    order by un.code`,
  );
  if (rows.length === 0) throw err("NOT_FOUND", "notFound");
  const version = await getVersion(db, i.version_id);
  const survey = version.file.survey;
  const items = checklistItems(survey);
  const orders = await ordersOf(db, id);
  const today = beijingDate(now);
  const problems: InspectionProblem[] = [];
  const unitsOut = rows.map((r) => {
    const answers = r.answers;
    const found = answers ? problemsOf(items, answers) : [];
    const readable = answers ? readableAnswers(survey, answers, locale) : [];
    const labelOf = new Map(readable.map((a) => [a.name, a.text]));
    for (const p of found) {
      problems.push({
        unitId: r.unit_id,
        unitName: r.unit_name,
        unitNameEn: r.unit_name_en,
        item: p.item.name,
        title: p.item.title,
        answer: p.answer,
        answerText: labelOf.get(p.item.name) ?? null,
        problem: p.problem,
        order: orders.get(problemKey(id, r.unit_id, p.item.name)) ?? null,
      });
    }
    return {
      unitId: r.unit_id,
      code: r.unit_code,
      name: r.unit_name,
      nameEn: r.unit_name_en,
      status: unitStatus(r.submitted_at, i.deadline, today),
      submittedAt: r.submitted_at,
      submittedByName: r.submitted_by_name,
      problems: found.length,
      answers: readable satisfies ReadableAnswer[],
    };
  });
  const submitted = unitsOut.filter((u) => u.status === "submitted").length;
  return {
    id: i.id,
    name: i.name,
    phase: i.phase,
    termCode: i.term_code,
    deadline: i.deadline,
    createdAt: i.created_at,
    createdByName: i.created_by_name,
    checklist: { versionId: version.id, version: version.version, name: version.instrument.name, nameEn: version.instrument.nameEn },
    units: unitsOut,
    submitted,
    rate: unitsOut.length ? submitted / unitsOut.length : 0,
    problems,
  };
}

/** The unit's admin (unit_admin of the unit or a unit above it) and no one else fills in its checklist. */
async function assertFills(db: DbOrTx, user: SessionUser, unitId: number) {
  if (!inScope(await unitScope(db, user, INSPECTION_FILL_ROLES), unitId)) throw err("FORBIDDEN", "otherUnit");
}

/** A unit's checklist to fill in (or as submitted): the form, the deadline, the status and the answers. */
export async function unitChecklist(db: DbOrTx, now: Date, user: SessionUser, raw: z.input<typeof unitChecklistInput>, locale: Locale) {
  const input = parseInput(unitChecklistInput, raw);
  const i = await inspectionRow(db, input.inspectionId);
  const u = await unitRow(db, i.id, input.unitId);
  await assertFills(db, user, input.unitId);
  const [unit] = await db.select({ name: units.name, nameEn: units.nameEn }).from(units).where(eq(units.id, input.unitId));
  const version = await getVersion(db, i.version_id);
  return {
    inspectionId: i.id,
    name: i.name,
    phase: i.phase,
    termCode: i.term_code,
    deadline: i.deadline,
    unitId: input.unitId,
    unitName: unit?.name ?? "",
    unitNameEn: unit?.nameEn ?? null,
    status: unitStatus(u.submittedAt, i.deadline, beijingDate(now)),
    submittedAt: u.submittedAt,
    answers: u.answers,
    /** The submitted answers in words (empty until submitted). */
    readable: u.answers ? readableAnswers(version.file.survey, u.answers, locale) : [],
    versionId: version.id,
    survey: version.file.survey,
  };
}

/**
 * The unit's admin submits the unit's checklist, once, validated against the inspection's
 * checklist version (after the deadline too: it shows as late, not refused). Refused, with
 * nothing written: another unit's checklist (FORBIDDEN otherUnit), a unit not in the
 * inspection, a second submission (CONFLICT alreadySubmitted), answers the form refuses.
 */
export async function submitChecklist(
  db: DbOrTx,
  now: Date,
  actor: SessionUser,
  raw: z.input<typeof submitChecklistInput>,
  locale: Locale,
) {
  const input = parseInput(submitChecklistInput, raw);
  const i = await inspectionRow(db, input.inspectionId);
  const u = await unitRow(db, i.id, input.unitId);
  await assertFills(db, actor, input.unitId);
  if (u.submittedAt) throw err("CONFLICT", "alreadySubmitted", { date: beijingDate(u.submittedAt) });
  const result = validateAnswers(await planOfVersion(db, i.version_id), input.answers, locale);
  if (!result.ok) {
    throw new DomainError(
      "BAD_REQUEST",
      "inspections.errors.invalidAnswers",
      { count: result.errors.length },
      result.errors.map((e) => ({ question: e.question, code: e.code, message: e.message })),
    );
  }
  return db.transaction(async (tx) => {
    const [done] = await tx
      .update(inspectionUnits)
      .set({ answers: result.answers, submittedBy: actor.id, submittedAt: now })
      .where(and(eq(inspectionUnits.id, u.id), isNull(inspectionUnits.submittedAt)))
      .returning({ id: inspectionUnits.id });
    if (!done) throw err("CONFLICT", "alreadySubmitted", { date: beijingDate(now) });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "inspection.submit",
      subject: `inspection ${i.id}`,
      detail: { unitId: input.unitId, late: i.deadline < beijingDate(now) },
    });
    return { inspectionId: i.id, unitId: input.unitId, submittedAt: now };
  });
}

type Convertible = { inspection: Awaited<ReturnType<typeof inspectionRow>>; unitId: number; unitName: string } & ReturnType<
  typeof problemsOf
>[number];

/** The order's text (in Chinese, as every order's content is): the inspection, the item, the answer and the problem. */
function orderContent(c: Convertible, survey: unknown) {
  const answer = c.answer ? (readableAnswers(survey, { [c.item.name]: c.answer }, "zh")[0]?.text ?? c.answer) : "—";
  return translate("zh", "inspections.orderContent", {
    inspection: c.inspection.name,
    unit: c.unitName,
    item: c.item.title.zh,
    answer,
    problem: c.problem || "—",
  });
}

async function convert(
  tx: DbOrTx,
  now: Date,
  actor: { id: number },
  c: Convertible,
  survey: unknown,
  deadline: string,
  ownerId?: number | null,
) {
  return createOrder(tx, now, actor, {
    source: "inspection",
    sourceRef: { kind: "inspection", id: c.inspection.id, unitId: c.unitId, item: c.item.name },
    unitId: c.unitId,
    ownerId: ownerId ?? null,
    content: orderContent(c, survey),
    deadline,
    reportedOn: beijingDate(now),
    dedupeKey: problemKey(c.inspection.id, c.unitId, c.item.name),
  });
}

async function unitName(db: DbOrTx, unitId: number) {
  const [u] = await db.select({ name: units.name }).from(units).where(eq(units.id, unitId));
  return u?.name ?? "";
}

/**
 * One problem becomes an order to its unit. Refused, with nothing written: a unit that has not
 * submitted (notSubmitted), an item that is not a problem of its checklist (notAProblem), a
 * problem that already has an order in any status (CONFLICT problemHasOrder {id}), a deadline
 * in the past (improvement.errors.deadlinePast).
 */
export async function orderFromProblem(db: DbOrTx, now: Date, actor: { id: number }, raw: z.input<typeof problemToOrderInput>) {
  const input = parseInput(problemToOrderInput, raw);
  const i = await inspectionRow(db, input.inspectionId);
  const u = await unitRow(db, i.id, input.unitId);
  if (!u.submittedAt || !u.answers) throw err("BAD_REQUEST", "notSubmitted");
  const survey = (await getVersion(db, i.version_id)).file.survey;
  const found = problemsOf(checklistItems(survey), u.answers).find((p) => p.item.name === input.item);
  if (!found) throw err("BAD_REQUEST", "notAProblem", { item: input.item });
  const existing = (await ordersOf(db, i.id)).get(problemKey(i.id, input.unitId, input.item));
  if (existing) throw err("CONFLICT", "problemHasOrder", { id: existing.id });
  const c: Convertible = { inspection: i, unitId: input.unitId, unitName: await unitName(db, input.unitId), ...found };
  return db.transaction(async (tx) => {
    const made = await convert(tx, now, actor, c, survey, input.deadline, input.ownerId);
    if (!made.created) throw err("CONFLICT", "problemHasOrder", { id: made.id });
    return { orderId: made.id };
  });
}

/**
 * Every problem of the submitted checklists (or of one unit's) that has no order yet becomes
 * one, in one transaction; those with an order are skipped. Returns how many were made.
 */
export async function ordersFromProblems(db: DbOrTx, now: Date, actor: { id: number }, raw: z.input<typeof problemsToOrdersInput>) {
  const input = parseInput(problemsToOrdersInput, raw);
  const i = await inspectionRow(db, input.inspectionId);
  if (input.unitId !== undefined) await unitRow(db, i.id, input.unitId);
  const survey = (await getVersion(db, i.version_id)).file.survey;
  const items = checklistItems(survey);
  const rows = await db
    .select({ unitId: inspectionUnits.unitId, answers: inspectionUnits.answers, name: units.name })
    .from(inspectionUnits)
    .innerJoin(units, eq(units.id, inspectionUnits.unitId))
    .where(
      and(
        eq(inspectionUnits.inspectionId, i.id),
        input.unitId === undefined ? undefined : eq(inspectionUnits.unitId, input.unitId),
        sql`${inspectionUnits.submittedAt} is not null`,
      ),
    )
    .orderBy(units.code);
  const orders = await ordersOf(db, i.id);
  const todo: Convertible[] = rows.flatMap((r) =>
    problemsOf(items, r.answers ?? {})
      .filter((p) => !orders.has(problemKey(i.id, r.unitId, p.item.name)))
      .map((p) => ({ inspection: i, unitId: r.unitId, unitName: r.name, ...p })),
  );
  if (todo.length === 0) throw err("BAD_REQUEST", "nothingToConvert");
  return db.transaction(async (tx) => {
    const ids: number[] = [];
    for (const c of todo) ids.push((await convert(tx, now, actor, c, survey, input.deadline)).id);
    return { created: ids.length, orderIds: ids };
  });
}
