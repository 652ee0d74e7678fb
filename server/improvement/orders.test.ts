import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { auditLog, improvementAttachments, improvementEvents, improvementItems } from "@/db/schema";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { expectDomainError } from "../test/errors";
import { errorParams } from "../kernel/validate";
import { MAX_ATTACHMENT_BYTES } from "./attachments";
import { answerOrder, cancelOrder, closeOrder, continueOrder, createOrder, reopenOrder, verifyOrder } from "./orders";
import { ORDER_TRANSITIONS, stepsFrom } from "./states";
import { IMPROVEMENT_STATUSES } from "@/db/schema";
import { one } from "@/db/query";

const NOW = new Date("2026-10-10T02:00:00Z"); // 2026-10-10 10:00 in Beijing
let db: Db;
let s: School;

beforeEach(async () => {
  ({ db, s } = await freshSchool());
});

const answer = { response: "已检视：课堂互动不足。", measures: "每周增加讨论环节。", expectedEffect: "下学期评教互动项提高。" };

async function issue(extra: Partial<Parameters<typeof createOrder>[3]> = {}) {
  return createOrder(db, NOW, s.people.quality, {
    source: "student_evaluation",
    unitId: s.unitA.id,
    ownerId: s.people.teacherA.id,
    content: "学生反映课堂互动少。",
    deadline: "2026-10-20",
    sourceRef: { kind: "section", id: s.secA.id },
    ...extra,
  });
}

async function events(id: number) {
  return db.select().from(improvementEvents).where(eq(improvementEvents.itemId, id)).orderBy(improvementEvents.id);
}

describe("orders: issue → answer → verify → reopen → answer → verify → close", () => {
  it("walks the whole loop, one event per step with who and when, and audits each", async () => {
    const quality = await sessionOf(db, s.people.quality);
    const teacher = await sessionOf(db, s.people.teacherA);
    const { id, created } = await issue();
    expect(created).toBe(true);
    const o = one(await db.select().from(improvementItems).where(eq(improvementItems.id, id)));
    expect(o).toMatchObject({
      status: "issued",
      courseId: s.courseA.id,
      programmeId: s.progA.id,
      reportedOn: "2026-10-10",
      deadline: "2026-10-20",
    });

    await answerOrder(db, NOW, teacher, { orderId: id, ...answer });
    await verifyOrder(db, NOW, quality, { orderId: id });
    await reopenOrder(db, NOW, quality, { orderId: id, reason: "证据不足", deadline: "2026-10-30" });
    await answerOrder(db, NOW, teacher, { orderId: id, ...answer, measures: "已调整教学设计并附教案。" });
    await verifyOrder(db, NOW, quality, { orderId: id, note: "已核查教案" });
    await closeOrder(db, NOW, quality, { orderId: id, publicSummary: "增加了课堂讨论。" });

    const done = one(await db.select().from(improvementItems).where(eq(improvementItems.id, id)));
    expect(done).toMatchObject({
      status: "closed",
      reopenCount: 1,
      measures: "已调整教学设计并附教案。",
      deadline: "2026-10-30",
      publicSummary: "增加了课堂讨论。",
    });
    expect(done.closedAt?.toISOString()).toBe(NOW.toISOString());
    const evs = await events(id);
    expect(evs.map((e) => [e.kind, e.fromStatus, e.toStatus, e.actorId])).toEqual([
      ["issue", null, "issued", s.people.quality.id],
      ["answer", "issued", "answered", s.people.teacherA.id],
      ["verify", "answered", "verifying", s.people.quality.id],
      ["reopen", "verifying", "reopened", s.people.quality.id],
      ["answer", "reopened", "answered", s.people.teacherA.id],
      ["verify", "answered", "verifying", s.people.quality.id],
      ["close", "verifying", "closed", s.people.quality.id],
    ]);
    expect(evs[3]?.note).toBe("证据不足");
    const audits = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.subject, `improvement_item ${id}`));
    expect(audits.map((a) => a.action)).toEqual([
      "improvement.issue",
      "improvement.answer",
      "improvement.verify",
      "improvement.reopen",
      "improvement.answer",
      "improvement.verify",
      "improvement.close",
    ]);
  });

  it("continuing needs a reason and a next review date, which becomes the deadline; the unit answers again", async () => {
    const quality = await sessionOf(db, s.people.quality);
    const admin = await sessionOf(db, s.people.adminA);
    const { id } = await issue();
    await answerOrder(db, NOW, admin, { orderId: id, ...answer });
    await verifyOrder(db, NOW, quality, { orderId: id });
    await expectDomainError(continueOrder(db, NOW, quality, { orderId: id, reason: "跟踪", nextReviewOn: "2026-10-01" }), {
      code: "improvement.errors.reviewPast",
      kind: "BAD_REQUEST",
    });
    await continueOrder(db, NOW, quality, { orderId: id, reason: "需下学期复查", nextReviewOn: "2027-03-15" });
    const o = one(await db.select().from(improvementItems).where(eq(improvementItems.id, id)));
    expect(o).toMatchObject({ status: "continuing", deadline: "2027-03-15" });
    await answerOrder(db, NOW, admin, { orderId: id, ...answer });
    expect((await events(id)).at(-1)).toMatchObject({ kind: "answer", fromStatus: "continuing" });
  });
});

