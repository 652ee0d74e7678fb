import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryRows, queryValue } from "@/db/query";
import { warnings, WARNING_STATUSES, type OrderFigure, type WarningEvidence, type WarningRule } from "@/db/schema";
import { translate, translateCode } from "../i18n/translate";
import { parseInput } from "../kernel/validate";
import { createOrder } from "../improvement/orders";
import { DomainError } from "../kernel/errors";
import { idSchema } from "../kernel/ids";
import { offsetOf } from "../kernel/paging";
import { recordAudit } from "../kernel/audit";
import { addDays, beijingDate } from "../kernel/time";
import { kindOf, type EvalContext, type Hit } from "./kinds";
import { rulesInForce } from "./rules";

/**
 * Warnings: what the rule set in force finds in the figures after a recompute, each with its
 * evidence (figure, value, n, threshold). evaluateWarnings runs every rule of the set over the
 * recompute's school year and policy and keeps one warning per rule and subject: a new hit is
 * raised (open), a known one gets the latest evidence (a cleared one opens again), and an open
 * warning of the year that no rule finds any more is cleared. A rule with action "direct"
 * turns its open warnings into orders at once; otherwise the quality office converts
 * (convertWarning) or dismisses them. An order from a warning goes through createOrder with
 * the dedupe key warning:<rule>:<subject>, so a rule and subject never have two open orders.
 */

export type EvaluationResult = {
  ruleSetId: number | null;
  hits: number;
  raised: number;
  cleared: number;
  /** orders issued by direct rules; unsent: refused by the domain, left open for review */
  sent: number;
  unsent: number;
  ms: number;
};

const dedupeKeyOf = (w: { ruleKey: string; subjectKey: string }) => `warning:${w.ruleKey}:${w.subjectKey}`;

export async function evaluateWarnings(db: DbOrTx, now: Date, ctx: EvalContext): Promise<EvaluationResult> {
  const t0 = performance.now();
  const set = await rulesInForce(db);
  if (!set) return { ruleSetId: null, hits: 0, raised: 0, cleared: 0, sent: 0, unsent: 0, ms: 0 };
  const rows: (Hit & { ruleKey: string; kind: string })[] = [];
  for (const rule of set.rules) {
    const kind = kindOf(rule.kind);
    if (!kind) continue; // a kind removed from the registry after the set was approved finds nothing
    for (const h of await kind.evaluate(db, ctx, rule.params)) rows.push({ ...h, ruleKey: rule.key, kind: rule.kind });
  }
  const at = now.toISOString();
  const payload = JSON.stringify(
    rows.map((r) => ({
      rule_key: r.ruleKey,
      kind: r.kind,
      subject_key: r.subjectKey,
      unit_id: r.unitId,
      teacher_id: r.teacherId,
      section_id: r.sectionId,
      course_id: r.courseId,
      term_id: r.termId,
      evidence: { ...r.evidence, order: r.figure },
    })),
  );
  const upserted = await queryRows(
    db,
    { id: col.int, inserted: col.bool },
    sql`
    insert into warnings (rule_key, rule_set_id, kind, subject_key, school_year, policy_id, term_id, unit_id, teacher_id, section_id, course_id,
      evidence, status, raised_at, seen_at)
    select x.rule_key, ${set.id}, x.kind, x.subject_key, ${ctx.schoolYear}, ${ctx.policyId}, x.term_id, x.unit_id, x.teacher_id, x.section_id,
      x.course_id, x.evidence, 'open', ${at}::timestamptz, ${at}::timestamptz
    from jsonb_to_recordset(${payload}::jsonb) as x(rule_key text, kind text, subject_key text, unit_id int, teacher_id int, section_id int,
      course_id int, term_id int, evidence jsonb)
    on conflict (rule_key, subject_key) do update set evidence = excluded.evidence, seen_at = excluded.seen_at,
      rule_set_id = excluded.rule_set_id, policy_id = excluded.policy_id,
      status = case when warnings.status = 'cleared' then 'open' else warnings.status end
    returning id, (xmax = 0) as inserted`,
  );
  const ids = upserted.map((u) => u.id);
  const cleared = await queryValue(
    db,
    col.int,
    sql`
    with c as (update warnings set status = 'cleared', seen_at = ${at}::timestamptz
      where school_year = ${ctx.schoolYear} and status = 'open'
        and not (id = any(${`{${ids.join(",")}}`}::int[]))
      returning 1)
    select count(*)::int from c`,
  );
  let sent = 0;
  let unsent = 0;
  const direct = set.rules.filter((r) => r.action === "direct").map((r) => r.key);
  if (direct.length) {
    const open = await queryRows(
      db,
      { id: col.int },
      sql`
      select id from warnings where status = 'open' and school_year = ${ctx.schoolYear}
        and rule_key = any(${`{${direct.map((k) => `"${k}"`).join(",")}}`}::text[]) order by id`,
    );
    for (const w of open) {
      // an order the domain refuses (its teacher no longer active, …) leaves the warning open
      // for the quality office; it does not stop the evaluation, nor the recompute behind it
      try {
        await convert(db, now, null, w.id, set.rules);
        sent++;
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        unsent++;
      }
    }
  }
  return {
    ruleSetId: set.id,
    hits: rows.length,
    raised: upserted.filter((u) => u.inserted).length,
    cleared,
    sent,
    unsent,
    ms: Math.round(performance.now() - t0),
  };
}

