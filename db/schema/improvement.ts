import { sql } from "drizzle-orm";
import { customType, date, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { IMPROVEMENT_SOURCES, IMPROVEMENT_STATUSES } from "./enums";
import { courses, programmes, units } from "./org";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });
import { persons } from "./people";

// 教育教学质量信息反馈与持续改进报表 (seed 001 附3): a finding and its rectification order
// (整改通知), followed to the end. server/improvement/ owns these tables: the states and every
// change between them are its transition table (server/improvement/states.ts), which the
// trigger improvement_items_status_forward of the migration repeats; events are append-only
// (a trigger refuses their update and delete) and orders are never deleted.
export { IMPROVEMENT_SOURCES, IMPROVEMENT_STATUSES, type ImprovementSource, type ImprovementStatus } from "./enums";

/** The evidence an order links to (typed; server/improvement/orders.ts validates it). */
export type ImprovementSourceRef =
  | { kind: "info_report"; id: number }
  | { kind: "comment"; id: number }
  | { kind: "warning"; id: number }
  | { kind: "inspection"; id: number; unitId: number; item: string }
  | { kind: "campaign"; id: number; targetId?: number }
  | { kind: "observation"; id: number }
  | { kind: "appraisal"; id: number }
  | { kind: "attainment_run"; id: number }
  | { kind: "section"; id: number }
  | { kind: "course"; id: number }
  | { kind: "programme"; id: number }
  | { kind: "person"; id: number }
  | { kind: "document"; title: string; url?: string };

/**
 * The figure an order was raised from (server/improvement/figures.ts measures it again): which
 * figure of whom, in which term, its value and n then, and the target the next measurement
 * must reach for the order to be closed as effective.
 */
export type OrderFigure = {
  figure: "teacher_composite" | "response_rate" | "observation_score" | "student_score";
  teacherId: number;
  courseId?: number | null;
  termId: number;
  value: number;
  n: number;
  target: number;
};

export const improvementItems = pgTable(
  "improvement_items",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    source: text("source", { enum: IMPROVEMENT_SOURCES }).notNull(), // 信息来源
    sourceRef: jsonb("source_ref").$type<ImprovementSourceRef>(),
    reportedOn: date("reported_on").notNull(),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id, { onDelete: "restrict" }), // 责任单位
    ownerId: integer("owner_id").references(() => persons.id, { onDelete: "set null" }), // 责任人
    // What the order is about, where it is about a course, programme or teacher ("you said,
    // we did" reads the course and programme; a teacher's own loop names the teacher).
    courseId: integer("course_id").references(() => courses.id, { onDelete: "restrict" }),
    programmeId: integer("programme_id").references(() => programmes.id, { onDelete: "restrict" }),
    subjectPersonId: integer("subject_person_id").references(() => persons.id, { onDelete: "restrict" }),
    content: text("content").notNull(), // 反馈内容
    response: text("response"), // 问题检视答复
    measures: text("measures"), // 整改措施
    expectedEffect: text("expected_effect"), // 预期效果
    deadline: date("deadline").notNull(), // 时限 (Beijing day); continuing sets the next review date
    status: text("status", { enum: IMPROVEMENT_STATUSES }).notNull().default("issued"),
    // One open order per key (a warning rule and its subject): the partial unique index below.
    dedupeKey: text("dedupe_key"),
    // 0 none, 1 reminded before the deadline, 2 escalated to the unit's leader, 3 to the quality office.
    escalation: smallint("escalation").notNull().default(0),
    reopenCount: integer("reopen_count").notNull().default(0),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    // "You said, we did": the short public text shown to students once closed.
    publicSummary: text("public_summary"),
    // Effectiveness: the figure before (null when the order was not raised from a figure).
    figure: jsonb("figure").$type<OrderFigure>(),
    createdBy: integer("created_by").references(() => persons.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("improvement_items_unit_idx").on(t.unitId, t.status),
    index("improvement_items_status_deadline_idx").on(t.status, t.deadline),
    index("improvement_items_created_idx").on(t.createdAt),
    index("improvement_items_course_idx").on(t.courseId),
    uniqueIndex("improvement_items_open_dedupe_uq")
      .on(t.dedupeKey)
      .where(sql`dedupe_key is not null and status not in ('closed', 'cancelled')`),
  ],
);

export const improvementEvents = pgTable(
  "improvement_events",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    itemId: integer("item_id")
      .notNull()
      .references(() => improvementItems.id, { onDelete: "restrict" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorId: integer("actor_id").references(() => persons.id, { onDelete: "restrict" }),
    kind: text("kind").notNull(), // a step of the transition table, or remind / escalate
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    note: text("note"),
    data: jsonb("data").$type<Record<string, unknown>>(),
  },
  (t) => [index("improvement_events_item_idx").on(t.itemId, t.at)],
);

// Evidence attached to an answer or a verification (size and type limits in server/improvement/attachments.ts).
export const improvementAttachments = pgTable(
  "improvement_attachments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    itemId: integer("item_id")
      .notNull()
      .references(() => improvementItems.id, { onDelete: "restrict" }),
    eventId: integer("event_id")
      .notNull()
      .references(() => improvementEvents.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    mime: text("mime").notNull(),
    size: integer("size").notNull(),
    content: bytea("content").notNull(),
  },
  (t) => [index("improvement_attachments_item_idx").on(t.itemId)],
);

// 申诉: those evaluated may dispute a result (seed 000 第61条).
export const disputes = pgTable("disputes", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  personId: integer("person_id")
    .notNull()
    .references(() => persons.id, { onDelete: "cascade" }),
  subject: jsonb("subject").notNull(),
  reason: text("reason").notNull(),
  status: text("status", { enum: ["submitted", "reviewing", "upheld", "rejected"] })
    .notNull()
    .default("submitted"),
  decision: text("decision"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  decidedAt: timestamp("decided_at", { withTimezone: true }),
});
