import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, one, queryValue } from "@/db/query";
import { improvementEvents, outbox, persons, roleGrants } from "@/db/schema";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { tick } from "../scheduler";
import { runOrderDeadlines } from "./deadlines";
import { answerOrder, createOrder } from "./orders";
import { listOrders } from "./queries";

// Time is injected: each round runs with the clock it is given.
const at = (day: string) => new Date(`${day}T01:00:00Z`); // 09:00 in Beijing
let db: Db;
let s: School;
beforeEach(async () => {
  ({ db, s } = await freshSchool());
  await db.update(persons).set({ email: "zhang@example.edu.cn" }).where(eq(persons.id, s.people.teacherA.id));
  await db.update(persons).set({ email: "quality@example.edu.cn" }).where(eq(persons.id, s.people.quality.id));
  const leader = one(
    await db
      .insert(persons)
      .values({ number: "L001", name: "计算机学院院长", kind: "staff", unitId: s.unitA.id, email: "dean@example.edu.cn" })
      .returning(),
  );
  await db.insert(roleGrants).values({ personId: leader.id, role: "leader", unitId: s.unitA.id });
});

async function issue() {
  return (
    await createOrder(db, at("2026-10-10"), s.people.quality, {
      source: "manual",
      unitId: s.officeA.id,
      ownerId: s.people.teacherA.id,
      content: "实验课安全检查未落实",
      deadline: "2026-10-20",
    })
  ).id;
}
const mail = () => db.select({ to: outbox.recipient, subject: outbox.subject }).from(outbox).orderBy(outbox.createdAt, outbox.subject);
const kinds = async (id: number) =>
  (await db.select().from(improvementEvents).where(eq(improvementEvents.itemId, id)).orderBy(improvementEvents.id)).map((e) => e.kind);

describe("deadlines: remind, then escalate to the unit's leader, then to the quality office", () => {
  it("sends each level once when its day comes, shows overdue days, and stops once answered", async () => {
    const id = await issue();
    expect(await runOrderDeadlines(db, at("2026-10-16"))).toEqual({ reminded: 0, toLeaders: 0, toQuality: 0 });
    expect(await runOrderDeadlines(db, at("2026-10-17"))).toEqual({ reminded: 1, toLeaders: 0, toQuality: 0 });
    expect(await runOrderDeadlines(db, at("2026-10-18"))).toEqual({ reminded: 0, toLeaders: 0, toQuality: 0 });
    expect(await runOrderDeadlines(db, at("2026-10-20"))).toEqual({ reminded: 0, toLeaders: 0, toQuality: 0 });
    expect(await runOrderDeadlines(db, at("2026-10-21"))).toEqual({ reminded: 0, toLeaders: 1, toQuality: 0 });
    expect(await runOrderDeadlines(db, at("2026-10-26"))).toEqual({ reminded: 0, toLeaders: 0, toQuality: 0 });
    expect(await runOrderDeadlines(db, at("2026-10-27"))).toEqual({ reminded: 0, toLeaders: 0, toQuality: 1 });
    expect(await runOrderDeadlines(db, at("2026-11-30"))).toEqual({ reminded: 0, toLeaders: 0, toQuality: 0 });
    expect((await mail()).map((m) => [m.to, m.subject])).toEqual([
      ["zhang@example.edu.cn", `整改提醒：第 ${id} 号整改通知将于 2026-10-20 到期`],
      ["dean@example.edu.cn", `整改逾期：第 ${id} 号整改通知已逾期 1 天`],
      ["quality@example.edu.cn", `整改逾期上报：第 ${id} 号整改通知已逾期 7 天`],
    ]);
    expect(await kinds(id)).toEqual(["issue", "remind", "escalate_leader", "escalate_quality"]);

    const quality = await sessionOf(db, s.people.quality);
    const page = await listOrders(db, at("2026-10-27"), quality, { overdue: true });
    expect(page.items.map((o) => [o.id, o.overdueDays])).toEqual([[id, 7]]);
    await answerOrder(db, at("2026-10-28"), await sessionOf(db, s.people.teacherA), {
      orderId: id,
      response: "a",
      measures: "b",
      expectedEffect: "c",
    });
    expect((await listOrders(db, at("2026-10-28"), quality, { overdue: true })).total).toBe(0);
  });

  it("a late scheduler sends only the level now due; the scheduler's round runs it with its clock", async () => {
    const id = await issue();
    await tick(db, { mailer: null, baseUrl: "http://localhost", secret: "loop-test-secret-0123456789abcdef" }, at("2026-10-22"));
    expect(await kinds(id)).toEqual(["issue", "escalate_leader"]);
    // No mailer: the round's delivery records the message for the quality office to see.
    expect(
      await queryValue(
        db,
        col.int,
        sql`select count(*)::int as n from outbox where status = 'recorded' and recipient = 'dean@example.edu.cn'`,
      ),
    ).toBe(1);
  });
});
