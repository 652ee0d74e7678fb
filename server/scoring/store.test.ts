import { sql } from "drizzle-orm";
import { assert, describe, expect, it } from "vitest";
import { observationAssignments } from "@/db/schema";
import { col, one, queryRows, queryValue } from "@/db/query";
import { tinyVersions } from "../campaigns/testing";
import { submitObservation, submitSelfEvaluation } from "../respond/observations";
import { closeCampaign } from "../campaigns/campaigns";
import { CLOSES, DURING, LATER, OPENS, SECRET, endOfTermCampaign, openedCampaign, studentTokens, submit } from "../test/collection";
import { freshSchool } from "../test/fixtures";
import { rebuildTallies, scoreMissing } from "./store";
import { talliesBothWays } from "./testing";
import { at } from "@/server/shared/indexed";

// Every path that stores answers stores their score in the same statement (response_scores),
// and only then: declined responses, duplicates and refusals leave no score. The tallies the
// recompute reads (target_tallies, kept by triggers) follow every one of those paths.

type Db = Awaited<ReturnType<typeof freshSchool>>["db"];
async function expectTalliesFollow(db: Db) {
  const { expected, stored } = await talliesBothWays(db);
  expect(stored).toEqual(expected);
  return stored;
}
const scores = async (db: Db) =>
  queryRows(
    db,
    {
      target_id: col.int,
      rater_group: col.text,
      total: col.num.nullable,
      indicators: col.array(col.num.nullable),
      options: col.array(col.int.nullable),
      quality_flags: col.int,
    },
    sql`
  select target_id, rater_group::text as rater_group, total, indicators, options, quality_flags from response_scores order by target_id, total`,
  );

