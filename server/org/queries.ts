import { and, asc, count, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db/client";
import { courses, enrolments, persons, programmes, sectionTeachers, sections, terms, units } from "@/db/schema";
import { assertInScope, type UnitScope } from "../access/scope";
import { containsPattern, offsetOf, type Page, type PageInput } from "../kernel/paging";
import { one } from "@/db/query";

// Restricts a unit column to the scope; undefined when the whole school is visible.
export function scopeFilter(column: AnyPgColumn, scope: UnitScope): SQL | undefined {
  if (scope === "all") return undefined;
  if (scope.length === 0) return sql`false`;
  return inArray(column, scope);
}

function unitFilter(column: AnyPgColumn, scope: UnitScope, unitId?: number): SQL | undefined {
  if (unitId !== undefined) {
    assertInScope(scope, unitId);
    return eq(column, unitId);
  }
  return scopeFilter(column, scope);
}

export async function listUnits(db: DbOrTx, scope: UnitScope) {
  const rows = await db
    .select({
      id: units.id,
      code: units.code,
      name: units.name,
      nameEn: units.nameEn,
      kind: units.kind,
      parentId: units.parentId,
      // Spelled out: drizzle leaves columns unqualified in a single-table select, and a bare
      // "id" inside these subqueries would mean the inner table's.
      programmes: sql<number>`(select count(*)::int from programmes p where p.unit_id = "units"."id")`,
      staff: sql<number>`(select count(*)::int from persons p where p.unit_id = "units"."id" and p.kind = 'staff' and p.active)`,
    })
    .from(units)
    .where(scopeFilter(units.id, scope))
    .orderBy(asc(units.code));
  return rows;
}

export async function listTerms(db: DbOrTx) {
  return db.select().from(terms).orderBy(desc(terms.startsOn));
}

export async function currentTerm(db: DbOrTx) {
  const [t] = await db.select().from(terms).orderBy(desc(terms.isCurrent), desc(terms.startsOn)).limit(1);
  return t ?? null;
}

export async function listProgrammes(db: DbOrTx, scope: UnitScope, input: PageInput & { unitId?: number }) {
  const where = and(
    unitFilter(programmes.unitId, scope, input.unitId),
    input.q ? or(ilike(programmes.name, containsPattern(input.q)), ilike(programmes.code, containsPattern(input.q))) : undefined,
  );
  const { total } = one(await db.select({ total: count() }).from(programmes).where(where));
  const items = await db
    .select({
      id: programmes.id,
      code: programmes.code,
      name: programmes.name,
      nameEn: programmes.nameEn,
      level: programmes.level,
      unitId: programmes.unitId,
      unitName: units.name,
      students: sql<number>`(select count(*)::int from persons p where p.programme_id = ${programmes.id} and p.active)`,
    })
    .from(programmes)
    .innerJoin(units, eq(units.id, programmes.unitId))
    .where(where)
    .orderBy(asc(programmes.code))
    .limit(input.pageSize)
    .offset(offsetOf(input));
  return { items, total, page: input.page, pageSize: input.pageSize } satisfies Page<unknown>;
}

export async function listCourses(
  db: DbOrTx,
  scope: UnitScope,
  input: PageInput & { unitId?: number; type?: typeof courses.$inferSelect.type },
) {
  const where = and(
    unitFilter(courses.unitId, scope, input.unitId),
    input.type ? eq(courses.type, input.type) : undefined,
    input.q ? or(ilike(courses.name, containsPattern(input.q)), ilike(courses.code, containsPattern(input.q))) : undefined,
  );
  const { total } = one(await db.select({ total: count() }).from(courses).where(where));
  const items = await db
    .select({
      id: courses.id,
      code: courses.code,
      name: courses.name,
      nameEn: courses.nameEn,
      type: courses.type,
      level: courses.level,
      credits: courses.credits,
      hours: courses.hours,
      unitId: courses.unitId,
      unitName: units.name,
      programmeName: programmes.name,
    })
    .from(courses)
    .innerJoin(units, eq(units.id, courses.unitId))
    .leftJoin(programmes, eq(programmes.id, courses.programmeId))
    .where(where)
    .orderBy(asc(courses.code))
    .limit(input.pageSize)
    .offset(offsetOf(input));
  return { items, total, page: input.page, pageSize: input.pageSize };
}

export async function listSections(db: DbOrTx, scope: UnitScope, input: PageInput & { unitId?: number; termId?: number }) {
  const termId = input.termId ?? (await currentTerm(db))?.id;
  const q = input.q ? containsPattern(input.q) : null;
  const where = and(
    termId ? eq(sections.termId, termId) : undefined,
    unitFilter(courses.unitId, scope, input.unitId),
    q
      ? or(
          ilike(sections.code, q),
          ilike(courses.name, q),
          ilike(courses.code, q),
          sql`exists (select 1 from section_teachers st join persons p on p.id = st.person_id where st.section_id = ${sections.id} and p.name ilike ${q})`,
        )
      : undefined,
  );
  const { total } = one(
    await db.select({ total: count() }).from(sections).innerJoin(courses, eq(courses.id, sections.courseId)).where(where),
  );
  const items = await db
    .select({
      id: sections.id,
      code: sections.code,
      name: sections.name,
      schedule: sections.schedule,
      courseCode: courses.code,
      courseName: courses.name,
      courseNameEn: courses.nameEn,
      courseType: courses.type,
      unitId: courses.unitId,
      unitName: units.name,
      termCode: terms.code,
      teachers: sql<string>`coalesce((select string_agg(p.name, '、' order by st.role, p.number) from ${sectionTeachers} st join ${persons} p on p.id = st.person_id where st.section_id = ${sections.id}), '')`,
      enrolled: sql<number>`(select count(*)::int from ${enrolments} e where e.section_id = ${sections.id} and e.status = 'enrolled')`,
    })
    .from(sections)
    .innerJoin(courses, eq(courses.id, sections.courseId))
    .innerJoin(units, eq(units.id, courses.unitId))
    .innerJoin(terms, eq(terms.id, sections.termId))
    .where(where)
    .orderBy(asc(courses.code), asc(sections.code))
    .limit(input.pageSize)
    .offset(offsetOf(input));
  return { items, total, page: input.page, pageSize: input.pageSize, termId: termId ?? null };
}
