import { eq, sql } from "drizzle-orm";
import { assert, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, one, queryOne, queryRows } from "@/db/query";
import { commentDecisions, improvementItems, resultViews, studentComments } from "@/db/schema";
import { at } from "@/server/shared/indexed";
import { createCaller } from "../api/root";
import { publishCampaign } from "../campaigns/campaigns";
import { expectDomainError, refusalOf } from "../test/errors";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { commentReviewState, decideComments, listForReview, reviewCampaigns, commentHistory } from "./review";
import { releasedCommentsOf } from "./teacher";
import { addWord } from "./words";
import { closedWithComments } from "./testing";

const NOW = new Date("2027-01-17T03:00:00Z");
const clock = () => NOW;

// Section A: 8 raters (studentA, six more, studentB); section B: studentB alone (below 5).
const ANSWERS_A = [
  { strengths: "讲解清楚，例题丰富", suggestions: "希望多留一些答疑时间" },
  { strengths: "张老师很负责", suggestions: "作业太多了，有事打我电话13812345678" },
  { strengths: "我是20240003，老师记得我吗" },
  { suggestions: "这门课太垃圾了" },
  { strengths: "  " }, // blank: no comment
  {},
];

let db: Db;
let s: School;
let setup: Awaited<ReturnType<typeof closedWithComments>>;

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  setup = await closedWithComments(db, s, ANSWERS_A, { strengths: "刘老师的课很好" });
});

const as = (p: { id: number }) => sessionOf(db, p);
const list = async (p: { id: number }, extra: Record<string, unknown> = {}) =>
  listForReview(db, clock, await as(p), { campaignId: setup.campaignId, pageSize: 200, ...extra });
const byText = async (p: { id: number }, text: string) => {
  const found = (await list(p)).items.find((c) => c.original === text);
  assert.exists(found);
  return found;
};

describe("comments taken out at the close", () => {
  it("stores each non-blank comment once, apart from the answers, with no response id, and the responses keep no text", async () => {
    const stored = await queryRows(
      db,
      { original: col.text, question: col.text },
      sql`
      select original, question from student_comments where campaign_id = ${setup.campaignId} order by original`,
    );
    // section A: answers cycle over 8 raters (rows 0 and 1 twice), section B: one
    const expected = [
      "讲解清楚，例题丰富",
      "希望多留一些答疑时间",
      "张老师很负责",
      "作业太多了，有事打我电话13812345678",
      "讲解清楚，例题丰富",
      "希望多留一些答疑时间",
      "张老师很负责",
      "作业太多了，有事打我电话13812345678",
      "我是20240003，老师记得我吗",
      "这门课太垃圾了",
      "刘老师的课很好",
    ];
    expect(stored.map((r) => r.original)).toEqual([...expected].sort());
    const columns = await queryRows(
      db,
      { column_name: col.text },
      sql`
      select column_name from information_schema.columns where table_name = 'student_comments'`,
    );
    expect(columns.map((c) => c.column_name).some((n) => n.includes("response"))).toBe(false);
    const answers = await queryRows(db, { a: col.text }, sql`select answers::text as a from responses`);
    expect(answers).toHaveLength(9);
    for (const a of answers) {
      expect(a.a).not.toMatch(/strengths|suggestions/);
      expect(a.a).toContain("q1");
    }
  });

  it("marks what the reviewer should look at: the section's teacher, a phone, a student's number", async () => {
    const items = (await list(s.people.quality)).items;
    const kinds = (text: string) => items.find((i) => i.original === text)?.marks.map((m) => m.kind);
    expect(kinds("张老师很负责")).toEqual(["name"]);
    expect(kinds("作业太多了，有事打我电话13812345678")).toEqual(["phone"]);
    expect(kinds("我是20240003，老师记得我吗")).toEqual(["student_number"]);
    expect(kinds("讲解清楚，例题丰富")).toEqual([]);
  });

  it("a word added to the list marks the comments under review", async () => {
    expect((await byText(s.people.quality, "这门课太垃圾了")).marks).toEqual([]);
    const r = await addWord(db, NOW, await as(s.people.quality), { word: "垃圾" });
    expect(r.remarked).toBe(1);
    expect((await byText(s.people.quality, "这门课太垃圾了")).marks).toEqual([{ kind: "abuse", start: 4, end: 6 }]);
    expect((await list(s.people.quality, { mark: "abuse" })).items.map((i) => i.original)).toEqual(["这门课太垃圾了"]);
    await expectDomainError(addWord(db, NOW, await as(s.people.quality), { word: "垃圾" }), {
      code: "comments.errors.wordExists",
      kind: "CONFLICT",
    });
    const unitAdmin = createCaller({ db, user: await as(s.people.adminA), now: clock });
    expect((await refusalOf(unitAdmin.comments.words.add({ word: "笨蛋" }))).code).toBe("FORBIDDEN");
  });
});

