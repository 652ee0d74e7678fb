import { assert, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { defaultPolicy } from "../scoring/policies";
import { answersFor, fileOfGroup, respond, rng, scoringCampaign, targetOf, type ScoringCampaign } from "../scoring/testing";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { createCaller } from "./root";
import { refusalOf } from "../test/errors";

// The scoring router: who reads which results, who manages and approves policies.
let db: Db;
let s: School;
let c: ScoringCampaign;
let policyId: number;
const NOW = new Date("2027-01-20T08:00:00Z");
const as = async (p: { id: number }, locale: "zh" | "en" = "zh") =>
  createCaller({ db, user: await sessionOf(db, p), locale, now: () => NOW });

beforeAll(async () => {
  ({ db, s } = await freshSchool());
  c = await scoringCampaign(db, s);
  const r = rng(3);
  for (const code of ["CS101-01", "CS102-01", "EN101-01"])
    await respond(
      db,
      c,
      code,
      "student",
      Array.from({ length: 6 }, () => answersFor(fileOfGroup("student"), 0.7, r)),
    );
  await respond(db, c, "EN102-01", "student", [answersFor(fileOfGroup("student"), 0.7, r)]); // below the minimum
  const quality = await as(s.people.quality);
  const created = await quality.scoring.policies.create({ policy: defaultPolicy("2026-2027") });
  policyId = created.id;
  const approved = await quality.scoring.policies.approve({ id: created.id, note: "委员会审议通过" });
  expect(approved.results).toBeGreaterThan(0); // approval computes the figures at once
}, 60_000);

describe("scoring router", () => {
  it("the quality office sees every target; a unit admin its unit's; students and teachers none of the lists", async () => {
    const all = await (await as(s.people.quality)).scoring.targets({ policyId, raterGroup: "student", pageSize: 50 });
    expect(all.items.map((x) => x.sectionCode).sort()).toEqual(["CS101-01", "CS102-01", "CS103-01", "EN101-01", "EN102-01"]);
    const mine = await (await as(s.people.adminA)).scoring.targets({ policyId, raterGroup: "student", pageSize: 50 });
    expect(mine.items.map((x) => x.sectionCode).sort()).toEqual(["CS101-01", "CS102-01", "CS103-01"]);
    const small = all.items.find((x) => x.sectionCode === "EN102-01");
    assert.exists(small);
    expect(small).toMatchObject({ reported: false, n: 1 });
    // another unit's target detail is refused to a unit admin
    const en = all.items.find((x) => x.sectionCode === "EN101-01");
    assert.exists(en);
    expect(
      await refusalOf((await as(s.people.adminA)).scoring.target({ policyId, targetId: en.targetId, raterGroup: "student" })),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusalOf((await as(s.people.studentA)).scoring.targets({ policyId }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusalOf((await as(s.people.teacherA)).scoring.overview())).toMatchObject({ code: "FORBIDDEN" });
  });

  it("a teacher reads only their own results, once the campaign is published, and small groups show n only", async () => {
    const teacherA = await as(s.people.teacherA);
    expect((await teacherA.scoring.mine()).targets).toEqual([]);
    const t = targetOf(c, "CS101-01");
    expect(await refusalOf(teacherA.scoring.myTarget({ policyId, targetId: t.id, raterGroup: "student" }))).toMatchObject({
      code: "FORBIDDEN",
    });
    await (await as(s.people.quality)).campaigns.publish({ id: c.id });
    const own = await teacherA.scoring.myTarget({ policyId, targetId: t.id, raterGroup: "student" });
    expect(own).toMatchObject({ reported: true, n: 6 });
    expect(own.items.length).toBe(fileOfGroup("student").items.length);
    expect(own.indicators.every((i) => i.mean !== null)).toBe(true);
    // one scale on the page: item means on the scores' 100-point scale (coefficient 0.8 → 80), not as fractions
    for (const it of own.items) {
      const scored = it.options.filter((o) => o.value !== "na");
      const n = scored.reduce((a, o) => a + o.count, 0);
      const max = Math.max(...scored.map((o) => Number(o.value)));
      expect(it.mean).toBeCloseTo(scored.reduce((a, o) => a + (Number(o.value) / max) * 100 * o.count, 0) / n, 10);
      expect(it.mean).toBeGreaterThan(10);
    }
    // teacher B's section is not teacher A's
    expect(
      await refusalOf(teacherA.scoring.myTarget({ policyId, targetId: targetOf(c, "EN101-01").id, raterGroup: "student" })),
    ).toMatchObject({ code: "FORBIDDEN" });
    const teacherB = await as(s.people.teacherB);
    const small = await teacherB.scoring.myTarget({ policyId, targetId: targetOf(c, "EN102-01").id, raterGroup: "student" });
    expect(small).toMatchObject({ reported: false, n: 1, figures: null, items: [] });
    expect((await teacherB.scoring.mine()).targets.find((x) => x.sectionCode === "EN102-01")).toMatchObject({
      reported: false,
      figures: null,
    });
  });

  it("a look at one teacher's result page by anyone but the teacher is in the teacher's view log; the teacher's own look and a refused one are not", async () => {
    const t = targetOf(c, "CS101-01"),
      en = targetOf(c, "EN101-01");
    const before = (await (await as(s.people.teacherA)).appraisal.views({})).length;
    const beforeB = (await (await as(s.people.teacherB)).appraisal.views({})).length;
    await (await as(s.people.quality)).scoring.target({ policyId, targetId: t.id, raterGroup: "student" });
    await (await as(s.people.teacherA)).scoring.myTarget({ policyId, targetId: t.id, raterGroup: "student" });
    expect(await refusalOf((await as(s.people.adminA)).scoring.target({ policyId, targetId: en.id, raterGroup: "student" }))).toMatchObject(
      { code: "FORBIDDEN" },
    );
    const views = await (await as(s.people.teacherA)).appraisal.views({});
    expect(views.length).toBe(before + 1);
    expect(views[0]).toMatchObject({ role: "quality_admin", what: "results.target", viewerNumber: "Q001", at: NOW });
    expect((await (await as(s.people.teacherB)).appraisal.views({})).length).toBe(beforeB);
  });

  it("policies: the live check names the problem in the caller's language; only the quality office creates and approves", async () => {
    const hr = await as(s.people.hr);
    expect((await hr.scoring.policies.list()).length).toBe(1);
    const bad = { ...defaultPolicy("2026-2027"), weights: { default: { student: 0.5, supervisor: 0.3 } } };
    expect(await hr.scoring.policies.check({ policy: bad })).toEqual({
      ok: false,
      policy: null,
      problem: "weights.default 的权重之和须为 1，当前为 0.8。",
    });
    expect((await (await as(s.people.hr, "en")).scoring.policies.check({ policy: { ...bad, trim: 0.7 } })).problem).toBe(
      "The trim fraction must be in [0, 0.5); it is 0.7.",
    );
    expect(await refusalOf(hr.scoring.policies.create({ policy: defaultPolicy("2026-2027") }))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusalOf((await as(s.people.quality)).scoring.policies.create({ policy: bad }))).toEqual({
      code: "BAD_REQUEST",
      message: "weights.default 的权重之和须为 1，当前为 0.8。",
    });
    expect(await refusalOf((await as(s.people.quality)).scoring.recompute({ schoolYear: "2030-2031" }))).toMatchObject({
      code: "CONFLICT",
    });
  });
});
