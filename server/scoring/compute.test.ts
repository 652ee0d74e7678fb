import { sql } from "drizzle-orm";
import { assert, beforeEach, describe, expect, it } from "vitest";
import { match } from "@/server/test/match";
import type { Db } from "@/db/client";
import { col, queryRows, queryValue } from "@/db/query";
import { at, atKey } from "@/server/shared/indexed";
import { freshSchool, type School } from "../test/fixtures";
import { recompute, splitTotals } from "./compute";
import { refreshScores } from "./refresh";
import type { ReliabilityFigures } from "./figures";
import { figuresFromRow, itemShapes, TARGET_RESULT_SPEC, type StoredFigures } from "./rows";
import { scoringModelOfVersion } from "./store";
import { approvePolicy, createPolicy, defaultPolicy } from "./policies";
import { parsePolicy } from "./policy";
import { classReliability, oneWayAnova, shrunkScore, summarize } from "./stats";
import {
  answersFor,
  approvedPolicy,
  fileOfGroup,
  respond,
  rng,
  scoringCampaign,
  talliesBothWays,
  targetOf,
  totalOf,
  type ScoringCampaign,
} from "./testing";

// The recompute against the database (PGlite, and PostgreSQL in CI): every figure it stores is
// checked against the same statistic computed here from the answers themselves, without the
// database (the scorer on each answer set, counts by hand, stats.ts on the totals).

let db: Db;
let s: School;
let c: ScoringCampaign;

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  c = await scoringCampaign(db, s);
});

async function policy(raw: Record<string, unknown> = {}) {
  const p = await createPolicy(db, { ...defaultPolicy("2026-2027"), ...raw }, s.people.quality.id);
  await approvePolicy(db, p.id, s.people.quality.id, "测试", new Date());
  return approvedPolicy(db, "2026-2027");
}

/** The stored results of a policy, read back with the readers' own mapping (rows.ts). */
async function stored(policyId: number) {
  const rows = await queryRows(
    db,
    { ...TARGET_RESULT_SPEC, mean: col.num.nullable },
    sql`
    select *, rater_group::text as rater_group from target_results where policy_id = ${policyId}`,
  );
  const out = new Map<string, { n: number; mean: number | null; reported: boolean; stats: StoredFigures }>();
  for (const r of rows) {
    const stats = figuresFromRow(r, itemShapes(await scoringModelOfVersion(db, r.version_id)));
    out.set(`${r.target_id}|${r.rater_group}`, { n: r.n, mean: r.mean, reported: r.reported, stats });
  }
  return out;
}

const eligible = async (section: string) =>
  queryValue(
    db,
    col.int,
    sql`
  select count(*) as n from enrolments e join sections s on s.id = e.section_id where s.code = ${section} and e.status = 'enrolled'`,
  );

