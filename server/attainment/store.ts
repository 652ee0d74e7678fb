/**
 * Attainment in the database: a teacher's gradebook for an offering (教学班) replaces its items
 * and scores in one transaction after every row was checked; a programme's attainment for a
 * school year is computed from the offerings of its model's courses in that year with
 * computeAttainment (the same function as `npm run attainment`) and stored with its model
 * version and parameters; exportProgrammeFiles writes the same data as the CLI's four files.
 *
 * Offerings in the programme's computation: a course's sections of the year that have items
 * are pooled into one offering of the course (their items must agree: same full marks,
 * objective and weight); its students are those enrolled in these sections.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { col, queryRows, one } from "@/db/query";
import type { DbOrTx } from "@/db/client";
import {
  assessmentItems,
  assessmentScores,
  attainmentRuns,
  courses,
  enrolments,
  persons,
  sectionAttainmentNotes,
  sections,
  sectionTeachers,
  terms,
} from "@/db/schema";
import { recordAudit } from "../kernel/audit";
import { DomainError, notFound } from "../kernel/errors";
import type { Locale } from "../i18n/messages";
import {
  computeAttainment,
  computeIndirect,
  DEFAULT_STRENGTH_VALUES,
  DEFAULT_THRESHOLD,
  type AssessmentItem,
  type AttainmentInput,
  type AttainmentParams,
  type AttainmentResult,
  type ScoreRow,
} from "./compute";
import { checkGradebookFiles, readAttainmentFile, type AttainmentIssue, type ParsedFile } from "./files";
import { raiseShortfallOrders } from "./orders";
import { surveyEvidence } from "./surveys";
import { approvedModelVersion, currentModel, getModelVersion, modelInput, modelParams, type ModelVersionRow } from "./model";
import { atKey } from "@/server/shared/indexed";

export type SectionInfo = {
  id: number;
  code: string;
  courseId: number;
  courseCode: string;
  courseName: string;
  programmeId: number | null;
  unitId: number;
  termCode: string;
  schoolYear: string;
};

export async function sectionInfo(db: DbOrTx, sectionId: number): Promise<SectionInfo> {
  const [s] = await db
    .select({
      id: sections.id,
      code: sections.code,
      courseId: courses.id,
      courseCode: courses.code,
      courseName: courses.name,
      programmeId: courses.programmeId,
      unitId: courses.unitId,
      termCode: terms.code,
      schoolYear: terms.schoolYear,
    })
    .from(sections)
    .innerJoin(courses, eq(courses.id, sections.courseId))
    .innerJoin(terms, eq(terms.id, sections.termId))
    .where(eq(sections.id, sectionId));
  if (!s) throw notFound("attainment.errors.sectionNotFound");
  return s;
}

export async function isSectionTeacher(db: DbOrTx, sectionId: number, personId: number): Promise<boolean> {
  const [t] = await db
    .select({ p: sectionTeachers.personId })
    .from(sectionTeachers)
    .where(and(eq(sectionTeachers.sectionId, sectionId), eq(sectionTeachers.personId, personId)));
  return !!t;
}

/** The enrolled students of a section: number → person id. */
async function roster(db: DbOrTx, sectionIds: number[]): Promise<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>(sectionIds.map((id) => [id, new Map()]));
  if (!sectionIds.length) return out;
  const rows = await db
    .select({ sectionId: enrolments.sectionId, id: persons.id, number: persons.number })
    .from(enrolments)
    .innerJoin(persons, eq(persons.id, enrolments.personId))
    .where(and(inArray(enrolments.sectionId, sectionIds), eq(enrolments.status, "enrolled")));
  for (const r of rows) atKey(out, r.sectionId).set(r.number, r.id);
  return out;
}

/** The objectives the course has in its programme's approved model (undefined: no model lists them). */
async function modelObjectives(db: DbOrTx, s: SectionInfo): Promise<Set<string> | undefined> {
  if (s.programmeId === null) return undefined;
  const m = await currentModel(db, s.programmeId);
  if (!m) return undefined;
  const list = m.model.courseObjectives.filter((o) => o.course === s.courseCode).map((o) => o.code);
  return list.length ? new Set(list) : undefined;
}

export type GradebookResult = { status: "imported"; items: number; scores: number } | { status: "refused"; issues: AttainmentIssue[] };

/**
 * Checks an offering's gradebook (assessments and scores files) and, when nothing is wrong,
 * replaces the offering's items and scores in one transaction; on any problem nothing changes.
 */
