import { and, asc, count, eq, ilike, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { enrolments, persons, programmes, roleGrants, sectionTeachers, sections, courses, terms, units, type Role } from "@/db/schema";
import { assertInScope, type UnitScope } from "../access/scope";
import { recordAudit } from "../kernel/audit";
import { notFound } from "../kernel/errors";
import { scopeFilter } from "../org/queries";
import { containsPattern, offsetOf, type PageInput } from "../kernel/paging";
import { one } from "@/db/query";

export async function listPeople(
  db: DbOrTx,
  scope: UnitScope,
  input: PageInput & { unitId?: number; role?: Role; kind?: "staff" | "student" },
) {
  if (input.unitId !== undefined) assertInScope(scope, input.unitId);
  const q = input.q ? containsPattern(input.q) : null;
  const where = and(
    input.unitId !== undefined ? eq(persons.unitId, input.unitId) : scopeFilter(persons.unitId, scope),
    input.kind ? eq(persons.kind, input.kind) : undefined,
    input.role ? sql`exists (select 1 from ${roleGrants} g where g.person_id = ${persons.id} and g.role = ${input.role})` : undefined,
    q ? or(ilike(persons.name, q), ilike(persons.number, q), ilike(persons.className, q)) : undefined,
  );
  const { total } = one(await db.select({ total: count() }).from(persons).where(where));
  const items = await db
    .select({
      id: persons.id,
      number: persons.number,
      name: persons.name,
      kind: persons.kind,
      title: persons.title,
      className: persons.className,
      active: persons.active,
      unitId: persons.unitId,
      unitName: units.name,
      programmeName: programmes.name,
      roles: sql<Role[]>`coalesce((select array_agg(distinct g.role::text) from ${roleGrants} g where g.person_id = ${persons.id}), '{}')`,
    })
    .from(persons)
    .leftJoin(units, eq(units.id, persons.unitId))
    .leftJoin(programmes, eq(programmes.id, persons.programmeId))
    .where(where)
    .orderBy(asc(persons.number))
    .limit(input.pageSize)
    .offset(offsetOf(input));
  return { items, total, page: input.page, pageSize: input.pageSize };
}

/**
 * One person with roles and current teaching or enrolments; refused outside the caller's scope
 * (who may call: PEOPLE_VIEW_ROLES). Every view of a student's record is logged (person.view).
 */
export async function getPerson(db: DbOrTx, scope: UnitScope, id: number, viewer: { id: number }) {
  const [p] = await db
    .select({
      id: persons.id,
      number: persons.number,
      name: persons.name,
      nameEn: persons.nameEn,
      kind: persons.kind,
      gender: persons.gender,
      title: persons.title,
      className: persons.className,
      admissionYear: persons.admissionYear,
      email: persons.email,
      phone: persons.phone,
      active: persons.active,
      unitId: persons.unitId,
      unitName: units.name,
      programmeName: programmes.name,
    })
    .from(persons)
    .leftJoin(units, eq(units.id, persons.unitId))
    .leftJoin(programmes, eq(programmes.id, persons.programmeId))
    .where(eq(persons.id, id));
  if (!p) throw notFound();
  assertInScope(scope, p.unitId);
  if (p.kind === "student")
    await recordAudit(db, { actorId: viewer.id, action: "person.view", subject: `person ${p.id}`, detail: { number: p.number } });
  const roles = await db
    .select({ role: roleGrants.role, unitId: roleGrants.unitId, unitName: units.name })
    .from(roleGrants)
    .leftJoin(units, eq(units.id, roleGrants.unitId))
    .where(eq(roleGrants.personId, id));
  const sectionCols = {
    id: sections.id,
    code: sections.code,
    courseName: courses.name,
    courseNameEn: courses.nameEn,
    termCode: terms.code,
  };
  const teaching = await db
    .select(sectionCols)
    .from(sectionTeachers)
    .innerJoin(sections, eq(sections.id, sectionTeachers.sectionId))
    .innerJoin(courses, eq(courses.id, sections.courseId))
    .innerJoin(terms, eq(terms.id, sections.termId))
    .where(eq(sectionTeachers.personId, id))
    .orderBy(asc(terms.code), asc(sections.code));
  const enrolled = await db
    .select(sectionCols)
    .from(enrolments)
    .innerJoin(sections, eq(sections.id, enrolments.sectionId))
    .innerJoin(courses, eq(courses.id, sections.courseId))
    .innerJoin(terms, eq(terms.id, sections.termId))
    .where(eq(enrolments.personId, id))
    .orderBy(asc(terms.code), asc(sections.code));
  return { ...p, roles, teaching, enrolled };
}
