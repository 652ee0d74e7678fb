/**
 * A programme's outcome model (成果模型 of a 培养方案) and its versions in the database.
 *
 * The model: 培养目标 (training objectives), 毕业要求 with their 指标点, the courses' 课程目标,
 * the support matrix (course objective → point, H/M/L), the numeric values of H/M/L, the
 * requirement → training-objective matrix, the threshold, the course-objective method and the
 * course aggregate, and α for blending indirect values (null: never blended).
 *
 * Versions follow the lifecycle of every versioned, approved thing (server/kernel/lifecycle.ts),
 * a series per programme: createModelVersion makes the next version as a draft (the same model
 * again is "unchanged"); approveModelVersion records who, when and a note, once, on a draft;
 * retireModelVersion ends a version for good. Versions are never edited: a change is a new
 * version, and results keep the version they used.
 */
import { createHash } from "node:crypto";
import { and, count, desc, eq, ne } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { attainmentRuns, outcomeModels, programmes } from "@/db/schema";
import { DomainError, notFound } from "../kernel/errors";
import { canonicalJson } from "../instruments/diff";
import { idSchema, schoolYearSchema } from "../kernel/ids";
import { lifecycle, selectWithPeople } from "../kernel/lifecycle";
import type { Locale, MessageKey } from "../i18n/messages";
import {
  COURSE_AGGREGATES,
  DEFAULT_STRENGTH_VALUES,
  DEFAULT_THRESHOLD,
  OBJECTIVE_METHODS,
  STRENGTHS,
  SURVEY_SOURCES,
  type AttainmentParams,
  type RequirementDef,
  type SupportLink,
  type SurveySource,
} from "./compute";
import {
  checkAttainmentFiles,
  describeIssue,
  parseStrength,
  readAttainmentFile,
  sortIssues,
  type AttainmentIssue,
  type ParsedFile,
} from "./files";
import { parseInput } from "../kernel/validate";

const code = z.string().trim().min(1).max(40);
const title = z.string().trim().max(500).optional();

export const outcomeModelSchema = z.object({
  trainingObjectives: z.array(z.object({ code, title })).max(50).default([]),
  requirements: z.array(z.object({ code, title, points: z.array(z.object({ code, title })).max(50) })).max(50),
  courseObjectives: z
    .array(z.object({ course: code, code, title }))
    .max(2000)
    .default([]),
  support: z.array(z.object({ course: code, objective: code, point: code, strength: z.enum(STRENGTHS) })).max(20000),
  requirementObjectives: z
    .array(z.object({ requirement: code, objective: code }))
    .max(2500)
    .default([]),
  strengthValues: z
    .object({ H: z.number().positive().max(100), M: z.number().positive().max(100), L: z.number().positive().max(100) })
    .default(DEFAULT_STRENGTH_VALUES),
  threshold: z.number().gt(0).max(1).default(DEFAULT_THRESHOLD),
  method: z.enum(OBJECTIVE_METHODS).default("item_ratio"),
  courseAggregate: z.enum(COURSE_AGGREGATES).default("min"),
  alpha: z.number().min(0).max(1).nullable().default(null),
  // Survey items (an instrument's scored item: "question" or "question/row") of the graduating,
  // alumni (graduate tracking) and employer surveys, each mapped to one requirement or one
  // training objective (compute.ts computeIndirect). Optional, so that models stored before it
  // keep their hash.
  surveyMapping: z
    .array(
      z
        .object({
          source: z.enum(SURVEY_SOURCES),
          item: z.string().trim().min(1).max(100),
          title,
          requirement: code.optional(),
          objective: code.optional(),
        })
        .refine((l) => (l.requirement === undefined) !== (l.objective === undefined), { message: "requirement or objective" }),
    )
    .max(500)
    .optional(),
});
export type OutcomeModel = z.infer<typeof outcomeModelSchema>;

