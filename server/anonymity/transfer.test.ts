import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { mergeRecords, openBundle, parseTransferCode, sealBundle, transferCode } from "@/app/_components/respond/transfer";
import type { TokenRecord } from "@/app/_components/respond/tokenStore";
import { col, one, queryRows, queryValue } from "@/db/query";
import { closeCampaign } from "../campaigns/campaigns";
import { DURING, LATER, SECRET, endOfTermCampaign, studentTokens, submit } from "../test/collection";
import { freshSchool, type School } from "../test/fixtures";
import { putTransfer, takeTransfer, TRANSFER_MINUTES } from "./transfer";
import { expectDomainError } from "../test/errors";
import { at } from "@/server/shared/indexed";

// Moving a student's evaluations to another device: the server holds ciphertext for the same
// person, once, for minutes; the key stays in the code. Both devices then hold the same
// tokens, and a token still makes one response.
let db: Db;
let s: School;
let eot: Awaited<ReturnType<typeof endOfTermCampaign>>;

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  eot = await endOfTermCampaign(db, s);
});

const records = (toks: { targetId: number; token: string; signature: string }[]): TokenRecord[] =>
  toks.map((x) => ({ ...x, campaignId: eot.id, state: "ready" as const }));

describe("token transfer", () => {
  it("the first device's tokens reach the second through ciphertext only; once; a token still makes one response", async () => {
    const toks = await studentTokens(db, eot.id, s.people.studentB.id);
    const mine = records(toks);
    const { ciphertext, key } = await sealBundle(mine);
    const { id, expiresAt } = await putTransfer(db, s.people.studentB.id, { ciphertext }, DURING);
    expect(expiresAt).toEqual(new Date(DURING.getTime() + TRANSFER_MINUTES * 60_000));
    // What the server holds says nothing of the tokens.
    const stored = JSON.stringify(await queryRows(db, { t: col.text }, sql`select t::text as t from token_transfers t`));
    for (const x of toks) {
      expect(stored).not.toContain(x.token);
      expect(stored).not.toContain(x.signature);
    }
    expect(stored).not.toContain(key);

    const code = transferCode(id, key);
    const parsed = parseTransferCode(` ${code.slice(0, 30)}\n${code.slice(30)} `);
    expect(parsed).toEqual({ id, key });
    expect(parseTransferCode(`https://pj.example.edu.cn/home#transfer=${code}`)).toEqual({ id, key });
    expect(parseTransferCode("not a code")).toBeNull();

    // Another person with the code gets nothing, and does not use it up.
    await expectDomainError(takeTransfer(db, s.people.studentA.id, { id }, DURING), {
      kind: "NOT_FOUND",
      code: "respond.transfer.errors.notFound",
    });
    const got = await takeTransfer(db, s.people.studentB.id, { id }, DURING);
    expect(await openBundle(got.ciphertext, key)).toEqual(mine);
    // Once only.
    await expectDomainError(takeTransfer(db, s.people.studentB.id, { id }, DURING), {
      kind: "NOT_FOUND",
      code: "respond.transfer.errors.notFound",
    });

    // Both devices hold the tokens: the first to send stores, the other gets "duplicate".
    expect(await submit(db, at(toks, 0))).toEqual({ status: "stored" });
    expect(await submit(db, one((await openBundle(got.ciphertext, key)).filter((r) => r.targetId === at(toks, 0).targetId)))).toEqual({
      status: "duplicate",
    });
    await closeCampaign(db, eot.id, LATER, null, SECRET);
    expect(await queryValue(db, col.int, sql`select count(*)::int as n from responses`)).toBe(1);
  });

  it("expires after 10 minutes; a wrong key or altered ciphertext does not open; bad input is refused", async () => {
    const { ciphertext, key } = await sealBundle(records(await studentTokens(db, eot.id, s.people.studentA.id)));
    const { id } = await putTransfer(db, s.people.studentA.id, { ciphertext }, DURING);
    await expectDomainError(takeTransfer(db, s.people.studentA.id, { id }, new Date(DURING.getTime() + TRANSFER_MINUTES * 60_000)), {
      kind: "NOT_FOUND",
      code: "respond.transfer.errors.notFound",
    });
    const other = await sealBundle([]);
    await expect(openBundle(ciphertext, other.key)).rejects.toThrow();
    const flipped = ciphertext.slice(0, 30) + (ciphertext[30] === "A" ? "B" : "A") + ciphertext.slice(31);
    await expect(openBundle(flipped, key)).rejects.toThrow();
    await expectDomainError(putTransfer(db, s.people.studentA.id, { ciphertext: "x".repeat(10) }, DURING), {
      kind: "BAD_REQUEST",
      code: "respond.transfer.errors.invalid",
    });
    await expectDomainError(putTransfer(db, s.people.studentA.id, { ciphertext: "<script>".repeat(10) }, DURING), {
      kind: "BAD_REQUEST",
      code: "respond.transfer.errors.invalid",
    });
    await expectDomainError(takeTransfer(db, s.people.studentA.id, { id: "'; drop table x; --" }, DURING), {
      kind: "NOT_FOUND",
      code: "respond.transfer.errors.notFound",
    });
  });

  it("a person keeps at most three live transfers; expired ones are cleared", async () => {
    const { ciphertext } = await sealBundle(records(await studentTokens(db, eot.id, s.people.studentA.id)));
    for (let i = 0; i < 5; i++) await putTransfer(db, s.people.studentA.id, { ciphertext }, new Date(DURING.getTime() + i * 1000));
    const n = async () => queryValue(db, col.int, sql`select count(*)::int as n from token_transfers`);
    expect(await n()).toBe(3);
    await putTransfer(db, s.people.studentB.id, { ciphertext }, new Date(DURING.getTime() + 3600_000));
    expect(await n()).toBe(1);
  });

  it("merging keeps what this device already did with a token", () => {
    const r = (targetId: number, state: TokenRecord["state"]): TokenRecord => ({
      targetId,
      campaignId: 1,
      token: `t${targetId}`,
      signature: "s",
      state,
    });
    const mine = new Map([
      [1, r(1, "submitted")],
      [2, r(2, "ready")],
    ]);
    expect(mergeRecords(mine, [r(1, "ready"), r(2, "declined"), r(3, "ready")])).toEqual([
      r(1, "submitted"),
      r(2, "declined"),
      r(3, "ready"),
    ]);
  });
});
