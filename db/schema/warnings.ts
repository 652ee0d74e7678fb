import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { improvementItems } from "./improvement";
import { lifecycleColumns } from "./lifecycle";
import { courses, sections, terms, units } from "./org";
import { persons } from "./people";
import { scoringPolicies } from "./results";

// 教学质量预警 (seed 003 第40条): the school's warning rules, one versioned, approved rule set
// (the lifecycle of every versioned thing; one series, "school"), evaluated over the figures
// after every recompute (server/warnings/). The rules' kinds are a registry
// (server/warnings/kinds.ts); the stored rule set is their parsed, complete form.
export type WarningRule = {
  /** Stable across versions: warnings and the orders' dedupe keys name it. */
  key: string;
  name: string;
  kind: string;
  params: Record<string, number>;
  /** review: the quality office turns a warning into an order; direct: the evaluation issues it. */
  action: "review" | "direct";
  /** The order's deadline: this many days after it is issued. */
  deadlineDays: number;
};

export const warningRuleSets = pgTable(
  "warning_rule_sets",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    series: text("series").notNull(),
    ...lifecycleColumns(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    rules: jsonb("rules").notNull().$type<WarningRule[]>(),
  },
  (t) => [unique("warning_rule_sets_version_uq").on(t.series, t.version), unique("warning_rule_sets_hash_uq").on(t.series, t.hash)],
);

/** What a warning shows: the figure, its n, the threshold and what else the kind measured. */
export type WarningEvidence = {
  figure: string;
  value: number;
  n: number;
  threshold: number;
  [k: string]: number | string | null;
};

export const WARNING_STATUSES = ["open", "converted", "dismissed", "cleared"] as const;
export type WarningStatus = (typeof WARNING_STATUSES)[number];

// One warning per rule and subject (the subject names its period: a teacher in a term, a
// section target): every evaluation updates its evidence; an open warning whose condition no
// longer holds after a recompute of its school year is cleared. Converted: an order was
// issued (order_id); dismissed: the quality office decided against one (note).
export const warnings = pgTable(
  "warnings",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    ruleKey: text("rule_key").notNull(),
    ruleSetId: integer("rule_set_id")
      .notNull()
      .references(() => warningRuleSets.id, { onDelete: "restrict" }),
    kind: text("kind").notNull(),
    subjectKey: text("subject_key").notNull(),
    schoolYear: text("school_year").notNull(),
    policyId: integer("policy_id")
      .notNull()
      .references(() => scoringPolicies.id, { onDelete: "restrict" }),
    termId: integer("term_id").references(() => terms.id, { onDelete: "restrict" }),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id, { onDelete: "restrict" }),
    teacherId: integer("teacher_id").references(() => persons.id, { onDelete: "restrict" }),
    sectionId: integer("section_id").references(() => sections.id, { onDelete: "restrict" }),
    courseId: integer("course_id").references(() => courses.id, { onDelete: "restrict" }),
    evidence: jsonb("evidence").notNull().$type<WarningEvidence>(),
    status: text("status", { enum: WARNING_STATUSES }).notNull().default("open"),
    orderId: integer("order_id").references(() => improvementItems.id, { onDelete: "restrict" }),
    decidedBy: integer("decided_by").references(() => persons.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    note: text("note"),
    raisedAt: timestamp("raised_at", { withTimezone: true }).notNull(),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    unique("warnings_rule_subject_uq").on(t.ruleKey, t.subjectKey),
    index("warnings_status_idx").on(t.status, t.schoolYear),
    check("warnings_order_ck", sql`(${t.status} = 'converted') = (${t.orderId} is not null)`),
  ],
);