export const modelParams = (m: OutcomeModel): AttainmentParams => ({
  threshold: m.threshold,
  method: m.method,
  courseAggregate: m.courseAggregate,
  strengthValues: m.strengthValues,
});

/**
 * The one check of a model, whichever way it came (the editor, the files, the demo). Two kinds
 * of problem:
 *
 * - incoherent: a code twice (a requirement, a point, a training objective, a course objective,
 *   a support link), a link naming a point, course objective, requirement or training objective
 *   the model does not have. Nothing is stored with one of these (modelIntegrityIssues).
 * - incomplete: no requirement, a requirement without points, a point no course objective
 *   supports. A draft saved from the editor may be incomplete while it is being written; a
 *   version is approved only without any (checkModel), and files are imported only complete.
 *
 * Strengths are H/M/L and the strength values, threshold and α are in range by the schema
 * (outcomeModelSchema). Each problem is a code of the attainment namespace and its parameters.
 */
export function modelIntegrityIssues(m: OutcomeModel): AttainmentIssue[] {
  const issues: AttainmentIssue[] = [];
  const at = (code: MessageKey, params: Record<string, string | number>) =>
    issues.push({ file: "model", row: 0, column: null, code, params });
  const once = (values: string[]) => {
    const seen = new Set<string>();
    for (const v of values) {
      if (seen.has(v)) at("attainment.check.duplicateCode", { value: v });
      seen.add(v);
    }
    return seen;
  };
  const requirements = once(m.requirements.map((r) => r.code));
  const points = once(m.requirements.flatMap((r) => r.points.map((p) => p.code)));
  const objectives = once(m.trainingObjectives.map((o) => o.code));
  const courseObjectives = once(m.courseObjectives.map((o) => `${o.course} ${o.code}`));
  once(m.support.map((s) => `${s.course} ${s.objective} → ${s.point}`));
  once(m.requirementObjectives.map((l) => `${l.requirement} → ${l.objective}`));
  for (const s of m.support) {
    if (!points.has(s.point)) at("attainment.check.unknownPoint", { value: s.point });
    // Models imported before course objectives were listed name them only in the support.
    if (m.courseObjectives.length && !courseObjectives.has(`${s.course} ${s.objective}`))
      at("attainment.check.unknownObjective", { value: s.objective, course: s.course });
  }
  for (const l of m.requirementObjectives) {
    if (!requirements.has(l.requirement)) at("attainment.check.unknownRequirement", { value: l.requirement });
    if (!objectives.has(l.objective)) at("attainment.check.unknownTrainingObjective", { value: l.objective });
  }
  for (const l of m.surveyMapping ?? []) {
    if (l.requirement !== undefined && !requirements.has(l.requirement))
      at("attainment.check.unknownRequirement", { value: l.requirement });
    if (l.objective !== undefined && !objectives.has(l.objective)) at("attainment.check.unknownTrainingObjective", { value: l.objective });
  }
  return issues;
}

/** Every problem of a model (incoherent and incomplete): what approval and a file import refuse. */
export function checkModel(m: OutcomeModel): AttainmentIssue[] {
  const issues = modelIntegrityIssues(m);
  const at = (code: MessageKey, params: Record<string, string | number> = {}) =>
    issues.push({ file: "model", row: 0, column: null, code, params });
  if (!m.requirements.length) at("attainment.check.noRequirements");
  for (const r of m.requirements) if (!r.points.length) at("attainment.check.requirementWithoutPoints", { requirement: r.code });
  const supported = new Set(m.support.map((s) => s.point));
  for (const r of m.requirements)
    for (const p of r.points) if (!supported.has(p.code)) at("attainment.check.unsupportedPoint", { point: p.code });
  return issues;
}

/** A refusal listing every problem, each with its sentence in the user's language (at most 200). */
export function modelProblems(code: MessageKey, params: Record<string, string | number>, issues: AttainmentIssue[], locale: Locale) {
  return new DomainError(
    "BAD_REQUEST",
    code,
    { ...params, count: issues.length },
    issues.slice(0, 200).map((i) => ({ ...i, message: describeIssue(locale, i) })),
  );
}

