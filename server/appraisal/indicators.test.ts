import { eq, sql } from "drizzle-orm";
import { assert, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { diagnosisTargets, persons } from "@/db/schema";
import { col, one, queryOne, queryRows, queryValue } from "@/db/query";
import { DEMO_TERMS, seedDemo } from "@/server/demo/seed";
import { createCaller } from "../api/root";
import { loadSessionUser } from "../auth/users";
import { publishCampaign } from "../campaigns/campaigns";
import { importLibrary } from "../instruments/library";
import { loadRegistry } from "../instruments/registry";
import { recompute } from "../scoring/compute";
import { seedDemoScores } from "../scoring/demo";
import { loadHistory } from "../scoring/history";
import { answersFor, approvedPolicy, fileOf, rng } from "../scoring/testing";
import { resetDb, testDb } from "../test/db";
import { expectDomainError, refusalOf } from "../test/errors";
import { differenceOf, normFigure, pooledFigure } from "./indicators";
import { at } from "@/server/shared/indexed";

describe("indicator figures (hand-worked)", () => {
  it("pools the teacher's classes: n-weighted mean, pooled SD, t-interval", () => {
    // class A: n 4, mean 80, sd 10; class B: n 6, mean 90, sd 5
    // mean = (320 + 540) / 10 = 86; SS = 3·100 + 5·25 + 4·36 + 6·16 = 300 + 125 + 144 + 96 = 665
    // SD = √(665/9) = 8.5959; SE = 2.7183; t(0.975, 9) = 2.2622 → half-width 6.1493
    const f = pooledFigure(
      [
        { n: 4, mean: 80, sd: 10 },
        { n: 6, mean: 90, sd: 5 },
      ],
      100,
    );
    assert.exists(f);
    expect(f.n).toBe(10);
    expect(f.mean).toBeCloseTo(86, 10);
    expect(f.ci95?.[0]).toBeCloseTo(79.851, 2);
    expect(f.ci95?.[1]).toBeCloseTo(92.149, 2);
    expect(pooledFigure([], 100)).toBeNull();
    expect(pooledFigure([{ n: 1, mean: 70, sd: null }], 100)).toEqual({ mean: 70, n: 1, ci95: null });
  });

  it("the norm is the mean of class means with k classes; none below 2", () => {
    // 80, 84, 88: mean 84, sd 4, SE 2.3094, t(0.975, 2) = 4.3027 → half-width 9.9366
    const f = normFigure([80, 84, 88], 100);
    expect(f).toMatchObject({ mean: 84, n: 3 });
    expect(f?.ci95?.[0]).toBeCloseTo(74.063, 2);
    expect(f?.ci95?.[1]).toBeCloseTo(93.937, 2);
    expect(normFigure([80], 100)).toBeNull();
  });

  it("marks a difference only where the intervals separate", () => {
    const norm = { mean: 84, n: 30, ci95: [82, 86] as [number, number] };
    expect(differenceOf({ mean: 89, n: 40, ci95: [86.5, 91.5] }, norm)).toBe("above");
    expect(differenceOf({ mean: 79, n: 40, ci95: [76, 81.9] }, norm)).toBe("below");
    expect(differenceOf({ mean: 88, n: 40, ci95: [85.9, 90.1] }, norm)).toBeNull(); // overlaps by 0.1
    expect(differenceOf({ mean: 95, n: 1, ci95: null }, norm)).toBeNull();
    expect(differenceOf({ mean: 95, n: 40, ci95: [94, 96] }, null)).toBeNull();
  });
});

// The teacher's own view and self-diagnosis through the router, on the demo (its last term's
// results are published), plus one more published term for a teacher so that the plan has a
// next term.
let db: Db;
const clock = new Date("2026-09-07T02:00:00Z");
const as = async (number: string, locale: "zh" | "en" = "en") => {
  const p = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, number)));
  return createCaller({ db, user: await loadSessionUser(db, p.id), now: () => clock, locale });
};
let teacher: { id: number; number: string };

