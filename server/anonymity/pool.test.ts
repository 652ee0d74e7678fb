import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { campaigns, responses, responseScores } from "@/db/schema";
import { col, one, queryRows, queryValue } from "@/db/query";
import { closeCampaign } from "../campaigns/campaigns";
import { responseRates } from "../campaigns/rates";
import { DURING, LATER, SECRET, endOfTermCampaign, studentTokens, submit } from "../test/collection";
import { freshSchool, type School } from "../test/fixtures";
import { tokenHash } from "./blind";
import { fromBase64 } from "@/server/shared/anonymity/client";
import { flushClosedPools, flushPool, paddedLength, seal, storedTokenHash, unseal } from "./pool";
import { at } from "@/server/shared/indexed";

let db: Db;
let s: School;
let eot: Awaited<ReturnType<typeof endOfTermCampaign>>;
let tA: number;
let tB: number;

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  eot = await endOfTermCampaign(db, s);
  tA = one(eot.targets.filter((t) => t.sectionId === s.secA.id)).id;
  tB = one(eot.targets.filter((t) => t.sectionId === s.secB.id)).id;
});

const sealedRows = async () =>
  queryRows(
    db,
    { id: col.text, campaign_id: col.int, sealed: col.text },
    sql`select id::text as id, campaign_id, sealed from sealed_submissions`,
  );
const count = async (table: string) => queryValue(db, col.int, sql.raw(`select count(*)::int as n from ${table}`));