describe("the minimum of raters", () => {
  it("a target below its minimum shows no comment to reviewers, takes no decision and releases none", async () => {
    const quality = await as(s.people.quality);
    const all = await list(s.people.quality);
    expect(all.total).toBe(10); // section A only
    expect(all.items.some((i) => i.original === "刘老师的课很好")).toBe(false);
    expect((await list(s.people.adminB)).total).toBe(0);
    const hiddenB = one(
      await db.select({ id: studentComments.id }).from(studentComments).where(eq(studentComments.targetId, setup.targetB.id)),
    );
    await expectDomainError(decideComments(db, NOW, quality, { campaignId: setup.campaignId, ids: [hiddenB.id], decision: "released" }), {
      code: "comments.errors.notFound",
      kind: "NOT_FOUND",
    });
    expect((await commentReviewState(db, setup.campaignId)).counts.total).toBe(10);
    // even released by hand in the database, the teacher of a target below the minimum reads nothing
    await db.update(studentComments).set({ decision: "released" }).where(eq(studentComments.id, hiddenB.id));
    await publishCampaign(db, setup.campaignId, NOW);
    expect(await releasedCommentsOf(db, s.people.teacherB.id)).toEqual([]);
  });
});

describe("decisions", () => {
  it("release, redact, hide, keep private and escalate: logged with who, when and the released text; the original kept", async () => {
    const quality = await as(s.people.quality);
    const one = async (text: string) => (await byText(s.people.quality, text)).id;
    const c = setup.campaignId;
    const released = await one("讲解清楚，例题丰富");
    const redacted = await one("作业太多了，有事打我电话13812345678");
    const hidden = await one("这门课太垃圾了");
    const escalated = await one("我是20240003，老师记得我吗");
    const priv = await one("张老师很负责");
    await decideComments(db, NOW, quality, { campaignId: c, ids: [released], decision: "released" });
    await decideComments(db, NOW, quality, {
      campaignId: c,
      ids: [redacted],
      decision: "released",
      text: "作业太多了，有事打我电话【已删除】",
    });
    await decideComments(db, NOW, quality, { campaignId: c, ids: [hidden], decision: "hidden" });
    const esc = await decideComments(db, NOW, quality, { campaignId: c, ids: [escalated], decision: "escalated" });
    await decideComments(db, NOW, quality, { campaignId: c, ids: [priv], decision: "private" });

    const row = (await db.select().from(studentComments).where(eq(studentComments.id, redacted)))[0];
    expect(row).toMatchObject({
      original: "作业太多了，有事打我电话13812345678",
      edited: "作业太多了，有事打我电话【已删除】",
      decision: "released",
    });
    const log = await db.select().from(commentDecisions).orderBy(commentDecisions.id);
    expect(log.map((l) => [l.decision, l.text, l.actorId, l.at.toISOString()])).toEqual([
      ["released", null, s.people.quality.id, NOW.toISOString()],
      ["released", "作业太多了，有事打我电话【已删除】", s.people.quality.id, NOW.toISOString()],
      ["hidden", null, s.people.quality.id, NOW.toISOString()],
      ["escalated", null, s.people.quality.id, NOW.toISOString()],
      ["private", null, s.people.quality.id, NOW.toISOString()],
    ]);
    expect((await commentHistory(db, quality, { campaignId: c, id: redacted })).map((h) => [h.decision, h.text, h.actor])).toEqual([
      ["released", "作业太多了，有事打我电话【已删除】", s.people.quality.name],
    ]);
    // the escalation issued a rectification order for unit A's course, linked to its decision row
    expect(esc.orders).toHaveLength(1);
    const [order] = await db
      .select()
      .from(improvementItems)
      .where(eq(improvementItems.id, at(esc.orders, 0)));
    if (!order) throw new Error("the escalation's order is not stored");
    const escalation = log.find((l) => l.decision === "escalated");
    assert.exists(escalation);
    expect(order).toMatchObject({
      source: "comment",
      sourceRef: { kind: "comment", id: escalation.id },
      unitId: s.unitA.id,
      courseId: s.courseA.id,
      status: "issued",
      deadline: "2027-02-16",
      createdBy: s.people.quality.id,
    });
    expect(order.content).toContain("我是20240003，老师记得我吗");
    expect((await commentHistory(db, quality, { campaignId: c, id: escalated }))[0]).toMatchObject({
      decision: "escalated",
      order_id: order.id,
    });
    // escalated again while the order is open: the same order
    expect((await decideComments(db, NOW, quality, { campaignId: c, ids: [escalated], decision: "escalated" })).orders).toEqual([order.id]);
    // the log is append-only and the original cannot be rewritten
    await expect(db.execute(sql`delete from comment_decisions`)).rejects.toThrow();
    await expect(db.execute(sql`update student_comments set original = 'x' where id = ${redacted}::uuid`)).rejects.toThrow();

    // bulk: the rest of the page at once
    const pending = (await list(s.people.quality, { decision: "pending" })).items.map((i) => i.id);
    expect(pending).toHaveLength(5);
    await decideComments(db, NOW, quality, { campaignId: c, ids: pending, decision: "released" });
    expect(await commentReviewState(db, c)).toMatchObject({
      state: "reviewed",
      counts: { total: 10, pending: 0, released: 7, hidden: 1, escalated: 1, private: 1 },
    });

    // the teacher reads exactly the released texts (the redacted one, not its original) once published, in no response's company
    expect(await releasedCommentsOf(db, s.people.teacherA.id)).toEqual([]);
    await publishCampaign(db, c, NOW);
    const mine = await releasedCommentsOf(db, s.people.teacherA.id);
    expect(mine).toHaveLength(1);
    const { questions } = at(mine, 0);
    const texts = questions.flatMap((q) => q.texts).sort();
    expect(texts).toEqual(
      [
        "作业太多了，有事打我电话13812345678",
        "作业太多了，有事打我电话【已删除】",
        "希望多留一些答疑时间",
        "希望多留一些答疑时间",
        "张老师很负责",
        "讲解清楚，例题丰富",
        "讲解清楚，例题丰富",
      ].sort(),
    );
    expect(questions.map((q) => q.question).sort()).toEqual(["strengths", "suggestions"]);
    expect(JSON.stringify(mine)).not.toMatch(/这门课太垃圾了|20240003/);
  });

  it("an edited text goes with one comment and a release or private decision only; nothing changes otherwise", async () => {
    const quality = await as(s.people.quality);
    const ids = (await list(s.people.quality)).items.slice(0, 2).map((i) => i.id);
    await expectDomainError(decideComments(db, NOW, quality, { campaignId: setup.campaignId, ids, decision: "released", text: "改" }), {
      code: "comments.errors.editOne",
    });
    await expectDomainError(
      decideComments(db, NOW, quality, { campaignId: setup.campaignId, ids: [at(ids, 0)], decision: "hidden", text: "改" }),
      { code: "comments.errors.editOne" },
    );
    expect(await db.select().from(commentDecisions)).toEqual([]);
  });

  it("an open campaign's comments cannot be reviewed", async () => {
    await db.execute(sql`alter table campaigns disable trigger user`);
    await db.execute(sql`update campaigns set state = 'open' where id = ${setup.campaignId}`);
    await db.execute(sql`alter table campaigns enable trigger user`);
    await expectDomainError(list(s.people.quality), { code: "comments.errors.notClosed" });
  });
});

