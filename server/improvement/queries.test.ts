import ExcelJS from "exceljs";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { expectDomainError } from "../test/errors";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { answerOrder, closeOrder, continueOrder, createOrder, reopenOrder, verifyOrder } from "./orders";
import { listOrders, orderDashboard, orderDetail } from "./queries";
import { registerXlsx } from "./register";
import { at } from "@/server/shared/indexed";

const NOW = new Date("2026-10-10T02:00:00Z");
const LATER = new Date("2026-10-25T02:00:00Z");
let db: Db;
let s: School;
beforeEach(async () => {
  ({ db, s } = await freshSchool());
});
const answer = { response: "已检视。", measures: "调整教学安排。", expectedEffect: "问题不再出现。" };

/** Four orders: A closed (after a reopen), A continuing, A overdue, B issued. */
async function fourOrders() {
  const q = await sessionOf(db, s.people.quality);
  const admin = await sessionOf(db, s.people.adminA);
  const mk = (unitId: number, content: string, source: "manual" | "student_evaluation" = "manual") =>
    createOrder(db, NOW, q, { source, unitId, ownerId: null, content, deadline: "2026-10-20" }).then((r) => r.id);
  const closed = await mk(s.unitA.id, "教材更新滞后", "student_evaluation");
  await answerOrder(db, NOW, admin, { orderId: closed, ...answer });
  await reopenOrder(db, NOW, q, { orderId: closed, reason: "措施不具体" });
  await answerOrder(db, NOW, admin, { orderId: closed, ...answer });
  await verifyOrder(db, NOW, q, { orderId: closed, note: "已核查教学日历" });
  await closeOrder(db, new Date("2026-10-12T02:00:00Z"), q, { orderId: closed });
  const continuing = await mk(s.unitA.id, "实验室设备老化");
  await answerOrder(db, NOW, admin, { orderId: continuing, ...answer });
  await verifyOrder(db, NOW, q, { orderId: continuing });
  await continueOrder(db, NOW, q, { orderId: continuing, reason: "需采购", nextReviewOn: "2027-03-01" });
  const overdue = await mk(s.unitA.id, "课程大纲未更新");
  const other = await mk(s.unitB.id, "外语角活动停办");
  return { closed, continuing, overdue, other };
}

describe("the order list, the detail and the dashboard", () => {
  it("filters and pages on the server; a unit admin sees their units only, a teacher only their own", async () => {
    const o = await fourOrders();
    const q = await sessionOf(db, s.people.quality);
    expect((await listOrders(db, LATER, q, {})).total).toBe(4);
    const page = await listOrders(db, LATER, q, { pageSize: 2, page: 2 });
    expect(page.items.map((x) => x.id)).toEqual([o.continuing, o.closed]);
    expect((await listOrders(db, LATER, q, { overdue: true })).items.map((x) => [x.id, x.overdueDays])).toEqual([
      [o.other, 5],
      [o.overdue, 5],
    ]);
    expect((await listOrders(db, LATER, q, { status: ["continuing"] })).items.map((x) => x.id)).toEqual([o.continuing]);
    expect((await listOrders(db, LATER, q, { source: ["student_evaluation"] })).items.map((x) => x.id)).toEqual([o.closed]);
    expect((await listOrders(db, LATER, q, { q: "大纲" })).items.map((x) => x.id)).toEqual([o.overdue]);
    const adminB = await sessionOf(db, s.people.adminB);
    expect((await listOrders(db, LATER, adminB, {})).items.map((x) => x.id)).toEqual([o.other]);
    await expectDomainError(orderDetail(db, LATER, adminB, o.closed), { code: "improvement.errors.notFound", kind: "NOT_FOUND" });
    expect((await listOrders(db, LATER, await sessionOf(db, s.people.teacherA), {})).total).toBe(0);
  });

  it("the detail shows the timeline and offers only the steps the caller may take", async () => {
    const o = await fourOrders();
    const q = await orderDetail(db, LATER, await sessionOf(db, s.people.quality), o.closed);
    expect(q.events.map((e) => e.kind)).toEqual(["issue", "answer", "reopen", "answer", "verify", "close"]);
    expect(q.events[2]).toMatchObject({ note: "措施不具体", actorName: "质量办王老师" });
    expect(q.steps).toEqual([]);
    expect((await orderDetail(db, LATER, await sessionOf(db, s.people.adminA), o.overdue)).steps).toEqual(["answer"]);
    expect((await orderDetail(db, LATER, await sessionOf(db, s.people.quality), o.overdue)).steps).toEqual(["cancel"]);
  });

  it("the dashboard counts open, overdue, closed this term, median days to close and the reopen rate, by unit and source", async () => {
    await fourOrders();
    const d = await orderDashboard(db, LATER, await sessionOf(db, s.people.quality));
    expect(d.term?.code).toBe("2026-2027-1");
    expect(d.total).toEqual({ open: 3, overdue: 2, closedThisTerm: 1, medianDaysToClose: 2, reopenRate: 0.5, n: 4 });
    expect(d.byUnit.map((u) => [u.unitName, u.open, u.overdue, u.closedThisTerm])).toEqual([
      ["外国语学院", 1, 1, 0],
      ["计算机学院", 2, 1, 1],
    ]);
    expect(d.bySource.map((x) => [x.source, x.n])).toEqual([
      ["manual", 3],
      ["student_evaluation", 1],
    ]);
  });
});

describe("the register (整改台账)", () => {
  it("exports the audit layout with 已整改 / 持续整改 / 未整改 and the evidence", async () => {
    await fourOrders();
    const buf = await registerXlsx(db, LATER, await sessionOf(db, s.people.quality), {}, "zh");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(buf).buffer);
    const ws = at(wb.worksheets, 0);
    expect(ws.name).toBe("整改台账");
    const rows = ws
      .getSheetValues()
      .slice(1)
      .map((r) => (r as unknown[]).slice(1));
    expect(rows[0]).toEqual(["序号", "信息来源", "问题", "责任单位/责任人", "措施", "时限", "状态", "证据"]);
    expect(rows.slice(1).map((r) => [r[2], r[3], r[6], r[7]])).toEqual([
      ["教材更新滞后", "计算机学院", "已整改", "已核查教学日历"],
      ["实验室设备老化", "计算机学院", "持续整改", "需采购"],
      ["课程大纲未更新", "计算机学院", "未整改", ""],
      ["外语角活动停办", "外国语学院", "未整改", ""],
    ]);
  });
});
