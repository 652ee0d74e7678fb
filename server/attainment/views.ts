/**
 * Who sees and changes what of attainment, and the pages' queries.
 *
 * - A section's gradebook and report: its teachers; the quality office and the system
 *   administrator (school); unit admins and leaders of the course's unit (their scope).
 *   Importing and writing the analysis: its teachers, the quality office, unit admins in scope.
 * - A programme's report: the quality office, the system administrator, unit admins and
 *   leaders of the programme's unit (the programme lead works as the unit's admin).
 * - Computing a programme's year and approving its model: the quality office; unit admins in scope compute.
 */
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import {
  assessmentItems,
  attainmentRuns,
  courses,
  outcomeModels,
  programmes,
  sections,
  sectionTeachers,
  terms,
  units,
  type Role,
} from "@/db/schema";
import { ATTAINMENT_APPROVE_ROLES, ATTAINMENT_EDIT_ROLES, ATTAINMENT_VIEW_ROLES } from "../access/roles";
import { assertInScope, hasRole, inScope, unitScope } from "../access/scope";
import type { SessionUser } from "../auth/users";
import { DomainError, forbidden, notFound } from "../kernel/errors";
import { idSchema, schoolYearSchema } from "../kernel/ids";
import { shortfalls, type AttainmentResult, type Shortfall } from "./compute";
import { ordersOf, shortfallKey } from "./orders";
import { currentModel } from "./model";
import { isSectionTeacher, latestRun, sectionInfo } from "./store";

// The inputs of the attainment procedures (server/api/routers/attainment.ts).
export const sectionInput = z.object({ sectionId: idSchema });
const longText = z.string().max(5000);
export const sectionNotesInput = z.object({ sectionId: idSchema, analysis: longText, measures: longText });
export const programmeInput = z.object({ programmeId: idSchema, schoolYear: schoolYearSchema.optional() });

export { ATTAINMENT_APPROVE_ROLES, ATTAINMENT_EDIT_ROLES, ATTAINMENT_VIEW_ROLES };

export async function assertSectionAccess(db: DbOrTx, user: SessionUser, sectionId: number, mode: "view" | "edit") {
  const s = await sectionInfo(db, sectionId);
  if (await isSectionTeacher(db, sectionId, user.id)) return s;
  const roles = mode === "view" ? ATTAINMENT_VIEW_ROLES : ATTAINMENT_EDIT_ROLES;
  if (!hasRole(user, ...roles)) throw forbidden();
  assertInScope(await unitScope(db, user, roles), s.unitId);
  return s;
}

async function programmeRow(db: DbOrTx, programmeId: number) {
  const [p] = await db
    .select({ id: programmes.id, code: programmes.code, name: programmes.name, nameEn: programmes.nameEn, unitId: programmes.unitId })
    .from(programmes)
    .where(eq(programmes.id, programmeId));
  if (!p) throw notFound("attainment.errors.programmeNotFound");
  return p;
}

export async function assertProgrammeAccess(
  db: DbOrTx,
  user: SessionUser,
  programmeId: number,
  roles: readonly Role[] = ATTAINMENT_VIEW_ROLES,
) {
  const p = await programmeRow(db, programmeId);
  if (!hasRole(user, ...roles)) throw forbidden();
  assertInScope(await unitScope(db, user, roles), p.unitId);
  return p;
}

/** The sections a teacher teaches, with whether a gradebook is in (newest term first). */
export async function mySections(db: DbOrTx, personId: number) {
  const rows = await db
    .select({
      id: sections.id,
      code: sections.code,
      name: sections.name,
      course: courses.code,
      courseName: courses.name,
      term: terms.code,
    })
    .from(sectionTeachers)
    .innerJoin(sections, eq(sections.id, sectionTeachers.sectionId))
    .innerJoin(courses, eq(courses.id, sections.courseId))
    .innerJoin(terms, eq(terms.id, sections.termId))
    .where(eq(sectionTeachers.personId, personId))
    .orderBy(desc(terms.code), asc(sections.code));
  const graded = rows.length
    ? new Set(
        (
          await db
            .selectDistinct({ s: assessmentItems.sectionId })
            .from(assessmentItems)
            .where(
              inArray(
                assessmentItems.sectionId,
                rows.map((r) => r.id),
              ),
            )
        ).map((r) => r.s),
      )
    : new Set<number>();
  return rows.map((r) => ({ ...r, graded: graded.has(r.id) }));
}

/** Where the caller may edit models and compute years (the import's roles), or null: nowhere. */
async function editScopeOf(db: DbOrTx, user: SessionUser) {
  return hasRole(user, ...ATTAINMENT_EDIT_ROLES) ? unitScope(db, user, ATTAINMENT_EDIT_ROLES) : null;
}

/** Whether the caller may edit the model of, and compute years for, a programme of this unit. */
export async function mayEditProgramme(db: DbOrTx, user: SessionUser, unitId: number) {
  const scope = await editScopeOf(db, user);
  return scope !== null && inScope(scope, unitId);
}