// ---- the quality office's review ------------------------------------------------------------

export const listWarningsInput = z
  .object({
    status: z.enum(WARNING_STATUSES).optional(),
    ruleKey: z.string().trim().max(40).optional(),
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(200).default(50),
  })
  .strict();

export const convertWarningInput = z
  .object({
    warningId: idSchema,
    ownerId: idSchema.nullish(),
    /** default: today + the rule's deadlineDays */
    deadline: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  })
  .strict();
export const dismissWarningInput = z.object({ warningId: idSchema, note: z.string().trim().min(1).max(2000) }).strict();

const err = (kind: DomainError["kind"], code: "warningNotFound" | "warningNotOpen", params?: Record<string, string | number>) =>
  new DomainError(kind, `improvement.warnings.errors.${code}`, params);

export async function listWarnings(db: DbOrTx, raw: z.input<typeof listWarningsInput>) {
  const i = parseInput(listWarningsInput, raw);
  const where = sql`where true ${i.status ? sql`and w.status = ${i.status}` : sql``} ${i.ruleKey ? sql`and w.rule_key = ${i.ruleKey}` : sql``}`;
  const total = await queryValue(db, col.int, sql`select count(*)::int from warnings w ${where}`);
  const rows = await queryRows(
    db,
    {
      id: col.int,
      rule_key: col.text,
      kind: col.text,
      subject_key: col.text,
      school_year: col.text,
      status: col.text,
      evidence: col.json<WarningEvidence>(),
      order_id: col.int.nullable,
      note: col.text.nullable,
      raised_at: col.date,
      seen_at: col.date,
      unit_name: col.text,
      teacher_name: col.text.nullable,
      teacher_number: col.text.nullable,
      course_code: col.text.nullable,
      course_name: col.text.nullable,
      section_code: col.text.nullable,
      term_code: col.text.nullable,
    },
    sql`
    select w.id, w.rule_key, w.kind, w.subject_key, w.school_year, w.status, w.evidence, w.order_id, w.note, w.raised_at, w.seen_at,
      u.name as unit_name, pe.name as teacher_name, pe.number as teacher_number, co.code as course_code, co.name as course_name,
      s.code as section_code, t.code as term_code
    from warnings w join units u on u.id = w.unit_id left join persons pe on pe.id = w.teacher_id
      left join courses co on co.id = w.course_id left join sections s on s.id = w.section_id left join terms t on t.id = w.term_id
    ${where} order by w.id desc limit ${i.pageSize} offset ${offsetOf(i)}`,
  );
  const set = await rulesInForce(db);
  const names = new Map((set?.rules ?? []).map((r) => [r.key, r.name]));
  return {
    total,
    page: i.page,
    pageSize: i.pageSize,
    items: rows.map((r) => ({ ...r, rule_name: names.get(r.rule_key) ?? r.rule_key })),
  };
}

