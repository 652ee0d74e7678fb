import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { appraisalExemptions, appraisalVetoes, persons } from "@/db/schema";
import { col, queryValue, one } from "@/db/query";
import { recordAudit } from "../kernel/audit";
import { badRequest, DomainError } from "../kernel/errors";
import { ImportFileError, readTable } from "../imports/parse";
import { EXEMPTION_KINDS } from "./rules";
import { idSchema, schoolYearSchema as schoolYear } from "../kernel/ids";
import { parseInput } from "../kernel/validate";

/**
 * Vetoes (一票否决) and exemptions of a teacher's year, recorded by HR. A veto in force makes
 * the teacher 不合格 (reason veto) at the next recompute of the year; revoking it needs a
 * reason; every change goes to the audit log. Codes (shown in exports as the code):
 *   ethics_misconduct    师德失范 (教师〔2018〕17号: at least 24 months from the decision)
 *   teaching_accident    重大教学事故
 *   academic_misconduct  学术不端
 *   other                其他
 */
export const VETO_CODES = ["ethics_misconduct", "teaching_accident", "academic_misconduct", "other"] as const;
export type VetoCode = (typeof VETO_CODES)[number];
export const VETO_LABELS: Record<VetoCode, string> = {
  ethics_misconduct: "师德失范",
  teaching_accident: "重大教学事故",
  academic_misconduct: "学术不端",
  other: "其他",
};
export const MIN_MONTHS: Record<VetoCode, number> = { ethics_misconduct: 24, teaching_accident: 1, academic_misconduct: 1, other: 1 };

const text = (max: number) => z.string().trim().min(1).max(max);

export const vetoInput = z
  .object({
    teacher: text(64),
    schoolYear,
    code: z.enum(VETO_CODES),
    reason: text(2000),
    documentNo: z.string().trim().max(200).optional(),
    decidedOn: z.iso.date(),
    months: z.number().int().min(1).max(240).optional(),
  })
  .strict();
export const revokeInput = z.object({ id: idSchema, reason: text(2000) }).strict();
export const exemptionInput = z
  .object({
    teacher: text(64),
    schoolYear,
    kind: z.enum(EXEMPTION_KINDS),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();

export type Actor = { id: number };
export type Clock = () => Date;

/** A staff member by number (the teacher), or the error the pages and the CLI show. */
export async function teacherByNumber(db: DbOrTx, number: string): Promise<{ id: number; unitId: number | null; name: string }> {
  const [p] = await db
    .select({ id: persons.id, unitId: persons.unitId, name: persons.name })
    .from(persons)
    .where(and(eq(persons.number, number), eq(persons.kind, "staff")));
  if (!p) throw badRequest("appraisal.errors.unknownTeacher", { teacher: number });
  return p;
}

/** A school year the data know: one of its terms, or a scoring policy for it. */
export async function assertYearInData(db: DbOrTx, year: string) {
  const known = await queryValue(
    db,
    col.bool,
    sql`
    select exists(select 1 from terms where school_year = ${year}) or exists(select 1 from scoring_policies where school_year = ${year}) as ok`,
  );
  if (!known) throw badRequest("appraisal.errors.yearNotInData", { year });
}

export async function recordVeto(db: DbOrTx, actor: Actor, now: Clock, raw: z.input<typeof vetoInput>) {
  const input = parseInput(vetoInput, raw);
  // one fact: the decision is recorded together with its audit row, or not at all
  return db.transaction(async (tx) => {
    const teacher = await teacherByNumber(tx, input.teacher);
    await assertYearInData(tx, input.schoolYear);
    const months = input.months ?? MIN_MONTHS[input.code];
    if (months < MIN_MONTHS[input.code]) throw badRequest("appraisal.errors.vetoDuration", { months });
    const [open] = await tx
      .select({ id: appraisalVetoes.id })
      .from(appraisalVetoes)
      .where(
        and(eq(appraisalVetoes.teacherId, teacher.id), eq(appraisalVetoes.schoolYear, input.schoolYear), isNull(appraisalVetoes.revokedAt)),
      );
    if (open) throw new DomainError("CONFLICT", "appraisal.errors.vetoExists", { year: input.schoolYear });
    const row = one(
      await tx
        .insert(appraisalVetoes)
        .values({
          teacherId: teacher.id,
          schoolYear: input.schoolYear,
          code: input.code,
          reason: input.reason,
          documentNo: input.documentNo ?? null,
          decidedOn: input.decidedOn,
          months,
          recordedBy: actor.id,
          recordedAt: now(),
        })
        .returning({ id: appraisalVetoes.id }),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: "appraisal.veto.record",
      subject: `person:${teacher.id}`,
      detail: { veto: row.id, schoolYear: input.schoolYear, code: input.code, documentNo: input.documentNo ?? null, months },
    });
    return { id: row.id, teacherId: teacher.id };
  });
}

export async function revokeVeto(db: DbOrTx, actor: Actor, now: Clock, raw: z.input<typeof revokeInput>) {
  const input = parseInput(revokeInput, raw);
  // one fact: the decision is recorded together with its audit row, or not at all
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(appraisalVetoes)
      .set({ revokedAt: now(), revokedBy: actor.id, revokeReason: input.reason })
      .where(and(eq(appraisalVetoes.id, input.id), isNull(appraisalVetoes.revokedAt)))
      .returning({ teacherId: appraisalVetoes.teacherId, schoolYear: appraisalVetoes.schoolYear });
    if (!row) throw new DomainError("NOT_FOUND", "appraisal.errors.vetoNotFound");
    await recordAudit(tx, {
      actorId: actor.id,
      action: "appraisal.veto.revoke",
      subject: `person:${row.teacherId}`,
      detail: { veto: input.id, schoolYear: row.schoolYear, reason: input.reason },
    });
    return row;
  });
}

