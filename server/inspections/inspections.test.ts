import { readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { improvementItems, inspections, inspectionUnits, outbox, persons } from "@/db/schema";
import { createCaller } from "../api/root";
import { answerOrder } from "../improvement/orders";
import { listOrders } from "../improvement/queries";
import { approveVersion, createVersion } from "../instruments/versions";
import { expectDomainError, refusalOf } from "../test/errors";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { REPORT_INSTRUMENT } from "../improvement/testing";
import {
  createInspection,
  inspectionDetail,
  listInspections,
  myChecklists,
  orderFromProblem,
  ordersFromProblems,
  submitChecklist,
  unitChecklist,
} from "./inspections";
import { runInspectionReminders } from "./reminders";

// 教学检查: an inspection started by the quality office, filled in by each unit's admin, its
// problems turned into orders to the unit, one per problem. Fixed clock (Beijing 2026-10-10).
const NOW = new Date("2026-10-10T02:00:00Z");
const CHECKLIST = JSON.parse(readFileSync(path.join(process.cwd(), "surveys", "inspection.json"), "utf8")) as unknown;

let db: Db;
let s: School;
let versionId: number;
beforeEach(async () => {
  ({ db, s } = await freshSchool());
  const v = await createVersion(db, CHECKLIST, s.people.quality.id);
  await approveVersion(db, v.versionId, s.people.quality.id, "教学检查表，经审议通过");
  versionId = v.versionId;
});

const base = () => ({
  name: "2026-2027学年第一学期期中教学检查",
  phase: "mid" as const,
  termId: s.term.id,
  instrumentVersionId: versionId,
  unitIds: [s.unitA.id, s.unitB.id],
  deadline: "2026-10-20",
});
/** Unit A's checklist: exams do not conform (with the problem), lesson plans largely conform with a note, the rest conform. */
const ANSWERS_A = {
  teaching_order: "conform",
  lesson_plans: "partial",
  lesson_plans_problem: "两门课程教学日历与实际进度相差两周。",
  exams: "nonconform",
  exams_problem: "《程序设计基础》期末试卷未经教研室审核。",
  practice: "conform",
  supervision: "conform",
  materials: "conform",
  checked_by: "计算机学院教学办",
};
const allConform = {
  teaching_order: "conform",
  lesson_plans: "conform",
  exams: "conform",
  practice: "conform",
  supervision: "conform",
  materials: "conform",
  checked_by: "外国语学院教学办",
};

async function started() {
  const quality = await sessionOf(db, s.people.quality);
  const { id } = await createInspection(db, NOW, quality, base());
  return { id, quality, adminA: await sessionOf(db, s.people.adminA), adminB: await sessionOf(db, s.people.adminB) };
}

describe("starting an inspection", () => {
  it("gives every unit an empty checklist; a unit admin sees their unit's only", async () => {
    const { id, quality, adminA } = await started();
    expect(await listInspections(db, NOW, quality)).toMatchObject([
      { id, phase: "mid", termCode: "2026-2027-1", deadline: "2026-10-20", units: 2, submitted: 0, rate: 0, overdue: false },
    ]);
    expect(await listInspections(db, NOW, adminA)).toMatchObject([{ id, units: 1, submitted: 0 }]);
    expect(await myChecklists(db, NOW, adminA)).toMatchObject([{ inspectionId: id, unitId: s.unitA.id, status: "not_started" }]);
    // Past the deadline and not submitted: overdue.
    expect(await myChecklists(db, new Date("2026-10-21T02:00:00Z"), adminA)).toMatchObject([{ status: "overdue" }]);
  });

  it("refuses a deadline in the past, no units, a version that is not a checklist, an unknown unit; nothing is written", async () => {
    const quality = await sessionOf(db, s.people.quality);
    await expectDomainError(createInspection(db, NOW, quality, { ...base(), deadline: "2026-10-09" }), {
      code: "inspections.errors.deadlinePast",
      kind: "BAD_REQUEST",
      params: { deadline: "2026-10-09" },
    });
    await expectDomainError(createInspection(db, NOW, quality, { ...base(), unitIds: [] }), { code: "inspections.errors.noUnits" });
    const report = await createVersion(db, REPORT_INSTRUMENT, s.people.quality.id);
    await approveVersion(db, report.versionId, s.people.quality.id, "测试");
    await expectDomainError(createInspection(db, NOW, quality, { ...base(), instrumentVersionId: report.versionId }), {
      code: "inspections.errors.notChecklist",
    });
    await expectDomainError(createInspection(db, NOW, quality, { ...base(), unitIds: [s.unitA.id, 999_999] }), {
      code: "inspections.errors.unitNotFound",
    });
    expect(await db.select().from(inspections)).toEqual([]);
    expect(await db.select().from(inspectionUnits)).toEqual([]);
  });
});

describe("a unit fills in its checklist", () => {
  it("once, named; another unit's checklist and a second submission are refused with nothing changed", async () => {
    const { id, quality, adminA, adminB } = await started();
    const form = await unitChecklist(db, NOW, adminA, { inspectionId: id, unitId: s.unitA.id }, "zh");
    expect(form).toMatchObject({ unitName: "计算机学院", status: "not_started", answers: null, versionId });

    await expectDomainError(submitChecklist(db, NOW, adminB, { inspectionId: id, unitId: s.unitA.id, answers: ANSWERS_A }, "zh"), {
      code: "inspections.errors.otherUnit",
      kind: "FORBIDDEN",
    });
    await expectDomainError(unitChecklist(db, NOW, adminB, { inspectionId: id, unitId: s.unitA.id }, "zh"), {
      code: "inspections.errors.otherUnit",
    });
    // 不符合 needs its problem written down (the form's requiredIf, checked on the server too).
    await expectDomainError(
      submitChecklist(db, NOW, adminA, { inspectionId: id, unitId: s.unitA.id, answers: { ...ANSWERS_A, exams_problem: undefined } }, "zh"),
      { code: "inspections.errors.invalidAnswers", kind: "BAD_REQUEST" },
    );

    await submitChecklist(db, NOW, adminA, { inspectionId: id, unitId: s.unitA.id, answers: ANSWERS_A }, "zh");
    const again = { ...ANSWERS_A, exams: "conform", exams_problem: undefined };
    await expectDomainError(submitChecklist(db, NOW, adminA, { inspectionId: id, unitId: s.unitA.id, answers: again }, "zh"), {
      code: "inspections.errors.alreadySubmitted",
      kind: "CONFLICT",
      params: { date: "2026-10-10" },
    });
    const [row] = await db.select().from(inspectionUnits).where(eq(inspectionUnits.unitId, s.unitA.id));
    expect(row).toMatchObject({ answers: ANSWERS_A, submittedBy: s.people.adminA.id, submittedAt: NOW });

    const detail = await inspectionDetail(db, NOW, quality, id, "zh");
    expect(detail.units.map((u) => [u.code, u.status, u.submittedByName, u.problems])).toEqual([
      ["A", "submitted", "计算机学院教务员", 2],
      ["B", "not_started", null, 0],
    ]);
    expect(detail.rate).toBe(0.5);
    expect(detail.problems.map((p) => [p.item, p.answerText, p.problem, p.order])).toEqual([
      ["lesson_plans", "基本符合", ANSWERS_A.lesson_plans_problem, null],
      ["exams", "不符合", ANSWERS_A.exams_problem, null],
    ]);
    // Unit B's admin reads unit B's part only: nothing of unit A's checklist.
    const seenByB = await inspectionDetail(db, NOW, adminB, id, "zh");
    expect(seenByB.units.map((u) => u.code)).toEqual(["B"]);
    expect(JSON.stringify(seenByB)).not.toContain("试卷");
  });
});

describe("problems become orders to the unit", () => {
  it("one by one or in bulk, one order per problem, linked to the inspection and item; the unit answers it", async () => {
    const { id, quality, adminA, adminB } = await started();
    await submitChecklist(db, NOW, adminA, { inspectionId: id, unitId: s.unitA.id, answers: ANSWERS_A }, "zh");
    await submitChecklist(db, NOW, adminB, { inspectionId: id, unitId: s.unitB.id, answers: allConform }, "zh");

    const refused = async (p: Promise<unknown>, code: string, params?: Record<string, unknown>) => {
      await expectDomainError(p, { code, ...(params ? { params } : {}) });
      expect(await db.select().from(improvementItems)).toEqual([]);
    };
    const one = { inspectionId: id, unitId: s.unitA.id, deadline: "2026-10-31" };
    await refused(orderFromProblem(db, NOW, quality, { ...one, item: "teaching_order" }), "inspections.errors.notAProblem", {
      item: "teaching_order",
    });
    await refused(orderFromProblem(db, NOW, quality, { ...one, item: "no_such_item" }), "inspections.errors.notAProblem");
    await refused(orderFromProblem(db, NOW, quality, { ...one, item: "exams", deadline: "2026-10-01" }), "improvement.errors.deadlinePast");

    const { orderId } = await orderFromProblem(db, NOW, quality, { ...one, item: "exams" });
    const [o] = await db.select().from(improvementItems).where(eq(improvementItems.id, orderId));
    expect(o).toMatchObject({
      source: "inspection",
      sourceRef: { kind: "inspection", id, unitId: s.unitA.id, item: "exams" },
      unitId: s.unitA.id,
      status: "issued",
      deadline: "2026-10-31",
      dedupeKey: `inspection:${id}:${s.unitA.id}:exams`,
    });
    expect(o?.content).toContain("试卷与成绩");
    expect(o?.content).toContain(ANSWERS_A.exams_problem);
    await expectDomainError(orderFromProblem(db, NOW, quality, { ...one, item: "exams" }), {
      code: "inspections.errors.problemHasOrder",
      kind: "CONFLICT",
      params: { id: orderId },
    });

    // The rest in bulk: lesson plans only (unit B's checklist has no problem).
    const bulk = await ordersFromProblems(db, NOW, quality, { inspectionId: id, deadline: "2026-10-31" });
    expect(bulk.created).toBe(1);
    await expectDomainError(ordersFromProblems(db, NOW, quality, { inspectionId: id, deadline: "2026-10-31" }), {
      code: "inspections.errors.nothingToConvert",
    });
    const detail = await inspectionDetail(db, NOW, quality, id, "zh");
    expect(detail.problems.map((p) => [p.item, p.order?.status])).toEqual([
      ["lesson_plans", "issued"],
      ["exams", "issued"],
    ]);

    // Unit A sees both in its list to answer, and answers one through the order flow.
    const toAnswer = await listOrders(db, NOW, adminA, { toAnswer: true });
    expect(toAnswer.items.filter((r) => r.source === "inspection").length).toBe(2);
    expect((await listOrders(db, NOW, adminB, { toAnswer: true })).items).toEqual([]);
    await answerOrder(db, NOW, adminA, {
      orderId,
      response: "已核查全部期末试卷。",
      measures: "试卷须经教研室主任签字审核后方可印制。",
      expectedEffect: "期末试卷审核率达到100%。",
    });
    // Closed or not, the problem stays converted: no second order.
    await expectDomainError(orderFromProblem(db, NOW, quality, { ...one, item: "exams" }), { code: "inspections.errors.problemHasOrder" });
  });

  it("refuses to convert a checklist not yet submitted", async () => {
    const { id, quality } = await started();
    await expectDomainError(
      orderFromProblem(db, NOW, quality, { inspectionId: id, unitId: s.unitA.id, item: "exams", deadline: "2026-10-31" }),
      {
        code: "inspections.errors.notSubmitted",
      },
    );
    await expectDomainError(ordersFromProblems(db, NOW, quality, { inspectionId: id, deadline: "2026-10-31" }), {
      code: "inspections.errors.nothingToConvert",
    });
  });
});

describe("the inspections router", () => {
  it("lets the quality office run and convert, a unit admin fill in their unit's, and refuses the others", async () => {
    const caller = async (p: { id: number } | null) =>
      createCaller({ db, user: p ? await sessionOf(db, p) : null, now: () => NOW, locale: "en" });
    const quality = await caller(s.people.quality);
    const adminA = await caller(s.people.adminA);
    const adminB = await caller(s.people.adminB);
    const teacher = await caller(s.people.teacherA);

    expect(await refusalOf(adminA.inspections.create(base()))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusalOf(teacher.inspections.list())).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusalOf((await caller(null)).inspections.list())).toMatchObject({ code: "UNAUTHORIZED" });
    // In the caller's language.
    expect(await refusalOf(quality.inspections.create({ ...base(), unitIds: [] }))).toEqual({
      code: "BAD_REQUEST",
      message: "Choose at least one unit that must fill in the checklist.",
    });
    const { id } = await quality.inspections.create(base());
    expect((await quality.inspections.formOptions()).versions.map((v) => v.id)).toEqual([versionId]);
    // The quality office does not fill in a unit's checklist.
    expect(await refusalOf(quality.inspections.submit({ inspectionId: id, unitId: s.unitA.id, answers: ANSWERS_A }))).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await refusalOf(adminB.inspections.submit({ inspectionId: id, unitId: s.unitA.id, answers: ANSWERS_A }))).toEqual({
      code: "FORBIDDEN",
      message: "You can fill in only your own unit's checklist; another unit's checklist cannot be filled in or read.",
    });
    await adminA.inspections.submit({ inspectionId: id, unitId: s.unitA.id, answers: ANSWERS_A });
    expect(await adminA.inspections.mine()).toMatchObject([{ inspectionId: id, status: "submitted" }]);
    expect(
      await refusalOf(adminA.inspections.toOrder({ inspectionId: id, unitId: s.unitA.id, item: "exams", deadline: "2026-10-31" })),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect((await quality.inspections.toOrders({ inspectionId: id, unitId: s.unitA.id, deadline: "2026-10-31" })).created).toBe(2);
  });
});