export async function importGradebook(
  db: DbOrTx,
  sectionId: number,
  files: { assessments: Uint8Array; scores: Uint8Array },
  actorId: number | null,
  locale: Locale,
): Promise<GradebookResult> {
  const s = await sectionInfo(db, sectionId);
  const a = await readAttainmentFile("assessments", files.assessments, locale);
  const sc = await readAttainmentFile("scores", files.scores, locale);
  const students = atKey(await roster(db, [sectionId]), sectionId);
  const empty: ParsedFile = { rows: [], headers: {} };
  const broken = new Set<"assessments" | "scores">();
  if (!a.parsed) broken.add("assessments");
  if (!sc.parsed) broken.add("scores");
  const checked = checkGradebookFiles(
    { assessments: a.parsed ?? empty, scores: sc.parsed ?? empty },
    { course: s.courseCode, roster: [...students.keys()], objectives: await modelObjectives(db, s), broken },
  );
  const issues = [...a.issues, ...sc.issues, ...checked.issues];
  if (issues.length || !checked.assessments || !checked.scores) return { status: "refused", issues };
  await writeGradebook(db, sectionId, checked.assessments, checked.scores, students);
  await recordAudit(db, {
    actorId,
    action: "attainment.gradebook.import",
    subject: s.code,
    detail: { sectionId, items: checked.assessments.length, scores: checked.scores.length },
  });
  return { status: "imported", items: checked.assessments.length, scores: checked.scores.length };
}

const CHUNK = 5000;

/** Replaces a section's items and scores (rows already checked). */
export async function writeGradebook(
  db: DbOrTx,
  sectionId: number,
  items: AssessmentItem[],
  scores: ScoreRow[],
  students: Map<string, number>,
) {
  await db.transaction(async (tx) => {
    await tx.delete(assessmentItems).where(eq(assessmentItems.sectionId, sectionId));
    const inserted = await tx
      .insert(assessmentItems)
      .values(
        items.map((it, i) => ({
          sectionId,
          position: i + 1,
          code: it.item,
          fullMarks: it.fullMarks,
          objective: it.objective,
          weight: it.weight,
        })),
      )
      .returning({ id: assessmentItems.id, code: assessmentItems.code });
    const itemId = new Map(inserted.map((r) => [r.code, r.id]));
    // One statement over three arrays (unnest): a gradebook of thousands of scores is one round trip of three parameters.
    for (let i = 0; i < scores.length; i += CHUNK * 10) {
      const part = scores.slice(i, i + CHUNK * 10);
      const items = `{${part.map((x) => atKey(itemId, x.item)).join(",")}}`;
      const people = `{${part.map((x) => atKey(students, x.student)).join(",")}}`;
      const values = `{${part.map((x) => x.score).join(",")}}`;
      await tx.execute(sql`insert into ${assessmentScores} (item_id, person_id, score)
        select * from unnest(${items}::int[], ${people}::int[], ${values}::float8[])`);
    }
  });
}

/** Items and scores of sections, by section (students by number). */
async function gradebooks(db: DbOrTx, sectionIds: number[]) {
  const items = sectionIds.length
    ? await db
        .select()
        .from(assessmentItems)
        .where(inArray(assessmentItems.sectionId, sectionIds))
        .orderBy(asc(assessmentItems.sectionId), asc(assessmentItems.position))
    : [];
  // Plain rows straight from the driver (tens of thousands of scores for a programme's year).
  const scores = sectionIds.length
    ? await queryRows(
        db,
        { itemId: col.int, number: col.text, score: col.num },
        sql`
    select s.item_id as "itemId", p.number, s.score from ${assessmentScores} s
      join ${assessmentItems} i on i.id = s.item_id join ${persons} p on p.id = s.person_id
     where i.section_id = any(${`{${sectionIds.join(",")}}`}::int[])`,
      )
    : [];
  return { items, scores };
}

const defaultParams: AttainmentParams = {
  threshold: DEFAULT_THRESHOLD,
  method: "item_ratio",
  courseAggregate: "min",
  strengthValues: DEFAULT_STRENGTH_VALUES,
};

export type SectionReport = {
  section: SectionInfo;
  params: AttainmentParams;
  modelVersion: number | null;
  result: AttainmentResult | null;
  notes: { analysis: string; measures: string };
  objectiveTitles: Record<string, string>;
};