describe("scores stored with the answers", () => {
  it("the anonymous submit (full path, then the hot path) stores the score at close; declined and duplicates store none", async () => {
    const { db, s } = await freshSchool();
    const c = await endOfTermCampaign(db, s, { self: true });
    // studentB is enrolled in both sections: two targets, two tokens
    const both = await studentTokens(db, c.id, s.people.studentB.id);
    expect(both).toHaveLength(2);
    const targetA = c.targets.find((t) => t.sectionId === s.secA.id);
    assert.exists(targetA);
    const secA = targetA.id;
    const tokenA = both.find((t) => t.targetId === secA);
    const tokenB = both.find((t) => t.targetId !== secA);
    assert.exists(tokenA);
    assert.exists(tokenB);
    const tokens = [tokenA, tokenB] as const;
    // tiny instrument: q1 on 5/3/1 → 100, 60, 20
    expect(await submit(db, tokens[0], { q1: 3 })).toEqual({ status: "stored" });
    expect(await submit(db, tokens[0], { q1: 3 })).toEqual({ status: "duplicate" });
    expect(await submit(db, tokens[1], { declined: true })).toEqual({ status: "stored" });
    const other = await studentTokens(db, c.id, s.people.studentA.id);
    const again = other.find((t) => t.targetId === tokens[0].targetId);
    assert.exists(again);
    // the same target again: the hot path (kept target)
    expect(await submit(db, again, { q1: 1 })).toEqual({ status: "stored" });
    // Sealed until the campaign closes; the close stores them with their scores.
    expect(await scores(db)).toEqual([]);
    await closeCampaign(db, c.id, LATER, null, SECRET);
    expect(await scores(db)).toEqual([
      {
        target_id: tokens[0].targetId,
        rater_group: "student",
        total: 20,
        indicators: [20],
        options: [0],
        quality_flags: 2, // all-lowest's bit
      },
      {
        target_id: tokens[0].targetId,
        rater_group: "student",
        total: 60,
        indicators: [60],
        options: [1],
        quality_flags: 0,
      },
    ]);
    const responses = await queryValue(db, col.int, sql`select count(*)::int as responses from responses`);
    expect(responses).toBe(3); // with the declined one, which has no score
    // the target's tallies: both scored (kind 0, totals sorted, counts 20 → position 0, 60 → 1),
    // and the all-lowest one again by its flag (kind 2)
    expect(await expectTalliesFollow(db)).toEqual([
      { key: `${tokens[0].targetId}|student|0`, n: 2, totals: [20, 60], counts: ["1000001"] },
      { key: `${tokens[0].targetId}|student|2`, n: 1, totals: [20], counts: ["1"] },
    ]);

    // a self-evaluation (named, stored at once, in a campaign still open): once, with its score
    const c2 = await endOfTermCampaign(db, s, { self: true, name: "期末评教（二）" });
    const self = c2.targets.find((t) => t.teacherId === s.people.teacherA.id);
    assert.exists(self);
    expect(await submitSelfEvaluation(db, s.people.teacherA.id, { targetId: self.id, answers: { q1: 5 } }, "zh", DURING)).toEqual({
      status: "stored",
    });
    expect(await submitSelfEvaluation(db, s.people.teacherA.id, { targetId: self.id, answers: { q1: 5 } }, "zh", DURING)).toEqual({
      status: "duplicate",
    });
    expect((await scores(db)).filter((x) => x.rater_group === "self")).toEqual([
      { target_id: self.id, rater_group: "self", total: 100, indicators: [100], options: [2], quality_flags: 0 },
    ]);
    await expectTalliesFollow(db);
  });

  it("an observation record stores its score in its transaction; scoreMissing scores what was stored without one", async () => {
    const { db, s } = await freshSchool();
    const v = await tinyVersions(db, ["supervisor_observation"] as const, s.people.quality.id);
    const c = await openedCampaign(db, s, {
      kind: "observation_round",
      name: "听课",
      termId: s.term.id,
      opensAt: OPENS,
      closesAt: CLOSES,
      instruments: [{ raterGroup: "supervisor", instrumentVersionId: v.supervisor_observation }],
    });
    const target = c.targets.find((t) => t.sectionId === s.secA.id);
    assert.exists(target);
    const a = one(
      await db
        .insert(observationAssignments)
        .values({ targetId: target.id, observerId: s.people.teacherB.id, raterGroup: "supervisor" })
        .returning(),
    );
    await submitObservation(db, s.people.teacherB.id, { assignmentId: a.id, answers: { q1: 3 } }, "zh", DURING);
    expect(await scores(db)).toEqual([
      {
        target_id: target.id,
        rater_group: "supervisor",
        total: 60,
        indicators: [60],
        options: [1],
        quality_flags: 0,
      },
    ]);
    expect(await expectTalliesFollow(db)).toHaveLength(1);
    // data from before scores were stored: deleted here (the tallies go with them), scored
    // again from the answers
    await db.execute(sql`delete from response_scores`);
    expect(await expectTalliesFollow(db)).toEqual([]);
    expect(await scoreMissing(db)).toEqual({ scored: 1, failed: 0 });
    expect(await scores(db)).toHaveLength(1);
    expect(await expectTalliesFollow(db)).toHaveLength(1);
    expect(await scoreMissing(db)).toEqual({ scored: 0, failed: 0 });
  });

  it("submits queue their scores for the tallies; the tallies follow scores changed or removed by hand, are rebuilt whole on demand, and refuse a count beyond their words", async () => {
    const { db, s } = await freshSchool();
    const c = await endOfTermCampaign(db, s, { self: true });
    const tokens = [...(await studentTokens(db, c.id, s.people.studentA.id)), ...(await studentTokens(db, c.id, s.people.studentB.id))];
    for (const [i, t] of tokens.entries()) expect(await submit(db, t, { q1: [5, 3, 1][i % 3] })).toEqual({ status: "stored" });
    await closeCampaign(db, c.id, LATER, null, SECRET); // the pool becomes responses with their scores
    // a submit only queues its score; the fold (first step of every recompute) tallies it
    const count = async (table: string) => queryValue(db, col.int, sql.raw(`select count(*) as n from ${table}`));
    expect(await count("tally_queue")).toBe(tokens.length);
    expect(await count("target_tallies")).toBe(0);
    // a score touched by hand before the fold: its target is tallied from its scores at once and
    // its queued score dropped (so the fold does not count it twice)
    await db.execute(sql`update response_scores set total = total where total = 60`);
    expect(await count("tally_queue")).toBe(tokens.length - 1);
    expect(await count("target_tallies")).toBe(1);
    expect((await expectTalliesFollow(db)).length).toBeGreaterThan(1);
    expect(await count("tally_queue")).toBe(0);
    // a repair by hand: one score changed (the all-lowest one made plain), one removed
    await db.execute(sql`update response_scores set total = 100, options = '{2}', quality_flags = 0 where total = 20`);
    await expectTalliesFollow(db);
    await db.execute(sql`delete from response_scores where total = 60`);
    await expectTalliesFollow(db);
    // tallies damaged (or from before the triggers): rebuilt from response_scores
    await db.execute(sql`update target_tallies set n = n + 5, totals = '{}'`);
    expect((await talliesBothWays(db)).stored).not.toEqual((await talliesBothWays(db)).expected);
    await rebuildTallies(db);
    await expectTalliesFollow(db);
    await db.execute(sql`truncate response_scores`);
    expect(await expectTalliesFollow(db)).toEqual([]);
    // six decimal digits per option and tally: a millionth response of one kind is refused, not miscounted
    const target = at(tokens, 0).targetId;
    await expect(
      db.execute(sql`insert into target_tallies (target_id, rater_group, kind, n, totals, counts)
      values (${target}, 'student', 0, 1000000, '{}', '{}')`),
    ).rejects.toThrow();
  });
});
