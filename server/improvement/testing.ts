import type { Db } from "@/db/client";
import { infoReports } from "@/db/schema";
import { createCampaign } from "../campaigns/campaigns";
import { sessionOf, type School } from "../test/fixtures";
import { approveVersion, createVersion } from "../instruments/versions";
import { one } from "@/db/query";

const bi = (zh: string, en: string) => ({ default: zh, en });
/** An information officer's report form: one required description. */
export const REPORT_INSTRUMENT = {
  key: "info_officer_report_loop",
  kind: "info_officer_report",
  name: { zh: "学生信息员反馈表", en: "Student information officer report" },
  indicators: [],
  items: [],
  unscored: [],
  survey: {
    pages: [
      {
        name: "p1",
        elements: [{ type: "comment", name: "description", title: bi("问题描述", "Description"), isRequired: true, maxLength: 1000 }],
      },
    ],
  },
};

/**
 * A report of the fixture school's information officer (studentB) about section secA (unit A),
 * stored as submitReport stores it, in a (draft) information-officer campaign of the term.
 */
export async function officerReport(db: Db, s: School, description = "第三周起多次调课未通知", at = new Date("2026-10-08T02:00:00Z")) {
  const r = await createVersion(db, REPORT_INSTRUMENT, s.people.quality.id);
  if (r.status === "created") await approveVersion(db, r.versionId, s.people.quality.id, "测试");
  const c = await createCampaign(
    db,
    await sessionOf(db, s.people.quality),
    {
      kind: "info_officer",
      name: "学生信息员反馈",
      termId: s.term.id,
      opensAt: new Date("2026-09-01T00:00:00Z"),
      closesAt: new Date("2027-01-15T00:00:00Z"),
      instruments: [{ raterGroup: "student", instrumentVersionId: r.versionId }],
    },
    new Date("2026-08-20T00:00:00Z"),
  );
  const row = one(
    await db
      .insert(infoReports)
      .values({
        campaignId: c.id,
        officerId: s.people.studentB.id,
        unitId: s.unitA.id,
        sectionId: s.secA.id,
        instrumentVersionId: r.versionId,
        answers: { description },
        submittedAt: at,
      })
      .returning(),
  );
  return row;
}
