import { beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLog, persons, roleGrants } from "@/db/schema";
import { tinyInstrument } from "../campaigns/testing";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { appRouter, createCaller } from "./root";
import { refusalOf } from "../test/errors";
import { one } from "@/db/query";
import { at } from "@/server/shared/indexed";

// Sign-in attempts at a fixed instant: the throttle counts failures in a window before it.
const SIGN_IN_AT = new Date("2026-11-22T08:00:00Z");

let db: Db;
let s: School;
const as = async (p: { id: number }, locale: "zh" | "en" = "zh") => createCaller({ db, user: await sessionOf(db, p), locale });

beforeAll(async () => {
  ({ db, s } = await freshSchool());
});

describe("access control", () => {
  it("every procedure declares who may call it", () => {
    const procs = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { allow?: unknown } } }>);
    expect(procs.length).toBeGreaterThan(5);
    for (const [path, proc] of procs) expect(proc._def.meta?.allow, path).toBeDefined();
  });

  it("refuses anonymous callers and callers without the role", async () => {
    expect((await refusalOf(createCaller({ db }).org.units())).code).toBe("UNAUTHORIZED");
    const student = await as(s.people.studentA);
    expect((await refusalOf(student.people.list({}))).code).toBe("FORBIDDEN");
    expect((await refusalOf(student.org.sections({}))).code).toBe("FORBIDDEN");
  });

  it("lets a unit admin see only their unit", async () => {
    const adminA = await as(s.people.adminA);
    const units = await adminA.org.units();
    expect(units.map((u) => u.code).sort()).toEqual(["A", "A1"]);
    // Counts belong to each unit: A has the programme, its office the teacher.
    expect(units.map((u) => [u.code, u.programmes, u.staff])).toEqual([
      ["A", 1, 1],
      ["A1", 0, 1],
    ]);
    const sections = await adminA.org.sections({});
    expect(sections.items.map((x) => x.code)).toEqual(["CS101-01"]);
    const people = await adminA.people.list({ pageSize: 100 });
    // The teacher sits in A's teaching office, which is inside A.
    expect(people.items.map((p) => p.number).sort()).toEqual(["2023001", "T001", "UA01"]);
  });

  it("refuses a unit admin reaching for another unit, in the user's language", async () => {
    const adminA = await as(s.people.adminA);
    const r = await refusalOf(adminA.people.list({ unitId: s.unitB.id }));
    expect(r).toEqual({ code: "FORBIDDEN", message: "不能访问其他教学单位的数据。" });
    expect((await refusalOf(adminA.org.sections({ unitId: s.unitB.id }))).code).toBe("FORBIDDEN");
    expect((await refusalOf(adminA.people.get({ id: s.people.studentB.id }))).code).toBe("FORBIDDEN");
    const en = await as(s.people.adminA, "en");
    expect((await refusalOf(en.people.get({ id: s.people.teacherB.id }))).message).toBe("You cannot access another unit's data.");
  });

  it("lets the quality office see the whole school", async () => {
    const q = await as(s.people.quality);
    expect((await q.org.sections({})).total).toBe(2);
    expect((await q.people.list({ q: "同学" })).items.map((p) => p.number)).toEqual(["2023001", "2023002"]);
    const p = await q.people.get({ id: s.people.studentB.id });
    expect(p.roles.map((r) => r.role).sort()).toEqual(["info_officer", "student"]);
    expect(p.enrolled.map((x) => x.code).sort()).toEqual(["CS101-01", "EN101-01"]);
  });

  it("answers invalid input with an error naming the field", async () => {
    const q = await as(s.people.quality);
    const r = await refusalOf(q.people.list({ pageSize: 1000 }));
    expect(r.code).toBe("BAD_REQUEST");
    expect(r.message).toContain("pageSize");
    expect((await refusalOf(q.people.get({ id: 999999 }))).code).toBe("NOT_FOUND");
  });

  it("gives each person a home of their own", async () => {
    const student = await (await as(s.people.studentB)).me.home();
    expect(student.studying.map((x) => x.code).sort()).toEqual(["CS101-01", "EN101-01"]);
    expect(student.overview).toBeNull();
    const teacher = await (await as(s.people.teacherA)).me.home();
    expect(teacher.teaching.map((x) => x.code)).toEqual(["CS101-01"]);
    const adminB = await (await as(s.people.adminB)).me.home();
    expect(adminB.overview).toMatchObject({ students: 1, sections: 1, scopeUnits: ["外国语学院"] });
  });
});

