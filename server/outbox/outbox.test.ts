import { eq } from "drizzle-orm";
import { assert, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { alumni, outbox } from "@/db/schema";
import { at } from "@/server/shared/indexed";
import { resolveInvitation, sendInvitations } from "../invitations/invitations";
import { BASE_URL, DURING, fakeMailer, graduateCampaign, invitationsOf, linkTokens, SECRET, trackingData } from "../test/collection";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { campaignOutbox, deliverOutbox, MAX_ATTEMPTS } from "./outbox";

let db: Db;
let s: School;
let campaignId: number;
const T0 = new Date(DURING.getTime() + 3600_000);
const MINUTE = 60_000;

/**
 * A graduate wave's invitations sent (three e-mails, one SMS) and two reminders as the
 * reminder round writes them (one e-mail, one SMS), all due at T0; and one message not due yet.
 */
beforeEach(async () => {
  ({ db, s } = await freshSchool());
  await trackingData(db, s);
  const g = await graduateCampaign(db, s);
  campaignId = g.id;
  await sendInvitations(db, await sessionOf(db, s.people.quality), g.id, SECRET, DURING);
  await db.insert(outbox).values([
    { channel: "email", kind: "reminder", campaignId, recipient: "student@example.edu.cn", subject: "提醒", body: "您还没有参加。" },
    { channel: "sms", kind: "reminder", campaignId, recipient: "13700000000", subject: "提醒", body: "您还没有参加。" },
    { channel: "email", kind: "notice", recipient: "later@example.edu.cn", body: "稍后" },
  ]);
  await db.update(outbox).set({ notBefore: DURING });
  await db
    .update(outbox)
    .set({ notBefore: new Date(T0.getTime() + 3600_000) })
    .where(eq(outbox.recipient, "later@example.edu.cn"));
});

const opts = (mailer: Parameters<typeof deliverOutbox>[1]["mailer"], now = T0) => ({ mailer, baseUrl: BASE_URL, secret: SECRET, now });
const rows = async () =>
  (await db.select().from(outbox)).sort((a, b) => `${a.kind}${a.channel}${a.body}`.localeCompare(`${b.kind}${b.channel}${b.body}`));

describe("deliverOutbox", () => {
  it("without a mailer every due message is recorded; reminders lose their recipient; nothing not yet due is touched", async () => {
    expect(await deliverOutbox(db, opts(null))).toEqual({ sent: 0, recorded: 6, failed: 0, retried: 0 });
    const all = await rows();
    const later = all.find((r) => r.kind === "notice");
    assert.exists(later);
    expect(later).toMatchObject({ status: "pending", recipient: "later@example.edu.cn", attempts: 0 });
    const done = all.filter((r) => r.kind !== "notice");
    expect(done.every((r) => r.status === "recorded")).toBe(true);
    expect(done.filter((r) => r.kind === "reminder").map((r) => r.recipient)).toEqual(["", ""]);
    expect(
      done
        .filter((r) => r.kind === "invitation")
        .map((r) => r.recipient)
        .sort(),
    ).toEqual(["13800000002", "a1@alumni.example.com", "a4@alumni.example.com", "b1@alumni.example.com"]);
    // The stored bodies still hold placeholders, never a link.
    expect(done.every((r) => linkTokens(r.body).length === 0)).toBe(true);
    expect(await deliverOutbox(db, opts(null))).toEqual({ sent: 0, recorded: 0, failed: 0, retried: 0 });
  });

  it("with a mailer e-mails are sent with their personal link rendered; SMS is recorded; reminders lose their recipient", async () => {
    const m = fakeMailer();
    expect(await deliverOutbox(db, opts(m.mailer))).toEqual({ sent: 4, recorded: 2, failed: 0, retried: 0 });
    expect(m.sent.map((x) => x.to).sort()).toEqual([
      "a1@alumni.example.com",
      "a4@alumni.example.com",
      "b1@alumni.example.com",
      "student@example.edu.cn",
    ]);
    const inv = await invitationsOf(db, campaignId);
    const emails = new Map((await db.select().from(alumni)).map((a) => [a.id, a.email]));
    for (const msg of m.sent.filter((x) => x.to.includes("alumni"))) {
      expect(msg.text).not.toContain("{{link:");
      expect(msg.subject).toBe("2026届毕业生跟踪调查");
      const tokens = linkTokens(msg.text);
      expect(tokens).toHaveLength(1);
      const r = await resolveInvitation(db, at(tokens, 0), T0);
      expect(r.state).toBe("ready");
      // The link is the recipient's own.
      const mine = inv.find((i) => i.id === r.invitationId);
      assert.exists(mine?.alumnusId);
      expect(emails.get(mine.alumnusId)).toBe(msg.to);
    }
    const after = await rows();
    const sentRows = after.filter((r) => r.status === "sent");
    expect(sentRows).toHaveLength(4);
    expect(sentRows.every((r) => r.attempts === 1 && r.sentAt?.getTime() === T0.getTime())).toBe(true);
    expect(sentRows.filter((r) => r.kind === "reminder").map((r) => r.recipient)).toEqual([""]);
    expect(
      after
        .filter((r) => r.status === "recorded")
        .map((r) => [r.kind, r.recipient])
        .sort(),
    ).toEqual([
      ["invitation", "13800000002"],
      ["reminder", ""],
    ]);
    // Delivered once.
    expect(await deliverOutbox(db, opts(m.mailer, new Date(T0.getTime() + 10 * MINUTE)))).toEqual({
      sent: 0,
      recorded: 0,
      failed: 0,
      retried: 0,
    });
    expect(m.sent).toHaveLength(4);
  });

  it("a failing mailer: retried with back-off 1, 2, 4, 8 minutes, failed after MAX_ATTEMPTS; a failed reminder loses its recipient", async () => {
    const m = fakeMailer({ fail: true });
    await db.delete(outbox).where(eq(outbox.channel, "sms"));
    let now = T0;
    const emails = 4;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const res = await deliverOutbox(db, opts(m.mailer, now));
      const final = attempt === MAX_ATTEMPTS;
      expect(res, `attempt ${attempt}`).toEqual({ sent: 0, recorded: 0, failed: final ? emails : 0, retried: final ? 0 : emails });
      const mine = (await rows()).filter((r) => r.kind !== "notice");
      expect(mine.every((r) => r.attempts === attempt && r.lastError?.includes("SMTP 421"))).toBe(true);
      if (final) break;
      const backoff = MINUTE * 2 ** (attempt - 1);
      expect(mine.every((r) => r.status === "pending" && r.notBefore.getTime() === now.getTime() + backoff)).toBe(true);
      // Not again before the back-off is over.
      expect(await deliverOutbox(db, opts(m.mailer, new Date(now.getTime() + backoff - 1000)))).toEqual({
        sent: 0,
        recorded: 0,
        failed: 0,
        retried: 0,
      });
      now = new Date(now.getTime() + backoff);
    }
    const end = (await rows()).filter((r) => r.kind !== "notice");
    expect(end.every((r) => r.status === "failed")).toBe(true);
    expect(end.filter((r) => r.kind === "reminder").map((r) => r.recipient)).toEqual([""]);
    expect(end.filter((r) => r.kind === "invitation").every((r) => r.recipient.includes("@"))).toBe(true);
    // Failed messages are not tried again.
    expect(await deliverOutbox(db, opts(m.mailer, new Date(now.getTime() + 30 * MINUTE)))).toEqual({
      sent: 0,
      recorded: 0,
      failed: 0,
      retried: 0,
    });
  });

  it("two deliveries at once (an overlapping scheduler tick) send each message once", async () => {
    const m = fakeMailer();
    const results = await Promise.all([deliverOutbox(db, opts(m.mailer)), deliverOutbox(db, opts(m.mailer))]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(4);
    expect(results.reduce((n, r) => n + r.recorded, 0)).toBe(2);
    expect(m.sent.map((x) => x.to).sort()).toEqual([
      "a1@alumni.example.com",
      "a4@alumni.example.com",
      "b1@alumni.example.com",
      "student@example.edu.cn",
    ]);
  });

  it("delivers at most `limit` messages a run", async () => {
    expect(await deliverOutbox(db, { ...opts(null), limit: 2 })).toMatchObject({ recorded: 2 });
    expect((await rows()).filter((r) => r.status === "pending")).toHaveLength(5);
  });
});

describe("campaignOutbox", () => {
  it("lists invitation messages with links hidden, never reminders (only their counts)", async () => {
    await deliverOutbox(db, opts(null));
    const view = await campaignOutbox(db, campaignId);
    expect(view.counts).toEqual([
      { kind: "invitation", status: "recorded", n: 4 },
      { kind: "reminder", status: "recorded", n: 2 },
    ]);
    expect(view.messages.map((r) => r.recipient).sort()).toEqual([
      "13800000002",
      "a1@alumni.example.com",
      "a4@alumni.example.com",
      "b1@alumni.example.com",
    ]);
    const inv = await invitationsOf(db, campaignId);
    for (const msg of view.messages) {
      expect(msg.body).toContain("[个人链接");
      expect(msg.body).not.toContain("{{link:");
      for (const i of inv) expect(msg.body).not.toContain(i.nonce);
      expect(linkTokens(msg.body)).toEqual([]);
    }
    expect(JSON.stringify(view)).not.toContain("student@example.edu.cn");
    expect(JSON.stringify(view)).not.toContain("您还没有参加");
    expect(await campaignOutbox(db, 999_999)).toEqual({ counts: [], messages: [] });
  });
});
