import { index, integer, jsonb, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { campaignTargets, raterGroup } from "./campaigns";
import { terms } from "./org";
import { persons } from "./people";

// Weights, trims, quality rules, minimums and norm groups for one school year; approved
// like instruments, and named by every figure it produced.
export const scoringPolicies = pgTable("scoring_policies", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  schoolYear: text("school_year").notNull(),
  version: integer("version").notNull(),
  policy: jsonb("policy").notNull(),
  status: text("status", { enum: ["draft", "approved", "retired"] }).notNull().default("draft"),
  approvedBy: integer("approved_by").references(() => persons.id, { onDelete: "set null" }),
  approvedAt: timestamp("approved_at", { withTimezone: true }),
  approvalNote: text("approval_note"),
}, (t) => [unique("scoring_policies_uq").on(t.schoolYear, t.version)]);

// Per target × rater group statistics (n, mean, trimmed mean, median, SD, SE, CI,
// distribution, reliability, EB score) as computed under one policy.
export const targetResults = pgTable("target_results", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  targetId: integer("target_id").notNull().references(() => campaignTargets.id, { onDelete: "cascade" }),
  raterGroup: raterGroup("rater_group").notNull(),
  policyId: integer("policy_id").notNull().references(() => scoringPolicies.id, { onDelete: "restrict" }),
  stats: jsonb("stats").notNull(),
  computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [unique("target_results_uq").on(t.targetId, t.raterGroup, t.policyId)]);

export const teacherComposites = pgTable("teacher_composites", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  teacherId: integer("teacher_id").notNull().references(() => persons.id, { onDelete: "cascade" }),
  termId: integer("term_id").references(() => terms.id, { onDelete: "restrict" }),
  schoolYear: text("school_year").notNull(),
  policyId: integer("policy_id").notNull().references(() => scoringPolicies.id, { onDelete: "restrict" }),
  composite: jsonb("composite").notNull(),
  computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("teacher_composites_teacher_idx").on(t.teacherId)]);
