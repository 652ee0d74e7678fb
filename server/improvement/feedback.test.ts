import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { improvementItems, roleGrants } from "@/db/schema";
import { createCaller } from "../api/root";
import { expectDomainError } from "../test/errors";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { officerFeedback, orderFromReport, youSaidWeDid } from "./feedback";
import { answerOrder, closeOrder, createOrder, verifyOrder } from "./orders";
import { orderDetail } from "./queries";
import { officerReport } from "./testing";
import { listReports } from "../campaigns/reports";
import { one } from "@/db/query";

const NOW = new Date("2026-10-10T02:00:00Z");
let db: Db;
let s: School;
beforeEach(async () => {
  ({ db, s } = await freshSchool());
});
const answer = { response: "已核实调课情况。", measures: "调课须提前三天通知学生。", expectedEffect: "不再出现临时调课。" };

describe("information officers: a report becomes an order and the officer sees what was done", () => {
  it("routes the report to its unit and course; the officer sees status, then the answer; only the quality office sees the officer's name", async () => {
    const report = await officerReport(db, s);
    const quality = await sessionOf(db, s.people.quality);
    const { id } = await orderFromReport(db, NOW, quality, { reportId: report.id, content: "调课未通知学生", deadline: "2026-10-20" });
    const [o] = await db.select().from(improvementItems).where(eq(improvementItems.id, id));
    expect(o).toMatchObject({
      source: "info_officer",
      unitId: s.unitA.id,
      courseId: s.courseA.id,
      sourceRef: { kind: "info_report", id: report.id },
    });

    expect((await officerFeedback(db, s.people.studentB.id)).map((f) => [f.reportId, f.order?.status, f.order?.response])).toEqual([
      [report.id, "issued", null],
    ]);
    await answerOrder(db, NOW, await sessionOf(db, s.people.adminA), { orderId: id, ...answer });
    await verifyOrder(db, NOW, quality, { orderId: id });
    await closeOrder(db, NOW, quality, { orderId: id });
    const mine = one(await officerFeedback(db, s.people.studentB.id));
    expect(mine.order).toMatchObject({ status: "closed", response: answer.response, measures: answer.measures });
    expect(await officerFeedback(db, s.people.studentA.id)).toEqual([]);

    expect((await orderDetail(db, NOW, quality, id)).officer).toEqual({ name: "周同学", number: "2023002" });
    const admin = await orderDetail(db, NOW, await sessionOf(db, s.people.adminA), id);
    expect(admin.officer).toBeNull();
    expect(JSON.stringify(admin)).not.toContain("周同学");
  });

  it("one order per report; another unit's admin may not turn it into an order", async () => {
    const report = await officerReport(db, s);
    const quality = await sessionOf(db, s.people.quality);
    const first = await orderFromReport(db, NOW, quality, { reportId: report.id, content: "x", deadline: "2026-10-20" });
    await expectDomainError(orderFromReport(db, NOW, quality, { reportId: report.id, content: "x", deadline: "2026-10-20" }), {
      code: "improvement.errors.reportHasOrder",
      kind: "CONFLICT",
      params: { id: first.id },
    });
    const callerB = createCaller({ db, user: await sessionOf(db, s.people.adminB), now: () => NOW });
    await expectDomainError(callerB.improvement.fromReport({ reportId: report.id, content: "x", deadline: "2026-10-20" }), {
      code: "errors.otherUnit",
      kind: "FORBIDDEN",
    });
    // the campaign's reports tab shows the report's order
    const rows = await listReports(db, report.campaignId, { units: "all", named: false, locale: "zh" });
    expect(rows.map((r) => [r.id, r.orderId])).toEqual([[report.id, first.id]]);
  });
});

describe("you said, we did", () => {
  it("shows students of the course this term the public summaries of closed orders from students, nothing else", async () => {
    const quality = await sessionOf(db, s.people.quality);
    const teacher = await sessionOf(db, s.people.teacherA);
    const mk = async (source: "student_evaluation" | "observation", summary: string | undefined, close = true) => {
      const { id } = await createOrder(db, NOW, quality, {
        source,
        unitId: s.unitA.id,
        ownerId: s.people.teacherA.id,
        content: "内部描述：某同学说……",
        deadline: "2026-10-20",
        courseId: s.courseA.id,
      });
      if (!close) return;
      await answerOrder(db, NOW, teacher, { orderId: id, ...answer });
      await verifyOrder(db, NOW, quality, { orderId: id });
      await closeOrder(db, NOW, quality, { orderId: id, publicSummary: summary });
    };
    await mk("student_evaluation", "作业反馈改为每周一次。");
    await mk("student_evaluation", undefined); // no public summary: not shown
    await mk("observation", "督导意见已整改。"); // not from students
    await mk("student_evaluation", "未关闭的不显示", false);
    const later = new Date("2027-03-01T02:00:00Z");
    const got = await youSaidWeDid(db, later, s.people.studentA.id);
    expect(got.courses).toEqual([
      {
        courseId: s.courseA.id,
        name: "程序设计基础",
        nameEn: null,
        items: [{ summary: "作业反馈改为每周一次。", closedOn: "2026-10-10" }],
      },
    ]);
    expect(JSON.stringify(got)).not.toContain("内部描述");
    // studentB takes EN101 and CS101; a student of neither course sees nothing of it.
    await db.insert(roleGrants).values({ personId: s.people.teacherB.id, role: "student" });
    expect((await youSaidWeDid(db, later, s.people.teacherB.id)).courses).toEqual([]);
  });
});