export async function recordExemption(db: DbOrTx, actor: Actor, now: Clock, raw: z.input<typeof exemptionInput>) {
  const input = parseInput(exemptionInput, raw);
  // one fact: the decision is recorded together with its audit row, or not at all
  return db.transaction(async (tx) => {
    const teacher = await teacherByNumber(tx, input.teacher);
    await assertYearInData(tx, input.schoolYear);
    const [open] = await tx
      .select({ id: appraisalExemptions.id })
      .from(appraisalExemptions)
      .where(
        and(
          eq(appraisalExemptions.teacherId, teacher.id),
          eq(appraisalExemptions.schoolYear, input.schoolYear),
          isNull(appraisalExemptions.revokedAt),
        ),
      );
    if (open) throw new DomainError("CONFLICT", "appraisal.errors.exemptionExists", { year: input.schoolYear });
    const row = one(
      await tx
        .insert(appraisalExemptions)
        .values({
          teacherId: teacher.id,
          schoolYear: input.schoolYear,
          kind: input.kind,
          note: input.note ?? null,
          recordedBy: actor.id,
          recordedAt: now(),
        })
        .returning({ id: appraisalExemptions.id }),
    );
    await recordAudit(tx, {
      actorId: actor.id,
      action: "appraisal.exemption.record",
      subject: `person:${teacher.id}`,
      detail: { exemption: row.id, schoolYear: input.schoolYear, kind: input.kind },
    });
    return { id: row.id, teacherId: teacher.id };
  });
}

/** The code of a veto list's reason cell: a code, or its Chinese name; anything else is "other". */
export function vetoCodeOf(reason: string): VetoCode {
  const r = reason.trim();
  if ((VETO_CODES as readonly string[]).includes(r)) return r as VetoCode;
  const byLabel = (Object.entries(VETO_LABELS) as [VetoCode, string][]).find(([, label]) => label === r);
  return byLabel ? byLabel[0] : "other";
}

/**
 * A veto list (CSV or XLSX, header `teacher,reason`) as rows; a missing column or an empty
 * teacher is refused with the row named (appraisal.errors.csvColumns).
 */
export async function readVetoList(bytes: Uint8Array): Promise<{ row: number; teacher: string; reason: string }[]> {
  let table;
  try {
    table = await readTable(bytes);
  } catch (e) {
    if (e instanceof ImportFileError) throw badRequest("appraisal.errors.csvColumns", { problem: e.issues[0]?.code ?? "unreadable" });
    throw e;
  }
  const header = table.header.map((h) => h.trim().toLowerCase());
  const ti = header.indexOf("teacher"),
    ri = header.indexOf("reason");
  if (ti < 0 || ri < 0) throw badRequest("appraisal.errors.csvColumns", { problem: `header ${header.join(",")}` });
  return table.rows.map((r) => {
    const teacher = (r.cells[ti] ?? "").trim();
    if (!teacher) throw badRequest("appraisal.errors.csvColumns", { problem: `row ${r.row}: teacher empty` });
    return { row: r.row, teacher, reason: (r.cells[ri] ?? "").trim() || "other" };
  });
}
