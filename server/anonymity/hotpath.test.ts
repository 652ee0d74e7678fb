// The submit hot path (server/anonymity/submit.ts, made for the submission benchmark): what
// it keeps about a target in memory must never decide anything the database does not
// confirm in the same statement.
import { constants, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { one } from "@/db/query";
import { spentTokens } from "@/db/schema";
import { tokenHash } from "./blind";
import { fromBase64, toBase64 } from "@/server/shared/anonymity/client";
import { submitResponse, submitTargetCache, type SubmitInput } from "./submit";
import { closeCampaign } from "../campaigns/campaigns";
import { freshSchool, type School } from "../test/fixtures";
import { OPENS, CLOSES, LATER, SECRET, endOfTermCampaign, studentTokens, type Token } from "../test/collection";

let db: Db;
let s: School;
let campaignId: number;
let tA: number;

/** The whole student side of issuance (all the person's targets at once, as required); the token for `targetId`. */
async function tokenFor(personId: number, targetId: number): Promise<Token> {
  return one((await studentTokens(db, campaignId, personId)).filter((t) => t.targetId === targetId));
}

const submission = (t: Token): SubmitInput => ({
  targetId: t.targetId,
  token: t.token,
  signature: t.signature,
  answers: { q1: 5 },
  locale: "zh",
});
/** Submissions accepted (spent tokens: the campaign runs, so they wait sealed, not yet responses). */
const count = async () => (await db.select().from(spentTokens)).length;

describe("submit hot path", () => {
  beforeEach(async () => {
    ({ db, s } = await freshSchool());
    submitTargetCache.clear();
    const c = await endOfTermCampaign(db, s);
    campaignId = c.id;
    tA = one(c.targets.filter((t) => t.sectionId === s.secA.id)).id;
  });

  it("keeps a target once stored, then stores through it; a retry is still a duplicate", async () => {
    const a = await tokenFor(s.people.studentA.id, tA);
    const b = await tokenFor(s.people.studentB.id, tA);
    expect(await submitResponse(db, submission(a), LATER, SECRET)).toEqual({ status: "stored" });
    expect(submitTargetCache.size).toBe(1);
    expect(await submitResponse(db, submission(b), LATER, SECRET)).toEqual({ status: "stored" });
    expect(await submitResponse(db, submission(b), LATER, SECRET)).toEqual({ status: "duplicate" });
    expect(await count()).toBe(2);
  });

  it("a kept target of a campaign closed since, or outside its window, is refused", async () => {
    const a = await tokenFor(s.people.studentA.id, tA);
    const b = await tokenFor(s.people.studentB.id, tA);
    expect(await submitResponse(db, submission(a), LATER, SECRET)).toEqual({ status: "stored" });
    await expect(submitResponse(db, submission(b), CLOSES, SECRET)).rejects.toMatchObject({ code: "respond.submit.errors.campaignClosed" });
    await expect(submitResponse(db, submission(b), new Date(OPENS.getTime() - 1), SECRET)).rejects.toMatchObject({
      code: "respond.submit.errors.campaignClosed",
    });
    await closeCampaign(db, campaignId, LATER);
    await expect(submitResponse(db, submission(b), LATER, SECRET)).rejects.toMatchObject({ code: "respond.submit.errors.campaignClosed" });
    expect(await count()).toBe(1);
  });

  it("the database's key wins over the kept one", async () => {
    const a = await tokenFor(s.people.studentA.id, tA);
    const b = await tokenFor(s.people.studentB.id, tA);
    expect(await submitResponse(db, submission(a), LATER, SECRET)).toEqual({ status: "stored" });
    // The key is replaced behind the process's back (never done while open; the database must still win).
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await db.execute(
      sql`update target_keys set public_key = ${other.publicKey.export({ type: "spki", format: "der" }).toString("base64")} where target_id = ${tA}`,
    );
    // b verifies under the kept (old) key, but the statement sees another key: refused by the full path.
    await expect(submitResponse(db, submission(b), LATER, SECRET)).rejects.toMatchObject({ code: "respond.submit.errors.invalidToken" });
    expect(await count()).toBe(1);
    // A token under the new key is stored (and the new key kept).
    const token = randomBytes(64);
    const signature = sign("sha384", token, { key: other.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 });
    const c: Token = { targetId: tA, token: toBase64(token), signature: toBase64(signature) };
    expect(await submitResponse(db, submission(c), LATER, SECRET)).toEqual({ status: "stored" });
    const rows = await db.select().from(spentTokens);
    expect(rows.map((r) => r.hash).sort()).toEqual([tokenHash(fromBase64(a.token)), tokenHash(token)].sort());
  });

  it("invalid answers and tokens for a kept target are refused as before, and spend nothing", async () => {
    const a = await tokenFor(s.people.studentA.id, tA);
    const b = await tokenFor(s.people.studentB.id, tA);
    expect(await submitResponse(db, submission(a), LATER, SECRET)).toEqual({ status: "stored" });
    await expect(submitResponse(db, { ...submission(b), answers: { q1: 4 } }, LATER, SECRET)).rejects.toMatchObject({
      code: "respond.submit.errors.invalidAnswers",
    });
    await expect(submitResponse(db, { ...submission(b), signature: a.signature }, LATER, SECRET)).rejects.toMatchObject({
      code: "respond.submit.errors.invalidToken",
    });
    await expect(submitResponse(db, { ...submission(b), declined: true }, LATER, SECRET)).rejects.toMatchObject({
      code: "respond.submit.errors.declinedWithAnswers",
    });
    expect(await count()).toBe(1);
    expect(await submitResponse(db, submission(b), LATER, SECRET)).toEqual({ status: "stored" });
  });
});