/** The model's requirements and support in the computation's terms. */
export function modelInput(m: OutcomeModel): { requirements: RequirementDef[]; support: SupportLink[] } {
  return {
    requirements: m.requirements.map((r) => ({
      code: r.code,
      ...(r.title ? { title: r.title } : {}),
      points: r.points.map((p) => ({ code: p.code, ...(p.title ? { title: p.title } : {}) })),
    })),
    support: m.support,
  };
}

/**
 * A model from the requirements and support files (the CLI's formats) and the programme's
 * other settings; every problem with its file, row and column.
 */
export async function modelFromFiles(
  files: { requirements: Uint8Array; support: Uint8Array },
  rest: Partial<Omit<OutcomeModel, "requirements" | "support">>,
  locale: Locale,
): Promise<{ model?: OutcomeModel; issues: AttainmentIssue[] }> {
  const req = await readAttainmentFile("requirements", files.requirements, locale);
  const sup = await readAttainmentFile("support", files.support, locale);
  const issues = [...req.issues, ...sup.issues];
  const empty: ParsedFile = { rows: [], headers: {} };
  const broken = new Set<"requirements" | "support" | "assessments" | "scores">(["assessments", "scores"]);
  if (!req.parsed) broken.add("requirements");
  if (!sup.parsed) broken.add("support");
  const checked = checkAttainmentFiles(
    { requirements: req.parsed ?? empty, support: sup.parsed ?? empty, assessments: empty, scores: empty },
    { broken },
  );
  // Without assessments every link is kept as written; the points' coverage is checked on the links.
  const support: SupportLink[] = [];
  if (sup.parsed) {
    for (const { cells } of sup.parsed.rows) {
      const strength = cells.strength ? parseStrength(cells.strength) : null;
      if (cells.course && cells.objective && cells.point && strength)
        support.push({ course: cells.course, objective: cells.objective, point: cells.point, strength });
    }
  }
  issues.push(...checked.issues);
  if (req.parsed && sup.parsed) {
    const supported = new Set(support.map((s) => s.point));
    for (const { row, cells } of req.parsed.rows) {
      if (cells.point && !supported.has(cells.point))
        issues.push({
          file: "requirements",
          row,
          column: req.parsed.headers.point ?? null,
          code: "attainment.check.unsupportedPoint",
          params: { point: cells.point },
        });
    }
  }
  if (issues.length || !req.parsed) return { issues: sortIssues(dedupe(issues)) };
  const requirements: OutcomeModel["requirements"] = [];
  for (const { cells } of req.parsed.rows) {
    const { requirement, point } = cells;
    if (!requirement || !point) continue; // required cells, reported above
    let r = requirements.find((x) => x.code === requirement);
    if (!r) requirements.push((r = { code: requirement, points: [] }));
    r.points.push({ code: point, ...(cells.title ? { title: cells.title } : {}) });
  }
  const courseObjectives = rest.courseObjectives ?? [
    ...new Map(support.map((s) => [`${s.course}\u0000${s.objective}`, { course: s.course, code: s.objective }])).values(),
  ];
  const model = parseInput(outcomeModelSchema, { ...rest, requirements, support, courseObjectives });
  return { model, issues: [] };
}

const SURVEY_WORDS: Record<string, SurveySource> = {
  graduating: "graduating",
  应届毕业生: "graduating",
  毕业生: "graduating",
  学习与成长满意度调查: "graduating",
  alumni: "alumni",
  毕业生跟踪: "alumni",
  校友: "alumni",
  毕业生跟踪调查: "alumni",
  employer: "employer",
  用人单位: "employer",
  用人单位调查: "employer",
};
/** The survey a cell names (graduating | alumni | employer, or its Chinese name), or null. */
export const parseSurveySource = (s: string): SurveySource | null => SURVEY_WORDS[s.normalize("NFKC").trim().toLowerCase()] ?? null;