describe("who reviews", () => {
  it("a unit admin reviews their unit's sections; another unit's admin is refused in their language and nothing changes", async () => {
    expect((await list(s.people.adminA)).total).toBe(10);
    expect((await list(s.people.adminB)).total).toBe(0);
    expect(await reviewCampaigns(db, await as(s.people.adminB))).toEqual([]);
    expect((await reviewCampaigns(db, await as(s.people.adminA))).map((c) => c.counts.total)).toEqual([10]);
    const id = at((await list(s.people.quality)).items, 0).id;
    await expectDomainError(
      decideComments(db, NOW, await as(s.people.adminB), { campaignId: setup.campaignId, ids: [id], decision: "hidden" }),
      { code: "comments.errors.otherUnit", kind: "FORBIDDEN" },
    );
    const zh = createCaller({ db, user: await as(s.people.adminB), now: clock, locale: "zh" });
    const en = createCaller({ db, user: await as(s.people.adminB), now: clock, locale: "en" });
    expect(await refusalOf(zh.comments.decide({ campaignId: setup.campaignId, ids: [id], decision: "released" }))).toEqual({
      code: "FORBIDDEN",
      message: "只能审核本单位教学班的评语，其他单位的评语不能处理。",
    });
    expect((await refusalOf(en.comments.decide({ campaignId: setup.campaignId, ids: [id], decision: "released" }))).message).toMatch(
      /your unit/,
    );
    expect(await db.select().from(commentDecisions)).toEqual([]);
    expect((await db.select().from(studentComments).where(eq(studentComments.id, id)))[0]?.decision).toBe("pending");
    // unit A's admin may
    await decideComments(db, NOW, await as(s.people.adminA), { campaignId: setup.campaignId, ids: [id], decision: "hidden" });
  });

  it("a bulk decision with one comment out of scope changes nothing", async () => {
    const a = (await list(s.people.quality)).items.map((i) => i.id).slice(0, 3);
    const b = one(await db.select({ id: studentComments.id }).from(studentComments).where(eq(studentComments.targetId, setup.targetB.id)));
    await expectDomainError(
      decideComments(db, NOW, await as(s.people.adminA), { campaignId: setup.campaignId, ids: [...a, b.id], decision: "released" }),
      { code: "comments.errors.notFound", kind: "NOT_FOUND" },
    );
    expect(await db.select().from(commentDecisions)).toEqual([]);
  });

  it("teachers, HR and students cannot review; teachers read only their own released comments", async () => {
    for (const p of [s.people.teacherA, s.people.hr, s.people.studentA]) {
      const caller = createCaller({ db, user: await as(p), now: clock });
      expect((await refusalOf(caller.comments.list({ campaignId: setup.campaignId }))).code).toBe("FORBIDDEN");
    }
    const student = createCaller({ db, user: await as(s.people.studentA), now: clock });
    expect((await refusalOf(student.comments.mine())).code).toBe("FORBIDDEN");
  });

  it("every page a reviewer reads is in the view log of the teachers whose comments it shows", async () => {
    await list(s.people.adminA);
    const views = await db.select().from(resultViews);
    expect(views.map((v) => [v.subjectId, v.viewerId, v.viewerRole, v.what])).toEqual([
      [s.people.teacherA.id, s.people.adminA.id, "unit_admin", "comments.review"],
    ]);
  });
});