describe("sealed pool", () => {
  it("a box opens only with the server secret and for its campaign; every box of a size class has one length", () => {
    const x = { targetId: 7, raterGroup: "student", versionId: 3, answers: { q1: 5 }, declined: false, hash: "ab".repeat(32) };
    const box = seal(x, 11, SECRET);
    expect(unseal(box, 11, SECRET)).toEqual(x);
    expect(() => unseal(box, 12, SECRET)).toThrow(/cannot open/);
    expect(() => unseal(box, 11, "another-secret-0123456789abcdef")).toThrow(/cannot open/);
    const flipped = box.slice(0, 20) + (box[20] === "A" ? "B" : "A") + box.slice(21);
    expect(() => unseal(flipped, 11, SECRET)).toThrow();
    // Short answers and a declined refusal look alike; a long comment moves to a larger class.
    expect(seal({ ...x, answers: {}, declined: true }, 11, SECRET).length).toBe(box.length);
    expect(seal({ ...x, answers: { q1: 1, c: "很好".repeat(100) } }, 11, SECRET).length).toBe(box.length);
    expect(seal({ ...x, answers: { q1: 1, c: "很好".repeat(400) } }, 11, SECRET).length).toBeGreaterThan(box.length);
    expect([paddedLength(1), paddedLength(1024), paddedLength(1025), paddedLength(5000)]).toEqual([1024, 1024, 2048, 8192]);
  });

  it("while the campaign runs the database holds spent tokens and sealed boxes, no answers; the close stores them with their scores", async () => {
    const own = await studentTokens(db, eot.id, s.people.studentB.id);
    const a = one(own.filter((t) => t.targetId === tA));
    const b = one(own.filter((t) => t.targetId === tB));
    const c = at(await studentTokens(db, eot.id, s.people.studentA.id), 0);
    await submit(db, a, { q1: 5 });
    await submit(db, b, { declined: true });
    await submit(db, c, { q1: 1 });
    const boxes = await sealedRows();
    expect(boxes).toHaveLength(3);
    expect(new Set(boxes.map((x) => x.sealed.length)).size).toBe(1);
    for (const x of boxes) expect(Buffer.from(x.sealed.slice(3), "base64url").toString("latin1")).not.toMatch(/"q1"|student|declined/);
    expect(await count("responses")).toBe(0);
    expect(await count("response_scores")).toBe(0);
    const spent = await queryRows(db, { hash: col.text, target_id: col.int }, sql`select hash, target_id from spent_tokens`);
    expect(spent.map((x) => x.hash).sort()).toEqual([a, b, c].map((t) => tokenHash(fromBase64(t.token))).sort());

    // Live rates count them (answered until stored: the spent token does not say declined).
    const live = await responseRates(db, eot.id, "section");
    expect(live.total).toMatchObject({ eligible: 3, answered: 3, declined: 0 });

    await closeCampaign(db, eot.id, LATER, null, SECRET);
    expect(await count("sealed_submissions")).toBe(0);
    expect(await count("spent_tokens")).toBe(0);
    const rows = await db.select().from(responses);
    expect(
      rows
        .map((r) => ({ t: r.targetId, d: r.declined, a: r.answers, day: r.day }))
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    ).toEqual(
      [
        { t: tA, d: false, a: { q1: 1 }, day: "2027-01-03" },
        { t: tA, d: false, a: { q1: 5 }, day: "2027-01-03" },
        { t: tB, d: true, a: {}, day: "2027-01-03" },
      ].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    );
    // The stored hash is no spent token's hash: a copy of spent_tokens taken while the campaign ran matches nothing.
    for (const r of rows) expect(spent.map((x) => x.hash)).not.toContain(r.spentTokenHash);
    expect(new Set(rows.map((r) => r.spentTokenHash))).toEqual(
      new Set([a, b, c].map((t) => storedTokenHash(SECRET, tokenHash(fromBase64(t.token))))),
    );
    // Scores of the answered ones (declined have none), as if stored at submission.
    const scores = await db.select().from(responseScores);
    expect(scores.map((x) => x.total).sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual([20, 100]);
    const after = await responseRates(db, eot.id, "section");
    expect(after.total).toMatchObject({ eligible: 3, answered: 2, declined: 1 });
  });

  it("a flush that cannot open a box stores nothing and keeps the pool; the next one stores everything once", async () => {
    const tokens = await studentTokens(db, eot.id, s.people.studentB.id);
    const a = at(tokens, 0);
    const b = at(tokens, 1);
    await submit(db, a);
    await submit(db, b);
    await db.update(campaigns).set({ state: "closed" }).where(eq(campaigns.id, eot.id));
    await expect(flushPool(db, eot.id, "the-wrong-secret-0123456789abcdef", LATER)).rejects.toThrow(/cannot open/);
    expect(await count("sealed_submissions")).toBe(2);
    expect(await count("responses")).toBe(0);
    expect(await flushPool(db, eot.id, SECRET, LATER)).toBe(2);
    expect(await flushPool(db, eot.id, SECRET, LATER)).toBe(0);
    expect(await count("responses")).toBe(2);
  });

  it("the scheduler's sweep stores what reached the pool of a campaign closed without the secret (or racing the close)", async () => {
    const a = at(await studentTokens(db, eot.id, s.people.studentA.id), 0);
    await submit(db, a);
    await closeCampaign(db, eot.id, LATER); // no secret: the pool stays
    expect(await count("sealed_submissions")).toBe(1);
    expect(await flushClosedPools(db, SECRET, LATER)).toEqual(new Map([[eot.id, 1]]));
    expect(await count("responses")).toBe(1);
    expect(await flushClosedPools(db, SECRET, LATER)).toEqual(new Map());
  });

  it("a token spent before its campaign closed stays spent: a retry is a duplicate, never a second response", async () => {
    const a = at(await studentTokens(db, eot.id, s.people.studentA.id, DURING), 0);
    expect(await submit(db, a)).toEqual({ status: "stored" });
    expect(await submit(db, a, { q1: 1 })).toEqual({ status: "duplicate" });
    await closeCampaign(db, eot.id, LATER, null, SECRET);
    await expect(submit(db, a)).rejects.toMatchObject({ code: "respond.submit.errors.campaignClosed" });
    expect(await count("responses")).toBe(1);
  });
});

describe("what the tables say", () => {
  it("no column links a response to a person, a time or a submission", async () => {
    const columns = async (table: string) =>
      queryRows(
        db,
        { column_name: col.text, data_type: col.text },
        sql`
      select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = ${table} order by column_name`,
      );
    const fks = async (table: string) =>
      (
        await queryRows(
          db,
          { ref: col.text },
          sql`
      select confrelid::regclass::text as ref from pg_constraint where contype = 'f' and conrelid = ${table}::regclass order by 1`,
        )
      ).map((x) => x.ref);
    expect((await columns("responses")).map((c) => c.column_name)).toEqual([
      "answers",
      "day",
      "declined",
      "id",
      "instrument_version_id",
      "rater_group",
      "spent_token_hash",
      "target_id",
    ]);
    expect(await fks("responses")).toEqual(["campaign_targets", "instrument_versions"]);
    expect((await columns("eligibility")).map((c) => c.column_name)).toEqual([
      "excluded",
      "person_id",
      "rater_group",
      "target_id",
      "token_issued_on",
    ]);
    expect((await columns("response_scores")).map((c) => c.column_name)).toEqual([
      "indicators",
      "observation_id",
      "options",
      "quality_flags",
      "rater_group",
      "response_id",
      "target_id",
      "total",
      "version_id",
    ]);
    // The pool: a spent token names its target only; a box its campaign only.
    expect((await columns("spent_tokens")).map((c) => c.column_name)).toEqual(["hash", "target_id"]);
    expect((await columns("sealed_submissions")).map((c) => c.column_name)).toEqual(["campaign_id", "id", "sealed"]);
    for (const t of ["responses", "eligibility", "response_scores", "spent_tokens", "sealed_submissions"]) {
      expect(
        (await columns(t)).filter((c) => c.data_type.startsWith("timestamp")),
        t,
      ).toEqual([]);
    }
    expect(
      await queryRows(
        db,
        { t: col.text },
        sql`select conrelid::regclass::text as t from pg_constraint where contype = 'f' and confrelid = 'responses'::regclass`,
      ),
    ).toEqual([{ t: "response_scores" }]);
    // No sequence numbers the pool's rows.
    expect(
      await queryRows(
        db,
        { sequence: col.text },
        sql`select c.relname::text as sequence from pg_class c join pg_depend d on d.objid = c.oid
      where c.relkind = 'S' and d.refobjid in ('spent_tokens'::regclass, 'sealed_submissions'::regclass, 'responses'::regclass)`,
      ),
    ).toEqual([]);
  });
});
