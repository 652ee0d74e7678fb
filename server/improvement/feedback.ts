import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryRow, queryRows } from "@/db/query";
import { IMPROVEMENT_STATUSES, type ImprovementSource } from "@/db/schema";
import { addDays, beijingDate } from "../kernel/time";
import { idSchema } from "../kernel/ids";
import { parseInput } from "../kernel/validate";
import { CONTENT_MAX, createOrder, err, type CreatedOrder } from "./orders";

/**
 * The loop back to those who raised a problem.
 *
 * Information officers (学生信息员, seeds 000 第26条, 003 第33条): a report becomes an order
 * routed to the report's responsible unit (orderFromReport); the officer sees, for each of
 * their reports, the order's status and the responsible side's answer (officerFeedback).
 * The officer's name stays where it was: on the report, read by the quality office only
 * (campaigns/reports.ts listReports; the order detail names the officer to the quality
 * office only).
 *
 * "You said, we did": the closed orders that came from students (evaluations, comments,
 * information officers) and carry a public summary, per course and per programme, shown to
 * the students who take the course (or are in the programme) now: a term later than the
 * problem. Only the summary the quality office wrote for the public is shown, never the
 * finding's own text (which may quote a comment).
 */

export const STUDENT_SOURCES = ["student_evaluation", "comment", "info_officer"] as const satisfies readonly ImprovementSource[];
/** How far back "you said, we did" reaches (days before today). */
export const YOU_SAID_DAYS = 400;

export const orderFromReportInput = z
  .object({
    reportId: idSchema,
    content: z.string().trim().min(1).max(CONTENT_MAX),
    deadline: z.string(),
    ownerId: idSchema.nullish(),
  })
  .strict();

/**
 * Turns an information officer's report into an order of its responsible unit (source
 * info_officer, linked to the report, about the report's course when it names a section).
 * One order per report: a second is refused with CONFLICT reportHasOrder {id}. Access (the
 * quality office, or a unit admin for their units) is the router's.
 */
export async function orderFromReport(
  db: DbOrTx,
  now: Date,
  actor: { id: number },
  raw: z.input<typeof orderFromReportInput>,
): Promise<CreatedOrder & { unitId: number }> {
  const i = parseInput(orderFromReportInput, raw);
  const r = await queryRow(
    db,
    { unit_id: col.int, section_id: col.int.nullable },
    sql`
    select unit_id, section_id from info_reports where id = ${i.reportId}`,
  );
  if (!r) throw err("NOT_FOUND", "reportNotFound");
  const made = await createOrder(db, now, actor, {
    source: "info_officer",
    sourceRef: { kind: "info_report", id: i.reportId },
    unitId: r.unit_id,
    ownerId: i.ownerId ?? null,
    content: i.content,
    deadline: i.deadline,
    courseId:
      r.section_id === null
        ? null
        : ((await queryRow(db, { course_id: col.int }, sql`select course_id from sections where id = ${r.section_id}`))?.course_id ?? null),
    dedupeKey: `info_report:${i.reportId}`,
  });
  if (!made.created) throw err("CONFLICT", "reportHasOrder", { id: made.id });
  return { ...made, unitId: r.unit_id };
}

/** The responsible unit of a report (NOT_FOUND reportNotFound): what access to it is checked against. */
export async function reportUnit(db: DbOrTx, reportId: number): Promise<number> {
  const r = await queryRow(db, { unit_id: col.int }, sql`select unit_id from info_reports where id = ${reportId}`);
  if (!r) throw err("NOT_FOUND", "reportNotFound");
  return r.unit_id;
}

/** The report's order (any status), or null: what the report list shows next to a report. */
export async function orderOfReport(db: DbOrTx, reportId: number): Promise<{ id: number; status: string } | null> {
  return (
    (await queryRow(
      db,
      { id: col.int, status: col.text },
      sql`
    select id, status from improvement_items where source = 'info_officer' and source_ref->>'kind' = 'info_report'
      and (source_ref->>'id')::int = ${reportId} order by id desc limit 1`,
    )) ?? null
  );
}

export type OfficerFeedback = {
  reportId: number;
  submittedAt: Date;
  courseName: string | null;
  courseNameEn: string | null;
  unitName: string;
  unitNameEn: string | null;
  order: {
    id: number;
    status: (typeof IMPROVEMENT_STATUSES)[number];
    deadline: string;
    response: string | null;
    measures: string | null;
    expectedEffect: string | null;
    closedAt: Date | null;
  } | null;
};

