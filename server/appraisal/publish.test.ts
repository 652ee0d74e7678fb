import { eq, sql } from "drizzle-orm";
import { assert, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { appraisalResults, persons } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { col, one, queryOne, queryRows, queryValue } from "@/db/query";
import { createCaller } from "../api/root";
import { loadSessionUser } from "../auth/users";
import { importLibrary } from "../instruments/library";
import { loadRegistry } from "../instruments/registry";
import { recompute } from "../scoring/compute";
import { seedDemoScores } from "../scoring/demo";
import { approvePolicy, createPolicy } from "../scoring/policies";
import { approvedPolicy } from "../scoring/testing";
import { resetDb, testDb } from "../test/db";
import ExcelJS from "exceljs";
import { appealAttachment, fileAppeal } from "./appeals";
import { appraisalXlsx, EXPORT_COLUMNS } from "./export";
import { workingDaysFrom } from "./publish";
import { expectDomainError, refusalOf } from "../test/errors";
import { at } from "@/server/shared/indexed";

// Publishing, appeals and the view log through the router, on the demo university's last year.
const YEAR = "2025-2026";
let db: Db;
let clock = new Date("2026-09-07T02:00:00Z"); // a Monday, 10:00 in Beijing
const now = () => clock;
const as = async (number: string, locale: "zh" | "en" = "en") => {
  const p = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, number)));
  return createCaller({ db, user: await loadSessionUser(db, p.id), now, locale });
};
let teacherNumber: string;
let teacherId: number;
let unitId: number;

beforeAll(async () => {
  db = await testDb();
  await resetDb(db);
  await seedDemo(db, { log: () => {} });
  const q = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality")));
  await importLibrary(db, loadRegistry(), { approvedBy: q.id, note: "示范" });
  await seedDemoScores(db, () => {});
  const p = await approvedPolicy(db, YEAR);
  await recompute(db, p, { trigger: "manual" });
  // a banded teacher with a teacher account; UA-CS also administers that teacher's college here
  const t = await queryOne(
    db,
    { id: col.int, number: col.text, unit_id: col.int },
    sql`
    select p.id, p.number, a.unit_id from appraisal_results a join persons p on p.id = a.teacher_id
    join role_grants g on g.person_id = p.id and g.role = 'teacher'
    where a.policy_id = ${p.id} and a.band in ('good', 'pass') order by p.number limit 1`,
  );
  teacherId = t.id;
  teacherNumber = t.number;
  unitId = t.unit_id;
  await db.execute(
    sql`insert into role_grants (person_id, role, unit_id) select id, 'unit_admin', ${unitId} from persons where number = 'UA-CS'`,
  );
}, 180_000);

