import { asc, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { auditLog, campaignInstruments, campaigns, infoReports, roleGrants } from "@/db/schema";
import { CLOSES, DURING, LATER, NOW, OPENS, SECRET } from "../test/collection";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { campaignDetail, deleteCampaignFor, generateFor, openFor, reportsFor } from "./admin";
import { createCampaign, type CreateCampaignInput } from "./campaigns";
import { myReportCampaigns, submitReport } from "./reports";
import { tinyVersions } from "./testing";
import { expectDomainError } from "../test/errors";
import { one } from "@/db/query";

let db: Db;
let s: School;
let version: number;

const bi = (zh: string, en: string) => ({ default: zh, en });
/** A report form shaped like the library's: a category, a required description. */
const reportInstrument = {
  key: "info_officer_report_t",
  kind: "info_officer_report",
  name: { zh: "学生信息员反馈表", en: "Student information officer report" },
  indicators: [],
  items: [],
  unscored: [],
  survey: {
    pages: [
      {
        name: "p1",
        elements: [
          {
            type: "radiogroup",
            name: "category",
            title: bi("反馈类别", "Category"),
            isRequired: true,
            choices: [
              { value: "teaching", text: bi("课堂教学", "Classroom teaching") },
              { value: "other", text: bi("其他", "Other") },
            ],
          },
          { type: "comment", name: "description", title: bi("问题描述", "Description"), isRequired: true, maxLength: 1000 },
        ],
      },
    ],
  },
};

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  const { createVersion, approveVersion } = await import("../instruments/versions");
  const r = await createVersion(db, reportInstrument, s.people.quality.id);
  if (r.status === "created") await approveVersion(db, r.versionId, s.people.quality.id, "测试");
  version = r.versionId;
});

const as = (p: { id: number }) => sessionOf(db, p);
const infoCampaign = (patch: Partial<CreateCampaignInput> = {}): CreateCampaignInput => ({
  kind: "info_officer",
  name: "学生信息员反馈",
  termId: s.term.id,
  opensAt: OPENS,
  closesAt: CLOSES,
  instruments: [{ raterGroup: "student", instrumentVersionId: version }],
  ...patch,
});

/** Creates, generates and opens the school's information-officer campaign as the quality office. */
async function openInfo(patch: Partial<CreateCampaignInput> = {}) {
  const quality = await as(s.people.quality);
  const c = await createCampaign(db, quality, infoCampaign(patch), NOW);
  const g = await generateFor(db, quality, c.id);
  await openFor(db, quality, c.id, DURING, SECRET);
  return { id: c.id, generated: g };
}

const answers = { category: "teaching", description: "第三周起多次调课未通知" };

