import { generateKeyPairSync, constants, sign } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { responses } from "@/db/schema";
import { col, one, queryOne } from "@/db/query";
import { closeCampaign } from "../campaigns/campaigns";
import { freshSchool, type School } from "../test/fixtures";
import { CLOSES, DURING, LATER, SECRET, endOfTermCampaign, studentTokens, type Token } from "../test/collection";
import { tokenHash } from "./blind";
import { storedTokenHash } from "./pool";
import { fromBase64, prepareToken, toBase64 } from "@/server/shared/anonymity/client";
import { MAX_ANSWERS_BYTES, submitResponse, type SubmitInput } from "./submit";
import { expectDomainError } from "../test/errors";
import { at } from "@/server/shared/indexed";

let db: Db;
let s: School;
let campaignId: number;
let versionId: number;
let tA: number; // secA: studentA and studentB
let tB: number; // secB: studentB

async function setupCampaign(extra?: (db: Db, s: School) => Promise<void>) {
  ({ db, s } = await freshSchool());
  if (extra) await extra(db, s);
  const c = await endOfTermCampaign(db, s);
  ({ versionId } = c);
  campaignId = c.id;
  tA = one(c.targets.filter((t) => t.sectionId === s.secA.id)).id;
  tB = one(c.targets.filter((t) => t.sectionId === s.secB.id)).id;
}

/** The whole student side of issuance, the targets requested in this order. */
const tokensFor = (personId: number, targetIds: number[], now = DURING) => studentTokens(db, campaignId, personId, now, targetIds);
/** The same for one target: its token. */
const tokenFor = async (personId: number, targetId: number) => at(await tokensFor(personId, [targetId]), 0);

const submission = (t: Token, patch: Partial<SubmitInput> = {}): SubmitInput => ({
  targetId: t.targetId,
  token: t.token,
  signature: t.signature,
  answers: { q1: 5 },
  locale: "zh",
  ...patch,
});
const allResponses = () => db.select().from(responses);
/** What a running campaign holds: spent tokens and sealed boxes, never a response. */
const pool = async () => {
  return queryOne(
    db,
    { spent: col.int, sealed: col.int, responses: col.int },
    sql`
    select (select count(*)::int from spent_tokens) as spent, (select count(*)::int from sealed_submissions) as sealed,
      (select count(*)::int from responses) as responses`,
  );
};
const closeAndFlush = (at = LATER) => closeCampaign(db, campaignId, at, null, SECRET);

const flipB64 = (b64: string, i: number) => {
  const b = fromBase64(b64);
  b[i] = at(b, i) ^ 1;
  return toBase64(b);
};

