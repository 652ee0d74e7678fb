import { and, eq, isNotNull, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { eligibility, targetKeys } from "@/db/schema";
import { closeCampaign } from "../campaigns/campaigns";
import { freshSchool, type School } from "../test/fixtures";
import { SECRET, CLOSES, DURING, endOfTermCampaign } from "../test/collection";
import { verifyToken } from "./blind";
import { blindToken, finalizeToken, fromBase64, prepareToken, toBase64 } from "@/server/shared/anonymity/client";
import { beijingDate } from "../kernel/time";
import { issueTokens, type IssueResult } from "./issue";
import { decryptTargetKey } from "./keys";
import { ensureTargetKeys, publicKeysFor } from "./targetkeys";
import { expectDomainError } from "../test/errors";
import { at, atKey } from "@/server/shared/indexed";
import { one } from "@/db/query";

let db: Db;
let s: School;
let campaignId: number;
/** studentB is enrolled in secA and secB: two targets; studentA only in secA. */
let tA: number;
let tB: number;

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  const c = await endOfTermCampaign(db, s);
  campaignId = c.id;
  tA = one(c.targets.filter((t) => t.sectionId === s.secA.id)).id;
  tB = one(c.targets.filter((t) => t.sectionId === s.secB.id)).id;
});

/** The browser's side: a token per target, blinded with the target's published key. */
async function prepare(targetIds: number[]) {
  const keys = await publicKeysFor(db, targetIds);
  return Promise.all(
    targetIds.map(async (targetId) => {
      const pk = atKey(keys, targetId);
      const token = prepareToken();
      const { blindedMsg, inv } = await blindToken(pk, token);
      return { targetId, pk, token, blindedMsg, inv };
    }),
  );
}
const request = (personId: number, prepared: Awaited<ReturnType<typeof prepare>>) => ({
  personId,
  campaignId,
  blinded: prepared.map((p) => ({ targetId: p.targetId, blindedMsg: toBase64(p.blindedMsg) })),
});
async function finalize(prepared: Awaited<ReturnType<typeof prepare>>, res: IssueResult) {
  return Promise.all(
    prepared.map(async (p, i) => {
      const issued = at(res.signatures, i);
      expect(issued.targetId).toBe(p.targetId);
      const signature = await finalizeToken(p.pk, p.token, fromBase64(issued.blindSig), p.inv);
      return { targetId: p.targetId, token: p.token, signature };
    }),
  );
}
const issuedDays = async () =>
  (
    await db
      .select({ t: eligibility.targetId, p: eligibility.personId, d: eligibility.tokenIssuedOn })
      .from(eligibility)
      .where(isNotNull(eligibility.tokenIssuedOn))
  )
    .map((r) => `${r.t}/${r.p}/${r.d}`)
    .sort();

describe("target keys", () => {
  it("one key pair per target, idempotent; the private key decrypts and matches", async () => {
    const before = await db.select().from(targetKeys).orderBy(targetKeys.targetId);
    expect(before.map((k) => k.targetId)).toEqual([tA, tB].sort((a, b) => a - b));
    expect(await ensureTargetKeys(db, campaignId, SECRET)).toEqual({ created: 0, existing: 2 });
    expect(await db.select().from(targetKeys).orderBy(targetKeys.targetId)).toEqual(before);
    for (const k of before) expect(decryptTargetKey(k.privateKey, k.targetId, SECRET, k.publicKey).type).toBe("private");
    const pks = await publicKeysFor(db, [tA, tB, tA, 999_999]);
    expect([...pks.keys()].sort()).toEqual([tA, tB].sort());
    expect(pks.get(tA)).toBe(one(before.filter((k) => k.targetId === tA)).publicKey);
    expect((await publicKeysFor(db, [])).size).toBe(0);
  });

  it("fills in only the missing keys", async () => {
    await db.delete(targetKeys).where(eq(targetKeys.targetId, tB));
    const keepA = (await publicKeysFor(db, [tA])).get(tA);
    expect(await ensureTargetKeys(db, campaignId, SECRET, { concurrency: 1 })).toEqual({ created: 1, existing: 1 });
    expect((await publicKeysFor(db, [tA])).get(tA)).toBe(keepA);
  });
});

