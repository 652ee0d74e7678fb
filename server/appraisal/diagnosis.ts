import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { diagnosisTargets, improvementItems, persons } from "@/db/schema";
import { RATER_GROUPS } from "@/db/schema/campaigns";
import type { RaterGroup } from "../campaigns/kinds";
import { translate } from "../i18n/translate";
import { createOrder } from "../improvement/orders";
import { recordAudit } from "../kernel/audit";
import { badRequest, DomainError } from "../kernel/errors";
import { idSchema } from "../kernel/ids";
import { addDays, beijingDate } from "../kernel/time";
import { teacherTerms, termIndicators, type Figure, type IndicatorBlock, type TermRef } from "./indicators";
import { at } from "@/server/shared/indexed";
import { parseInput } from "../kernel/validate";

/**
 * 教师层面诊改 (seed 004 五(五)3): a teacher's self-diagnosis plan on the figures of one term.
 * For each 一级 indicator of the term's indicator view (server/appraisal/indicators.ts) the
 * teacher sets a target value for the next term (by default the norm group's mean, else the
 * current value, rounded to the one decimal figures are shown with), and writes the causes and the measures. The plan keeps the value and the
 * norm mean it was made on. The next term (the teacher's next term with published results)
 * shows against each target the value reached there and whether it was met (value ≥ target;
 * unknown while that term has no reported figure of the indicator).
 *
 * The API other domains use (a plan can become a teacher-level rectification order):
 *   diagnosisPlan(db, teacherId, termId)         the plan of a term with its outcome
 *   saveDiagnosis(db, now, actor, input)          write the teacher's targets (checked first, one statement)
 *   diagnosisTargetsOf(db, teacherId, termId)     the stored rows only
 * A target is keyed by (teacher, term, rater group, instrument key, indicator id): the instrument
 * key, not its version, so that a new version of the instrument next term still matches.
 *
 * 教师层面诊改 follows the same loop as every finding: the first plan a teacher saves in a
 * school year becomes a teacher-level rectification order (source self_diagnosis) of the
 * teacher's unit, the teacher responsible, due DIAGNOSIS_ORDER_DAYS later; one per teacher and
 * year (dedupe key self_diagnosis:<teacher>:<year>, and never a second one once closed).
 */

export const DIAGNOSIS_ORDER_DAYS = 180;
const diagnosisKey = (teacherId: number, schoolYear: string) => `self_diagnosis:${teacherId}:${schoolYear}`;

/** The teacher's self-diagnosis order of the year: the existing one, or a new one (none when the teacher has no unit). */
async function diagnosisOrder(db: DbOrTx, now: Date, actor: Actor, term: TermRef, items: number): Promise<number | null> {
  const key = diagnosisKey(actor.id, term.schoolYear);
  const [had] = await db.select({ id: improvementItems.id }).from(improvementItems).where(eq(improvementItems.dedupeKey, key)).limit(1);
  if (had) return had.id;
  const [me] = await db.select({ unitId: persons.unitId }).from(persons).where(eq(persons.id, actor.id));
  if (!me?.unitId) return null;
  const made = await createOrder(db, now, actor, {
    source: "self_diagnosis",
    sourceRef: { kind: "person", id: actor.id },
    unitId: me.unitId,
    ownerId: actor.id,
    subjectPersonId: actor.id,
    content: translate("zh", "appraisal.diagnosis.orderContent", { term: term.code, items }),
    deadline: addDays(beijingDate(now), DIAGNOSIS_ORDER_DAYS),
    dedupeKey: key,
  });
  return made.id;
}