/** An offering's 课程目标达成情况: its objectives computed from its own gradebook, under its programme's model parameters. */
export async function sectionReport(db: DbOrTx, sectionId: number): Promise<SectionReport> {
  const s = await sectionInfo(db, sectionId);
  const model = s.programmeId === null ? null : await currentModel(db, s.programmeId);
  const params = model ? modelParams(model.model) : defaultParams;
  const { items, scores } = await gradebooks(db, [sectionId]);
  const students = atKey(await roster(db, [sectionId]), sectionId);
  const codeOf = new Map(items.map((i) => [i.id, i.code]));
  const [n] = await db.select().from(sectionAttainmentNotes).where(eq(sectionAttainmentNotes.sectionId, sectionId));
  const objectiveTitles = Object.fromEntries(
    (model?.model.courseObjectives ?? []).flatMap((o): [string, string][] =>
      o.course === s.courseCode && o.title ? [[o.code, o.title]] : [],
    ),
  );
  const result = items.length
    ? computeAttainment(
        {
          requirements: [],
          support: [],
          assessments: items.map((i) => ({
            course: s.courseCode,
            item: i.code,
            fullMarks: i.fullMarks,
            objective: i.objective,
            weight: i.weight,
          })),
          scores: scores.map((x) => ({ course: s.courseCode, student: x.number, item: atKey(codeOf, x.itemId), score: x.score })),
          rosters: new Map([[s.courseCode, [...students.keys()]]]),
        },
        params,
      )
    : null;
  return {
    section: s,
    params,
    modelVersion: model?.version ?? null,
    result,
    notes: { analysis: n?.analysis ?? "", measures: n?.measures ?? "" },
    objectiveTitles,
  };
}

export async function saveSectionNotes(
  db: DbOrTx,
  sectionId: number,
  notes: { analysis: string; measures: string },
  actorId: number,
  now: Date,
) {
  await sectionInfo(db, sectionId);
  await db
    .insert(sectionAttainmentNotes)
    .values({ sectionId, ...notes, updatedBy: actorId, updatedAt: now })
    .onConflictDoUpdate({ target: sectionAttainmentNotes.sectionId, set: { ...notes, updatedBy: actorId, updatedAt: now } });
}

/** The computation's input for a programme's model version and a school year, from the database. */
export async function programmeInput(db: DbOrTx, model: ModelVersionRow, schoolYear: string): Promise<AttainmentInput> {
  const { requirements, support } = modelInput(model.model);
  const codes = [...new Set([...support.map((l) => l.course), ...model.model.courseObjectives.map((o) => o.course)])];
  const secs = codes.length
    ? await db
        .select({ id: sections.id, course: courses.code })
        .from(sections)
        .innerJoin(courses, eq(courses.id, sections.courseId))
        .innerJoin(terms, eq(terms.id, sections.termId))
        .where(and(inArray(courses.code, codes), eq(terms.schoolYear, schoolYear)))
        .orderBy(asc(courses.code), asc(sections.code))
    : [];
  const { items, scores } = await gradebooks(
    db,
    secs.map((s) => s.id),
  );
  const courseOf = new Map(secs.map((s) => [s.id, s.course]));
  const graded = new Set(items.map((i) => i.sectionId));
  const rosters = await roster(db, [...graded]);
  const assessments: AssessmentItem[] = [];
  const seen = new Map<string, AssessmentItem>();
  const itemInfo = new Map<number, { course: string; code: string }>();
  for (const i of items) {
    const course = atKey(courseOf, i.sectionId);
    itemInfo.set(i.id, { course, code: i.code });
    const key = JSON.stringify([course, i.code]);
    const a: AssessmentItem = { course, item: i.code, fullMarks: i.fullMarks, objective: i.objective, weight: i.weight };
    const prev = seen.get(key);
    if (prev) {
      if (prev.fullMarks !== a.fullMarks || prev.objective !== a.objective || prev.weight !== a.weight) {
        throw new DomainError("BAD_REQUEST", "attainment.errors.inconsistentItems", { course, item: i.code });
      }
      continue;
    }
    seen.set(key, a);
    assessments.push(a);
  }
  const courseRosters = new Map<string, string[]>();
  for (const id of graded) {
    const c = atKey(courseOf, id);
    courseRosters.set(c, [...new Set([...(courseRosters.get(c) ?? []), ...atKey(rosters, id).keys()])]);
  }
  const scoreRows: ScoreRow[] = scores.map((x) => {
    const info = atKey(itemInfo, x.itemId);
    return { course: info.course, student: x.number, item: info.code, score: x.score };
  });
  return { requirements, support, assessments, scores: scoreRows, rosters: courseRosters };
}

