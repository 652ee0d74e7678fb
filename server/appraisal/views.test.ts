import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { createCaller } from "../api/root";
import type { SessionUser } from "../auth/users";
import { expectDomainError, refusalOf } from "../test/errors";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { logView, logViews, viewLog, viewsOf } from "./views";

// Who looked: the whole log is the system administrator's (the /admin/view-log page), paged and
// filtered by the teacher looked at, the viewer and a range of Beijing days; a teacher reads only
// their own part; nobody else reads any of it.
let db: Db;
let s: School;
let admin: SessionUser, hr: SessionUser, quality: SessionUser, teacherA: SessionUser, teacherB: SessionUser;

// Beijing days: 2026-12-01 08:30 and 23:30 Beijing time (the second is 15:30 UTC, still the 1st in
// UTC too), and 2026-12-02 07:00 Beijing time (23:00 UTC on the 1st: a UTC date would put it a day early).
const DEC1_MORNING = new Date("2026-12-01T00:30:00Z");
const DEC1_NIGHT = new Date("2026-12-01T15:30:00Z");
const DEC2_EARLY = new Date("2026-12-01T23:00:00Z");

beforeAll(async () => {
  ({ db, s } = await freshSchool());
  [admin, hr, quality, teacherA, teacherB] = await Promise.all([
    sessionOf(db, s.people.sysAdmin),
    sessionOf(db, s.people.hr),
    sessionOf(db, s.people.quality),
    sessionOf(db, s.people.teacherA),
    sessionOf(db, s.people.teacherB),
  ]);
  await logView(db, () => DEC1_MORNING, {
    subjectId: teacherA.id,
    viewer: hr,
    role: "hr",
    what: "appraisal.teacher",
    detail: { schoolYear: "2025-2026" },
  });
  await logView(db, () => DEC1_NIGHT, { subjectId: teacherB.id, viewer: quality, role: "quality_admin", what: "appraisal.teacher" });
  await logViews(db, () => DEC2_EARLY, [teacherA.id, teacherB.id], hr, "hr", "appraisal.export");
  // a teacher's look at their own page is not logged
  await logView(db, () => DEC2_EARLY, { subjectId: teacherA.id, viewer: teacherA, role: "teacher", what: "appraisal.teacher" });
});

describe("the view log page's list", () => {
  it("lists every look, newest first, with who was looked at, who looked, in which role, and what", async () => {
    const page = await viewLog(db, admin, {});
    expect(page.total).toBe(4);
    expect(page.items.map((r) => [r.at.toISOString(), r.subjectNumber, r.viewerNumber, r.role, r.what])).toEqual([
      [DEC2_EARLY.toISOString(), "T002", "H001", "hr", "appraisal.export"],
      [DEC2_EARLY.toISOString(), "T001", "H001", "hr", "appraisal.export"],
      [DEC1_NIGHT.toISOString(), "T002", "Q001", "quality_admin", "appraisal.teacher"],
      [DEC1_MORNING.toISOString(), "T001", "H001", "hr", "appraisal.teacher"],
    ]);
    expect(page.items[3]).toMatchObject({ subjectName: "张老师", viewerName: "人事处李老师" });
  });

  it("pages", async () => {
    const second = await viewLog(db, admin, { page: 2, pageSize: 3 });
    expect(second).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(second.items.map((r) => r.at)).toEqual([DEC1_MORNING]);
  });

  it("filters by the teacher looked at and by the viewer, by staff number or part of the name", async () => {
    expect((await viewLog(db, admin, { q: "T001" })).items.map((r) => r.what)).toEqual(["appraisal.export", "appraisal.teacher"]);
    expect((await viewLog(db, admin, { q: "刘" })).items.every((r) => r.subjectNumber === "T002")).toBe(true);
    expect((await viewLog(db, admin, { viewer: "Q001" })).items.map((r) => r.subjectNumber)).toEqual(["T002"]);
    expect((await viewLog(db, admin, { q: "T002", viewer: "人事处" })).items.map((r) => r.what)).toEqual(["appraisal.export"]);
    expect((await viewLog(db, admin, { q: "T1" })).total).toBe(0);
    // LIKE's wildcards are plain characters
    expect((await viewLog(db, admin, { q: "%" })).total).toBe(0);
  });

  it("filters by Beijing days, both ends included", async () => {
    expect((await viewLog(db, admin, { from: "2026-12-01", to: "2026-12-01" })).items.map((r) => r.at)).toEqual([DEC1_NIGHT, DEC1_MORNING]);
    expect((await viewLog(db, admin, { from: "2026-12-02" })).total).toBe(2);
    expect((await viewLog(db, admin, { to: "2026-11-30" })).total).toBe(0);
  });

  it("refuses a range that ends before it starts, and a day that does not exist", async () => {
    await expectDomainError(viewLog(db, admin, { from: "2026-12-02", to: "2026-12-01" }), {
      code: "appraisal.errors.viewLogDates",
      kind: "BAD_REQUEST",
    });
    const api = createCaller({ db, user: admin, locale: "en", now: () => DEC2_EARLY });
    expect((await refusalOf(api.appraisal.viewLog({ from: "2026-02-30" }))).code).toBe("BAD_REQUEST");
    expect(await refusalOf(api.appraisal.viewLog({ from: "2026-12-02", to: "2026-12-01" }))).toEqual({
      code: "BAD_REQUEST",
      message: "Date range is wrong: the start 2026-12-02 is after the end 2026-12-01.",
    });
  });
});

describe("who reads the log", () => {
  // (every role at the procedure's gate: server/api/access-matrix.test.ts)
  it("the whole log: the system administrator only, through the procedure and the domain alike", async () => {
    const users = new Map<string, SessionUser>([
      ["sys_admin", admin],
      ["hr", hr],
      ["quality_admin", quality],
      ["teacher", teacherA],
    ]);
    for (const [role, user] of users) {
      const api = createCaller({ db, user, locale: "zh", now: () => DEC2_EARLY });
      if (role === "sys_admin") {
        expect((await api.appraisal.viewLog({})).total).toBe(4);
        continue;
      }
      expect((await refusalOf(api.appraisal.viewLog({}))).code, role).toBe("FORBIDDEN");
      await expectDomainError(viewLog(db, user, {}), { code: "errors.forbidden", kind: "FORBIDDEN" });
    }
  });

  it("a teacher reads their own part and nobody else's; the system administrator reads anyone's", async () => {
    expect((await viewsOf(db, teacherA, teacherA.id)).map((r) => r.viewerNumber)).toEqual(["H001", "H001"]);
    await expectDomainError(viewsOf(db, teacherA, teacherB.id), { code: "errors.forbidden" });
    await expectDomainError(viewsOf(db, hr, teacherA.id), { code: "errors.forbidden" });
    expect((await viewsOf(db, admin, teacherB.id)).length).toBe(2);
  });
});