describe("recompute", () => {
  it("stores per target the statistics of the answers' scores, the option counts and N from the enrolment", async () => {
    const r = rng(7);
    const given: Record<string, Record<string, unknown>[]> = {};
    for (const [code, level] of [
      ["CS101-01", 0.8],
      ["CS102-01", 0.5],
      ["EN101-01", 0.65],
    ] as const) {
      given[code] = Array.from({ length: 11 }, () => answersFor(fileOfGroup("student"), level, r, { na: 0.1 }));
      expect(await respond(db, c, code, "student", given[code])).toBe(11);
    }
    const p = await policy();
    const run = await recompute(db, p, { trigger: "command" });
    expect(run.responses).toBe(33);
    const results = await stored(p.id);
    const file = fileOfGroup("student");
    for (const [code, answers] of Object.entries(given)) {
      const got = atKey(results, `${targetOf(c, code).id}|student`);
      const totals = answers.map((a) => totalOf(file, a)).sort((x, y) => x - y);
      const N = await eligible(code);
      const want = summarize(totals, N, 0.1, 100);
      expect(got.stats.valid).toEqual(want);
      expect(got.stats.all).toEqual(want); // no rule excludes by default
      expect(got.n).toBe(11);
      expect(got.reported).toBe(true);
      // counts per option position, "na" last, counted from the answers
      for (const item of file.items) {
        const values = answers.map((a) => a[item.question]);
        const scale = [0.2, 0.4, 0.6, 0.8, 1];
        expect(got.stats.counts[item.question], item.question).toEqual([
          ...scale.map((v) => values.filter((x) => x === v).length),
          values.filter((x) => x === "na").length,
        ]);
      }
    }
    // targets with eligible raters and no responses still get a result: n = 0, rate 0
    const none = atKey(results, `${targetOf(c, "CS103-01").id}|student`);
    expect(none.stats.valid).toMatchObject({ n: 0, responseRate: 0, mean: null });
    expect(none.reported).toBe(false);
  });

  it("reliability per unit: the one-way ANOVA of the classes' totals, each class's Spearman–Brown reliability and its EB score", async () => {
    const r = rng(11);
    const answers: Record<string, Record<string, unknown>[]> = {};
    for (const [code, level, n] of [
      ["CS101-01", 0.9, 12],
      ["CS102-01", 0.5, 9],
      ["CS103-01", 0.7, 6],
      ["EN101-01", 0.6, 8],
      ["EN102-01", 0.8, 10],
    ] as const) {
      answers[code] = Array.from({ length: n }, () => answersFor(fileOfGroup("student"), level, r));
      await respond(db, c, code, "student", answers[code]);
    }
    const p = await policy();
    await recompute(db, p, { trigger: "command" });
    const rel = (
      await queryRows(
        db,
        { unit_id: col.int, stats: col.json<ReliabilityFigures>() },
        sql`select unit_id, stats from reliability_results where policy_id = ${p.id} and rater_group = 'student'`,
      )
    ).map((x) => ({ unit: x.unit_id, f: x.stats }));
    expect(rel.map((x) => x.unit).sort()).toEqual([s.unitA.id, s.unitB.id].sort());
    const file = fileOfGroup("student");
    const totals = (code: string) => {
      const given = answers[code];
      if (!given) throw new Error(`no answers for ${code}`);
      return given.map((a) => totalOf(file, a));
    };
    const results = await stored(p.id);
    // the sections of unit A in the order of their keys (campaign / section code / teacher)
    const unitA = ["CS101-01", "CS102-01", "CS103-01"];
    const anova = oneWayAnova(unitA.map((code) => [...totals(code)].sort((x, y) => x - y)));
    const ofA = rel.find((x) => x.unit === s.unitA.id);
    assert.exists(ofA);
    const a = ofA.f;
    expect(a).toMatchObject({ k: 3, N: 27, unavailable: null });
    assert.exists(anova.icc1);
    assert.exists(anova.iccK);
    expect(a.icc1).toBeCloseTo(anova.icc1, 12);
    expect(a.icck).toBeCloseTo(anova.iccK, 12);
    expect(a.n0).toBeCloseTo(anova.n0, 12);
    // norm group = unit (the default): the mean of the reported class means of unit A
    const means = unitA.map((code) => {
      const mean = atKey(results, `${targetOf(c, code).id}|student`).stats.valid.mean;
      assert.exists(mean);
      return mean;
    });
    const normMean = means.reduce((x, y) => x + y, 0) / means.length;
    for (const code of unitA) {
      const f = atKey(results, `${targetOf(c, code).id}|student`).stats;
      const rho = classReliability(anova.icc1, f.valid.n);
      expect(f.reliability).toBeCloseTo(rho, 12);
      assert.exists(f.valid.mean);
      expect(f.ebScore).toBeCloseTo(shrunkScore(f.valid.mean, normMean, rho), 10);
      expect(f.norm).toMatchObject({ of: 3 });
    }
    // the best class of the unit ranks 1 and sits above the middle
    const best = atKey(results, `${targetOf(c, "CS101-01").id}|student`).stats;
    expect(best.norm).toMatchObject({ rank: 1 });
    expect(best.norm?.percentileRank).toBeCloseTo((100 * (2 + 0.5)) / 3, 10); // mid-rank: 2 below, itself half
    // self-evaluations have one rater per class: no within-class variance, no ICC
    await respond(db, c, "CS101-01", "self", [answersFor(fileOfGroup("self"), 0.8, r)]);
    await respond(db, c, "CS102-01", "self", [answersFor(fileOfGroup("self"), 0.8, r)]);
    await recompute(db, p, { trigger: "command" });
    const self = await queryRows(
      db,
      { stats: col.json<ReliabilityFigures>() },
      sql`select stats from reliability_results where policy_id = ${p.id} and rater_group = 'self'`,
    );
    expect(self.map((x) => x.stats.unavailable)).toEqual(["noWithinClassDf"]);
  });

  it("quality rules: excluded only when set to exclude and within the cap; all and valid both kept", async () => {
    const file = fileOfGroup("student");
    const straight = answersFor(file, 1, rng(1), { noise: 0 }); // 1.0 everywhere
    const lowest = answersFor(file, 0, rng(1), { noise: 0 }); // 0.2 everywhere
    const r = rng(3);
    const normal = Array.from({ length: 10 }, () => answersFor(file, 0.6, r));
    await respond(db, c, "CS101-01", "student", [...normal, straight, lowest]);
    // EN101: 3 of 8 straight-line, more than 20 %: nothing is excluded there
    await respond(db, c, "EN101-01", "student", [...normal.slice(0, 5), straight, straight, straight]);
    const flag = await policy();
    await recompute(db, flag, { trigger: "command" });
    let got = atKey(await stored(flag.id), `${targetOf(c, "CS101-01").id}|student`).stats;
    expect(got.quality).toEqual({ unscored: 0, straightLining: 2, allLowest: 1, sparse: 0, excluded: 0, capExceeded: false });
    expect(got.valid.n).toBe(12);

    const exclude = await policy({ quality: { straightLining: "exclude", allLowest: "flag", maxExcludedShare: 0.2 } });
    await recompute(db, exclude, { trigger: "command" });
    const results = await stored(exclude.id);
    got = atKey(results, `${targetOf(c, "CS101-01").id}|student`).stats;
    // both uniform responses are straight-lining; 2 of 12 ≤ 20 %: excluded from valid, kept in all
    expect(got.quality).toMatchObject({ straightLining: 2, excluded: 2, capExceeded: false });
    const totals = (list: Record<string, unknown>[]) => list.map((a) => totalOf(file, a));
    expect(got.valid).toEqual(
      summarize(
        totals(normal).sort((x, y) => x - y),
        await eligible("CS101-01"),
      ),
    );
    expect(got.all.n).toBe(12);
    // the excluded responses' options are taken out of the counts too
    expect(got.counts.q1?.reduce((x, y) => x + y, 0)).toBe(10);
    const en = atKey(results, `${targetOf(c, "EN101-01").id}|student`).stats;
    expect(en.quality).toMatchObject({ straightLining: 3, excluded: 0, capExceeded: true });
    expect(en.valid.n).toBe(8);
    // the run names the rules and what they caught
    const summary = await queryValue(
      db,
      col.json<Record<string, unknown>>(),
      sql`select summary from scoring_runs where policy_id = ${exclude.id}`,
    );
    expect(summary).toMatchObject({
      excluded: 2,
      capExceeded: 1,
      straightLining: 5,
    });
  });

  it("too few answered (sparse): flagged below half of the scored items, not at half; off by default (not counted), flagged or excluded when the policy says so", async () => {
    const file = fileOfGroup("student");
    const r = rng(7);
    // the first k items of a full response (a matrix row is an item of its own)
    const firstItems = (a: Record<string, unknown>, k: number) => {
      const out: Record<string, unknown> = {};
      for (const it of file.items.slice(0, k)) {
        const v = a[it.question];
        if (it.row) {
          const rows = (out[it.question] ?? {}) as Record<string, unknown>;
          out[it.question] = { ...rows, [it.row]: (v as Record<string, unknown>)[it.row] };
        } else out[it.question] = v;
      }
      return out;
    };
    const half = Math.ceil(file.items.length / 2);
    const normal = Array.from({ length: 10 }, () => answersFor(file, 0.6, r));
    const under = firstItems(answersFor(file, 0.6, r), half - 1); // fewer than half: flagged
    const atHalf = firstItems(answersFor(file, 0.6, r), half); // half (or just over): not flagged
    await respond(db, c, "CS101-01", "student", [...normal, under, atHalf]);
    const key = `${targetOf(c, "CS101-01").id}|student`;
    // off (the default): neither counted nor shown, nothing left out
    const byDefault = await policy();
    await recompute(db, byDefault, { trigger: "command" });
    let got = atKey(await stored(byDefault.id), key).stats;
    expect(got.quality).toMatchObject({ sparse: 0, excluded: 0 });
    expect(got.valid.n).toBe(12);

    const flag = await policy({ quality: { sparse: "flag" } });
    await recompute(db, flag, { trigger: "command" });
    got = atKey(await stored(flag.id), key).stats;
    expect(got.quality).toMatchObject({ sparse: 1, excluded: 0 });
    expect(got.valid.n).toBe(12);

    const exclude = await policy({ quality: { sparse: "exclude", maxExcludedShare: 0.2 } });
    await recompute(db, exclude, { trigger: "command" });
    got = atKey(await stored(exclude.id), key).stats;
    expect(got.quality).toMatchObject({ sparse: 1, excluded: 1, capExceeded: false });
    const totals = (list: Record<string, unknown>[]) => list.map((a) => totalOf(file, a));
    expect(got.valid).toEqual(
      summarize(
        totals([...normal, atHalf]).sort((x, y) => x - y),
        await eligible("CS101-01"),
      ),
    );
    expect(got.all.n).toBe(12);
    const tallies = await talliesBothWays(db);
    expect(tallies.stored).toEqual(tallies.expected);
  });

  it("a response with every item 'na' is unscored: counted apart, in no figure", async () => {
    const file = fileOfGroup("student");
    const na = Object.fromEntries(file.items.map((it) => [it.question, "na"]));
    // the student instrument offers no "na": use the supervisor form, whose items do
    const sup = fileOfGroup("supervisor");
    const supItems = sup.items.filter((it) => !it.row);
    const naSup = Object.fromEntries(supItems.map((it) => [it.question, "na"]));
    const offersNa = JSON.stringify(sup.survey).includes('"na"');
    if (offersNa) {
      await respond(db, c, "CS101-01", "supervisor", [naSup, answersFor(sup, 0.7, rng(2)), answersFor(sup, 0.7, rng(3))]);
      const p = await policy();
      await recompute(db, p, { trigger: "command" });
      const got = atKey(await stored(p.id), `${targetOf(c, "CS101-01").id}|supervisor`).stats;
      expect(got.quality.unscored).toBe(1);
      expect(got.valid.n).toBe(2);
      expect(got.reported).toBe(false); // 2 < 3 observers
    } else {
      await expect(respond(db, c, "CS101-01", "student", [na])).rejects.toMatchObject({ code: "scoring.errors.valueOutsideScale" });
    }
  });

  it("composite per teacher: groups pooled over sections weighted by n, weights renormalised when a group is missing, ranks", async () => {
    const r = rng(5);
    const make = (g: "student" | "supervisor" | "peer", level: number, n: number) =>
      Array.from({ length: n }, () => answersFor(fileOfGroup(g), level, r));
    const sets = {
      A_cs101_student: make("student", 0.8, 10),
      A_cs102_student: make("student", 0.6, 6),
      A_cs101_supervisor: make("supervisor", 0.7, 3),
      A_cs102_peer: make("peer", 0.9, 2),
      C_cs103_student: make("student", 0.5, 7),
      C_cs103_supervisor: make("supervisor", 0.5, 3),
      C_cs103_peer: make("peer", 0.6, 3),
    };
    await respond(db, c, "CS101-01", "student", sets.A_cs101_student);
    await respond(db, c, "CS102-01", "student", sets.A_cs102_student);
    await respond(db, c, "CS101-01", "supervisor", sets.A_cs101_supervisor);
    await respond(db, c, "CS102-01", "peer", sets.A_cs102_peer); // 2 < 3: not counted
    await respond(db, c, "CS103-01", "student", sets.C_cs103_student);
    await respond(db, c, "CS103-01", "supervisor", sets.C_cs103_supervisor);
    await respond(db, c, "CS103-01", "peer", sets.C_cs103_peer);
    const p = await policy({ compositeOf: "mean" });
    await recompute(db, p, { trigger: "command" });
    const mean = (g: "student" | "supervisor" | "peer", list: Record<string, unknown>[]) =>
      list.map((a) => totalOf(fileOfGroup(g), a)).reduce((x, y) => x + y, 0) / list.length;
    const comps = await queryRows(
      db,
      {
        teacher_id: col.int,
        term_id: col.int.nullable,
        score: col.num.nullable,
        composite: col.json<{
          parts: { courseType: string; score: number; used: Record<string, number>; missing: string[]; weight: number }[];
          missing: string[];
          ranks: Record<string, number | null>;
        }>(),
      },
      sql`
      select teacher_id, term_id, score, composite from teacher_composites where policy_id = ${p.id}`,
    );
    const ofA = comps.filter((x) => x.teacher_id === s.people.teacherA.id);
    expect(ofA.map((x) => x.term_id).sort()).toEqual([null, s.term.id].sort());
    const a = ofA.find((x) => x.term_id === s.term.id);
    assert.exists(a);
    // teacher A teaches CS101 (foundation) and CS102 (core): one part per course type
    const foundation = a.composite.parts.find((x) => x.courseType === "foundation");
    const core = a.composite.parts.find((x) => x.courseType === "core");
    assert.exists(foundation);
    assert.exists(core);
    // foundation: students and supervisors count, peers missing: 0.5/0.8 and 0.3/0.8
    expect(Object.keys(foundation.used).sort()).toEqual(["student", "supervisor"]);
    expect(foundation.used.student).toBeCloseTo(0.625, 12);
    expect(foundation.used.supervisor).toBeCloseTo(0.375, 12);
    expect(foundation.score).toBeCloseTo(
      0.625 * mean("student", sets.A_cs101_student) + 0.375 * mean("supervisor", sets.A_cs101_supervisor),
      10,
    );
    expect(foundation.weight).toBe(13);
    // core: students only (2 peers are below the minimum of 3)
    expect(core.used).toEqual({ student: 1 });
    expect(core.missing.sort()).toEqual(["peer", "supervisor"]);
    expect(core.score).toBeCloseTo(mean("student", sets.A_cs102_student), 10);
    // course types combined weighted by the valid n that counted
    expect(a.score).toBeCloseTo((13 * foundation.score + 6 * core.score) / 19, 10);
    expect(a.composite.missing.sort()).toEqual(["peer", "supervisor"]);
    // teacher C: every group counts, no renormalisation
    const cc = comps.find((x) => x.teacher_id === c.teacherC.id && x.term_id === s.term.id);
    assert.exists(cc);
    expect(cc.composite.missing).toEqual([]);
    expect(cc.score).toBeCloseTo(
      0.5 * mean("student", sets.C_cs103_student) +
        0.3 * mean("supervisor", sets.C_cs103_supervisor) +
        0.2 * mean("peer", sets.C_cs103_peer),
      10,
    );
    // ranks among the teachers with a composite: A and C (B has no responses) in the school
    const ranked = [a, cc].sort((x, y) => {
      assert.exists(x.score);
      assert.exists(y.score);
      return y.score - x.score;
    });
    expect(ranked.map((x) => x.composite.ranks.school)).toEqual([1, 2]);
    expect(ranked.every((x) => x.composite.ranks.schoolOf === 2)).toBe(true);
    // A and C are in office A1: ranked there too; B has none
    expect(a.composite.ranks.officeOf).toBe(2);
    expect(comps.some((x) => x.teacher_id === s.people.teacherB.id && x.score !== null)).toBe(false);
  });

  it("ranks and percentiles only where the figure's reliability reaches the policy's minimum (targets and composites)", async () => {
    const r = rng(21);
    const make = (g: "student" | "supervisor" | "peer", level: number, n: number, spread = 0.5) =>
      Array.from({ length: n }, () => answersFor(fileOfGroup(g), level + (r() - 0.5) * spread, r));
    // students: many raters, classes far apart (reliable); three observers who disagree (not)
    for (const [code, level] of [
      ["CS101-01", 0.9],
      ["CS102-01", 0.45],
      ["CS103-01", 0.7],
    ] as const) {
      await respond(db, c, code, "student", make("student", level, 12, 0.1));
      await respond(db, c, code, "supervisor", make("supervisor", 0.7, 3, 0.6));
    }
    await respond(db, c, "CS103-01", "peer", make("peer", 0.7, 3, 0.2));
    await respond(db, c, "CS101-01", "peer", make("peer", 0.6, 3, 0.2));
    const p = await policy({ compositeOf: "mean" });
    expect(p.policy.minReliability).toBe(0.7);
    await recompute(db, p, { trigger: "command" });
    const results = [...(await stored(p.id)).values()].filter((x) => x.reported);
    // ranked by the reliability at the lower limit of the ICC's 95 % interval, never above the estimate
    for (const x of results)
      if (x.stats.reliability !== null) expect(x.stats.reliabilityLow).toBeLessThanOrEqual(x.stats.reliability + 1e-12);
    const reliable = results.filter((x) => x.stats.reliabilityLow !== null && x.stats.reliabilityLow >= 0.7);
    const unreliable = results.filter((x) => !(x.stats.reliabilityLow !== null && x.stats.reliabilityLow >= 0.7));
    expect(reliable.length).toBeGreaterThan(0);
    expect(unreliable.length).toBeGreaterThan(0);
    for (const x of reliable) expect(x.stats).toMatchObject({ rankWithheld: false, norm: { rank: match.any(Number) } });
    for (const x of unreliable) expect(x.stats).toMatchObject({ rankWithheld: true, norm: null });
    // the observers of three: never a percentile or a rank
    expect(results.filter((x) => x.n === 3).every((x) => x.stats.rankWithheld)).toBe(true);

    // composites: reliability = 1 − (error variance of the weighted parts) / (variance of the composites in the norm group)
    type Comp = {
      teacherId: number;
      termId: number | null;
      score: number | null;
      reliability: number | null;
      reliabilityLow: number | null;
      rankWithheld: boolean;
      parts: { score: number | null; weight: number; used: Record<string, number>; groups: Record<string, { n: number }> }[];
      norm: unknown;
      ranks: Record<string, number | null>;
    };
    const comps = async (policyId: number) =>
      (
        await queryRows(
          db,
          { composite: col.json<Comp>() },
          sql`
      select composite from teacher_composites where policy_id = ${policyId} and term_id is not null`,
        )
      )
        .map((x) => x.composite)
        .filter((x) => x.score !== null);
    const got = await comps(p.id);
    expect(got.map((x) => x.teacherId).sort()).toEqual([s.people.teacherA.id, c.teacherC.id].sort());
    const msw = new Map(
      (
        await queryRows(
          db,
          { rater_group: col.text, stats: col.json<ReliabilityFigures>() },
          sql`
      select rater_group::text as rater_group, stats from reliability_results where policy_id = ${p.id} and unit_id = ${s.unitA.id}`,
        )
      ).map((x) => {
        assert.exists(x.stats.msw);
        return [x.rater_group, x.stats.msw];
      }),
    );
    // each teacher has one course type here and one section per group: error variance Σ w² · MSW/n
    const errorVar = (x: Comp) => {
      const part = x.parts.find((pt) => pt.score !== null);
      assert.exists(part);
      return Object.entries(part.used).reduce((a, [g, w]) => {
        const group = part.groups[g];
        if (!group) throw new Error(`group ${g} is used but not in the part`);
        return a + (w * w * atKey(msw, g)) / group.n;
      }, 0);
    };
    const scores = got.map((x) => {
      assert.exists(x.score);
      return x.score;
    });
    const [s0, s1] = [at(scores, 0), at(scores, 1)];
    const m = (s0 + s1) / 2;
    const variance = ((s0 - m) ** 2 + (s1 - m) ** 2) / 1;
    const chi2 = 5.023886187314888; // χ²_0.975(1) (scipy), for the lower limit of the variance over 2 composites
    for (const x of got) {
      expect(x.reliability).toBeCloseTo(Math.min(1, Math.max(0, 1 - errorVar(x) / variance)), 10);
      const want = Math.min(1, Math.max(0, 1 - errorVar(x) / (variance / chi2)));
      expect(x.reliabilityLow).toBeCloseTo(want, 10);
      if (want >= 0.7) expect(x).toMatchObject({ rankWithheld: false, ranks: { school: match.any(Number) } });
      else expect(x).toMatchObject({ rankWithheld: true, norm: null, ranks: { school: null, college: null, office: null } });
    }
    // a policy asking for no reliability at all ranks both; one asking for 1 ranks none
    for (const [min, ranked] of [
      [0, 2],
      [1, 0],
    ] as const) {
      const q = await policy({ compositeOf: "mean", minReliability: min });
      await recompute(db, q, { trigger: "command" });
      expect((await comps(q.id)).filter((x) => x.ranks.school !== null).length).toBe(ranked);
    }
  });

  it("figures follow the responses: ifChanged skips an unchanged year and recomputes after a new response", async () => {
    const r = rng(9);
    // one of them straight-lining: counted once by the check, as by the run (the tallies hold it twice)
    const straight = answersFor(fileOfGroup("student"), 1, rng(1), { noise: 0 });
    await respond(db, c, "CS101-01", "student", [...Array.from({ length: 4 }, () => answersFor(fileOfGroup("student"), 0.7, r)), straight]);
    const p = await policy();
    const first = await recompute(db, p, { trigger: "scheduler", ifChanged: true });
    expect(first.skipped).toBeUndefined();
    expect((await recompute(db, p, { trigger: "scheduler", ifChanged: true })).skipped).toBe(true);
    await respond(db, c, "CS101-01", "student", [answersFor(fileOfGroup("student"), 0.7, r)]);
    const again = await recompute(db, p, { trigger: "scheduler", ifChanged: true });
    expect(again.skipped).toBeUndefined();
    expect(atKey(await stored(p.id), `${targetOf(c, "CS101-01").id}|student`).n).toBe(6);
    // the results name the latest run; older runs stay in the log
    const runs = await queryValue(db, col.int, sql`select count(*) as n from scoring_runs where policy_id = ${p.id}`);
    expect(runs).toBe(2);
  });

  it("counts options exactly for a large target (1,100 responses: counts past 1,023, words of several positions)", async () => {
    const file = fileOfGroup("student");
    const r = rng(13);
    const many = Array.from({ length: 1100 }, () => answersFor(file, 0.95, r, { noise: 0.05 }));
    await respond(db, c, "CS101-01", "student", many);
    const both = await talliesBothWays(db);
    expect(both.stored).toEqual(both.expected);
    const p = await policy();
    await recompute(db, p, { trigger: "command" });
    const got = atKey(await stored(p.id), `${targetOf(c, "CS101-01").id}|student`).stats;
    const scale = [0.2, 0.4, 0.6, 0.8, 1];
    for (const item of file.items) {
      const values = many.map((a) => a[item.question]);
      expect(got.counts[item.question]).toEqual([...scale.map((v) => values.filter((x) => x === v).length), 0]);
    }
    expect(Math.max(...(got.counts.q1 ?? []))).toBeGreaterThan(1023);
    expect(got.valid.n).toBe(1100);
    // N (14 enrolled) below n: the finite-population correction is left out and flagged
    expect(got.eligibleBelowN).toBe(true);
    expect(got.valid.eligible).toBeNull();
  });

  it("the full mark scales every score figure; a policy's bad numbers are refused before anything is computed", async () => {
    const r = rng(17);
    const list = Array.from({ length: 8 }, () => answersFor(fileOfGroup("student"), 0.7, r));
    await respond(db, c, "CS101-01", "student", list);
    const p = await policy({ outOf: 5 });
    await recompute(db, p, { trigger: "command" });
    const got = atKey(await stored(p.id), `${targetOf(c, "CS101-01").id}|student`).stats;
    const totals = list.map((a) => totalOf(fileOfGroup("student"), a) / 20).sort((x, y) => x - y);
    const want = summarize(totals, null);
    assert.exists(want.mean);
    assert.exists(want.sd);
    expect(got.valid.mean).toBeCloseTo(want.mean, 12);
    expect(got.valid.sd).toBeCloseTo(want.sd, 12);
    expect(() => parsePolicy({ ...defaultPolicy("2026-2027"), trim: 0.5 })).toThrow();
  });
});