describe("submitResponse", () => {
  beforeEach(() => setupCampaign());

  it("full flow: a student with two targets gets both tokens at once and submits both; a retry is a duplicate", async () => {
    const tokens = await tokensFor(s.people.studentB.id, [tA, tB]);
    const a = at(tokens, 0);
    const b = at(tokens, 1);
    expect(await submitResponse(db, submission(b, { answers: { q1: 3 } }), LATER, SECRET)).toEqual({ status: "stored" });
    expect(await submitResponse(db, submission(a), LATER, SECRET)).toEqual({ status: "stored" });
    // The same token again (a retry after a network failure, even with other answers): done, no second row.
    expect(await submitResponse(db, submission(a), LATER, SECRET)).toEqual({ status: "duplicate" });
    expect(await submitResponse(db, submission(a, { answers: { q1: 1 } }), new Date("2027-01-04T09:00:00Z"), SECRET)).toEqual({
      status: "duplicate",
    });
    // While the campaign runs: two spent tokens, two sealed boxes, no response.
    expect(await pool()).toEqual({ spent: 2, sealed: 2, responses: 0 });
    await closeAndFlush();
    expect(await pool()).toEqual({ spent: 0, sealed: 0, responses: 2 });
    const rows = await allResponses();
    expect(rows).toHaveLength(2);
    const byTarget = new Map(rows.map((r) => [r.targetId, r]));
    expect(byTarget.get(tA)).toMatchObject({
      raterGroup: "student",
      instrumentVersionId: versionId,
      answers: { q1: 5 },
      declined: false,
      day: "2027-01-03",
      spentTokenHash: storedTokenHash(SECRET, tokenHash(fromBase64(a.token))),
    });
    expect(byTarget.get(tB)).toMatchObject({ answers: { q1: 3 }, declined: false, day: "2027-01-03" });
    expect(byTarget.get(tA)?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("concurrent submissions of one token store one row", async () => {
    const a = await tokenFor(s.people.studentA.id, tA);
    const results = await Promise.all([1, 2, 3].map(() => submitResponse(db, submission(a), LATER, SECRET)));
    expect(results.map((r) => r.status).sort()).toEqual(["duplicate", "duplicate", "stored"]);
    expect(await pool()).toEqual({ spent: 1, sealed: 1, responses: 0 });
    await closeAndFlush();
    expect(await allResponses()).toHaveLength(1);
  });

  it("refuses outside the window and when the campaign is closed", async () => {
    const a = await tokenFor(s.people.studentA.id, tA);
    await expectDomainError(submitResponse(db, submission(a), new Date("2026-12-24T12:00:00Z"), SECRET), {
      kind: "CONFLICT",
      code: "respond.submit.errors.campaignClosed",
    });
    await expectDomainError(submitResponse(db, submission(a), CLOSES, SECRET), {
      kind: "CONFLICT",
      code: "respond.submit.errors.campaignClosed",
    });
    await closeCampaign(db, campaignId, LATER);
    await expectDomainError(submitResponse(db, submission(a), LATER, SECRET), {
      kind: "CONFLICT",
      code: "respond.submit.errors.campaignClosed",
    });
    await expectDomainError(submitResponse(db, submission(a, { targetId: 999_999 }), LATER, SECRET), {
      kind: "NOT_FOUND",
      code: "respond.submit.errors.targetNotFound",
    });
    expect(await pool()).toEqual({ spent: 0, sealed: 0, responses: 0 });
  });

  it("refuses forged, tampered and misdirected tokens with 'invalid token' only; the real token stays usable", async () => {
    const tokens = await tokensFor(s.people.studentB.id, [tA, tB]);
    const a = at(tokens, 0);
    const b = at(tokens, 1);
    const invalid = (p: SubmitInput) =>
      expectDomainError(submitResponse(db, p, LATER, SECRET), { kind: "FORBIDDEN", code: "respond.submit.errors.invalidToken" });
    await invalid(submission(a, { targetId: tB })); // a token for another target
    await invalid(submission(a, { signature: b.signature })); // another token's signature
    await invalid(submission(a, { token: flipB64(a.token, 0) }));
    await invalid(submission(a, { token: flipB64(a.token, 63) }));
    await invalid(submission(a, { signature: flipB64(a.signature, 100) }));
    await invalid(submission(a, { signature: toBase64(crypto.getRandomValues(new Uint8Array(256))) }));
    await invalid(submission(a, { token: toBase64(prepareToken()) })); // a fresh, unsigned token
    await invalid(submission(a, { token: "not base64!" }));
    await invalid(submission(a, { signature: toBase64(new Uint8Array(10)) }));
    await expectDomainError(submitResponse(db, submission(a, { signature: "" }), LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidRequest",
    });
    // Signed by a key of the forger's own (valid RSA-PSS, wrong key).
    const forger = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const t = prepareToken();
    const forged = sign("sha384", t, { key: forger.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 });
    await invalid({ targetId: tA, token: toBase64(t), signature: toBase64(forged), answers: { q1: 5 }, locale: "en" });
    expect(await pool()).toEqual({ spent: 0, sealed: 0, responses: 0 });
    expect(await submitResponse(db, submission(a), LATER, SECRET)).toEqual({ status: "stored" });
    expect(await submitResponse(db, submission(b), LATER, SECRET)).toEqual({ status: "stored" });
  });

  it("refuses invalid answers with per-question errors and stores nothing; the token is not spent", async () => {
    const a = await tokenFor(s.people.studentA.id, tA);
    for (const [answers, question] of [
      [{ q1: 4 }, "q1"],
      [{ q1: 99 }, "q1"],
      [{ q1: "5" }, "q1"],
      [{}, "q1"],
      [{ q1: 5, nope: 1 }, "nope"],
    ] as const) {
      let e: unknown;
      try {
        await submitResponse(db, submission(a, { answers, locale: "en" }), LATER, SECRET);
      } catch (x) {
        e = x;
      }
      expect(e).toMatchObject({ kind: "BAD_REQUEST", code: "respond.submit.errors.invalidAnswers" });
      const details = (e as { details: { question: string; code: string; message: string }[] }).details;
      expect(details.length).toBeGreaterThan(0);
      expect(details.map((d) => d.question)).toContain(question);
      expect(details[0]?.message).toBeTruthy();
    }
    await expectDomainError(submitResponse(db, submission(a, { answers: [5] }), LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidAnswers",
    });
    await expectDomainError(submitResponse(db, submission(a, { answers: null }), LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidAnswers",
    });
    expect(await pool()).toEqual({ spent: 0, sealed: 0, responses: 0 });
    expect(await submitResponse(db, submission(a), LATER, SECRET)).toEqual({ status: "stored" });
  });

  it("declined: stored as declined with empty answers; answers with declined are refused", async () => {
    const a = await tokenFor(s.people.studentA.id, tA);
    await expectDomainError(submitResponse(db, submission(a, { declined: true }), LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.declinedWithAnswers",
    });
    await expectDomainError(submitResponse(db, submission(a, { declined: true, answers: [] }), LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.declinedWithAnswers",
    });
    expect(await submitResponse(db, submission(a, { declined: true, answers: {} }), LATER, SECRET)).toEqual({ status: "stored" });
    expect(await submitResponse(db, submission(a), LATER, SECRET)).toEqual({ status: "duplicate" });
    await closeAndFlush();
    expect(await allResponses()).toMatchObject([{ targetId: tA, declined: true, answers: {}, day: "2027-01-03" }]);
  });

  it("enforces size limits and the input shape", async () => {
    const a = await tokenFor(s.people.studentA.id, tA);
    await expectDomainError(submitResponse(db, submission(a, { answers: { q1: 5, c: "x".repeat(MAX_ANSWERS_BYTES) } }), LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.tooLarge",
    });
    await expectDomainError(
      submitResponse(db, submission(a, { answers: { q1: 5, c: "评".repeat(MAX_ANSWERS_BYTES / 3 + 10) } }), LATER, SECRET),
      { kind: "BAD_REQUEST", code: "respond.submit.errors.tooLarge" },
    );
    await expectDomainError(submitResponse(db, submission(a, { token: "A".repeat(10_000) }), LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidRequest",
    });
    await expectDomainError(submitResponse(db, submission(a, { signature: "A".repeat(10_000) }), LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidRequest",
    });
    await expectDomainError(submitResponse(db, { ...submission(a), personId: 1 }, LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidRequest",
    });
    await expectDomainError(submitResponse(db, { ...submission(a), locale: "fr" }, LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidRequest",
    });
    await expectDomainError(submitResponse(db, submission(a, { targetId: -1 }), LATER, SECRET), {
      kind: "BAD_REQUEST",
      code: "respond.submit.errors.invalidRequest",
    });
    expect(await pool()).toEqual({ spent: 0, sealed: 0, responses: 0 });
  });
});
