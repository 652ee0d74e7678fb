import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { courses, enrolments, persons, programmes, sectionTeachers, sections, units } from "@/db/schema";
import { hasRole, unitScope } from "../access/scope";
import type { SessionUser } from "../auth/users";
import { currentTerm, scopeFilter } from "../org/queries";
import { BROWSE_ROLE_LIST } from "../access/roles";
import { one } from "@/db/query";

/** What a person's home page shows: their sections this term and, for staff who manage, counts in their scope. */
export async function homeSummary(db: DbOrTx, user: SessionUser) {
  const term = await currentTerm(db);
  const sectionCols = {
    id: sections.id,
    code: sections.code,
    schedule: sections.schedule,
    courseCode: courses.code,
    courseName: courses.name,
    courseNameEn: courses.nameEn,
    teachers: sql<string>`coalesce((select string_agg(p.name, '、' order by p.number) from section_teachers st join persons p on p.id = st.person_id where st.section_id = ${sections.id}), '')`,
    enrolled: sql<number>`(select count(*)::int from enrolments e where e.section_id = ${sections.id} and e.status = 'enrolled')`,
  };
  const studying =
    hasRole(user, "student") && term
      ? await db
          .select(sectionCols)
          .from(enrolments)
          .innerJoin(sections, eq(sections.id, enrolments.sectionId))
          .innerJoin(courses, eq(courses.id, sections.courseId))
          .where(and(eq(enrolments.personId, user.id), eq(sections.termId, term.id), eq(enrolments.status, "enrolled")))
          .orderBy(asc(courses.code))
      : [];
  const teaching =
    hasRole(user, "teacher") && term
      ? await db
          .select(sectionCols)
          .from(sectionTeachers)
          .innerJoin(sections, eq(sections.id, sectionTeachers.sectionId))
          .innerJoin(courses, eq(courses.id, sections.courseId))
          .where(and(eq(sectionTeachers.personId, user.id), eq(sections.termId, term.id)))
          .orderBy(asc(courses.code))
      : [];

  let overview: null | { units: number; programmes: number; teachers: number; students: number; sections: number; scopeUnits: string[] } =
    null;
  if (hasRole(user, ...BROWSE_ROLE_LIST)) {
    const scope = await unitScope(db, user, BROWSE_ROLE_LIST);
    const u = one(await db.select({ n: count() }).from(units).where(scopeFilter(units.id, scope)));
    const p = one(await db.select({ n: count() }).from(programmes).where(scopeFilter(programmes.unitId, scope)));
    const t = one(
      await db
        .select({ n: count() })
        .from(persons)
        .where(and(eq(persons.kind, "staff"), eq(persons.active, true), scopeFilter(persons.unitId, scope))),
    );
    const s = one(
      await db
        .select({ n: count() })
        .from(persons)
        .where(and(eq(persons.kind, "student"), eq(persons.active, true), scopeFilter(persons.unitId, scope))),
    );
    const sec = one(
      term
        ? await db
            .select({ n: count() })
            .from(sections)
            .innerJoin(courses, eq(courses.id, sections.courseId))
            .where(and(eq(sections.termId, term.id), scopeFilter(courses.unitId, scope)))
        : [{ n: 0 }],
    );
    const scopeUnits =
      scope === "all"
        ? []
        : (
            await db
              .select({ name: units.name })
              .from(units)
              .where(
                inArray(
                  units.id,
                  user.roles.filter((g) => g.unitId !== null).map((g) => g.unitId as number),
                ),
              )
          ).map((r) => r.name);
    overview = { units: u.n, programmes: p.n, teachers: t.n, students: s.n, sections: sec.n, scopeUnits };
  }
  return { term, studying, teaching, overview };
}