export type SurveyMapping = NonNullable<OutcomeModel["surveyMapping"]>;

/**
 * The survey mapping file (survey, item, requirement, objective [, title]) checked against the
 * model it goes into: the survey is graduating, alumni or employer; exactly one of requirement
 * and objective is given and names one of the model's; a row (survey and item mapped to the
 * same requirement or objective) appears once. Every problem with its row and column; no
 * mapping when there is any.
 */
export async function surveyMappingFromFile(
  bytes: Uint8Array,
  model: Pick<OutcomeModel, "requirements" | "trainingObjectives">,
  locale: Locale,
): Promise<{ mapping?: SurveyMapping; issues: AttainmentIssue[] }> {
  const read = await readAttainmentFile("surveyMapping", bytes, locale);
  if (!read.parsed) return { issues: sortIssues(read.issues) };
  const issues = [...read.issues];
  const h = read.parsed.headers;
  // column: the header, or undefined for an optional column the file lacks (the issue then names none)
  const at = (row: number, column: string | null | undefined, code: MessageKey, params?: Record<string, string | number>) =>
    issues.push({ file: "surveyMapping", row, column: column ?? null, code, ...(params ? { params } : {}) });
  const requirements = new Set(model.requirements.map((r) => r.code));
  const objectives = new Set(model.trainingObjectives.map((o) => o.code));
  const seen = new Map<string, number>();
  const mapping: SurveyMapping = [];
  for (const { row, cells } of read.parsed.rows) {
    if (!cells.survey || !cells.item) continue; // reported as required
    let ok = true;
    const source = parseSurveySource(cells.survey);
    if (!source) {
      at(row, h.survey, "attainment.check.badSurvey", { value: cells.survey, allowed: SURVEY_SOURCES.join("/") });
      ok = false;
    }
    if (cells.item.length > 100) {
      at(row, h.item, "attainment.cell.tooLong", { max: 100 });
      ok = false;
    }
    const requirement = cells.requirement || undefined;
    const objective = cells.objective || undefined;
    if ((requirement === undefined) === (objective === undefined)) {
      at(
        row,
        requirement ? h.objective : (h.requirement ?? h.objective ?? null),
        requirement ? "attainment.check.mappingBoth" : "attainment.check.mappingNeither",
      );
      ok = false;
    } else if (requirement !== undefined && !requirements.has(requirement)) {
      at(row, h.requirement, "attainment.check.unknownRequirement", { value: requirement });
      ok = false;
    } else if (objective !== undefined && !objectives.has(objective)) {
      at(row, h.objective, "attainment.check.unknownTrainingObjective", { value: objective });
      ok = false;
    }
    if (!ok || !source) continue;
    const k = JSON.stringify([source, cells.item, requirement ?? null, objective ?? null]);
    const first = seen.get(k);
    if (first !== undefined) {
      at(row, h.item, "attainment.check.duplicate", {
        value: `${cells.survey} ${cells.item} → ${requirement ?? objective}`,
        first,
      });
      continue;
    }
    seen.set(k, row);
    mapping.push({
      source,
      item: cells.item,
      ...(cells.title ? { title: cells.title } : {}),
      ...(requirement ? { requirement } : { objective }),
    });
  }
  if (read.parsed.rows.length === 0) at(0, null, "attainment.check.noRows");
  if (mapping.length > 500) at(0, null, "attainment.check.tooManyRows", { max: 500 });
  if (issues.length) return { issues: sortIssues(issues) };
  return { mapping, issues: [] };
}

/**
 * The programme's survey mapping from a file into its model: a new draft version of its latest
 * version not retired (draft or approved), the rest of the model kept as it is (the same
 * mapping again is "unchanged"). Refused (BAD_REQUEST attainment.errors.modelProblems with every
 * problem as details) when the file has any; nothing is stored then.
 */
