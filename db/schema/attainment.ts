import { sql } from "drizzle-orm";
import { check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, unique } from "drizzle-orm/pg-core";
import { lifecycleColumns } from "./lifecycle";
import { programmes, sections } from "./org";
import { persons } from "./people";

// The stored run's JSON (attainment_runs.params and .result), written by server/attainment/
// compute.ts (computeAttainment, computeIndirect), which re-exports these types: they live here
// so that the columns are typed ($type) without db/ importing server/.
export type Strength = "H" | "M" | "L";
export type StrengthValues = Record<Strength, number>;
export type ObjectiveMethod = "item_ratio" | "weighted_marks";
export type CourseAggregate = "min" | "weighted_mean";
export type SurveySource = "graduating" | "alumni" | "employer";

export type AttainmentParams = {
  threshold: number;
  method: ObjectiveMethod;
  courseAggregate: CourseAggregate;
  strengthValues: StrengthValues;
};

export type ItemResult = { item: string; fullMarks: number; weight: number; mean: number; ratio: number };
export type ObjectiveResult = {
  course: string;
  objective: string;
  attainment: number;
  students: number;
  shareAtThreshold: number;
  /** Quartiles of the per-student values a(s, j): [Q1, median, Q3]. */
  quartiles: [number, number, number];
  /** The per-student values a(s, j), ascending (for the distribution chart; no student named). */
  studentValues: number[];
  marks: number;
  items: ItemResult[];
  attained: boolean;
};
export type CourseResult = { course: string; attainment: number; weakestObjective: string; attained: boolean };
export type PointContribution = { course: string; objective: string; strength: Strength; value: number; attainment: number };
export type PointResult = { point: string; requirement: string; attainment: number; contributions: PointContribution[]; attained: boolean };
export type RequirementResult = { requirement: string; title?: string; attainment: number; weakestPoint: string; attained: boolean };

export type IndirectValue = { value: number; n: number; items: { source: SurveySource; item: string; value: number; n: number }[] };
export type IndirectRequirement = { requirement: string; direct: number; indirect: IndirectValue | null; blended: number | null };
export type IndirectObjective = { objective: string; direct: number | null; indirect: IndirectValue | null };
export type IndirectResult = {
  /** α as the model set it when computed (null: never blended). */
  alpha: number | null;
  requirements: IndirectRequirement[];
  objectives: IndirectObjective[];
  /** Groups of the surveys withheld (below the minimum of raters), per source: counted, never shown. */
  withheld: Partial<Record<SurveySource, number>>;
};

export type AttainmentResult = {
  params: AttainmentParams;
  objectives: ObjectiveResult[];
  courses: CourseResult[];
  points: PointResult[];
  requirements: RequirementResult[];
  /** The survey-based values beside the direct ones, when the model maps survey items (computeIndirect). */
  indirect?: IndirectResult;
};

// OBE attainment (达成度). A programme's outcome model (培养方案的成果模型: 培养目标, 毕业要求 and
// their 指标点, the courses' 课程目标, the support matrix with H/M/L strengths and their numeric
// values, the requirement → training-objective matrix, the threshold and methods) is one
// immutable version (server/attainment/model.ts validates it), approved like instrument
// versions and scoring policies: status draft → approved → retired, with who, when and a note.
// A change makes a new version; every computed result names the version it used.
export const outcomeModels = pgTable(
  "outcome_models",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    programmeId: integer("programme_id")
      .notNull()
      .references(() => programmes.id, { onDelete: "restrict" }),
    // version, hash (of the canonical JSON of model and cohorts), status and approval
    ...lifecycleColumns(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    // The intake years (年级) this 培养方案 applies to, e.g. {2023,2024,2025,2026}.
    cohorts: smallint("cohorts").array().notNull(),
    model: jsonb("model").notNull().$type<Record<string, unknown>>(),
  },
  (t) => [unique("outcome_models_version_uq").on(t.programmeId, t.version), unique("outcome_models_hash_uq").on(t.programmeId, t.hash)],
);

// The assessment items of one course offering (教学班): an exam question, a lab report, homework;
// each with its full marks, contributing to one course objective (by code) with a weight.
export const assessmentItems = pgTable(
  "assessment_items",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    sectionId: integer("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    position: smallint("position").notNull(),
    code: text("code").notNull(),
    fullMarks: doublePrecision("full_marks").notNull(),
    objective: text("objective").notNull(),
    weight: doublePrecision("weight").notNull(),
  },
  (t) => [
    unique("assessment_items_uq").on(t.sectionId, t.code),
    check("assessment_items_full_ck", sql`${t.fullMarks} > 0`),
    check("assessment_items_weight_ck", sql`${t.weight} > 0 and ${t.weight} <= 1`),
  ],
);

// Every student's score per item (a student of the offering without a row scored 0).
export const assessmentScores = pgTable(
  "assessment_scores",
  {
    itemId: integer("item_id")
      .notNull()
      .references(() => assessmentItems.id, { onDelete: "cascade" }),
    personId: integer("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    score: doublePrecision("score").notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.personId] }), check("assessment_scores_ck", sql`${t.score} >= 0`)],
);

// A computed attainment of a programme for a school year: the model version, the parameters
// (threshold, method, course aggregate, strength values) and every figure (server/attainment/
// compute.ts AttainmentResult; no student is named in it). Computing again adds a run; the
// latest of a model version and year is the current one.
export const attainmentRuns = pgTable(
  "attainment_runs",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    modelId: integer("model_id")
      .notNull()
      .references(() => outcomeModels.id, { onDelete: "restrict" }),
    schoolYear: text("school_year").notNull(),
    params: jsonb("params").notNull().$type<AttainmentParams>(),
    result: jsonb("result").notNull().$type<AttainmentResult>(),
    computedBy: integer("computed_by").references(() => persons.id, { onDelete: "set null" }),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("attainment_runs_model_idx").on(t.modelId, t.schoolYear)],
);

// The teacher's analysis and measures of an offering's 课程目标达成情况评价报告.
export const sectionAttainmentNotes = pgTable("section_attainment_notes", {
  sectionId: integer("section_id")
    .primaryKey()
    .references(() => sections.id, { onDelete: "cascade" }),
  analysis: text("analysis").notNull().default(""),
  measures: text("measures").notNull().default(""),
  updatedBy: integer("updated_by").references(() => persons.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});
