import { date, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { units } from "./org";
import { persons } from "./people";

// 教育教学质量信息反馈与持续改进报表 (seed 001 附3): one finding and its follow-up.
export const improvementItems = pgTable("improvement_items", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  source: text("source").notNull(), // 信息来源: evaluation, supervision, info officer, employer, …
  sourceRef: jsonb("source_ref"),
  reportedOn: date("reported_on").notNull(),
  unitId: integer("unit_id").references(() => units.id, { onDelete: "restrict" }),
  ownerId: integer("owner_id").references(() => persons.id, { onDelete: "set null" }),
  content: text("content").notNull(), // 反馈内容
  response: text("response"), // 问题检视答复
  measures: text("measures"), // 整改措施
  expectedEffect: text("expected_effect"), // 预期效果
  deadline: date("deadline"),
  status: text("status", { enum: ["open", "answered", "verifying", "closed", "reopened"] }).notNull().default("open"),
  createdBy: integer("created_by").references(() => persons.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("improvement_items_unit_idx").on(t.unitId, t.status)]);

export const improvementEvents = pgTable("improvement_events", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  itemId: integer("item_id").notNull().references(() => improvementItems.id, { onDelete: "cascade" }),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  actorId: integer("actor_id").references(() => persons.id, { onDelete: "set null" }),
  kind: text("kind").notNull(),
  note: text("note"),
});

// 申诉: those evaluated may dispute a result (seed 000 第61条).
export const disputes = pgTable("disputes", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  personId: integer("person_id").notNull().references(() => persons.id, { onDelete: "cascade" }),
  subject: jsonb("subject").notNull(),
  reason: text("reason").notNull(),
  status: text("status", { enum: ["submitted", "reviewing", "upheld", "rejected"] }).notNull().default("submitted"),
  decision: text("decision"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  decidedAt: timestamp("decided_at", { withTimezone: true }),
});
