import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { raterGroup } from "./campaigns";
import { terms } from "./org";
import { persons } from "./people";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

// Teacher appraisal (server/appraisal): the teaching grade (优秀/良好/合格/不合格) of each teacher
// per school year, computed with the figures, published on notice, frozen in versions,
// vetoed for ethics, exempted, appealed; and the log of who looked at a teacher's results.

export const BAND_VALUES = ["excellent", "good", "pass", "fail"] as const;
export const BAND_REASONS = ["score", "quota", "veto", "insufficient_evidence", "exempt", "appeal"] as const;

// The bands of the latest run of a policy (server/appraisal/store.ts), rewritten whole with the
// figures by every recompute, like target_results (no foreign keys: derived rows).
//   detail   scoreBand, evidence (which minimum failed), crossed cut-offs, exemption, groups used/missing
const bandColumns = {
  teacherId: integer("teacher_id").notNull(),
  unitId: integer("unit_id"),
  score: doublePrecision("score"),
  se: doublePrecision("se"),
  ciLow: doublePrecision("ci_low"),
  ciHigh: doublePrecision("ci_high"),
  band: text("band", { enum: BAND_VALUES }),
  reason: text("reason", { enum: BAND_REASONS }).notNull(),
  vetoCode: text("veto_code"),
  borderline: boolean("borderline").notNull(),
  annualFail: boolean("annual_fail").notNull(),
  rank: integer("rank"),
  rankOf: integer("rank_of"),
  detail: jsonb("detail").notNull().$type<Record<string, unknown>>(),
};

export const appraisalResults = pgTable(
  "appraisal_results",
  {
    policyId: integer("policy_id").notNull(),
    runId: integer("run_id").notNull(),
    schoolYear: text("school_year").notNull(),
    ...bandColumns,
  },
  (t) => [primaryKey({ name: "appraisal_results_pk", columns: [t.policyId, t.teacherId] })],
);

// Per policy, the rules its last run banded with and the quota check of every scope.
export const appraisalRuns = pgTable("appraisal_runs", {
  policyId: integer("policy_id").primaryKey(),
  runId: integer("run_id").notNull(),
  schoolYear: text("school_year").notNull(),
  rules: jsonb("rules").notNull().$type<Record<string, unknown>>(),
  quota: jsonb("quota").notNull().$type<unknown[]>(),
});

// A published appraisal of a year: a frozen copy of the bands. Versions only move forward:
// draft → pending (HR asked) → notice (the quality office approved: 公示 from notice_from to
// notice_until, teachers see their own) → locked; a later version (with its reason: a
// correction, an upheld appeal) supersedes the one before. History keeps every version.
export const appraisalVersions = pgTable(
  "appraisal_versions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    schoolYear: text("school_year").notNull(),
    version: integer("version").notNull(),
    policyId: integer("policy_id").notNull(),
    runId: integer("run_id"),
    status: text("status", { enum: ["draft", "pending", "notice", "locked", "superseded"] })
      .notNull()
      .default("draft"),
    reason: text("reason"),
    rules: jsonb("rules").notNull().$type<Record<string, unknown>>(),
    quota: jsonb("quota").notNull().$type<unknown[]>(),
    createdBy: integer("created_by").references(() => persons.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    requestedBy: integer("requested_by").references(() => persons.id, { onDelete: "set null" }),
    requestedAt: timestamp("requested_at", { withTimezone: true }),
    approvedBy: integer("approved_by").references(() => persons.id, { onDelete: "set null" }),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    noticeFrom: date("notice_from"),
    noticeUntil: date("notice_until"),
    lockedBy: integer("locked_by").references(() => persons.id, { onDelete: "set null" }),
    lockedAt: timestamp("locked_at", { withTimezone: true }),
    supersededBy: integer("superseded_by"),
  },
  (t) => [
    unique("appraisal_versions_uq").on(t.schoolYear, t.version),
    // per year at most one version in preparation and one in force
    uniqueIndex("appraisal_versions_preparing_uq")
      .on(t.schoolYear)
      .where(sql`status in ('draft', 'pending')`),
    uniqueIndex("appraisal_versions_in_force_uq")
      .on(t.schoolYear)
      .where(sql`status in ('notice', 'locked')`),
  ],
);

// The rows of a version, written once when it is made (a trigger refuses any update or delete).
export const appraisalVersionRows = pgTable(
  "appraisal_version_rows",
  {
    versionId: integer("version_id")
      .notNull()
      .references(() => appraisalVersions.id, { onDelete: "restrict" }),
    ...bandColumns,
  },
  (t) => [primaryKey({ name: "appraisal_version_rows_pk", columns: [t.versionId, t.teacherId] })],
);

