import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { improvementEvents, scoringPolicies, teacherComposites, terms } from "@/db/schema";
import { defaultPolicy } from "../scoring/policies";
import { expectDomainError } from "../test/errors";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { answerOrder, closeOrder, createOrder, verifyOrder } from "./orders";
import { orderDetail } from "./queries";
import { one } from "@/db/query";

// Effectiveness: an order raised from a figure keeps the figure before; it closes as effective
// only once the next measurement reaches the target, unless the quality office gives a reason.

const NOW = new Date("2027-03-10T02:00:00Z");
let db: Db;
let s: School;
let before: { id: number };

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  // the order's term, before the fixture's term 2026-2027-1
  before = one(
    await db
      .insert(terms)
      .values({ code: "2025-2026-2", schoolYear: "2025-2026", semester: 2, startsOn: "2026-02-20", endsOn: "2026-07-10" })
      .returning(),
  );
});

async function orderInVerification() {
  const quality = await sessionOf(db, s.people.quality);
  const { id } = await createOrder(db, NOW, quality, {
    source: "warning",
    unitId: s.officeA.id,
    ownerId: s.people.teacherA.id,
    subjectPersonId: s.people.teacherA.id,
    content: "综合评价低于70。",
    deadline: "2027-04-01",
    figure: { figure: "teacher_composite", teacherId: s.people.teacherA.id, termId: before.id, value: 62.5, n: 40, target: 70 },
  });
  await answerOrder(db, NOW, await sessionOf(db, s.people.teacherA), {
    orderId: id,
    response: "已检视。",
    measures: "改进教学设计。",
    expectedEffect: "下学期达到70分。",
  });
  await verifyOrder(db, NOW, quality, { orderId: id });
  return id;
}

/** The teacher's composite of the fixture term (the next one) under the year's policy in force. */
async function nextComposite(score: number) {
  const p = one(
    await db
      .insert(scoringPolicies)
      .values({
        schoolYear: "2026-2027",
        version: 1,
        hash: "h",
        status: "approved",
        approvedAt: NOW,
        policy: defaultPolicy("2026-2027"),
      })
      .returning(),
  );
  await db.insert(teacherComposites).values({
    policyId: p.id,
    runId: 1,
    teacherId: s.people.teacherA.id,
    termId: s.term.id,
    schoolYear: "2026-2027",
    score,
    composite: { parts: [{ groups: { student: { n: 35 }, supervisor: { n: 3 } } }], se: 1.5 },
  });
}

describe("effectiveness of an order raised from a figure", () => {
  it("is refused as effective until the next measurement exists and reaches the target", async () => {
    const quality = await sessionOf(db, s.people.quality);
    const id = await orderInVerification();
    expect((await orderDetail(db, NOW, quality, id)).effect).toEqual({
      before: { figure: "teacher_composite", teacherId: s.people.teacherA.id, termId: before.id, value: 62.5, n: 40, target: 70 },
      next: null,
      met: null,
    });
    await expectDomainError(closeOrder(db, NOW, quality, { orderId: id }), {
      code: "improvement.errors.notEffectivePending",
      kind: "CONFLICT",
      params: { before: "62.5", target: "70" },
    });
    await nextComposite(68);
    await expectDomainError(closeOrder(db, NOW, quality, { orderId: id }), {
      code: "improvement.errors.notEffectiveBelow",
      params: { term: "2026-2027-1", value: "68" },
    });
    expect((await orderDetail(db, NOW, quality, id)).effect).toMatchObject({
      next: { termCode: "2026-2027-1", value: 68, n: 38 },
      met: false,
    });
    // the quality office closes it anyway, with a reason kept on the close event
    await closeOrder(db, NOW, quality, { orderId: id, overrideReason: "教师已调离该课程，转入持续跟踪。" });
    const closed = one(
      await db
        .select()
        .from(improvementEvents)
        .where(eq(improvementEvents.itemId, id))
        .orderBy(improvementEvents.id)
        .then((e) => e.slice(-1)),
    );
    expect(closed).toMatchObject({ kind: "close", note: "教师已调离该课程，转入持续跟踪。" });
    expect(closed.data).toMatchObject({ effect: { met: false, overrideReason: "教师已调离该课程，转入持续跟踪。", next: { value: 68 } } });
  });

  it("closes as effective once the next measurement is at or above the target", async () => {
    const quality = await sessionOf(db, s.people.quality);
    const id = await orderInVerification();
    await nextComposite(70);
    expect((await orderDetail(db, NOW, quality, id)).effect).toMatchObject({ next: { value: 70 }, met: true });
    expect(await closeOrder(db, NOW, quality, { orderId: id })).toMatchObject({ status: "closed" });
  });

  it("an order not raised from a figure closes as before", async () => {
    const quality = await sessionOf(db, s.people.quality);
    const { id } = await createOrder(db, NOW, quality, {
      source: "manual",
      unitId: s.unitA.id,
      ownerId: s.people.teacherA.id,
      content: "x",
      deadline: "2027-04-01",
    });
    await answerOrder(db, NOW, await sessionOf(db, s.people.teacherA), { orderId: id, response: "a", measures: "b", expectedEffect: "c" });
    await verifyOrder(db, NOW, quality, { orderId: id });
    expect((await orderDetail(db, NOW, quality, id)).effect).toBeNull();
    expect(await closeOrder(db, NOW, quality, { orderId: id })).toMatchObject({ status: "closed" });
  });
});