describe("publishing an appraisal", () => {
  it("notice lasts 5 working days (Monday–Friday)", () => {
    expect(workingDaysFrom("2026-09-07", 5)).toBe("2026-09-11"); // Mon → Fri
    expect(workingDaysFrom("2026-09-10", 5)).toBe("2026-09-16"); // Thu → next Wed
    expect(workingDaysFrom("2026-09-12", 5)).toBe("2026-09-18"); // Sat → Fri
  });

  it("the teacher sees nothing before the notice; HR prepares, the quality office approves, the teacher sees the band; a recompute does not change it", async () => {
    const teacher = await as(teacherNumber);
    const before = await teacher.appraisal.mine({ schoolYear: YEAR });
    expect(before.published).toBeNull();
    expect(before.row).toBeNull();
    expect(before.history).toEqual([]);
    const hr = await as("hr");
    const quality = await as("quality");
    const v = await hr.appraisal.versions.prepare({ schoolYear: YEAR });
    await expectDomainError(quality.appraisal.versions.approve({ versionId: v.id }), { code: "appraisal.errors.publishState" });
    await hr.appraisal.versions.request({ versionId: v.id });
    expect((await refusalOf(hr.appraisal.versions.approve({ versionId: v.id }))).code).toBe("FORBIDDEN");
    await quality.appraisal.versions.approve({ versionId: v.id });
    const mine = await teacher.appraisal.mine({ schoolYear: YEAR });
    expect(mine.published).toMatchObject({ version: 1, status: "notice", noticeFrom: "2026-09-07", noticeUntil: "2026-09-11" });
    assert.exists(mine.row);
    const band = mine.row.band;
    expect(["good", "pass"]).toContain(band);
    // frozen: a recompute after a veto changes the live bands, not the version on notice
    await hr.appraisal.vetoes.record({
      teacher: teacherNumber,
      schoolYear: YEAR,
      code: "ethics_misconduct",
      reason: "测试",
      decidedOn: "2026-09-07",
    });
    const p = await approvedPolicy(db, YEAR);
    await recompute(db, p, { trigger: "manual" });
    const live = one(await db.select().from(appraisalResults).where(eq(appraisalResults.teacherId, teacherId)));
    expect(live.band).toBe("fail");
    expect((await teacher.appraisal.mine({ schoolYear: YEAR })).row?.band).toBe(band);
    // a change needs a new version with a reason
    await expectDomainError(hr.appraisal.versions.prepare({ schoolYear: YEAR }), { code: "appraisal.errors.frozen" });
    // locking waits for the end of the notice
    await expectDomainError(hr.appraisal.versions.lock({ versionId: v.id }), { code: "appraisal.errors.publishState" });
  }, 60_000);

  it("appeal: filed within the window, one open at a time; the quality office assigns, the reviewer upholds; the teacher sees the new version", async () => {
    const teacher = await as(teacherNumber);
    const quality = await as("quality");
    clock = new Date("2026-09-09T02:00:00Z");
    const a = await teacher.appraisal.appeals.file({ schoolYear: YEAR, subject: "band", reason: "学生评教人数统计有误" });
    expect(a).toMatchObject({ stage: "review", status: "submitted" });
    await expectDomainError(teacher.appraisal.appeals.file({ schoolYear: YEAR, subject: "figure", reason: "again" }), {
      code: "appraisal.errors.appealOpen",
    });
    await quality.appraisal.appeals.assign({ appealId: a.id, reviewer: "quality" });
    await expectDomainError(teacher.appraisal.appeals.decide({ appealId: a.id, decision: "upheld", note: "x" }), {
      code: "appraisal.errors.notReviewer",
    });
    await quality.appraisal.appeals.decide({ appealId: a.id, decision: "upheld", note: "核实后更正为良好", band: "good" });
    const mine = await teacher.appraisal.mine({ schoolYear: YEAR });
    expect(mine.published).toMatchObject({ version: 2, status: "notice", noticeFrom: "2026-09-07" });
    expect(mine.row).toMatchObject({ band: "good", reason: "appeal" });
    expect(mine.appeals[0]).toMatchObject({ status: "upheld", decisionNote: "核实后更正为良好", dueOn: "2026-09-19" });
    expect(mine.versions.map((v) => [v.version, v.status])).toEqual([
      [1, "superseded"],
      [2, "notice"],
    ]);
    // the first version's rows are untouched (append-only)
    await expect(db.execute(sql`update appraisal_version_rows set band = 'fail'`)).rejects.toThrow();
    // only a rejected review goes on to 申诉
    await expectDomainError(teacher.appraisal.appeals.file({ schoolYear: YEAR, subject: "band", reason: "申诉" }), {
      code: "appraisal.errors.appealStage",
    });
  }, 60_000);

  it("an appeal after the window is refused", async () => {
    const other = await queryOne(
      db,
      { number: col.text },
      sql`
      select p.number from appraisal_version_rows r join appraisal_versions v on v.id = r.version_id and v.status = 'notice'
      join persons p on p.id = r.teacher_id join role_grants g on g.person_id = p.id and g.role = 'teacher'
      where r.teacher_id <> ${teacherId} order by p.number limit 1`,
    );
    clock = new Date("2026-09-18T02:00:00Z");
    const teacher = await as(other.number);
    await expectDomainError(teacher.appraisal.appeals.file({ schoolYear: YEAR, subject: "band", reason: "late" }), {
      code: "appraisal.errors.appealWindow",
    });
  });

  it("HR's look at a teacher's page is in the teacher's access list, which only the teacher and the system administrator read; out of scope refused", async () => {
    const hr = await as("hr");
    await hr.appraisal.teacher({ teacherId, schoolYear: YEAR });
    const teacher = await as(teacherNumber);
    const views = await teacher.appraisal.views({});
    expect(views[0]).toMatchObject({ role: "hr", what: "appraisal.teacher", viewerNumber: "hr" });
    await expectDomainError(hr.appraisal.views({ teacherId }), { code: "errors.forbidden" });
    const admin = await as("admin");
    expect((await admin.appraisal.views({ teacherId })).length).toBe(views.length);
    // a unit admin of the teacher's college reads the page; a teacher of another college is refused
    const ua = await as("UA-CS");
    await ua.appraisal.teacher({ teacherId, schoolYear: YEAR });
    const outside = await queryOne(
      db,
      { id: col.int },
      sql`
      select r.teacher_id as id from appraisal_version_rows r join appraisal_versions v on v.id = r.version_id and v.status = 'notice'
      join persons p on p.id = r.teacher_id where r.unit_id <> ${unitId} and p.unit_id <> ${unitId} limit 1`,
    );
    await expectDomainError(ua.appraisal.teacher({ teacherId: outside.id, schoolYear: YEAR }), { code: "appraisal.errors.outOfScope" });
    const table = await ua.appraisal.table({ schoolYear: YEAR, pageSize: 200 });
    expect(table.page.items.length).toBeGreaterThan(0);
    expect(table.page.items.every((r) => r.unitId === unitId)).toBe(true);
    expect((await (await as("hr")).appraisal.table({ schoolYear: YEAR, pageSize: 200 })).page.total).toBeGreaterThan(table.page.total);
  });

  it("locks after the notice; the HR table pages, filters and searches on the server", async () => {
    const hr = await as("hr");
    clock = new Date("2026-09-14T02:00:00Z");
    const s = await hr.appraisal.summary({ schoolYear: YEAR });
    const inForce = s.versions.find((v) => v.status === "notice");
    assert.exists(inForce);
    await hr.appraisal.versions.lock({ versionId: inForce.id });
    const all = await hr.appraisal.table({ schoolYear: YEAR, pageSize: 200 });
    expect(all.source).toBe("version");
    expect(all.version).toMatchObject({ status: "locked" });
    const page2 = await hr.appraisal.table({ schoolYear: YEAR, page: 2, pageSize: 5 });
    expect(page2.page.total).toBe(all.page.total);
    expect(page2.page.items.map((r) => r.teacherId)).toEqual(all.page.items.slice(5, 10).map((r) => r.teacherId));
    const good = await hr.appraisal.table({ schoolYear: YEAR, band: "good", pageSize: 200 });
    expect(good.page.items.every((r) => r.band === "good")).toBe(true);
    const q = await hr.appraisal.table({ schoolYear: YEAR, q: teacherNumber });
    expect(q.page.items.map((r) => r.teacherId)).toEqual([teacherId]);
    expect(s.units.length).toBeGreaterThan(0);
    expect(s.quota[0]).toMatchObject({ scope: "school" });
  });

  it("the XLSX export: the documented columns, one row per teacher in scope, each logged as viewed", async () => {
    const p = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "hr")));
    const hrUser = await loadSessionUser(db, p.id);
    assert.exists(hrUser);
    const before = await queryValue(db, col.int, sql`select count(*)::int as n from result_views where what = 'appraisal.export'`);
    const buf = await appraisalXlsx(db, "all", YEAR, hrUser, "hr", now);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(buf).buffer);
    const ws = wb.getWorksheet("appraisal");
    assert.exists(ws);
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([...EXPORT_COLUMNS]);
    const rows = ws.rowCount - 1;
    expect(rows).toBeGreaterThan(10);
    const sheetRows = ws.getRows(2, rows);
    assert.exists(sheetRows);
    const mine = sheetRows.find((r) => r.getCell(1).value === teacherNumber);
    assert.exists(mine);
    expect(mine.getCell(8).value).toBe("good"); // corrected by the upheld review
    expect(mine.getCell(10).value).toBe("appeal");
    expect(mine.getCell(4).value).toBe(YEAR);
    const after = await queryValue(db, col.int, sql`select count(*)::int as n from result_views where what = 'appraisal.export'`);
    expect(after - before).toBe(rows);
  });

  it("an upheld review that corrects to 优秀 is refused when the version's quota is full, and nothing changes", async () => {
    // a policy whose cut-off puts nearly everyone at 优秀 by score: the quota binds
    const q = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality")));
    const base = await approvedPolicy(db, YEAR);
    const created = await createPolicy(db, { ...base.policy, appraisal: { cutoffs: { excellent: 60, good: 50, pass: 40 } } }, q.id);
    await approvePolicy(db, created.id, q.id, "测试：名额约束", clock);
    await recompute(db, await approvedPolicy(db, YEAR), { trigger: "manual" });
    const hr = await as("hr");
    const quality = await as("quality");
    const v = await hr.appraisal.versions.prepare({ schoolYear: YEAR, reason: "按新评分方案重新定等" });
    await hr.appraisal.versions.request({ versionId: v.id });
    await quality.appraisal.versions.approve({ versionId: v.id });
    const check = at((await hr.appraisal.summary({ schoolYear: YEAR })).quota, 0);
    expect(check.excellent).toBe(check.quota);
    expect(check.moved.length).toBeGreaterThan(0);
    const moved = await queryOne(
      db,
      { number: col.text },
      sql`
      select p.number from appraisal_version_rows r join persons p on p.id = r.teacher_id join role_grants g on g.person_id = p.id and g.role = 'teacher'
      where r.version_id = ${v.id} and r.reason = 'quota' and r.teacher_id <> ${teacherId} order by p.number limit 1`,
    );
    const teacher = await as(moved.number);
    const a = await teacher.appraisal.appeals.file({ schoolYear: YEAR, subject: "band", reason: "名额分配有误" });
    await quality.appraisal.appeals.assign({ appealId: a.id, reviewer: "quality" });
    await expectDomainError(
      quality.appraisal.appeals.decide({ appealId: a.id, decision: "upheld", note: "更正为优秀", band: "excellent" }),
      { code: "appraisal.errors.correctionOverQuota", params: { used: check.quota, quota: check.quota } },
    );
    const mine = await teacher.appraisal.mine({ schoolYear: YEAR });
    expect(mine.appeals[0]).toMatchObject({ status: "assigned" });
    expect(mine.published).toMatchObject({ id: v.id });
    expect(mine.row).toMatchObject({ band: "good", reason: "quota" });
    // another band fits: upheld to 良好 is a new version as before
    await quality.appraisal.appeals.decide({ appealId: a.id, decision: "upheld", note: "维持良好，更正理由", band: "good" });
    expect((await teacher.appraisal.mine({ schoolYear: YEAR })).row).toMatchObject({ band: "good", reason: "appeal" });
  });

  it("HR revokes a veto with a reason and records an exemption; bad input is refused in the user's language and changes nothing", async () => {
    const hr = await as("hr");
    const hrZh = await as("hr", "zh");
    const other = await queryOne(
      db,
      { id: col.int, number: col.text },
      sql`
      select p.id, p.number from appraisal_results a join persons p on p.id = a.teacher_id
      where a.teacher_id <> ${teacherId} and a.band is not null order by p.number desc limit 1`,
    );
    const veto = await hr.appraisal.vetoes.record({
      teacher: other.number,
      schoolYear: YEAR,
      code: "teaching_accident",
      reason: "教学事故",
      decidedOn: "2026-09-01",
    });
    expect((await refusalOf(hr.appraisal.vetoes.revoke({ id: veto.id, reason: "  " }))).code).toBe("BAD_REQUEST");
    await hr.appraisal.vetoes.revoke({ id: veto.id, reason: "复查后撤销" });
    const page = await hr.appraisal.teacher({ teacherId: other.id, schoolYear: YEAR });
    expect(page.vetoes.find((v) => v.id === veto.id)).toMatchObject({ revokeReason: "复查后撤销" });
    const revoked = page.vetoes.find((v) => v.id === veto.id);
    assert.exists(revoked);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await refusalOf(hr.appraisal.vetoes.revoke({ id: veto.id, reason: "again" }))).toEqual({
      code: "NOT_FOUND",
      message: "No such veto, or it has been revoked.",
    });
    expect(await refusalOf(hrZh.appraisal.exemptions.record({ teacher: "NOPE-1", schoolYear: YEAR, kind: "visiting" }))).toEqual({
      code: "BAD_REQUEST",
      message: "没有工号为 NOPE-1 的教师。",
    });
    await hr.appraisal.exemptions.record({ teacher: other.number, schoolYear: YEAR, kind: "maternity", note: "产假 2026-03 至 2026-08" });
    expect(await refusalOf(hr.appraisal.exemptions.record({ teacher: other.number, schoolYear: YEAR, kind: "training" }))).toEqual({
      code: "CONFLICT",
      message: `This teacher already has an exemption recorded for ${YEAR}.`,
    });
    expect((await hr.appraisal.teacher({ teacherId: other.id, schoolYear: YEAR })).exemptions).toMatchObject([{ kind: "maternity" }]);
    expect(await queryValue(db, col.int, sql`select count(*)::int from appraisal_exemptions where teacher_id = ${other.id}`)).toBe(1);
  });

  it("an appeal's attachment is stored with the case and read by its teacher and the quality office only", async () => {
    const appellants = await queryRows(
      db,
      { id: col.int, number: col.text },
      sql`
      select p.id, p.number from appraisal_version_rows r join appraisal_versions v on v.id = r.version_id and v.status = 'notice'
      join persons p on p.id = r.teacher_id join role_grants g on g.person_id = p.id and g.role = 'teacher'
      where not exists (select 1 from appraisal_appeals a where a.teacher_id = p.id) order by p.number limit 2`,
    );
    const [first, second] = [at(appellants, 0), at(appellants, 1)];
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37]);
    await expectDomainError(
      fileAppeal(db, first, now, { schoolYear: YEAR, subject: "figure", reason: "附件有误" }, { name: "证明.exe", bytes }),
      { code: "appraisal.errors.attachmentType" },
    );
    expect(await queryValue(db, col.int, sql`select count(*)::int from appraisal_appeals where teacher_id = ${first.id}`)).toBe(0);
    const a = await fileAppeal(
      db,
      first,
      now,
      { schoolYear: YEAR, subject: "figure", reason: "听课记录见附件" },
      { name: "听课记录.pdf", bytes },
    );
    expect(a.attachmentName).toBe("听课记录.pdf");
    const own = await appealAttachment(db, { id: first.id, qualityOffice: false }, a.id);
    expect({ name: own.name, mime: own.mime, bytes: [...own.bytes] }).toEqual({
      name: "听课记录.pdf",
      mime: "application/pdf",
      bytes: [...bytes],
    });
    const q = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality")));
    expect([...(await appealAttachment(db, { id: q.id, qualityOffice: true }, a.id)).bytes]).toEqual([...bytes]);
    await expectDomainError(appealAttachment(db, { id: second.id, qualityOffice: false }, a.id), { code: "errors.forbidden" });
  });
});