describe("students' personal records", () => {
  const views = async () =>
    (await db.select().from(auditLog).where(eq(auditLog.action, "person.view")).orderBy(asc(auditLog.id))).map((a) => ({
      actorId: a.actorId,
      subject: a.subject,
    }));

  it("HR and leaders are refused a student's record and the list of people", async () => {
    const leader = one(await db.insert(persons).values({ number: "L001", name: "校领导", kind: "staff", unitId: s.school.id }).returning());
    await db.insert(roleGrants).values({ personId: leader.id, role: "leader" });
    const dean = one(await db.insert(persons).values({ number: "L002", name: "院长", kind: "staff", unitId: s.unitA.id }).returning());
    await db.insert(roleGrants).values({ personId: dean.id, role: "leader", unitId: s.unitA.id });
    const before = await views();
    for (const p of [s.people.hr, leader, dean]) {
      const caller = await as(p);
      expect((await refusalOf(caller.people.get({ id: s.people.studentA.id }))).code, String(p.id)).toBe("FORBIDDEN");
      expect((await refusalOf(caller.people.list({ kind: "student" }))).code, String(p.id)).toBe("FORBIDDEN");
    }
    expect(await views()).toEqual(before);
  });

  it("the system administrator, the quality office and the student's own unit admin read it, and each view is logged", async () => {
    const before = await views();
    for (const p of [s.people.sysAdmin, s.people.quality, s.people.adminA]) {
      const r = await (await as(p)).people.get({ id: s.people.studentA.id });
      expect(r.className).toBe("软件2301");
    }
    // Another unit's admin: refused, and nothing is logged for it.
    expect((await refusalOf((await as(s.people.adminB)).people.get({ id: s.people.studentA.id }))).code).toBe("FORBIDDEN");
    expect((await views()).slice(before.length)).toEqual(
      [s.people.sysAdmin, s.people.quality, s.people.adminA].map((p) => ({ actorId: p.id, subject: `person ${s.people.studentA.id}` })),
    );
  });
});

describe("setting a password", () => {
  it("is for the system administrator only, and the new password signs in", async () => {
    const { authenticate } = await import("../auth/users");
    const quality = await as(s.people.quality);
    expect((await refusalOf(quality.people.setPassword({ id: s.people.teacherA.id, password: "NewPass2026" }))).code).toBe("FORBIDDEN");
    const admin = await as(s.people.sysAdmin);
    const weak = await refusalOf(admin.people.setPassword({ id: s.people.teacherA.id, password: "short" }));
    expect(weak.code).toBe("BAD_REQUEST");
    expect(weak.message).toContain("password");
    await admin.people.setPassword({ id: s.people.teacherA.id, password: "NewPass2026" });
    const cfg = { maxFailures: 5, lockMinutes: 15 };
    expect((await authenticate(db, { number: "T001", password: "NewPass2026", ip: null }, SIGN_IN_AT, cfg)).ok).toBe(true);
    expect((await authenticate(db, { number: "T001", password: "Test@12345", ip: null }, SIGN_IN_AT, cfg)).ok).toBe(false);
  });
});

// A NUL or a lone surrogate in any tRPC input (search boxes, names, instrument files) is
// refused with 400 and a message naming the field, before it reaches the database (which
// would fail with a 500).
describe("text that cannot be stored, in tRPC inputs", () => {
  it("a NUL in a search box is a 400 with the field named, in the user's language", async () => {
    const zh = await refusalOf((await as(s.people.quality)).people.list({ q: "王\u0000" }));
    expect(zh.code).toBe("BAD_REQUEST");
    expect(zh.message).toContain("无法保存的字符");
    expect(zh.message).toContain("q");
    const en = await refusalOf((await as(s.people.quality, "en")).org.sections({ q: "\u0000" }));
    expect(en).toMatchObject({ code: "BAD_REQUEST" });
    expect(en.message).toContain("cannot be stored");
  });

  it("a lone surrogate anywhere in an uploaded instrument is a 400 naming its path", async () => {
    const file = tinyInstrument("student_evaluation", "_x");
    at(at(file.survey.pages, 0).elements, 0).title = { default: "总体\ud800满意", en: "Satisfied" };
    const r = await refusalOf((await as(s.people.quality)).instruments.upload({ file }));
    expect(r.code).toBe("BAD_REQUEST");
    expect(r.message).toContain("file.survey.pages[0].elements[0].title.default");
    // The same file with the text mended goes through.
    at(at(file.survey.pages, 0).elements, 0).title = { default: "总体满意", en: "Satisfied" };
    expect((await (await as(s.people.quality)).instruments.upload({ file })).status).toBe("created");
  });
});