export async function importSurveyMapping(
  db: DbOrTx,
  programmeId: number,
  bytes: Uint8Array,
  actorId: number | null,
  locale: Locale,
  now: Date,
) {
  const [base] = await db
    .select()
    .from(outcomeModels)
    .where(and(eq(outcomeModels.programmeId, programmeId), ne(outcomeModels.status, "retired")))
    .orderBy(desc(outcomeModels.version))
    .limit(1);
  if (!base) throw notFound("attainment.errors.noModelVersion");
  const row = toRow(base);
  const { mapping, issues } = await surveyMappingFromFile(bytes, row.model, locale);
  if (!mapping) {
    throw new DomainError(
      "BAD_REQUEST",
      "attainment.errors.modelProblems",
      { count: issues.length },
      issues.slice(0, 200).map((i) => ({ ...i, message: describeIssue(locale, i) })),
    );
  }
  return createModelVersion(db, { programmeId, cohorts: row.cohorts, model: { ...row.model, surveyMapping: mapping } }, actorId, now);
}

function dedupe(list: AttainmentIssue[]): AttainmentIssue[] {
  const seen = new Set<string>();
  return list.filter((i) => {
    const k = JSON.stringify([i.file, i.row, i.column, i.code]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function modelHash(model: OutcomeModel, cohorts: number[]): string {
  return createHash("sha256")
    .update(canonicalJson({ model, cohorts: [...cohorts].sort((a, b) => a - b) }))
    .digest("hex");
}

export const MODEL_NOTE_MAX = 2000;
export const modelIdInput = z.object({ modelId: idSchema });
export const approveModelInput = z.object({ modelId: idSchema, note: z.string().max(MODEL_NOTE_MAX) });
/** A computation of a programme's year under a model version. */
export const computeRunInput = z.object({ modelId: idSchema, schoolYear: schoolYearSchema });

/** The lifecycle of outcome models: a series per programme. */
export const modelLifecycle = lifecycle({
  table: outcomeModels,
  series: "programmeId",
  codes: {
    notFound: "attainment.errors.modelNotFound",
    noteRequired: "attainment.errors.noteRequired",
    alreadyApproved: "attainment.errors.alreadyApproved",
    alreadyRetired: "attainment.errors.alreadyRetired",
    notApproved: "attainment.errors.modelNotApproved",
  },
  audit: { action: "attainment.model", subject: (m) => `programme ${m.programmeId} v${m.version}` },
  noteMax: MODEL_NOTE_MAX,
  lockKey: "outcome-model",
});

export type ModelVersionRow = {
  id: number;
  programmeId: number;
  version: number;
  status: "draft" | "approved" | "retired";
  cohorts: number[];
  model: OutcomeModel;
};

const toRow = (r: typeof outcomeModels.$inferSelect): ModelVersionRow => ({
  id: r.id,
  programmeId: r.programmeId,
  version: r.version,
  status: r.status,
  cohorts: r.cohorts,
  model: outcomeModelSchema.parse(r.model),
});

/**
 * Stores a checked model as the programme's next version (a draft); the same model again is
 * "unchanged". A complete model by default (checkModel: files, the demo); `draft: true` (the
 * editor) lets an incomplete one through, which approval then refuses.
 */
export async function createModelVersion(
  db: DbOrTx,
  input: { programmeId: number; cohorts: number[]; model: unknown },
  actorId: number | null,
  now: Date,
  opts: { draft?: boolean; locale?: Locale } = {},
) {
  const parsed = outcomeModelSchema.safeParse(input.model);
  if (!parsed.success)
    throw new DomainError("BAD_REQUEST", "attainment.errors.badModel", {
      detail: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    });
  const model = parsed.data;
  const problems = opts.draft ? modelIntegrityIssues(model) : checkModel(model);
  if (problems.length) throw modelProblems("attainment.errors.modelProblems", {}, problems, opts.locale ?? "zh");
  const cohorts = [...new Set(input.cohorts)].sort((a, b) => a - b);
  const hash = modelHash(model, cohorts);
  return db.transaction(async (tx) => {
    const [prog] = await tx
      .select({ id: programmes.id, code: programmes.code })
      .from(programmes)
      .where(eq(programmes.id, input.programmeId));
    if (!prog) throw notFound("attainment.errors.programmeNotFound");
    return modelLifecycle.create(tx, {
      series: prog.id,
      hash,
      actorId,
      subject: (version) => `${prog.code} v${version}`,
      values: { cohorts, model: model, createdAt: now },
    });
  });
}

/**
 * Approves a draft once its model passes every check (checkModel): refused with every problem
 * listed otherwise, and nothing recorded.
 */
export async function approveModelVersion(db: DbOrTx, id: number, actorId: number, note: string, now: Date, locale: Locale = "zh") {
  const draft = await getModelVersion(db, id);
  if (draft.status === "draft") {
    const problems = checkModel(draft.model);
    if (problems.length) throw modelProblems("attainment.errors.approvalProblems", { version: draft.version }, problems, locale);
  }
  const m = await modelLifecycle.approve(db, id, actorId, note, now);
  return { id, version: m.version };
}

export async function retireModelVersion(db: DbOrTx, id: number, actorId: number, now: Date) {
  const m = await modelLifecycle.retire(db, id, actorId, now);
  return { id, version: m.version };
}

export async function getModelVersion(db: DbOrTx, id: number): Promise<ModelVersionRow> {
  return toRow(await modelLifecycle.get(db, id));
}

/** A version to compute with: refused (BAD_REQUEST attainment.errors.modelNotApproved) unless approved. */
export async function approvedModelVersion(db: DbOrTx, id: number): Promise<ModelVersionRow> {
  return toRow(await modelLifecycle.requireApproved(db, id));
}

/** The programme's model in force: its latest approved version (null when none). */
export async function currentModel(db: DbOrTx, programmeId: number): Promise<ModelVersionRow | null> {
  const m = await modelLifecycle.current(db, programmeId);
  return m ? toRow(m) : null;
}

/** A model as the editor sends it: every code and title trimmed by the schema, an empty title left out (so that it hashes as imported). */
const withoutEmptyTitles = (m: OutcomeModel): OutcomeModel => {
  const t = <T extends { title?: string | undefined }>(x: T): T => {
    if (x.title !== undefined && x.title !== "") return x;
    const { title: _omit, ...rest } = x;
    return rest as T;
  };
  return {
    ...m,
    trainingObjectives: m.trainingObjectives.map(t),
    requirements: m.requirements.map((r) => ({ ...t(r), points: r.points.map(t) })),
    courseObjectives: m.courseObjectives.map(t),
    ...(m.surveyMapping ? { surveyMapping: m.surveyMapping.map(t) } : {}),
  };
};

/** The intake years a 培养方案 applies to. */
const cohortsSchema = z.array(z.number().int().min(1990).max(2100)).max(30);

/**
 * What the editor saves: the whole model, the cohorts, and the version it was edited from
 * (null when the programme has none yet), so that an edit made on an outdated version is
 * refused instead of overwriting a newer one.
 */
export const saveModelInput = z.object({
  programmeId: idSchema,
  baseId: idSchema.nullable(),
  cohorts: cohortsSchema,
  model: outcomeModelSchema,
});
export type SaveModelInput = z.input<typeof saveModelInput>;

/** The version the editor works on: the programme's latest version not retired (draft or approved), or null. */
export async function workingVersion(db: DbOrTx, programmeId: number): Promise<ModelVersionRow | null> {
  const [row] = await db
    .select()
    .from(outcomeModels)
    .where(and(eq(outcomeModels.programmeId, programmeId), ne(outcomeModels.status, "retired")))
    .orderBy(desc(outcomeModels.version))
    .limit(1);
  return row ? toRow(row) : null;
}

/**
 * The editor's save. Versions never change (the lifecycle and the database's
 * lifecycle_version_immutable trigger), so an edit is always the programme's next version, a
 * draft: an approved version stays in force, and the results computed under it keep it, until
 * the draft is approved. A draft the edit was made from, superseded by it, is retired in the
 * same transaction (withdrawn without approval), so a programme has one draft at a time.
 *
 * Refused with every problem (nothing stored): a model the schema refuses (strengths other
 * than H/M/L, a threshold outside (0, 1], …), an incoherent model (modelIntegrityIssues), an
 * edit of a version that is no longer the working one (staleBase). An incomplete model (a point
 * nobody supports) is saved: approval lists what is missing.
 */
export async function saveModelDraft(db: DbOrTx, now: Date, actor: { id: number }, raw: unknown, locale: Locale) {
  const parsed = saveModelInput.safeParse(raw);
  if (!parsed.success)
    throw new DomainError("BAD_REQUEST", "attainment.errors.badModel", {
      detail: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    });
  const input = parsed.data;
  const model = withoutEmptyTitles(input.model);
  const problems = modelIntegrityIssues(model);
  if (problems.length) throw modelProblems("attainment.errors.modelProblems", {}, problems, locale);
  return db.transaction(async (tx) => {
    // Serialise saves of a programme: the working version read here is still the working one at the insert.
    const [prog] = await tx.select({ id: programmes.id }).from(programmes).where(eq(programmes.id, input.programmeId)).for("update");
    if (!prog) throw notFound("attainment.errors.programmeNotFound");
    const base = await workingVersion(tx, prog.id);
    if ((base?.id ?? null) !== input.baseId)
      throw new DomainError("CONFLICT", "attainment.errors.staleBase", { version: base?.version ?? 0 });
    const made = await createModelVersion(tx, { programmeId: prog.id, cohorts: input.cohorts, model }, actor.id, now, {
      draft: true,
      locale,
    });
    let replaced: number | null = null;
    if (made.status === "created" && base && base.status === "draft") {
      await modelLifecycle.retire(tx, base.id, actor.id, now);
      replaced = base.version;
    }
    return { ...made, replaced };
  });
}

export const modelEditorInput = z.object({ programmeId: idSchema });

/**
 * What the editor opens: the working version (its model, cohorts and status), whether results
 * were computed under it, the problems approval would refuse it for, and every version.
 */
export async function modelEditor(db: DbOrTx, programmeId: number, locale: Locale) {
  const working = await workingVersion(db, programmeId);
  const runs = working
    ? await db.select({ id: attainmentRuns.id }).from(attainmentRuns).where(eq(attainmentRuns.modelId, working.id)).limit(1)
    : [];
  const versions = await selectWithPeople(db, outcomeModels, {
    id: outcomeModels.id,
    version: outcomeModels.version,
    status: outcomeModels.status,
    createdAt: outcomeModels.createdAt,
    approvedAt: outcomeModels.approvedAt,
    approvalNote: outcomeModels.approvalNote,
  })
    .where(eq(outcomeModels.programmeId, programmeId))
    .orderBy(desc(outcomeModels.version));
  const runCounts = new Map(
    (
      await db
        .select({ modelId: attainmentRuns.modelId, n: count() })
        .from(attainmentRuns)
        .innerJoin(outcomeModels, eq(outcomeModels.id, attainmentRuns.modelId))
        .where(eq(outcomeModels.programmeId, programmeId))
        .groupBy(attainmentRuns.modelId)
    ).map((r) => [r.modelId, r.n]),
  );
  return {
    working: working
      ? {
          id: working.id,
          version: working.version,
          status: working.status,
          cohorts: working.cohorts,
          model: working.model,
          hasResults: runs.length > 0,
          problems: checkModel(working.model).map((i) => ({ ...i, message: describeIssue(locale, i) })),
        }
      : null,
    versions: versions.map((v) => ({ ...v, runs: runCounts.get(v.id) ?? 0 })),
  };
}
