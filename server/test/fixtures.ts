import type { Db } from "@/db/client";
import {
  courses,
  credentials,
  enrolments,
  persons,
  programmes,
  roleGrants,
  sectionTeachers,
  sections,
  terms,
  units,
  type Role,
} from "@/db/schema";
import { hashPassword } from "../auth/password";
import { loadSessionUser, type SessionUser } from "../auth/users";
import { resetDb, testDb } from "./db";
import { one } from "@/db/query";
import { at } from "@/server/shared/indexed";

export const FIXTURE_PASSWORD = "Test@12345";
// Low scrypt cost keeps tests fast; verifyPassword reads the cost from the hash.
const cheapHash = hashPassword(FIXTURE_PASSWORD, { N: 1 << 10, r: 8, p: 1 });

/**
 * A small school: two colleges (A with a teaching office), a programme and a course in
 * each, one current term, a section per course, and one person per role.
 */
export async function createSchool(db: Db) {
  const school = one(await db.insert(units).values({ code: "S", name: "测试大学", kind: "school" }).returning());
  const colleges = await db
    .insert(units)
    .values([
      { code: "A", name: "计算机学院", nameEn: "School of Computing", kind: "college", parentId: school.id },
      { code: "B", name: "外国语学院", nameEn: "School of Foreign Languages", kind: "college", parentId: school.id },
    ])
    .returning();
  const unitA = at(colleges, 0);
  const unitB = at(colleges, 1);
  const officeA = one(
    await db.insert(units).values({ code: "A1", name: "软件工程教研室", kind: "office", parentId: unitA.id }).returning(),
  );
  const progs = await db
    .insert(programmes)
    .values([
      { code: "080902", name: "软件工程", unitId: unitA.id },
      { code: "050201", name: "英语", unitId: unitB.id },
    ])
    .returning();
  const progA = at(progs, 0);
  const progB = at(progs, 1);
  const term = one(
    await db
      .insert(terms)
      .values({ code: "2026-2027-1", schoolYear: "2026-2027", semester: 1, startsOn: "2026-09-01", endsOn: "2027-01-20", isCurrent: true })
      .returning(),
  );
  const courseRows = await db
    .insert(courses)
    .values([
      { code: "CS101", name: "程序设计基础", unitId: unitA.id, programmeId: progA.id, type: "foundation" },
      { code: "EN101", name: "综合英语", unitId: unitB.id, programmeId: progB.id, type: "core" },
    ])
    .returning();
  const courseA = at(courseRows, 0);
  const courseB = at(courseRows, 1);
  const sectionRows = await db
    .insert(sections)
    .values([
      { code: "CS101-01", termId: term.id, courseId: courseA.id },
      { code: "EN101-01", termId: term.id, courseId: courseB.id },
    ])
    .returning();
  const secA = at(sectionRows, 0);
  const secB = at(sectionRows, 1);

  const hash = await cheapHash;
  async function person(
    number: string,
    name: string,
    kind: "staff" | "student",
    unitId: number,
    grants: { role: Role; unitId?: number | null }[],
    extra: Partial<typeof persons.$inferInsert> = {},
  ) {
    const p = one(
      await db
        .insert(persons)
        .values({ number, name, kind, unitId, ...extra })
        .returning(),
    );
    await db.insert(credentials).values({ personId: p.id, passwordHash: hash });
    if (grants.length) await db.insert(roleGrants).values(grants.map((g) => ({ personId: p.id, role: g.role, unitId: g.unitId ?? null })));
    return p;
  }
  const people = {
    sysAdmin: await person("admin", "系统管理员", "staff", school.id, [{ role: "sys_admin" }]),
    quality: await person("Q001", "质量办王老师", "staff", school.id, [{ role: "quality_admin" }]),
    hr: await person("H001", "人事处李老师", "staff", school.id, [{ role: "hr" }]),
    adminA: await person("UA01", "计算机学院教务员", "staff", unitA.id, [{ role: "unit_admin", unitId: unitA.id }]),
    adminB: await person("UB01", "外国语学院教务员", "staff", unitB.id, [{ role: "unit_admin", unitId: unitB.id }]),
    teacherA: await person("T001", "张老师", "staff", officeA.id, [{ role: "teacher" }]),
    teacherB: await person("T002", "刘老师", "staff", unitB.id, [{ role: "teacher" }, { role: "supervisor", unitId: unitB.id }]),
    studentA: await person("2023001", "陈同学", "student", unitA.id, [{ role: "student" }], {
      programmeId: progA.id,
      className: "软件2301",
      admissionYear: 2023,
    }),
    studentB: await person("2023002", "周同学", "student", unitB.id, [{ role: "student" }, { role: "info_officer" }], {
      programmeId: progB.id,
      className: "英语2301",
      admissionYear: 2023,
    }),
  };
  await db.insert(sectionTeachers).values([
    { sectionId: secA.id, personId: people.teacherA.id },
    { sectionId: secB.id, personId: people.teacherB.id },
  ]);
  await db.insert(enrolments).values([
    { sectionId: secA.id, personId: people.studentA.id },
    { sectionId: secB.id, personId: people.studentB.id },
    { sectionId: secA.id, personId: people.studentB.id },
  ]);
  return { school, unitA, unitB, officeA, progA, progB, term, courseA, courseB, secA, secB, people };
}

export type School = Awaited<ReturnType<typeof createSchool>>;

export async function sessionOf(db: Db, person: { id: number }): Promise<SessionUser> {
  const u = await loadSessionUser(db, person.id);
  if (!u) throw new Error("no such person");
  return u;
}

/** The worker's test database, emptied, with the small school in it: the start of most test files. */
export async function freshSchool(): Promise<{ db: Db; s: School }> {
  const db = await testDb();
  await resetDb(db);
  return { db, s: await createSchool(db) };
}