/** "You said, we did" for an information officer: each of their reports with its order's status and answer, newest first. */
export async function officerFeedback(db: DbOrTx, officerId: number): Promise<OfficerFeedback[]> {
  const rows = await queryRows(
    db,
    {
      id: col.int,
      submitted_at: col.date,
      course_name: col.text.nullable,
      course_name_en: col.text.nullable,
      unit_name: col.text,
      unit_name_en: col.text.nullable,
      order_id: col.int.nullable,
      status: col.oneOf(IMPROVEMENT_STATUSES).nullable,
      deadline: col.text.nullable,
      response: col.text.nullable,
      measures: col.text.nullable,
      expected_effect: col.text.nullable,
      closed_at: col.date.nullable,
    },
    sql`
    select r.id, r.submitted_at, co.name as course_name, co.name_en as course_name_en, u.name as unit_name, u.name_en as unit_name_en,
      o.id as order_id, o.status, o.deadline::text as deadline, o.response, o.measures, o.expected_effect, o.closed_at
    from info_reports r join units u on u.id = r.unit_id
      left join sections s on s.id = r.section_id left join courses co on co.id = s.course_id
      left join lateral (
        select * from improvement_items i where i.source = 'info_officer' and i.source_ref->>'kind' = 'info_report'
          and (i.source_ref->>'id')::int = r.id order by i.id desc limit 1
      ) o on true
    where r.officer_id = ${officerId}
    order by r.submitted_at desc, r.id desc limit 200`,
  );
  return rows.map((r) => ({
    reportId: r.id,
    submittedAt: r.submitted_at,
    courseName: r.course_name,
    courseNameEn: r.course_name_en,
    unitName: r.unit_name,
    unitNameEn: r.unit_name_en,
    // The answer shows once the responsible side has given it (not while the order waits).
    order:
      r.order_id === null || r.status === null || r.deadline === null
        ? null
        : {
            id: r.order_id,
            status: r.status,
            deadline: r.deadline,
            closedAt: r.closed_at,
            response: r.response,
            measures: r.measures,
            expectedEffect: r.expected_effect,
          },
  }));
}

export type YouSaidWeDid = {
  courses: { courseId: number; name: string; nameEn: string | null; items: { summary: string; closedOn: string }[] }[];
  programmes: { programmeId: number; name: string; nameEn: string | null; items: { summary: string; closedOn: string }[] }[];
};

/**
 * For a student: the public summaries of the closed orders from students about the courses
 * they take this term (current term) and about their programme, closed in the last
 * YOU_SAID_DAYS days, newest first.
 */
export async function youSaidWeDid(db: DbOrTx, now: Date, studentId: number): Promise<YouSaidWeDid> {
  const since = addDays(beijingDate(now), -YOU_SAID_DAYS);
  const sources = sql.join(
    STUDENT_SOURCES.map((x) => sql`${x}`),
    sql`, `,
  );
  const common = sql`o.status = 'closed' and o.public_summary is not null and o.public_summary <> '' and o.source in (${sources})
    and o.closed_at >= (${since}::date::timestamp at time zone 'Asia/Shanghai')`;
  const spec = { id: col.int, name: col.text, name_en: col.text.nullable, summary: col.text, closed_on: col.text };
  const courseRows = await queryRows(
    db,
    spec,
    sql`
    select co.id, co.name, co.name_en, o.public_summary as summary, ((o.closed_at at time zone 'Asia/Shanghai')::date)::text as closed_on
    from improvement_items o join courses co on co.id = o.course_id
    where ${common} and o.course_id in (
      select s.course_id from enrolments e join sections s on s.id = e.section_id join terms t on t.id = s.term_id
      where e.person_id = ${studentId} and e.status = 'enrolled' and t.is_current)
    order by co.name, o.closed_at desc`,
  );
  const progRows = await queryRows(
    db,
    spec,
    sql`
    select pr.id, pr.name, pr.name_en, o.public_summary as summary, ((o.closed_at at time zone 'Asia/Shanghai')::date)::text as closed_on
    from improvement_items o join programmes pr on pr.id = o.programme_id
    where ${common} and o.course_id is null and o.programme_id = (select programme_id from persons where id = ${studentId})
    order by o.closed_at desc`,
  );
  const group = <K extends "courseId" | "programmeId">(rows: typeof courseRows, key: K) => {
    const out = new Map<number, { name: string; nameEn: string | null; items: { summary: string; closedOn: string }[] }>();
    for (const r of rows) {
      const g = out.get(r.id) ?? { name: r.name, nameEn: r.name_en, items: [] };
      g.items.push({ summary: r.summary, closedOn: r.closed_on });
      out.set(r.id, g);
    }
    return [...out].map(([id, g]) => ({ [key]: id, ...g }) as { [P in K]: number } & typeof g);
  };
  return { courses: group(courseRows, "courseId"), programmes: group(progRows, "programmeId") };
}