describe("issueTokens", () => {
  it("signs all of a student's targets in one request and marks the day", async () => {
    const prepared = await prepare([tB, tA]);
    const res = await issueTokens(db, request(s.people.studentB.id, prepared), DURING, SECRET);
    const tokens = await finalize(prepared, res); // throws unless each verifies under the published key
    const pks = await publicKeysFor(db, [tA, tB]);
    for (const t of tokens) expect(verifyToken(atKey(pks, t.targetId), t.token, t.signature)).toBe(true);
    expect(await issuedDays()).toEqual([`${tA}/${s.people.studentB.id}/2026-12-28`, `${tB}/${s.people.studentB.id}/2026-12-28`].sort());
  });

  it("the day is the date in Asia/Shanghai", async () => {
    expect(beijingDate(new Date("2026-12-28T15:59:59Z"))).toBe("2026-12-28");
    expect(beijingDate(new Date("2026-12-28T16:00:00Z"))).toBe("2026-12-29");
    const late = new Date("2026-12-28T17:00:00Z"); // 01:00 in Shanghai on the 29th
    await issueTokens(db, request(s.people.studentA.id, await prepare([tA])), late, SECRET);
    expect(await issuedDays()).toEqual([`${tA}/${s.people.studentA.id}/2026-12-29`]);
  });

  it("refuses a request that omits a target, includes someone else's, or repeats one; nothing is marked", async () => {
    const B = s.people.studentB.id;
    const A = s.people.studentA.id;
    await expectDomainError(issueTokens(db, request(B, await prepare([tA])), DURING, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.targetsMismatch",
    });
    await expectDomainError(issueTokens(db, request(A, await prepare([tA, tB])), DURING, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.targetsMismatch",
    });
    await expectDomainError(issueTokens(db, request(A, await prepare([tB])), DURING, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.targetsMismatch",
    });
    // A target of another campaign / that does not exist, and a teacher (no student eligibility).
    await expectDomainError(
      issueTokens(
        db,
        {
          ...request(A, await prepare([tA])),
          blinded: [...request(A, await prepare([tA])).blinded, { targetId: 999_999, blindedMsg: "AAAA" }],
        },
        DURING,
        SECRET,
      ),
      { kind: "BAD_REQUEST", code: "respond.submit.errors.targetsMismatch" },
    );
    await expectDomainError(issueTokens(db, request(s.people.teacherA.id, await prepare([tA])), DURING, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.targetsMismatch",
    });
    const twice = request(B, await prepare([tA, tB]));
    await expectDomainError(issueTokens(db, { ...twice, blinded: [...twice.blinded, at(twice.blinded, 0)] }, DURING, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidRequest",
    });
    await expectDomainError(issueTokens(db, { ...twice, blinded: [] }, DURING, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidRequest",
    });
    // Malformed blinded messages: not base64, wrong length, ≥ n. The marking rolls back.
    await expectDomainError(
      issueTokens(
        db,
        { ...twice, blinded: [at(twice.blinded, 0), { targetId: at(twice.blinded, 1).targetId, blindedMsg: "not base64!" }] },
        DURING,
        SECRET,
      ),
      { kind: "BAD_REQUEST", code: "respond.submit.errors.invalidBlindedMessage" },
    );
    await expectDomainError(
      issueTokens(
        db,
        {
          ...twice,
          blinded: [at(twice.blinded, 0), { targetId: at(twice.blinded, 1).targetId, blindedMsg: toBase64(new Uint8Array(255).fill(1)) }],
        },
        DURING,
        SECRET,
      ),
      { kind: "BAD_REQUEST", code: "respond.submit.errors.invalidBlindedMessage" },
    );
    await expectDomainError(
      issueTokens(
        db,
        {
          ...twice,
          blinded: [
            at(twice.blinded, 0),
            { targetId: at(twice.blinded, 1).targetId, blindedMsg: toBase64(new Uint8Array(256).fill(0xff)) },
          ],
        },
        DURING,
        SECRET,
      ),
      { kind: "BAD_REQUEST", code: "respond.submit.errors.invalidBlindedMessage" },
    );
    expect(await issuedDays()).toEqual([]);
    // and the right request still works afterwards
    await issueTokens(db, twice, DURING, SECRET);
    expect(await issuedDays()).toHaveLength(2);
  });

  it("refuses a second issuance (one token per target)", async () => {
    const B = s.people.studentB.id;
    await issueTokens(db, request(B, await prepare([tA, tB])), DURING, SECRET);
    const before = await issuedDays();
    await expectDomainError(issueTokens(db, request(B, await prepare([tA, tB])), new Date("2026-12-29T03:00:00Z"), SECRET), {
      kind: "CONFLICT",
      code: "respond.submit.errors.alreadyIssued",
    });
    await expectDomainError(issueTokens(db, request(B, await prepare([tA])), DURING, SECRET), {
      kind: "CONFLICT",
      code: "respond.submit.errors.alreadyIssued",
    });
    expect(await issuedDays()).toEqual(before);
  });

  it("refuses outside the window and when the campaign is not open", async () => {
    const B = s.people.studentB.id;
    const req = request(B, await prepare([tA, tB]));
    await expectDomainError(issueTokens(db, req, new Date("2026-12-24T23:59:59Z"), SECRET), {
      kind: "CONFLICT",
      code: "respond.submit.errors.campaignClosed",
    });
    await expectDomainError(issueTokens(db, req, CLOSES, SECRET), { kind: "CONFLICT", code: "respond.submit.errors.campaignClosed" });
    await expectDomainError(issueTokens(db, { ...req, campaignId: 999_999 }, DURING, SECRET), {
      kind: "NOT_FOUND",
      code: "respond.submit.errors.campaignNotFound",
    });
    await closeCampaign(db, campaignId, DURING);
    await expectDomainError(issueTokens(db, req, DURING, SECRET), { kind: "CONFLICT", code: "respond.submit.errors.campaignClosed" });
    expect(await issuedDays()).toEqual([]);
  });

  it("refuses with the wrong secret, and marks nothing", async () => {
    const req = request(s.people.studentB.id, await prepare([tA, tB]));
    await expect(issueTokens(db, req, DURING, "another-secret-0123456789abcdef")).rejects.toThrow(/cannot decrypt/);
    expect(await issuedDays()).toEqual([]);
  });

  it("excluded eligibility is not the student's to request", async () => {
    const B = s.people.studentB.id;
    await db
      .update(eligibility)
      .set({ excluded: true })
      .where(and(eq(eligibility.targetId, tB), eq(eligibility.personId, B)));
    await expectDomainError(issueTokens(db, request(B, await prepare([tA, tB])), DURING, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.targetsMismatch",
    });
    await issueTokens(db, request(B, await prepare([tA])), DURING, SECRET);
    expect(await issuedDays()).toEqual([`${tA}/${B}/2026-12-28`]);
  });

  it("two concurrent requests of the same student: exactly one succeeds", async () => {
    const B = s.people.studentB.id;
    const [p1, p2] = [await prepare([tA, tB]), await prepare([tB, tA])];
    const results = await Promise.allSettled([
      issueTokens(db, request(B, p1), DURING, SECRET),
      issueTokens(db, request(B, p2), DURING, SECRET),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const bad = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(bad).toHaveLength(1);
    expect(bad[0]?.reason).toMatchObject({ kind: "CONFLICT", code: "respond.submit.errors.alreadyIssued" });
    expect(await issuedDays()).toHaveLength(2);
    const winner = at(results, 0).status === "fulfilled" ? p1 : p2;
    await finalize(winner, at(ok, 0).value);
  });

  it("stores nothing of the blinded messages", async () => {
    const prepared = await prepare([tA, tB]);
    const res = await issueTokens(db, request(s.people.studentB.id, prepared), DURING, SECRET);
    const dump = JSON.stringify(await db.execute(sql`select * from eligibility`));
    for (const p of prepared) {
      const b64 = toBase64(p.blindedMsg);
      expect(dump).not.toContain(b64.slice(0, 40));
      expect(dump).not.toContain(Buffer.from(p.blindedMsg).toString("hex").slice(0, 40));
    }
    expect(res.signatures).toHaveLength(2);
  });
});