describe("orders: bad input changes nothing", () => {
  it("refuses closing an unanswered order and answering a closed one (CONFLICT, in the user's language)", async () => {
    const quality = await sessionOf(db, s.people.quality);
    const teacher = await sessionOf(db, s.people.teacherA);
    const { id } = await issue();
    await expectDomainError(closeOrder(db, NOW, quality, { orderId: id }), {
      code: "improvement.errors.badStep",
      kind: "CONFLICT",
      params: { step: "close", status: "issued" },
    });
    await answerOrder(db, NOW, teacher, { orderId: id, ...answer });
    await verifyOrder(db, NOW, quality, { orderId: id });
    await closeOrder(db, NOW, quality, { orderId: id });
    await expectDomainError(answerOrder(db, NOW, teacher, { orderId: id, ...answer }), {
      code: "improvement.errors.badStep",
      params: { step: "answer", status: "closed" },
    });
    expect((await events(id)).length).toBe(4);
  });

  it("refuses an answer by someone not responsible: another unit's admin, another teacher, a student", async () => {
    const { id } = await issue();
    for (const p of [s.people.adminB, s.people.teacherB, s.people.studentA]) {
      await expectDomainError(answerOrder(db, NOW, await sessionOf(db, p), { orderId: id, ...answer }), {
        code: "improvement.errors.notResponsible",
        kind: "FORBIDDEN",
      });
    }
    const o = one(await db.select().from(improvementItems).where(eq(improvementItems.id, id)));
    expect(o.status).toBe("issued");
    expect(o.response).toBeNull();
  });

  it("only the quality office verifies, closes, reopens, continues and cancels", async () => {
    const admin = await sessionOf(db, s.people.adminA);
    const { id } = await issue();
    await answerOrder(db, NOW, admin, { orderId: id, ...answer });
    await expectDomainError(verifyOrder(db, NOW, admin, { orderId: id }), { code: "improvement.errors.qualityOnly", kind: "FORBIDDEN" });
    await expectDomainError(reopenOrder(db, NOW, admin, { orderId: id, reason: "x" }), { code: "improvement.errors.qualityOnly" });
    await expectDomainError(cancelOrder(db, NOW, admin, { orderId: id, reason: "x" }), { code: "improvement.errors.qualityOnly" });
  });

  it("refuses a deadline in the past, an unknown unit, a blank reason", async () => {
    const quality = await sessionOf(db, s.people.quality);
    await expectDomainError(issue({ deadline: "2026-10-09" }), {
      code: "improvement.errors.deadlinePast",
      params: { deadline: "2026-10-09" },
    });
    await expectDomainError(issue({ unitId: 999999 }), { code: "improvement.errors.unitNotFound" });
    await expectDomainError(issue({ deadline: "2026-02-30" }), { code: "errors.invalidInput" });
    const { id } = await issue({ deadline: "2026-10-10" }); // today is allowed
    const blank = await expectDomainError(cancelOrder(db, NOW, quality, { orderId: id, reason: "  " }), { code: "errors.invalidInput" });
    // the detail in the caller's language, as every input refusal (server/kernel/validate.ts)
    expect(String(errorParams(blank, "zh").detail)).toMatch(/^reason: .*[\u4e00-\u9fff]/);
    expect(String(errorParams(blank, "en").detail)).toMatch(/^reason: Too small/);
    expect(await db.select().from(improvementItems)).toHaveLength(1);
  });

  it("refuses an attachment over the size limit or of a type not allowed, storing nothing", async () => {
    const teacher = await sessionOf(db, s.people.teacherA);
    const { id } = await issue();
    const big = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 1).toString("base64");
    await expectDomainError(
      answerOrder(db, NOW, teacher, { orderId: id, ...answer, attachments: [{ name: "big.pdf", mime: "application/pdf", data: big }] }),
      { code: "improvement.errors.attachmentTooLarge", kind: "PAYLOAD_TOO_LARGE", params: { name: "big.pdf", maxMb: 2 } },
    );
    await expectDomainError(
      answerOrder(db, NOW, teacher, {
        orderId: id,
        ...answer,
        attachments: [{ name: "x.exe", mime: "application/x-msdownload", data: "AAAA" }],
      }),
      { code: "improvement.errors.attachmentType", params: { name: "x.exe" } },
    );
    expect(await db.select().from(improvementAttachments)).toHaveLength(0);
    await answerOrder(db, NOW, teacher, {
      orderId: id,
      ...answer,
      attachments: [{ name: "教案.pdf", mime: "application/pdf", data: Buffer.from("%PDF-1.4").toString("base64") }],
    });
    const files = await db.select().from(improvementAttachments);
    expect(files.map((f) => [f.name, f.size])).toEqual([["教案.pdf", 8]]);
  });

  it("checks an attachment by its name's extension and its first bytes, never by the type the browser declares", async () => {
    const teacher = await sessionOf(db, s.people.teacherA);
    const { id } = await issue();
    const b64 = (bytes: number[] | string) => Buffer.from(typeof bytes === "string" ? bytes : Uint8Array.from(bytes)).toString("base64");
    // an executable named and declared as a PDF
    await expectDomainError(
      answerOrder(db, NOW, teacher, {
        orderId: id,
        ...answer,
        attachments: [{ name: "整改报告.pdf", mime: "application/pdf", data: b64([0x4d, 0x5a, 0x90, 0x00]) }],
      }),
      { code: "improvement.errors.attachmentType", kind: "BAD_REQUEST", params: { name: "整改报告.pdf" } },
    );
    // a "text" file that is binary
    await expectDomainError(
      answerOrder(db, NOW, teacher, {
        orderId: id,
        ...answer,
        attachments: [{ name: "说明.txt", mime: "text/plain", data: b64([0x00, 0x01, 0x02, 0xff]) }],
      }),
      { code: "improvement.errors.attachmentType", kind: "BAD_REQUEST", params: { name: "说明.txt" } },
    );
    // an empty file
    await expectDomainError(
      answerOrder(db, NOW, teacher, { orderId: id, ...answer, attachments: [{ name: "空.pdf", mime: "application/pdf", data: "" }] }),
      { code: "improvement.errors.attachmentType", kind: "BAD_REQUEST" },
    );
    expect(await db.select().from(improvementAttachments)).toHaveLength(0);
    // a PNG the browser called a PDF is taken, stored as what its bytes are; the name loses its path and control characters
    await answerOrder(db, NOW, teacher, {
      orderId: id,
      ...answer,
      attachments: [
        { name: "C:\\照片\\现场\u0007.png", mime: "application/pdf", data: b64([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
        { name: "说明.txt", mime: "application/octet-stream", data: b64("已整改。\n") },
      ],
    });
    const files = await db.select().from(improvementAttachments).orderBy(improvementAttachments.id);
    expect(files.map((f) => [f.name, f.mime])).toEqual([
      ["现场.png", "image/png"],
      ["说明.txt", "text/plain; charset=utf-8"],
    ]);
  });
});

describe("orders: one open order per dedupe key", () => {
  it("returns the open order instead of a second one, and allows a new one once it is closed or cancelled", async () => {
    const quality = await sessionOf(db, s.people.quality);
    const a = await issue({ source: "warning", dedupeKey: "rule:7:teacher:42" });
    const b = await issue({ source: "warning", dedupeKey: "rule:7:teacher:42" });
    expect(b).toEqual({ id: a.id, created: false });
    await cancelOrder(db, NOW, quality, { orderId: a.id, reason: "误报" });
    const c = await issue({ source: "warning", dedupeKey: "rule:7:teacher:42" });
    expect(c.created).toBe(true);
    expect(c.id).not.toBe(a.id);
  });

  it("the database refuses a second open order of the same key", async () => {
    const a = await issue({ dedupeKey: "k" });
    await expect(
      db.execute(sql`insert into improvement_items (source, reported_on, unit_id, content, deadline, dedupe_key)
      values ('warning', '2026-10-10', ${s.unitA.id}, 'x', '2026-10-20', 'k')`),
    ).rejects.toThrow();
    expect(a.created).toBe(true);
  });
});

describe("orders: the database keeps the table and the history", () => {
  it("allows exactly the table's status changes and refuses every other", async () => {
    const allowed = new Set(ORDER_TRANSITIONS.flatMap((t) => t.from.map((f) => `${f}>${t.to}`)));
    const { id } = await issue();
    for (const from of IMPROVEMENT_STATUSES) {
      for (const to of IMPROVEMENT_STATUSES) {
        if (from === to) continue;
        // Put the order in `from` behind the trigger's back (the trigger fires on status updates only).
        await db.execute(sql`alter table improvement_items disable trigger improvement_items_status_forward`);
        await db.execute(sql`update improvement_items set status = ${from} where id = ${id}`);
        await db.execute(sql`alter table improvement_items enable trigger improvement_items_status_forward`);
        const move = db.execute(sql`update improvement_items set status = ${to} where id = ${id}`);
        if (allowed.has(`${from}>${to}`)) await move;
        else await expect(move, `${from} → ${to}`).rejects.toThrow();
      }
      expect(stepsFrom(from).length > 0).toBe(!["closed", "cancelled"].includes(from));
    }
  });

  it("refuses to change or delete an event, and to delete an order", async () => {
    const { id } = await issue();
    await expect(db.execute(sql`update improvement_events set note = 'x' where item_id = ${id}`)).rejects.toThrow();
    await expect(db.execute(sql`delete from improvement_events where item_id = ${id}`)).rejects.toThrow();
    await expect(db.execute(sql`delete from improvement_items where id = ${id}`)).rejects.toThrow();
    expect(await events(id)).toHaveLength(1);
  });
});