beforeAll(async () => {
  db = await testDb();
  await resetDb(db);
  await seedDemo(db, { log: () => {} });
  const q = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality")));
  await importLibrary(db, loadRegistry(), { approvedBy: q.id, note: "示范" });
  await seedDemoScores(db, () => {});
  // a teacher with a teacher account, two reported student classes last term and sections this term
  teacher = await queryOne(
    db,
    { id: col.int, number: col.text },
    sql`
    select p.id, p.number from persons p join role_grants g on g.person_id = p.id and g.role = 'teacher'
    where (select count(*) from target_results r join campaign_targets t on t.id = r.target_id
             where t.teacher_id = p.id and r.reported and r.rater_group = 'student') >= 2
      and exists (select 1 from section_teachers st join sections s on s.id = st.section_id join terms tm on tm.id = s.term_id
             where st.person_id = p.id and st.role = 'lead' and tm.code = ${DEMO_TERMS.current})
    order by p.number limit 1`,
  );
}, 240_000);

describe("the teacher's indicator view", () => {
  it("shows each indicator with n against the norm group's mean with k, from reported groups of published campaigns only", async () => {
    const me = await as(teacher.number);
    const v = await me.appraisal.indicators({});
    expect(v.term?.code).toBe(DEMO_TERMS.previous);
    expect(v.blocks.map((b) => b.group)).not.toContain("self");
    const student = v.blocks.find((b) => b.group === "student");
    assert.exists(student);
    expect(student.targets).toBeGreaterThanOrEqual(2);
    expect(student.normClasses).toBeGreaterThanOrEqual(student.targets);
    expect(student.indicators.map((i) => i.id)).toEqual([
      "I1",
      "I1.1",
      "I1.2",
      "I2",
      "I2.1",
      "I2.2",
      "I3",
      "I3.1",
      "I3.2",
      "I4",
      "I4.1",
      "I5",
      "I5.1",
      "I5.2",
    ]);
    expect(student.indicators.filter((i) => i.level === 2).every((i) => i.parent !== null)).toBe(true);
    for (const i of student.indicators) {
      expect(i.teacher?.n).toBeGreaterThanOrEqual(5);
      expect(i.norm?.n).toBe(student.normClasses);
      expect(i.difference).toBe(differenceOf(i.teacher, i.norm));
    }
    // the teacher's figure is the pooled valid responses of the reported targets, by hand in SQL
    const p = await approvedPolicy(db, "2025-2026");
    const direct = await queryOne(
      db,
      { m: col.num, n: col.int },
      sql`
      select avg(rs.indicators[1]) as m, count(rs.indicators[1])::int as n from response_scores rs
        join campaign_targets t on t.id = rs.target_id join target_results r on r.policy_id = ${p.id} and r.target_id = t.id and r.rater_group = rs.rater_group
      where t.teacher_id = ${teacher.id} and rs.rater_group = 'student' and r.reported and rs.total is not null`,
    );
    expect(student.indicators[0]?.teacher?.n).toBe(direct.n);
    expect(student.indicators[0]?.teacher?.mean).toBeCloseTo(direct.m, 9);
    expect(v.trend.map((t) => t.term)).toEqual([DEMO_TERMS.previous]);
    expect(v.trend[0]?.n).toBeGreaterThan(0);
  });

  it("a group below its minimum enters no figure", async () => {
    const me = await as(teacher.number);
    const before = (await me.appraisal.indicators({})).blocks.find((b) => b.group === "student");
    assert.exists(before);
    const teacherBefore = at(before.indicators, 0).teacher;
    assert.exists(teacherBefore);
    const p = await approvedPolicy(db, "2025-2026");
    // one of the teacher's student classes falls below the minimum (as if fewer had answered)
    const target = await queryValue(
      db,
      col.int,
      sql`select r.target_id from target_results r join campaign_targets t on t.id = r.target_id
      where r.policy_id = ${p.id} and t.teacher_id = ${teacher.id} and r.rater_group = 'student' and r.reported order by r.target_id limit 1`,
    );
    await db.execute(
      sql`update target_results set reported = false where policy_id = ${p.id} and target_id = ${target} and rater_group = 'student'`,
    );
    try {
      const after = (await me.appraisal.indicators({})).blocks.find((b) => b.group === "student");
      assert.exists(after);
      expect(after.targets).toBe(before.targets - 1);
      expect(after.normClasses).toBe(before.normClasses - 1);
      expect(after.indicators[0]?.teacher?.n).toBeLessThan(teacherBefore.n);
    } finally {
      await db.execute(
        sql`update target_results set reported = true where policy_id = ${p.id} and target_id = ${target} and rater_group = 'student'`,
      );
    }
  });

  it("is the teacher's own: other roles are refused", async () => {
    const hr = await as("hr");
    await expect(hr.appraisal.indicators({})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("self-diagnosis", () => {
  it("defaults each 一级 target to the norm mean (to the one decimal it is shown with), saves targets with causes and measures, refuses bad input in the user's language and writes nothing", async () => {
    const me = await as(teacher.number);
    const term = (await me.appraisal.indicators({})).term;
    assert.exists(term);
    const plan = await me.appraisal.diagnosis.plan({ termId: term.id });
    expect(plan.next).toBeNull();
    const student = plan.rows.filter((r) => r.group === "student");
    expect(student.map((r) => r.indicator)).toEqual(["I1", "I2", "I3", "I4", "I5"]);
    for (const r of plan.rows) {
      expect(r.saved).toBe(false);
      // the value the teacher sees beside it, not 86.73333…: a target reads as it was typed
      const shown = r.norm?.mean ?? r.current?.mean;
      assert.exists(shown);
      expect(r.target).toBe(Math.round(shown * 10) / 10);
      expect(r.next).toBeNull();
    }
    const i5 = student.find((r) => r.indicator === "I5");
    assert.exists(i5);
    assert.exists(i5.current);
    const mixed = {
      termId: term.id,
      items: [
        { group: "student" as const, instrument: i5.instrument, indicator: "I5", target: 90 },
        { group: "student" as const, instrument: i5.instrument, indicator: "I5.1", target: 90 },
      ],
    };
    await expectDomainError(me.appraisal.diagnosis.save(mixed), {
      code: "appraisal.errors.diagnosisIndicator",
      params: { indicator: "I5.1" },
    });
    expect(await refusalOf(me.appraisal.diagnosis.save(mixed))).toEqual({
      code: "BAD_REQUEST",
      message: "Indicator I5.1 is not a first-level indicator of that term: no target can be set for it.",
    });
    const zh = await as(teacher.number, "zh");
    expect(
      await refusalOf(
        zh.appraisal.diagnosis.save({
          termId: term.id,
          items: [{ group: "student", instrument: i5.instrument, indicator: "I5", target: 101 }],
        }),
      ),
    ).toEqual({ code: "BAD_REQUEST", message: "指标 I5 的目标值须在 0 到 100 之间。" });
    await expectDomainError(me.appraisal.diagnosis.plan({ termId: 999_999 }), { code: "appraisal.errors.diagnosisTerm" });
    expect(await queryValue(db, col.int, sql`select count(*)::int from diagnosis_targets`)).toBe(0);

    const target = Math.min(100, Math.round((i5.current.mean + 3) * 10) / 10);
    const first = await me.appraisal.diagnosis.save({
      termId: term.id,
      items: [{ group: "student", instrument: i5.instrument, indicator: "I5", target, causes: "课后辅导少", measures: "每周两次答疑" }],
    });
    // the plan is the teacher's own rectification order of the year, once however often it is saved
    expect(first.orderId).not.toBeNull();
    const again = await me.appraisal.diagnosis.save({
      termId: term.id,
      items: [{ group: "student", instrument: i5.instrument, indicator: "I5", target, causes: "课后辅导少", measures: "每周两次答疑" }],
    });
    expect(again.orderId).toBe(first.orderId);
    const orders = await queryRows(
      db,
      { source: col.text, owner_id: col.int, subject_person_id: col.int, unit_id: col.int, dedupe_key: col.text, content: col.text },
      sql`
      select source, owner_id, subject_person_id, unit_id, dedupe_key, content from improvement_items where source = 'self_diagnosis' and owner_id = ${teacher.id}`,
    );
    const { unitId } = one(await db.select({ unitId: persons.unitId }).from(persons).where(eq(persons.id, teacher.id)));
    expect(orders).toEqual([
      {
        source: "self_diagnosis",
        owner_id: teacher.id,
        subject_person_id: teacher.id,
        unit_id: unitId,
        dedupe_key: `self_diagnosis:${teacher.id}:2025-2026`,
        content: expect.stringContaining("教师自我诊断改进计划") as string,
      },
    ]);
    const saved = (await me.appraisal.diagnosis.plan({ termId: term.id })).rows.find((r) => r.group === "student" && r.indicator === "I5");
    expect(saved).toMatchObject({ saved: true, target, causes: "课后辅导少", measures: "每周两次答疑" });
    const row = one(await db.select().from(diagnosisTargets).where(eq(diagnosisTargets.teacherId, teacher.id)));
    expect(row).toMatchObject({ termId: term.id, schoolYear: "2025-2026", raterGroup: "student", indicator: "I5", target });
    expect(row.current).toBeCloseTo(i5.current.mean, 9);
  });

  it("next term shows whether each target was met", async () => {
    // the teacher's sections of this term, rated and published (as an import of results would)
    const sections = await queryRows(
      db,
      { code: col.text, enrolled: col.int },
      sql`
      select s.code, (select count(*)::int from enrolments e where e.section_id = s.id and e.status = 'enrolled') as enrolled
      from sections s join terms tm on tm.id = s.term_id join section_teachers st on st.section_id = s.id and st.role = 'lead'
      where st.person_id = ${teacher.id} and tm.code = ${DEMO_TERMS.current} order by s.code`,
    );
    const file = fileOf("student_evaluation");
    const label = `${file.key}@${await queryValue(db, col.int, sql`select max(v.version)::int from instrument_versions v join instruments i on i.id = v.instrument_id where i.key = ${file.key} and v.status = 'approved'`)}`;
    const random = rng(7);
    const loaded = await loadHistory(
      db,
      {
        rows: 0,
        columns: [],
        versionLabels: [label],
        targets: sections.map((s) => ({
          campaign: "本学期导入",
          section: s.code,
          teacher: teacher.number,
          target: "",
          term: DEMO_TERMS.current,
          unit: "",
          courseType: "",
          level: "",
          teacherUnit: "",
          teacherOffice: "",
          groups: [
            {
              group: "student",
              versionLabel: label,
              eligible: Math.max(s.enrolled, 12),
              responses: Array.from({ length: 12 }, (_, i) => ({
                response: String(i + 1),
                answers: answersFor(file, 0.99, random, { noise: 0.02 }),
              })),
            },
          ],
        })),
      },
      { mode: "existing", actorId: null },
    );
    for (const c of loaded.campaigns) await publishCampaign(db, c.id, clock, null);
    await recompute(db, await approvedPolicy(db, "2026-2027"), { trigger: "manual" });

    const me = await as(teacher.number);
    const terms = (await me.appraisal.indicators({})).terms;
    expect(terms.map((t) => t.code)).toEqual([DEMO_TERMS.current, DEMO_TERMS.previous]);
    const plan = await me.appraisal.diagnosis.plan({ termId: at(terms, 1).id });
    expect(plan.next?.code).toBe(DEMO_TERMS.current);
    const i5 = plan.rows.find((r) => r.group === "student" && r.indicator === "I5");
    assert.exists(i5);
    // near-top answers next term: the target (at most 3 points above last term) is met
    expect(i5.next?.term).toBe(DEMO_TERMS.current);
    expect(i5.next?.value?.n).toBeGreaterThanOrEqual(12);
    assert.exists(i5.next?.value);
    expect(i5.next.met).toBe(i5.next.value.mean >= i5.target);
    expect(i5.next.met).toBe(true);
    // a target never saved has no outcome
    expect(plan.rows.find((r) => r.group === "student" && r.indicator === "I1")?.next).toBeNull();
  });
});
