import ExcelJS from "exceljs";
import { eq } from "drizzle-orm";
import { assert, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { auditLog, courses, persons, resultViews } from "@/db/schema";
import { createCaller } from "../api/root";
import { defaultPolicy } from "./policies";
import { resultsWorkbook } from "./results-export";
import { anotherCampaign, answersFor, fileOfGroup, respond, rng, scoringCampaign, type ScoringCampaign } from "./testing";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { at } from "@/server/shared/indexed";

// The results a reader sees, as an Excel workbook: HR gets the school's published results
// (it read them, and got 403 on the only export there was), a unit admin its units', nobody a
// running campaign's figures but the quality office (marked), and nobody a figure below the
// minimum of raters.
let db: Db;
let s: School;
let done: ScoringCampaign;
let running: ScoringCampaign;
let policyId: number;
const NOW = new Date("2027-01-20T08:00:00Z");
const as = async (p: { id: number }) => createCaller({ db, user: await sessionOf(db, p), locale: "zh", now: () => NOW });

beforeAll(async () => {
  ({ db, s } = await freshSchool());
  await db.update(courses).set({ nameEn: "Fundamentals of Programming" }).where(eq(courses.code, "CS101"));
  done = await scoringCampaign(db, s, { name: "期末评教（已发布）" });
  const r = rng(3);
  for (const [code, n] of [
    ["CS101-01", 8],
    ["CS102-01", 7],
    ["EN101-01", 6],
    ["CS103-01", 2],
  ] as const) {
    await respond(
      db,
      done,
      code,
      "student",
      Array.from({ length: n }, () => answersFor(fileOfGroup("student"), 0.8, r, { noise: 0.05 })),
    );
  }
  const quality = await as(s.people.quality);
  policyId = (await quality.scoring.policies.create({ policy: defaultPolicy("2026-2027") })).id;
  await quality.scoring.policies.approve({ id: policyId, note: "委员会审议通过" });
  await quality.campaigns.publish({ id: done.id });
  running = await anotherCampaign(db, s, done, { name: "补充评教（进行中）" });
  await respond(
    db,
    running,
    "EN102-01",
    "student",
    Array.from({ length: 6 }, () => answersFor(fileOfGroup("student"), 0.6, r)),
  );
  await quality.scoring.recompute({ schoolYear: "2026-2027" });
}, 120_000);

async function read(who: { id: number }, locale: "zh" | "en" = "zh") {
  const { stream, name } = await resultsWorkbook(db, () => NOW, await sessionOf(db, who), policyId, locale);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.concat(chunks) as never);
  const sheet = (i: number) => {
    const ws = at(wb.worksheets, i);
    const rows: (string | number | null)[][] = [];
    ws.eachRow((row) => rows.push((row.values as (string | number | null)[]).slice(1)));
    const [header, ...body] = rows;
    if (!header) throw new Error(`sheet ${i} is empty`);
    return body.map((r) => Object.fromEntries(header.map((h, k) => [String(h), r[k] ?? null])));
  };
  return { name, sheets: wb.worksheets.map((w) => w.name), targets: sheet(0), teachers: sheet(1) };
}

describe("the results workbook", () => {
  it("HR gets the school's published results: every target with its n, figures only at or above the minimum, and the composites", async () => {
    const hr = await read(s.people.hr);
    expect(hr.name).toBe("2026-2027 学年评价结果");
    expect(hr.sheets).toEqual(["评价对象", "教师综合分"]);
    const students = hr.targets.filter((r) => r["评价主体"] === "学生");
    expect(students.map((r) => r["教学班"]).sort()).toEqual(["CS101-01", "CS102-01", "CS103-01", "EN101-01", "EN102-01"]);
    expect(hr.targets.every((r) => r["评价活动"] === "期末评教（已发布）")).toBe(true);
    const by = Object.fromEntries(students.map((r) => [String(r["教学班"]), r]));
    expect(by["CS101-01"]).toMatchObject({ 有效答卷: 8, 课程: "程序设计基础" });
    expect(Number(by["CS101-01"]?.["平均分"])).toBeGreaterThan(0);
    // Below the minimum of 5: n only, never a mean.
    expect(by["CS103-01"]).toMatchObject({ 有效答卷: 2, 平均分: null, 中位数: null, 说明: "样本不足" });
    // The same figures as the results page.
    const page = await (await as(s.people.hr)).scoring.targets({ policyId, pageSize: 200 });
    const mean = page.items.find((x) => x.sectionCode === "CS101-01" && x.raterGroup === "student")?.mean;
    assert.exists(mean);
    expect(Number(by["CS101-01"]?.["平均分"])).toBeCloseTo(mean, 2);
    // The term's composites wait for the running campaign of the same term (as on the page).
    expect(hr.teachers).toEqual([]);
    const [a] = await db.select().from(auditLog).where(eq(auditLog.action, "scoring.results.export"));
    expect(a).toMatchObject({ actorId: s.people.hr.id, subject: `policy ${policyId}` });
  });

  it("a unit admin gets its units' targets only; the quality office also the running campaign's, marked provisional", async () => {
    const unit = await read(s.people.adminA);
    expect([...new Set(unit.targets.map((r) => String(r["教学班"]).slice(0, 2)))]).toEqual(["CS"]);
    const quality = await read(s.people.quality);
    const provisional = quality.targets.filter((r) => r["评价活动"] === "补充评教（进行中）" && Number(r["有效答卷"]) > 0);
    expect(provisional.map((r) => `${r["教学班"]}/${r["说明"]}`)).toEqual(["EN102-01/临时（评价进行中）"]);
    expect(quality.teachers.length).toBeGreaterThan(0);
    expect(quality.teachers.every((r) => r["工号"] !== null && r["说明"] === "临时（评价进行中）")).toBe(true);
  });

  it("puts every teacher whose figures are in the file in that teacher's view log, once per file, and nobody else", async () => {
    const before = (await db.select({ id: resultViews.id }).from(resultViews)).map((r) => r.id);
    const file = await read(s.people.adminA);
    const numbers = [...new Set([...file.targets, ...file.teachers].map((r) => r["工号"]).filter((x) => x !== null))].sort();
    expect(numbers.length).toBeGreaterThan(0);
    const rows = (await db.select().from(resultViews)).filter((r) => !before.includes(r.id));
    expect(
      rows.every(
        (r) =>
          r.viewerId === s.people.adminA.id &&
          r.viewerRole === "unit_admin" &&
          r.what === "results.export" &&
          r.at.getTime() === NOW.getTime(),
      ),
    ).toBe(true);
    const byId = new Map((await db.select({ id: persons.id, number: persons.number }).from(persons)).map((p) => [p.id, p.number]));
    expect(rows.map((r) => byId.get(r.subjectId)).sort()).toEqual(numbers);
  });

  it("in English: English headers, and the English course name where there is one (the Chinese otherwise)", async () => {
    const en = await read(s.people.hr, "en");
    const courseOf = Object.fromEntries(
      en.targets.filter((r) => r["Rater group"] === "Students").map((r) => [String(r.Section), r.Course]),
    );
    expect(courseOf["CS101-01"]).toBe("Fundamentals of Programming");
    expect(courseOf["CS102-01"]).toBe("数据结构");
  });

  it("is refused to a teacher and a student", async () => {
    for (const who of [s.people.teacherA, s.people.studentA]) {
      await expect(resultsWorkbook(db, () => NOW, await sessionOf(db, who), policyId, "zh")).rejects.toMatchObject({
        code: "errors.forbidden",
      });
    }
  });
});
