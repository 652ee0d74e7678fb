/**
 * Shortfalls into the improvement loop (持续改进): every requirement, indicator point and course
 * objective of a computed run below the model's threshold raises an order through
 * createOrder (source "attainment", evidence the run): a course objective's for the course's
 * teacher (the lead teacher of the course's first section of the year with a gradebook, by
 * section code) and the course's unit; a requirement's or a point's for the programme's unit.
 * Raised by computeYear (store.ts), which the app and the demo call. The dedupe key names the subject and the model version, so computing the year again (or the
 * next year under the same version while the order is open) raises no second order; a new
 * model version raises its own. The programme report lists each shortfall with its order and
 * the next year's value, which shows whether it recovered (compute.ts shortfalls).
 */
import { desc, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRow } from "@/db/query";
import { courses, improvementItems } from "@/db/schema";
import { createOrder } from "../improvement/orders";
import { translate } from "../i18n/translate";
import { addDays, beijingDate } from "../kernel/time";
import { shortfalls, type AttainmentResult, type Shortfall } from "./compute";

/** Days an attainment order has before its deadline (a term's work: analyse, change the teaching, report). */
export const ATTAINMENT_ORDER_DAYS = 60;

export const shortfallKey = (modelId: number, s: Pick<Shortfall, "level" | "course" | "code">) =>
  `attainment:m${modelId}:${s.level}:${s.course ?? ""}/${s.code}`;

export type RaisedOrders = { created: number; existing: number };

export async function raiseShortfallOrders(
  db: DbOrTx,
  now: Date,
  actor: { id: number } | null,
  run: { id: number; modelId: number; version: number; programmeId: number; schoolYear: string; result: AttainmentResult },
): Promise<RaisedOrders> {
  const list = shortfalls(run.result);
  if (!list.length) return { created: 0, existing: 0 };
  const prog = await queryRow(
    db,
    { unit_id: col.int, code: col.text, name: col.text },
    sql`select unit_id, code, name from programmes where id = ${run.programmeId}`,
  );
  if (!prog) return { created: 0, existing: 0 };
  const codes = [...new Set(list.flatMap((s) => (s.course ? [s.course] : [])))];
  const teacher = sql<number | null>`(select st.person_id from sections s join terms tm on tm.id = s.term_id
      join section_teachers st on st.section_id = s.id and st.role = 'lead'
    where s.course_id = courses.id and tm.school_year = ${run.schoolYear} and exists (select 1 from assessment_items i where i.section_id = s.id)
    order by s.code, st.person_id limit 1)`.mapWith((v: unknown) => (v === null ? null : Number(v)));
  const courseRows = codes.length
    ? await db
        .select({ id: courses.id, code: courses.code, unitId: courses.unitId, teacherId: teacher })
        .from(courses)
        .where(inArray(courses.code, codes))
    : [];
  const course = new Map(courseRows.map((c) => [c.code, c]));
  const deadline = addDays(beijingDate(now), ATTAINMENT_ORDER_DAYS);
  let created = 0,
    existing = 0;
  for (const s of list) {
    const c = s.course ? course.get(s.course) : undefined;
    const what = `${translate("zh", `attainment.report.levels.${s.level}`)} ${s.course ? `${s.course} ` : ""}${s.code}`;
    const content = translate("zh", "attainment.orders.content", {
      programme: `${prog.code} ${prog.name}`,
      year: run.schoolYear,
      what,
      value: s.attainment.toFixed(3),
      threshold: s.threshold,
      version: run.version,
    });
    const made = await createOrder(db, now, actor, {
      source: "attainment",
      sourceRef: { kind: "attainment_run", id: run.id },
      unitId: c?.unitId ?? prog.unit_id,
      ownerId: c?.teacherId ?? null,
      courseId: c?.id ?? null,
      programmeId: run.programmeId,
      content,
      deadline,
      dedupeKey: shortfallKey(run.modelId, s),
    });
    if (made.created) created++;
    else existing++;
  }
  return { created, existing };
}

/** The latest order (any state) of each shortfall key given. */
export async function ordersOf(db: DbOrTx, keys: string[]): Promise<Map<string, { id: number; status: string }>> {
  if (!keys.length) return new Map();
  const rows = await db
    .select({ key: improvementItems.dedupeKey, id: improvementItems.id, status: improvementItems.status })
    .from(improvementItems)
    .where(inArray(improvementItems.dedupeKey, keys))
    .orderBy(desc(improvementItems.id));
  const out = new Map<string, { id: number; status: string }>();
  for (const r of rows) if (r.key && !out.has(r.key)) out.set(r.key, { id: r.id, status: r.status });
  return out;
}