/** Course objectives of the support matrix without any assessment item in the input. */
export function missingObjectives(input: AttainmentInput): string[] {
  const have = new Set(input.assessments.map((a) => JSON.stringify([a.course, a.objective])));
  return [
    ...new Set(input.support.filter((l) => !have.has(JSON.stringify([l.course, l.objective]))).map((l) => `${l.course} ${l.objective}`)),
  ];
}

/** Computes a programme's attainment for a school year under a model version and stores it as a run. */
export async function computeProgrammeRun(db: DbOrTx, modelId: number, schoolYear: string, actorId: number | null, now: Date) {
  const model = await getModelVersion(db, modelId);
  const input = await programmeInput(db, model, schoolYear);
  const missing = missingObjectives(input);
  if (missing.length)
    throw new DomainError(
      "BAD_REQUEST",
      "attainment.errors.missingData",
      { year: schoolYear, list: missing.slice(0, 20).join("、") },
      { missing },
    );
  const result = computeAttainment(input, modelParams(model.model));
  const links = model.model.surveyMapping ?? [];
  if (links.length) {
    const evidence = await surveyEvidence(db, model.programmeId, schoolYear);
    result.indirect = computeIndirect(
      result,
      {
        links,
        requirementObjectives: model.model.requirementObjectives,
        trainingObjectives: model.model.trainingObjectives.map((o) => o.code),
        alpha: model.model.alpha,
      },
      evidence,
      evidence.withheld,
    );
  }
  const row = one(
    await db
      .insert(attainmentRuns)
      .values({
        modelId,
        schoolYear,
        params: { ...result.params },
        result: result,
        computedBy: actorId,
        computedAt: now,
      })
      .returning({ id: attainmentRuns.id }),
  );
  await recordAudit(db, { actorId, action: "attainment.compute", subject: `model ${modelId} ${schoolYear}`, detail: { runId: row.id } });
  return { id: row.id, result, model };
}

/**
 * What computing a year means in the app: the run (computeProgrammeRun) and an order for every
 * shortfall (orders.ts; none twice under one model version). The benchmark times the run alone.
 */
export async function computeYear(db: DbOrTx, modelId: number, schoolYear: string, actorId: number | null, now: Date) {
  // Only an approved model computes a year: a draft's figures, and the orders its shortfalls raise,
  // would stand on rules nobody approved. A version later superseded stays approved and may recompute.
  await approvedModelVersion(db, modelId);
  const run = await computeProgrammeRun(db, modelId, schoolYear, actorId, now);
  const orders = await raiseShortfallOrders(db, now, actorId === null ? null : { id: actorId }, {
    id: run.id,
    modelId,
    version: run.model.version,
    programmeId: run.model.programmeId,
    schoolYear,
    result: run.result,
  });
  return { id: run.id, result: run.result, orders };
}

export type RunRow = { id: number; modelId: number; schoolYear: string; computedAt: Date; result: AttainmentResult };

/** The latest run of a programme for a school year (any model version), or null. */
export async function latestRun(db: DbOrTx, modelIds: number[], schoolYear: string): Promise<RunRow | null> {
  if (!modelIds.length) return null;
  const [r] = await db
    .select()
    .from(attainmentRuns)
    .where(and(inArray(attainmentRuns.modelId, modelIds), eq(attainmentRuns.schoolYear, schoolYear)))
    .orderBy(desc(attainmentRuns.computedAt), desc(attainmentRuns.id))
    .limit(1);
  return r ? { id: r.id, modelId: r.modelId, schoolYear: r.schoolYear, computedAt: r.computedAt, result: r.result } : null;
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: (string | number)[][]) => [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";

/** The CLI's four files for a programme's model version and year (what `npm run attainment` takes). */
export async function exportProgrammeFiles(db: DbOrTx, modelId: number, schoolYear: string) {
  const model = await getModelVersion(db, modelId);
  const input = await programmeInput(db, model, schoolYear);
  const scoreRows = input.scores.map((s) => [s.course, s.student, s.item, s.score]);
  return {
    params: modelParams(model.model),
    files: {
      requirements: csv(
        ["requirement", "point", "title"],
        model.model.requirements.flatMap((r) => r.points.map((p) => [r.code, p.code, p.title ?? ""])),
      ),
      support: csv(
        ["course", "objective", "point", "strength"],
        input.support.map((l) => [l.course, l.objective, l.point, l.strength]),
      ),
      assessments: csv(
        ["course", "item", "full_marks", "objective", "weight"],
        input.assessments.map((a) => [a.course, a.item, a.fullMarks, a.objective, a.weight]),
      ),
      scores: csv(["course", "student", "item", "score"], scoreRows),
    },
  };
}