describe("the scheduler's step", () => {
  it("folds the queued scores every minute, whether or not a policy is in force (the queue keeps scores in their order of arrival)", async () => {
    const r = rng(5);
    await respond(
      db,
      c,
      "CS101-01",
      "student",
      Array.from({ length: 6 }, () => answersFor(fileOfGroup("student"), 0.7, r)),
    );
    const queued = async () => queryValue(db, col.int, sql`select count(*) as n from tally_queue`);
    expect(await queued()).toBe(6);
    expect(await refreshScores(db)).toEqual([]); // no policy approved: nothing to compute
    expect(await queued()).toBe(0);
    const both = await talliesBothWays(db);
    expect(both.stored).toEqual(both.expected);
    expect(both.stored.find((t) => t.key === `${targetOf(c, "CS101-01").id}|student|0`)?.n).toBe(6);
  });
});

describe("reading tallies", () => {
  it("parses totals as sent to the same doubles Number() gives, digit by digit or through Number()", () => {
    const r = rng(99);
    const xs: number[] = [0, 100, 20, 56.1, 73.33333333333333, 1e-7, 5e-324, 99.99999999999999, 0.1 + 0.2, 1 / 3];
    for (let i = 0; i < 20000; i++) {
      const x = r() * 100;
      xs.push(x, Math.round(x * 10) / 10, Math.round(x * 1000) / 1000, x * 1e-9);
    }
    const text = xs.map(String).join(",");
    expect(splitTotals(text)).toEqual(text.split(",").map(Number));
    expect(splitTotals("")).toEqual([]);
    expect(splitTotals(null)).toEqual([]);
  });
});