/**
 * The programmes the attainment home lists for the caller: every active programme in their view
 * scope, with its model versions (none yet for a programme whose model is still to be written),
 * whether one is approved (the report needs it) and whether the caller may edit the model (the
 * import's roles in scope: the way into the editor for a programme without a model).
 */
export async function attainmentProgrammes(db: DbOrTx, user: SessionUser) {
  if (!hasRole(user, ...ATTAINMENT_VIEW_ROLES)) return [];
  const scope = await unitScope(db, user, ATTAINMENT_VIEW_ROLES);
  const editScope = await editScopeOf(db, user);
  const rows = await db
    .select({
      id: programmes.id,
      code: programmes.code,
      name: programmes.name,
      unitId: programmes.unitId,
      unitName: units.name,
      version: outcomeModels.version,
      status: outcomeModels.status,
    })
    .from(programmes)
    .innerJoin(units, eq(units.id, programmes.unitId))
    .leftJoin(outcomeModels, eq(outcomeModels.programmeId, programmes.id))
    .where(eq(programmes.active, true))
    .orderBy(asc(programmes.code), desc(outcomeModels.version));
  type Listed = {
    id: number;
    code: string;
    name: string;
    unitName: string;
    versions: { version: number; status: "draft" | "approved" | "retired" }[];
    approved: boolean;
    canEdit: boolean;
  };
  const out = new Map<number, Listed>();
  for (const r of rows) {
    if (!inScope(scope, r.unitId)) continue;
    const p = out.get(r.id) ?? {
      id: r.id,
      code: r.code,
      name: r.name,
      unitName: r.unitName,
      versions: [],
      approved: false,
      canEdit: editScope !== null && inScope(editScope, r.unitId),
    };
    out.set(r.id, p);
    if (r.version !== null && r.status !== null) {
      p.versions.push({ version: r.version, status: r.status });
      if (r.status === "approved") p.approved = true;
    }
  }
  return [...out.values()];
}

/** A programme's 毕业要求达成情况: the model in force, the year's latest run, the years computed, the shortfalls with next year's value. */
export async function programmeReport(db: DbOrTx, programmeId: number, schoolYear?: string) {
  const programme = await programmeRow(db, programmeId);
  const model = await currentModel(db, programmeId);
  if (!model) throw new DomainError("NOT_FOUND", "attainment.errors.noModel");
  const versions = await db
    .select({
      id: outcomeModels.id,
      version: outcomeModels.version,
      status: outcomeModels.status,
      createdAt: outcomeModels.createdAt,
      approvedAt: outcomeModels.approvedAt,
      approvalNote: outcomeModels.approvalNote,
    })
    .from(outcomeModels)
    .where(eq(outcomeModels.programmeId, programmeId))
    .orderBy(desc(outcomeModels.version));
  const ids = versions.map((v) => v.id);
  const years = [
    ...new Set(
      (await db.select({ y: attainmentRuns.schoolYear }).from(attainmentRuns).where(inArray(attainmentRuns.modelId, ids))).map((r) => r.y),
    ),
  ].sort();
  const year = schoolYear ?? years.at(-1) ?? null;
  const run = year ? await latestRun(db, ids, year) : null;
  const nextYear = year ? years.find((y) => y > year) : undefined;
  const next = nextYear ? await latestRun(db, ids, nextYear) : null;
  // The trend: each computed year's requirement values.
  const trend = [];
  for (const y of years) {
    const r = await latestRun(db, ids, y);
    if (r)
      trend.push({ year: y, requirements: r.result.requirements.map((q) => ({ requirement: q.requirement, attainment: q.attainment })) });
  }
  // Sections behind each course of the year (for the drill-down to a course report).
  const courseCodes = [...new Set(model.model.support.map((s) => s.course))];
  const secs =
    year && courseCodes.length
      ? await db
          .select({ id: sections.id, code: sections.code, course: courses.code, courseName: courses.name })
          .from(sections)
          .innerJoin(courses, eq(courses.id, sections.courseId))
          .innerJoin(terms, eq(terms.id, sections.termId))
          .where(and(inArray(courses.code, courseCodes), eq(terms.schoolYear, year)))
          .orderBy(asc(sections.code))
      : [];
  return {
    programme,
    model: { id: model.id, version: model.version, cohorts: model.cohorts, ...model.model },
    versions,
    years,
    year,
    run: run ? { id: run.id, modelId: run.modelId, computedAt: run.computedAt, result: slim(run.result) } : null,
    shortfalls: run ? await withOrders(db, run.modelId, shortfalls(run.result, next?.result)) : [],
    nextYear: next ? nextYear : null,
    trend,
    sections: secs,
  };
}

/** Each shortfall with the order it raised (orders.ts), if any. */
async function withOrders(db: DbOrTx, modelId: number, list: Shortfall[]) {
  const orders = await ordersOf(
    db,
    list.map((s) => shortfallKey(modelId, s)),
  );
  return list.map((s) => ({ ...s, order: orders.get(shortfallKey(modelId, s)) ?? null }));
}

/** A run's result without the per-student values (the programme page needs the objectives' figures only). */
function slim(r: AttainmentResult): AttainmentResult {
  return { ...r, objectives: r.objectives.map((o) => ({ ...o, studentValues: [] })) };
}
