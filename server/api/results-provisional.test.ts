import { sql } from "drizzle-orm";
import { assert, beforeAll, describe, expect, it } from "vitest";
import { match } from "@/server/test/match";
import type { Db } from "@/db/client";
import { credentials, persons, roleGrants } from "@/db/schema";
import { openingYear, type YearOverview } from "../scoring/results";
import { defaultPolicy } from "../scoring/policies";
import {
  anotherCampaign,
  answersFor,
  fileOfGroup,
  respond,
  rng,
  scoringCampaign,
  targetOf,
  type ScoringCampaign,
} from "../scoring/testing";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { createCaller } from "./root";
import { refusalOf } from "../test/errors";
import { one } from "@/db/query";

// Figures derived from a campaign that has not closed are provisional: the quality office
// sees them, marked so; HR, leaders and unit admins see none of them.
// A finished campaign of the same term, group and instrument version is final in itself,
// but its reliability, EB score and place among others are pooled with the running one's
// classes: those wait too.
let db: Db;
let s: School;
let done: ScoringCampaign;
let running: ScoringCampaign;
let policyId: number;
let leader: { id: number };
const NOW = new Date("2027-01-20T08:00:00Z");
const as = async (p: { id: number }) => createCaller({ db, user: await sessionOf(db, p), locale: "zh", now: () => NOW });

beforeAll(async () => {
  ({ db, s } = await freshSchool());
  done = await scoringCampaign(db, s, { name: "上半程评教（已结束）" });
  const r = rng(8);
  for (const [code, level] of [
    ["CS101-01", 0.9],
    ["CS102-01", 0.5],
    ["EN101-01", 0.7],
  ] as const) {
    await respond(
      db,
      done,
      code,
      "student",
      Array.from({ length: 8 }, () => answersFor(fileOfGroup("student"), level, r, { noise: 0.05 })),
    );
  }
  const quality = await as(s.people.quality);
  policyId = (await quality.scoring.policies.create({ policy: defaultPolicy("2026-2027") })).id;
  await quality.scoring.policies.approve({ id: policyId, note: "委员会审议通过" });
  await quality.campaigns.publish({ id: done.id });
  running = await anotherCampaign(db, s, done, { name: "下半程评教（进行中）" });
  // what a running campaign holds in practice: named self-evaluations (and, here, students)
  await respond(db, running, "CS101-01", "self", [answersFor(fileOfGroup("self"), 0.8, r)]);
  await respond(
    db,
    running,
    "CS103-01",
    "student",
    Array.from({ length: 6 }, () => answersFor(fileOfGroup("student"), 0.6, r)),
  );
  await quality.scoring.recompute({ schoolYear: "2026-2027" });
  const p = one(await db.insert(persons).values({ number: "L001", name: "校领导", kind: "staff", unitId: s.school.id }).returning());
  await db.insert(credentials).values({ personId: p.id, passwordHash: "x" });
  await db.insert(roleGrants).values({ personId: p.id, role: "leader" });
  leader = p;
}, 120_000);