export const diagnosisPlanInput = z.object({ termId: idSchema }).strict();
const text = z.string().trim().max(2000);
export const diagnosisInput = z
  .object({
    termId: idSchema,
    items: z
      .array(
        z
          .object({
            group: z.enum(RATER_GROUPS),
            instrument: z.string().trim().min(1).max(100),
            indicator: z.string().trim().min(1).max(100),
            target: z.number().finite().min(0),
            causes: text.optional(),
            measures: text.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(200),
  })
  .strict();

type Actor = { id: number };
export type DiagnosisRow = {
  group: RaterGroup;
  instrument: string;
  indicator: string;
  name: { zh: string; en: string };
  current: Figure | null;
  norm: Figure | null;
  target: number;
  saved: boolean;
  causes: string | null;
  measures: string | null;
  /** the next term's value and whether it reached the target (null while unknown) */
  next: { term: string; value: Figure | null; met: boolean | null } | null;
};

const keyOf = (r: { group: string; instrument: string; indicator: string }) => `${r.group}\u0001${r.instrument}\u0001${r.indicator}`;

function planIndicators(blocks: IndicatorBlock[]) {
  return blocks.flatMap((b) =>
    b.indicators
      .filter((i) => i.level === 1)
      .map((i) => ({ group: b.group, instrument: b.instrument, indicator: i.id, name: i.name, current: i.teacher, norm: i.norm })),
  );
}

async function termOf(db: DbOrTx, teacherId: number, termId: number): Promise<{ term: TermRef; next: TermRef | null }> {
  const terms = await teacherTerms(db, teacherId); // latest first
  const i = terms.findIndex((t) => t.id === termId);
  if (i < 0) throw new DomainError("NOT_FOUND", "appraisal.errors.diagnosisTerm");
  return { term: at(terms, i), next: i > 0 ? at(terms, i - 1) : null };
}

export async function diagnosisTargetsOf(db: DbOrTx, teacherId: number, termId: number) {
  return db
    .select()
    .from(diagnosisTargets)
    .where(and(eq(diagnosisTargets.teacherId, teacherId), eq(diagnosisTargets.termId, termId)));
}

/** The plan of a term: every 一级 indicator with its current value, norm, target (saved or the default) and the next term's outcome. */
export async function diagnosisPlan(db: DbOrTx, teacherId: number, termId: number) {
  const { term, next } = await termOf(db, teacherId, termId);
  const now = await termIndicators(db, teacherId, term);
  const saved = new Map(
    (await diagnosisTargetsOf(db, teacherId, term.id)).map((r) => [
      keyOf({ group: r.raterGroup, instrument: r.instrument, indicator: r.indicator }),
      r,
    ]),
  );
  const later = next ? new Map(planIndicators((await termIndicators(db, teacherId, next)).blocks).map((r) => [keyOf(r), r.current])) : null;
  const rows: DiagnosisRow[] = planIndicators(now.blocks).map((r) => {
    const s = saved.get(keyOf(r));
    // the default is the figure shown beside it (one decimal), so an untouched target reads 86.7, not 86.7333…
    const target = s?.target ?? Math.round((r.norm?.mean ?? r.current?.mean ?? 0) * 10) / 10;
    const value = later?.get(keyOf(r)) ?? null;
    return {
      ...r,
      target,
      saved: !!s,
      causes: s?.causes ?? null,
      measures: s?.measures ?? null,
      next: next && s ? { term: next.code, value, met: value ? value.mean >= target : null } : null,
    };
  });
  return { term, next, outOf: now.outOf, rows };
}

/**
 * Saves the teacher's targets of a term. Every item must name a 一级 indicator of that term's
 * view and a target within the full mark; otherwise nothing is written
 * (appraisal.errors.diagnosisIndicator / diagnosisTarget). The plan's order (one per teacher
 * and year) is issued in the same transaction.
 */
export async function saveDiagnosis(db: DbOrTx, now: Date, actor: Actor, raw: z.input<typeof diagnosisInput>) {
  const input = parseInput(diagnosisInput, raw);
  const { term } = await termOf(db, actor.id, input.termId);
  const view = await termIndicators(db, actor.id, term);
  const known = new Map(planIndicators(view.blocks).map((r) => [keyOf(r), r]));
  const rows = input.items.map((item) => {
    const r = known.get(keyOf(item));
    if (!r) throw badRequest("appraisal.errors.diagnosisIndicator", { indicator: item.indicator });
    if (item.target > view.outOf) throw badRequest("appraisal.errors.diagnosisTarget", { indicator: item.indicator, max: view.outOf });
    return {
      teacherId: actor.id,
      schoolYear: term.schoolYear,
      termId: term.id,
      raterGroup: item.group,
      instrument: item.instrument,
      indicator: item.indicator,
      current: r.current?.mean ?? null,
      norm: r.norm?.mean ?? null,
      target: item.target,
      causes: item.causes || null,
      measures: item.measures || null,
      updatedAt: now,
    };
  });
  return db.transaction(async (tx) => {
    await tx
      .insert(diagnosisTargets)
      .values(rows)
      .onConflictDoUpdate({
        target: [
          diagnosisTargets.teacherId,
          diagnosisTargets.termId,
          diagnosisTargets.raterGroup,
          diagnosisTargets.instrument,
          diagnosisTargets.indicator,
        ],
        set: {
          current: sql`excluded.current`,
          norm: sql`excluded.norm`,
          target: sql`excluded.target`,
          causes: sql`excluded.causes`,
          measures: sql`excluded.measures`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
    const orderId = await diagnosisOrder(tx, now, actor, term, rows.length);
    await recordAudit(tx, {
      actorId: actor.id,
      action: "appraisal.diagnosis.save",
      subject: `person:${actor.id}`,
      detail: { term: term.code, items: rows.length, orderId },
    });
    return { saved: rows.length, orderId };
  });
}