// 师德一票否决 and other vetoes: a recorded decision for a teacher and a year (code, document
// number, decision date, duration in months; 师德失范 at least 24), revocable with a reason.
export const appraisalVetoes = pgTable(
  "appraisal_vetoes",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => persons.id, { onDelete: "restrict" }),
    schoolYear: text("school_year").notNull(),
    code: text("code").notNull(),
    reason: text("reason").notNull(),
    documentNo: text("document_no"),
    decidedOn: date("decided_on").notNull(),
    months: smallint("months").notNull(),
    recordedBy: integer("recorded_by").references(() => persons.id, { onDelete: "set null" }),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
    revokedBy: integer("revoked_by").references(() => persons.id, { onDelete: "set null" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokeReason: text("revoke_reason"),
  },
  (t) => [
    uniqueIndex("appraisal_vetoes_active_uq")
      .on(t.teacherId, t.schoolYear)
      .where(sql`revoked_at is null`),
    check("appraisal_vetoes_months_ck", sql`${t.months} between 1 and 240`),
  ],
);

// 访学, 进修, 培训, 组织派遣, 产假: excuse the evidence minimums of a year (no band, not a bad one).
export const appraisalExemptions = pgTable(
  "appraisal_exemptions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => persons.id, { onDelete: "restrict" }),
    schoolYear: text("school_year").notNull(),
    kind: text("kind", { enum: ["visiting", "further_study", "training", "secondment", "maternity"] }).notNull(),
    note: text("note"),
    recordedBy: integer("recorded_by").references(() => persons.id, { onDelete: "set null" }),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
    revokedBy: integer("revoked_by").references(() => persons.id, { onDelete: "set null" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokeReason: text("revoke_reason"),
  },
  (t) => [
    uniqueIndex("appraisal_exemptions_active_uq")
      .on(t.teacherId, t.schoolYear)
      .where(sql`revoked_at is null`),
  ],
);

// 复核 then 申诉 (seed 000 第61条): a teacher disputes their grade or a figure of a published
// version within the window; the quality office assigns a reviewer, who decides by the due
// date; a rejected review may go on to one appeal at the school level. One open case per
// teacher and year (open: submitted or assigned).
export const appraisalAppeals = pgTable(
  "appraisal_appeals",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => persons.id, { onDelete: "restrict" }),
    schoolYear: text("school_year").notNull(),
    versionId: integer("version_id")
      .notNull()
      .references(() => appraisalVersions.id, { onDelete: "restrict" }),
    stage: text("stage", { enum: ["review", "appeal"] }).notNull(),
    parentId: integer("parent_id"),
    subject: text("subject", { enum: ["band", "figure"] }).notNull(),
    reason: text("reason").notNull(),
    attachmentName: text("attachment_name"),
    attachment: bytea("attachment"),
    status: text("status", { enum: ["submitted", "assigned", "upheld", "rejected"] })
      .notNull()
      .default("submitted"),
    filedAt: timestamp("filed_at", { withTimezone: true }).notNull(),
    reviewerId: integer("reviewer_id").references(() => persons.id, { onDelete: "set null" }),
    assignedBy: integer("assigned_by").references(() => persons.id, { onDelete: "set null" }),
    assignedAt: timestamp("assigned_at", { withTimezone: true }),
    dueOn: date("due_on"),
    decidedBy: integer("decided_by").references(() => persons.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decisionNote: text("decision_note"),
    correction: jsonb("correction").$type<Record<string, unknown>>(),
    resultVersionId: integer("result_version_id"),
  },
  (t) => [
    uniqueIndex("appraisal_appeals_open_uq")
      .on(t.teacherId, t.schoolYear)
      .where(sql`status in ('submitted', 'assigned')`),
    index("appraisal_appeals_year_idx").on(t.schoolYear, t.status),
  ],
);

// Every view of one teacher's results, appraisal or comments by someone else (page or export):
// who, in which role, when, what. Append-only: a trigger (migration) refuses update and delete.
// Read only by its subject and the system administrator (server/appraisal/views.ts).
export const resultViews = pgTable(
  "result_views",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    subjectId: integer("subject_id")
      .notNull()
      .references(() => persons.id, { onDelete: "restrict" }),
    viewerId: integer("viewer_id").references(() => persons.id, { onDelete: "restrict" }),
    viewerRole: text("viewer_role").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    what: text("what").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
  },
  (t) => [index("result_views_subject_idx").on(t.subjectId, t.at)],
);

// 教师层面诊改 (seed 004 五(五)3): a teacher's self-diagnosis plan made on the figures of a term
// (`term_id`, its `school_year`): per rater group, instrument (its key, so that the next term's
// version still matches) and indicator the value then (`current`, the norm group's mean `norm`),
// the target for the next term (default the norm mean), the causes and the measures. Written by
// server/appraisal/diagnosis.ts, which also reads the next term's value against the target.
export const diagnosisTargets = pgTable(
  "diagnosis_targets",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    schoolYear: text("school_year").notNull(),
    termId: integer("term_id")
      .notNull()
      .references(() => terms.id, { onDelete: "restrict" }),
    raterGroup: raterGroup("rater_group").notNull(),
    instrument: text("instrument").notNull(),
    indicator: text("indicator").notNull(),
    current: doublePrecision("current"),
    norm: doublePrecision("norm"),
    target: doublePrecision("target").notNull(),
    causes: text("causes"),
    measures: text("measures"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [unique("diagnosis_targets_term_uq").on(t.teacherId, t.termId, t.raterGroup, t.instrument, t.indicator)],
);