describe("information officer campaigns", () => {
  it("generate counts the officers in scope and opening works (no targets, no keys)", async () => {
    const quality = await as(s.people.quality);
    const c = await createCampaign(db, quality, infoCampaign(), NOW);
    const g = await generateFor(db, quality, c.id);
    // studentB is the fixture school's one information officer.
    expect(g).toMatchObject({ officers: 1, targets: 0 });
    const opened = await openFor(db, quality, c.id, DURING, SECRET);
    expect(opened.state).toBe("open");
  });

  it("a campaign with no officer in scope cannot be generated nor opened", async () => {
    // Unit A's campaign: studentB belongs to unit B.
    const adminA = await as(s.people.adminA);
    const c = await createCampaign(db, adminA, infoCampaign({ scopeUnitId: s.unitA.id }), NOW);
    await expectDomainError(generateFor(db, adminA, c.id), { kind: "BAD_REQUEST", code: "campaigns.errors.noOfficers" });
    await expectDomainError(openFor(db, adminA, c.id, DURING, SECRET), { kind: "CONFLICT", code: "campaigns.errors.noOfficers" });
  });

  it("an officer reports any number of times during the window, about one of their sections or not", async () => {
    const { id } = await openInfo();
    const mine = await myReportCampaigns(db, s.people.studentB.id, DURING);
    expect(mine).toMatchObject([{ campaignId: id, versionId: version, reports: 0 }]);
    // studentB is enrolled in CS101-01 (unit A) and EN101-01 (unit B).
    expect(mine[0]?.sections.map((x) => x.sectionCode).sort()).toEqual(["CS101-01", "EN101-01"]);
    expect(await myReportCampaigns(db, s.people.studentA.id, DURING)).toEqual([]);

    await submitReport(db, s.people.studentB.id, { campaignId: id, sectionId: s.secA.id, answers }, "zh", DURING);
    await submitReport(
      db,
      s.people.studentB.id,
      { campaignId: id, answers: { category: "other", description: "图书馆晚间开放时间不足" } },
      "zh",
      LATER,
    );
    expect((await myReportCampaigns(db, s.people.studentB.id, LATER))[0]?.reports).toBe(2);

    // The responsible unit: the course's unit for a section, else the officer's programme's unit.
    const rows = await db
      .select({ unitId: infoReports.unitId, sectionId: infoReports.sectionId })
      .from(infoReports)
      .where(eq(infoReports.campaignId, id))
      .orderBy(asc(infoReports.id));
    expect(rows.map((r) => [r.unitId, r.sectionId])).toEqual([
      [s.unitA.id, s.secA.id],
      [s.unitB.id, null],
    ]);
  });

  it("refuses a student who is not an officer, bad answers, a section not theirs, and outside the window; nothing stored", async () => {
    const { id } = await openInfo();
    await expectDomainError(submitReport(db, s.people.studentA.id, { campaignId: id, answers }, "zh", DURING), {
      kind: "NOT_FOUND",
      code: "respond.report.errors.notFound",
    });
    await expectDomainError(submitReport(db, s.people.studentB.id, { campaignId: id, answers: { category: "teaching" } }, "zh", DURING), {
      kind: "BAD_REQUEST",
      code: "respond.report.errors.invalidAnswers",
    });
    await db.insert(roleGrants).values({ personId: s.people.studentA.id, role: "info_officer" });
    await expectDomainError(submitReport(db, s.people.studentA.id, { campaignId: id, sectionId: s.secB.id, answers }, "zh", DURING), {
      kind: "BAD_REQUEST",
      code: "respond.report.errors.notYourSection",
    });
    await expectDomainError(submitReport(db, s.people.studentB.id, { campaignId: id, answers }, "zh", new Date("2027-02-01T00:00:00Z")), {
      kind: "CONFLICT",
      code: "respond.submit.errors.campaignClosed",
    });
    expect(await db.$count(infoReports)).toBe(0);
  });

  it("the quality office reads every report with the officer's name; the responsible unit's admin reads its own without it", async () => {
    const { id } = await openInfo();
    await submitReport(db, s.people.studentB.id, { campaignId: id, sectionId: s.secA.id, answers }, "zh", DURING);
    await submitReport(
      db,
      s.people.studentB.id,
      { campaignId: id, sectionId: s.secB.id, answers: { category: "other", description: "语音室耳机损坏" } },
      "zh",
      DURING,
    );

    const q = await reportsFor(db, await as(s.people.quality), id, "zh");
    expect(q.named).toBe(true);
    expect(q.rows).toHaveLength(2);
    expect(q.rows.every((r) => r.officer?.name === "周同学" && r.officer.number === "2023002")).toBe(true);
    const first = one(q.rows.filter((r) => r.sectionCode === "CS101-01"));
    expect(first).toMatchObject({ unitName: "计算机学院", courseName: "程序设计基础" });
    expect(first.answers).toEqual([
      { name: "category", title: "反馈类别", text: "课堂教学" },
      { name: "description", title: "问题描述", text: "第三周起多次调课未通知" },
    ]);
    // English titles and choices for an English reader.
    expect((await reportsFor(db, await as(s.people.quality), id, "en")).rows.find((r) => r.sectionCode === "CS101-01")?.answers[0]).toEqual(
      { name: "category", title: "Category", text: "Classroom teaching" },
    );

    const a = await reportsFor(db, await as(s.people.adminA), id, "zh");
    expect(a.named).toBe(false);
    expect(a.rows.map((r) => r.sectionCode)).toEqual(["CS101-01"]);
    expect(a.rows[0]?.officer).toBeNull();
    expect(JSON.stringify(a)).not.toContain("周同学");
    expect(JSON.stringify(a)).not.toContain("2023002");
    const b = await reportsFor(db, await as(s.people.adminB), id, "zh");
    expect(b.rows.map((r) => r.sectionCode)).toEqual(["EN101-01"]);

    // Nobody else reads them.
    await expectDomainError(reportsFor(db, await as(s.people.teacherA), id, "zh"), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.forbidden",
    });
    await expectDomainError(reportsFor(db, await as(s.people.studentB), id, "zh"), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.forbidden",
    });
  });

  it("the campaign page says it has reports and how many officers may report", async () => {
    const { id } = await openInfo();
    const d = await campaignDetail(db, await as(s.people.quality), id);
    expect(d).toMatchObject({ reports: true, officers: 1 });
  });
});

describe("deleting a draft campaign", () => {
  it("deletes a draft of any kind with what was generated for it, audited; refused once opened or for someone else's", async () => {
    const quality = await as(s.people.quality);
    const v = await tinyVersions(db, ["student_evaluation"] as const, s.people.quality.id);
    const eot = await createCampaign(
      db,
      quality,
      {
        kind: "end_of_term",
        name: "期末评教",
        termId: s.term.id,
        opensAt: OPENS,
        closesAt: CLOSES,
        instruments: [{ raterGroup: "student", instrumentVersionId: v.student_evaluation }],
      },
      NOW,
    );
    await generateFor(db, quality, eot.id);
    const info = await createCampaign(db, quality, infoCampaign(), NOW);

    await expectDomainError(deleteCampaignFor(db, await as(s.people.adminA), eot.id), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.outsideScope",
    });
    await deleteCampaignFor(db, quality, eot.id);
    await deleteCampaignFor(db, quality, info.id);
    expect(await db.select().from(campaigns)).toEqual([]);
    expect(await db.select().from(campaignInstruments)).toEqual([]);
    expect(await db.$count(auditLog, eq(auditLog.action, "campaign.delete"))).toBe(2);

    const { id } = await openInfo();
    await expectDomainError(deleteCampaignFor(db, quality, id), { kind: "CONFLICT", code: "campaigns.errors.notDraft" });
    expect(await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, id))).toHaveLength(1);
  });
});
