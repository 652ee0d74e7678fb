import { index, integer, json, jsonb, pgEnum, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { LIFECYCLE_STATUSES, lifecycleColumns, type LifecycleStatus } from "./lifecycle";

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
  "inspection", // 教学检查表 (filled in by a unit, named: server/inspections)
  "mid_term_feedback", // 期中教学反馈
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

export const INSTRUMENT_VERSION_STATUSES = LIFECYCLE_STATUSES;
export type InstrumentVersionStatus = LifecycleStatus;

// Immutable once created (a trigger refuses any UPDATE of its content, see migration
// 0001): an upload or an in-app edit makes a new version. The expert committee approves a
// draft (once: who, when, note) before any campaign uses it; an approved version may later
// be retired (no new campaigns; those that use it keep it). A draft may be retired too
// (withdrawn without approval).
export const instrumentVersions = pgTable(
  "instrument_versions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    instrumentId: integer("instrument_id")
      .notNull()
      .references(() => instruments.id, { onDelete: "restrict" }),
    // version, hash (sha256 of the definition's canonical JSON, keys sorted: the same file
    // again is "unchanged", not a new version), status and approval (db/schema/lifecycle.ts)
    ...lifecycleColumns(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // The whole instrument file (server/instruments/format.ts), as checked: key, kind, name,
    // indicators, items, unscored and the SurveyJS JSON under "survey". json, not jsonb: the
    // approved text keeps its order of keys (jsonb would sort them), as people wrote it.
    definition: json("definition").notNull().$type<Record<string, unknown>>(),
    // What scoring reads, copied from the file: { indicators (tree with weights), items, unscored }.
    indicators: jsonb("indicators").notNull().$type<{ indicators: unknown[]; items: unknown[]; unscored: string[] }>(),
  },
  (t) => [
    unique("instrument_versions_uq").on(t.instrumentId, t.version),
    unique("instrument_versions_hash_uq").on(t.instrumentId, t.hash),
    index("instrument_versions_status_idx").on(t.status),
  ],
);