describe("reminders", () => {
  it("remind a unit that has not submitted, once, from three days before the deadline", async () => {
    const { id, adminA } = await started();
    await db.update(persons).set({ email: "ua@example.edu.cn" }).where(eq(persons.id, s.people.adminA.id));
    await db.update(persons).set({ email: "ub@example.edu.cn" }).where(eq(persons.id, s.people.adminB.id));
    await submitChecklist(db, NOW, adminA, { inspectionId: id, unitId: s.unitA.id, answers: ANSWERS_A }, "zh");
    // Deadline 2026-10-20 (Beijing): nothing on the 16th, unit B (not submitted) on the 17th, nothing again.
    expect(await runInspectionReminders(db, new Date("2026-10-16T02:00:00Z"))).toEqual({ units: 0, messages: 0 });
    expect(await runInspectionReminders(db, new Date("2026-10-17T02:00:00Z"))).toEqual({ units: 1, messages: 1 });
    expect(await runInspectionReminders(db, new Date("2026-10-18T02:00:00Z"))).toEqual({ units: 0, messages: 0 });
    const sent = await db.select().from(outbox);
    expect(sent.map((m) => [m.recipient, m.subject])).toEqual([["ub@example.edu.cn", "教学检查表将于 2026-10-20 截止"]]);
    expect(sent[0]?.body).toContain("外国语学院");
  });
});