/** A rule's condition in words (Chinese, as orders are written): its kind and its parameters by name. */
function conditionOf(rule: WarningRule): string {
  const params = Object.entries(rule.params).map(([name, v]) => `${translateCode("zh", `improvement.warnings.paramNames.${name}`)} ${v}`);
  return `${translateCode("zh", `improvement.warnings.kinds.${rule.kind}`)}：${params.join("，")}`;
}

async function convert(
  db: DbOrTx,
  now: Date,
  actor: { id: number } | null,
  warningId: number,
  rules: WarningRule[],
  opts: { ownerId?: number | null; deadline?: string } = {},
) {
  return db.transaction(async (tx) => {
    const [w] = await tx.select().from(warnings).where(eq(warnings.id, warningId)).for("update");
    if (!w) throw err("NOT_FOUND", "warningNotFound");
    if (w.status !== "open") throw err("CONFLICT", "warningNotOpen", { status: w.status });
    const rule = rules.find((r) => r.key === w.ruleKey);
    const { order, ...evidence } = w.evidence as WarningEvidence & { order?: OrderFigure | null };
    const content = translate("zh", "improvement.warnings.orderContent", {
      rule: rule?.name ?? w.ruleKey,
      figure: translateCode("zh", `improvement.warnings.figures.${evidence.figure}`),
      value: evidence.value,
      n: evidence.n,
      condition: rule ? conditionOf(rule) : String(evidence.threshold),
    });
    const made = await createOrder(tx, now, actor, {
      source: "warning",
      sourceRef: { kind: "warning", id: w.id },
      unitId: w.unitId,
      ownerId: opts.ownerId ?? null,
      courseId: w.courseId,
      subjectPersonId: w.teacherId,
      content,
      deadline: opts.deadline ?? addDays(beijingDate(now), rule?.deadlineDays ?? 30),
      dedupeKey: dedupeKeyOf(w),
      figure: order ?? null,
    });
    await tx
      .update(warnings)
      .set({ status: "converted", orderId: made.id, decidedBy: actor?.id ?? null, decidedAt: now })
      .where(and(eq(warnings.id, w.id), eq(warnings.status, "open")));
    await recordAudit(tx, {
      actorId: actor?.id ?? null,
      action: "warnings.convert",
      subject: `warning ${w.id}`,
      detail: { orderId: made.id, created: made.created },
    });
    return { warningId: w.id, orderId: made.id, created: made.created };
  });
}

/** The quality office turns an open warning into an order (one open order per rule and subject). */
export async function convertWarning(db: DbOrTx, now: Date, actor: { id: number }, raw: z.input<typeof convertWarningInput>) {
  const i = parseInput(convertWarningInput, raw);
  const set = await rulesInForce(db);
  return convert(db, now, actor, i.warningId, set?.rules ?? [], { ownerId: i.ownerId, deadline: i.deadline });
}

/** The quality office decides an open warning needs no order (with a note); it stays, dismissed, for the rest of its period. */
export async function dismissWarning(db: DbOrTx, now: Date, actor: { id: number }, raw: z.input<typeof dismissWarningInput>) {
  const i = parseInput(dismissWarningInput, raw);
  return db.transaction(async (tx) => {
    const [w] = await tx.select({ status: warnings.status }).from(warnings).where(eq(warnings.id, i.warningId)).for("update");
    if (!w) throw err("NOT_FOUND", "warningNotFound");
    if (w.status !== "open") throw err("CONFLICT", "warningNotOpen", { status: w.status });
    await tx
      .update(warnings)
      .set({ status: "dismissed", note: i.note, decidedBy: actor.id, decidedAt: now })
      .where(eq(warnings.id, i.warningId));
    await recordAudit(tx, { actorId: actor.id, action: "warnings.dismiss", subject: `warning ${i.warningId}`, detail: { note: i.note } });
    return { warningId: i.warningId, status: "dismissed" as const };
  });
}