describe("figures of a running campaign", () => {
  it("the quality office sees them, marked provisional, with what they are pooled with", async () => {
    const quality = await as(s.people.quality);
    const list = await quality.scoring.targets({ policyId, pageSize: 100 });
    const ofRunning = list.items.filter((x) => x.campaignId === running.id && x.n > 0);
    expect(ofRunning.map((x) => `${x.sectionCode}/${x.raterGroup}`).sort()).toEqual(["CS101-01/self", "CS103-01/student"]);
    expect(ofRunning.every((x) => x.provisional)).toBe(true);
    // the finished campaign's students share the term, group and version with the running one's
    const shared = list.items.filter((x) => x.campaignId === done.id && x.raterGroup === "student" && x.n > 0);
    expect(shared.length).toBe(3);
    expect(shared.every((x) => x.provisional)).toBe(true);
    const inCs = shared.filter((x) => {
      assert.exists(x.sectionCode);
      return x.sectionCode.startsWith("CS");
    });
    expect(inCs.every((x) => x.reliability !== null)).toBe(true);
    const self = list.items.find((x) => x.campaignId === running.id && x.raterGroup === "self" && x.n > 0);
    assert.exists(self);
    expect((await quality.scoring.target({ policyId, targetId: self.targetId, raterGroup: "self" })).provisional).toBe(true);
    expect((await quality.scoring.reliability({ policyId })).some((x) => x.provisional)).toBe(true);
    const comps = await quality.scoring.composites({ policyId, period: s.term.id });
    expect(comps.provisional).toBe(true);
    expect(comps.items.length).toBeGreaterThan(0);
    const overview = await quality.scoring.overview();
    expect(overview.find((y) => y.schoolYear === "2026-2027")?.campaigns.find((x) => x.id === running.id)).toMatchObject({
      state: "open",
      provisional: true,
    });
  });

  it("HR, a leader and a unit admin see none of them: not the running campaign's rows, nor what is pooled with it", async () => {
    for (const who of [s.people.hr, leader, s.people.adminA]) {
      const caller = await as(who);
      const list = await caller.scoring.targets({ policyId, pageSize: 100 });
      expect(list.items.filter((x) => x.campaignId === running.id)).toEqual([]);
      const shared = list.items.filter((x) => x.campaignId === done.id && x.raterGroup === "student" && x.n > 0);
      expect(shared.length).toBeGreaterThan(0);
      for (const x of shared) {
        expect(x.mean).not.toBeNull(); // its own figures are final
        expect(x).toMatchObject({ provisional: false, pending: true, reliability: null, ebScore: null, norm: null });
      }
      const target = targetOf(running, "CS101-01");
      expect(await refusalOf(caller.scoring.target({ policyId, targetId: target.id, raterGroup: "self" }))).toMatchObject({
        code: "FORBIDDEN",
        message: match.stringContaining("尚未结束"),
      });
      const detail = await caller.scoring.target({ policyId, targetId: targetOf(done, "CS101-01").id, raterGroup: "student" });
      expect(detail.figures).toMatchObject({ reliability: null, ebScore: null, norm: null });
      expect(detail.pending).toBe(true);
      expect((await caller.scoring.reliability({ policyId })).filter((x) => x.group === "student")).toEqual([]);
      const comps = await caller.scoring.composites({ policyId, period: s.term.id });
      expect(comps).toMatchObject({ provisional: true, withheld: true, items: [], total: 0 });
    }
  });

  it("once it closes its figures are final for everyone", async () => {
    await db.execute(sql`update campaigns set state = 'closed', closed_at = closes_at where id = ${running.id}`);
    const hr = await as(s.people.hr);
    const list = await hr.scoring.targets({ policyId, pageSize: 100 });
    expect(list.items.filter((x) => x.campaignId === running.id && x.n > 0).length).toBe(2);
    expect(list.items.every((x) => !x.provisional && !x.pending)).toBe(true);
    const cs101 = list.items.find((x) => x.campaignId === done.id && x.sectionCode === "CS101-01" && x.raterGroup === "student");
    assert.exists(cs101);
    expect(cs101.reliability).not.toBeNull();
    const comps = await hr.scoring.composites({ policyId, period: s.term.id });
    expect(comps).toMatchObject({ provisional: false, withheld: false });
    expect(comps.items.length).toBeGreaterThan(0);
  });
});

describe("the year the results open on", () => {
  const year = (schoolYear: string, states: string[], responses = 0, policy = true): YearOverview => ({
    schoolYear,
    policy: policy ? { id: 1, version: 1, key: "k", approvedAt: null, minReliability: 0.7 } : null,
    lastRun: policy ? { id: 1, finishedAt: NOW, trigger: "scheduler", responses, targets: 1, summary: {} } : null,
    campaigns: states.map((state, i) => ({
      id: i + 1,
      name: `c${i}`,
      term: null,
      state,
      source: "platform",
      targets: 1,
      responses,
      provisional: state === "open",
    })),
    opens: false,
  });

  it("the latest year with published results, not the current year with a first response", () => {
    const years = [year("2026-2027", ["open"], 1), year("2025-2026", ["published"], 1900), year("2024-2025", ["published"], 1800)];
    expect(openingYear(years, { provisional: true })).toBe("2025-2026");
    expect(openingYear(years, { provisional: false })).toBe("2025-2026");
  });

  it("without published results: the latest closed year, then (quality office) the latest with responses, then the latest with a policy", () => {
    expect(openingYear([year("2026-2027", ["open"], 3), year("2025-2026", ["closed"], 10)], { provisional: false })).toBe("2025-2026");
    expect(openingYear([year("2027-2028", [], 0), year("2026-2027", ["open"], 3), year("2025-2026", [], 0)], { provisional: true })).toBe(
      "2026-2027",
    );
    expect(openingYear([year("2027-2028", [], 0, false), year("2026-2027", ["open"], 3)], { provisional: false })).toBe("2026-2027");
    expect(openingYear([], { provisional: true })).toBeNull();
  });
});