describe("publication waits for the review", () => {
  it("refuses to publish results while comments are pending, in the user's language, and publishes once all are decided", async () => {
    const zh = createCaller({ db, user: await as(s.people.quality), locale: "zh", now: clock });
    const en = createCaller({ db, user: await as(s.people.quality), locale: "en", now: clock });
    await expectDomainError(zh.campaigns.publish({ id: setup.campaignId }), {
      code: "campaigns.errors.commentsPending",
      kind: "CONFLICT",
      params: { pending: 10, total: 10 },
    });
    expect(await refusalOf(zh.campaigns.publish({ id: setup.campaignId }))).toEqual({
      code: "CONFLICT",
      message: "学生评语尚未审核完毕（10 条中还有 10 条待审核），审核完成后才能发布结果。",
    });
    expect((await refusalOf(en.campaigns.publish({ id: setup.campaignId }))).message).toContain("10 of 10 pending");
    const { state } = await queryOne(db, { state: col.text }, sql`select state from campaigns where id = ${setup.campaignId}`);
    expect(state).toBe("closed");
    const ids = (await list(s.people.quality)).items.map((c) => c.id);
    await decideComments(db, NOW, await as(s.people.quality), { campaignId: setup.campaignId, ids, decision: "released" });
    expect(await zh.campaigns.publish({ id: setup.campaignId })).toMatchObject({ state: "published" });
  });
});
