import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { persons } from "./people";

export const INSTRUMENT_KINDS = [
  "student_evaluation", // 学生评教
  "peer_evaluation", // 同行评教
  "supervisor_observation", // 督导听课评课
  "leader_observation", // 领导干部听课
  "self_evaluation", // 教师自评
  "teacher_evaluates_learning", // 教师评学
  "info_officer_report", // 学生信息员反馈
  "learning_experience", // 在校生学习体验调查
  "teaching_experience", // 教师教学体验调查
  "graduating_satisfaction", // 学习与成长满意度调查
  "graduate_tracking", // 毕业生跟踪调查
  "employer_tracking", // 用人单位跟踪调查
] as const;
export const instrumentKind = pgEnum("instrument_kind", INSTRUMENT_KINDS);

export const instruments = pgTable("instruments", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  key: text("key").notNull().unique(),
  kind: instrumentKind("kind").notNull(),
  name: text("name").notNull(),
  nameEn: text("name_en"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

// Immutable once created; approved by the expert committee before any campaign uses it.
export const instrumentVersions = pgTable("instrument_versions", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  instrumentId: integer("instrument_id").notNull().references(() => instruments.id, { onDelete: "restrict" }),
  version: integer("version").notNull(),
  definition: jsonb("definition").notNull(), // SurveyJS JSON
  indicators: jsonb("indicators").notNull(), // indicator tree with weights
  status: text("status", { enum: ["draft", "approved", "retired"] }).notNull().default("draft"),
  createdBy: integer("created_by").references(() => persons.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  approvedBy: integer("approved_by").references(() => persons.id, { onDelete: "set null" }),
  approvedAt: timestamp("approved_at", { withTimezone: true }),
  approvalNote: text("approval_note"),
}, (t) => [unique("instrument_versions_uq").on(t.instrumentId, t.version), index("instrument_versions_status_idx").on(t.status)]);
