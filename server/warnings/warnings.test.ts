import { eq, sql } from "drizzle-orm";
import { assert, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, one, queryRows, queryValue } from "@/db/query";
import { improvementItems, persons, scoringPolicies, teacherComposites, terms, warnings, type WarningEvidence } from "@/db/schema";
import { at } from "@/server/shared/indexed";
import { createCaller } from "../api/root";
import { nextMeasurement } from "../improvement/figures";
import { recompute } from "../scoring/compute";
import { approvePolicy, createPolicy, defaultPolicy } from "../scoring/policies";
import { answersFor, approvedPolicy, fileOfGroup, respond, rng, scoringCampaign, targetOf, type ScoringCampaign } from "../scoring/testing";
import { refusalOf, expectDomainError } from "../test/errors";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { approveRuleSet, createRuleSet, rulesInForce, ruleSets, type RuleSetInput } from "./rules";
import { convertWarning, dismissWarning, evaluateWarnings, listWarnings } from "./warnings";

let db: Db;
let s: School;
let c: ScoringCampaign;
const NOW = new Date("2027-02-01T02:00:00Z");

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  c = await scoringCampaign(db, s);
});

async function rules(input: RuleSetInput) {
  const made = await createRuleSet(db, NOW, s.people.quality, input);
  await approveRuleSet(db, NOW, s.people.quality, { id: made.id, note: "质量办审定" });
  return made;
}

/** Teacher A's CS101-01 low and half answered, teacher B's EN101-01 high; a policy of the year, recomputed. */
async function scores() {
  const r = rng(11);
  await respond(
    db,
    c,
    "CS101-01",
    "student",
    Array.from({ length: 6 }, () => answersFor(fileOfGroup("student"), 0.25, r)),
  );
  await respond(
    db,
    c,
    "EN101-01",
    "student",
    Array.from({ length: 12 }, () => answersFor(fileOfGroup("student"), 0.95, r)),
  );
  await respond(
    db,
    c,
    "EN101-01",
    "supervisor",
    Array.from({ length: 3 }, () => answersFor(fileOfGroup("supervisor"), 0.2, r)),
  );
  const p = await createPolicy(db, defaultPolicy("2026-2027"), s.people.quality.id);
  await approvePolicy(db, p.id, s.people.quality.id, "测试", NOW);
  return approvedPolicy(db, "2026-2027");
}

const allWarnings = () => db.select().from(warnings).orderBy(warnings.id);

describe("warning rule sets", () => {
  it("refuses an unknown figure and an impossible threshold in the user's language, and writes nothing", async () => {
    await expectDomainError(createRuleSet(db, NOW, s.people.quality, { rules: [{ key: "x", name: "x", kind: "gpa_below", params: {} }] }), {
      code: "improvement.warnings.errors.unknownKind",
      kind: "BAD_REQUEST",
      params: { rule: "x", kind: "gpa_below" },
    });
    await expectDomainError(
      createRuleSet(db, NOW, s.people.quality, {
        rules: [{ key: "low", name: "低分", kind: "composite_below", params: { threshold: 150 } }],
      }),
      { code: "improvement.warnings.errors.badThreshold", params: { rule: "low", param: "threshold", value: 150 } },
    );
    await expectDomainError(
      createRuleSet(db, NOW, s.people.quality, {
        rules: [{ key: "share", name: "后5%", kind: "composite_bottom_share", params: { share: 0 } }],
      }),
      { code: "improvement.warnings.errors.badThreshold", params: { param: "share" } },
    );
    await expectDomainError(
      createRuleSet(db, NOW, s.people.quality, {
        rules: [{ key: "rr", name: "参评率", kind: "response_rate_below", params: { floor: 60 } }],
      }),
      { code: "improvement.warnings.errors.badThreshold", params: { param: "floor", value: 60 } },
    );
    await expectDomainError(
      createRuleSet(db, NOW, s.people.quality, { rules: [{ key: "a", name: "a", kind: "composite_below", params: { cutoff: 1 } }] }),
      { code: "improvement.warnings.errors.unknownParam" },
    );
    expect(await queryValue(db, col.int, sql`select count(*)::int from warning_rule_sets`)).toBe(0);
    // through the procedure: the message in the caller's language
    const zh = createCaller({ db, user: await sessionOf(db, s.people.quality), locale: "zh" });
    expect(
      (await refusalOf(zh.warnings.createRules({ rules: [{ key: "x", name: "x", kind: "gpa_below", params: {} }] }))).message,
    ).toContain("预警指标“gpa_below”不存在");
  });

  it("is versioned and approved with the lifecycle: defaults filled in, the same rules again unchanged, the latest approved in force", async () => {
    const a = await createRuleSet(db, NOW, s.people.quality, {
      rules: [{ key: "low", name: "低分", kind: "composite_below", params: {} }],
    });
    expect(a).toMatchObject({ status: "created", version: 1 });
    expect(
      await createRuleSet(db, NOW, s.people.quality, {
        rules: [{ key: "low", name: "低分", kind: "composite_below", params: { threshold: 70 } }],
      }),
    ).toMatchObject({ status: "unchanged", version: 1 });
    expect(await rulesInForce(db)).toBeNull();
    await approveRuleSet(db, NOW, s.people.quality, { id: a.id, note: "审定" });
    expect((await rulesInForce(db))?.rules).toEqual([
      { key: "low", name: "低分", kind: "composite_below", params: { threshold: 70 }, action: "review", deadlineDays: 30 },
    ]);
    await expectDomainError(approveRuleSet(db, NOW, s.people.quality, { id: a.id, note: "再审" }), {
      code: "improvement.warnings.errors.alreadyApproved",
    });
  });
});

describe("evaluation after a recompute", () => {
  it("raises a warning per rule and subject with its evidence, updates it on the next recompute, never twice", async () => {
    await rules({
      rules: [
        { key: "low", name: "综合得分低于80", kind: "composite_below", params: { threshold: 80 } },
        { key: "rate", name: "参评率低于60%", kind: "response_rate_below", params: { floor: 0.6 } },
        { key: "obs", name: "听课低于60", kind: "observation_below", params: { threshold: 60 } },
      ],
    });
    const p = await scores();
    const run = await recompute(db, p, { trigger: "command", now: () => NOW });
    assert.exists(run.warnings);
    expect(run.warnings).toMatchObject({ raised: run.warnings.hits, cleared: 0, sent: 0 });
    const ws = await allWarnings();
    const low = ws.find((w) => w.ruleKey === "low");
    assert.exists(low);
    expect(low).toMatchObject({
      teacherId: s.people.teacherA.id,
      termId: s.term.id,
      unitId: s.officeA.id,
      status: "open",
      kind: "composite_below",
    });
    expect(low.evidence).toMatchObject({ figure: "teacher_composite", threshold: 80, n: 6 });
    expect(low.evidence.value).toBeLessThan(80);
    // CS101-01: 6 of 14 enrolled answered
    const rate = ws.find((w) => w.ruleKey === "rate" && w.sectionId === s.secA.id);
    assert.exists(rate);
    expect(rate.evidence).toMatchObject({ figure: "response_rate", n: 6, eligible: 14, threshold: 0.6 });
    expect(rate.evidence.value).toBeCloseTo(6 / 14, 4);
    expect(ws.some((w) => w.ruleKey === "rate" && w.sectionId === s.secB.id)).toBe(false);
    // sections nobody answered have a rate of 0 (n = 0 of their eligible)
    expect(ws.find((w) => w.ruleKey === "rate" && w.teacherId === c.teacherC.id)?.evidence).toMatchObject({ value: 0, n: 0, eligible: 12 });
    const obs = ws.find((w) => w.ruleKey === "obs");
    assert.exists(obs);
    expect(obs).toMatchObject({
      teacherId: s.people.teacherB.id,
      sectionId: s.secB.id,
      subjectKey: `target:${targetOf(c, "EN101-01").id}:supervisor`,
    });
    expect(obs.evidence).toMatchObject({ figure: "observation_score", n: 3, group: "supervisor" });
    // nobody rated teacher C: no composite, no composite warning
    expect(ws.some((w) => w.teacherId === c.teacherC.id && w.ruleKey !== "rate")).toBe(false);

    const again = await recompute(db, p, { trigger: "command", now: () => new Date(NOW.getTime() + 60_000) });
    expect(again.warnings).toMatchObject({ raised: 0, cleared: 0 });
    expect((await allWarnings()).map((w) => w.id)).toEqual(ws.map((w) => w.id));
  });

  it("the quality office turns a warning into one order with the figure before; a direct rule issues it itself, once", async () => {
    await rules({ rules: [{ key: "low", name: "综合得分低于80", kind: "composite_below", params: { threshold: 80 }, deadlineDays: 20 }] });
    const p = await scores();
    await recompute(db, p, { trigger: "command", now: () => NOW });
    const w = at(await allWarnings(), 0);
    const made = await convertWarning(db, NOW, s.people.quality, { warningId: w.id });
    expect(made.created).toBe(true);
    const o = one(await db.select().from(improvementItems));
    expect(o).toMatchObject({
      source: "warning",
      sourceRef: { kind: "warning", id: w.id },
      unitId: s.officeA.id,
      subjectPersonId: s.people.teacherA.id,
      deadline: "2027-02-21",
      dedupeKey: `warning:low:teacher:${s.people.teacherA.id}:term:${s.term.id}`,
      status: "issued",
    });
    expect(o.figure).toMatchObject({ figure: "teacher_composite", teacherId: s.people.teacherA.id, termId: s.term.id, target: 80, n: 6 });
    // the order says what was found in words: the figure's name and the rule's condition, not their codes
    expect(o.content).toMatch(/^教学质量预警（.+）：教师综合评价为 [\d.]+（n = 6）；预警条件：教师综合评价得分低于阈值：阈值 80。/);
    expect(o.content).toContain("综合得分低于80");
    await expectDomainError(convertWarning(db, NOW, s.people.quality, { warningId: w.id }), {
      code: "improvement.warnings.errors.warningNotOpen",
      kind: "CONFLICT",
    });
    await expectDomainError(dismissWarning(db, NOW, s.people.quality, { warningId: w.id, note: "x" }), {
      code: "improvement.warnings.errors.warningNotOpen",
    });

    // a rule that sends directly: its warning is an order at once, and stays one order over recomputes
    await rules({ rules: [{ key: "direct-low", name: "直接下发", kind: "composite_below", params: { threshold: 80 }, action: "direct" }] });
    const r1 = await recompute(db, p, { trigger: "command", now: () => NOW });
    assert.exists(r1.warnings);
    expect(r1.warnings.sent).toBeGreaterThanOrEqual(1);
    expect(r1.warnings.sent).toBe(r1.warnings.hits);
    const r2 = await recompute(db, p, { trigger: "command", now: () => NOW });
    expect(r2.warnings).toMatchObject({ raised: 0, sent: 0 });
    const orders = await queryRows(
      db,
      { dedupe_key: col.text },
      sql`select dedupe_key from improvement_items where dedupe_key like 'warning:direct-low:%'`,
    );
    expect(orders).toHaveLength(r1.warnings.sent);
    expect(orders.map((o) => o.dedupe_key)).toContain(`warning:direct-low:teacher:${s.people.teacherA.id}:term:${s.term.id}`);
    // a teacher no longer active: the order is refused, the warning stays open, the evaluation goes on
    await db.update(persons).set({ active: false }).where(eq(persons.id, s.people.teacherA.id));
    await db.execute(
      sql`update warnings set status = 'open', order_id = null where rule_key = 'direct-low' and teacher_id = ${s.people.teacherA.id}`,
    );
    await db.execute(sql`update improvement_items set status = 'cancelled' where dedupe_key like 'warning:direct-low:%'`);
    const r3 = await recompute(db, p, { trigger: "command", now: () => NOW });
    expect(r3.warnings).toMatchObject({ unsent: 1 });
    expect((await allWarnings()).find((x) => x.ruleKey === "direct-low" && x.teacherId === s.people.teacherA.id)?.status).toBe("open");
    // the earlier rule is no longer in force: its converted warning stays converted
    expect((await allWarnings()).find((x) => x.id === w.id)?.status).toBe("converted");
  });

  it("clears an open warning that no rule finds any more, and dismisses with a note", async () => {
    const first = await rules({
      rules: [
        { key: "low", name: "低于80", kind: "composite_below", params: { threshold: 80 } },
        { key: "rate", name: "参评率", kind: "response_rate_below", params: { floor: 0.6 } },
      ],
    });
    expect(first.version).toBe(1);
    const p = await scores();
    await recompute(db, p, { trigger: "command", now: () => NOW });
    const rate = (await allWarnings()).find((w) => w.ruleKey === "rate");
    assert.exists(rate);
    await dismissWarning(db, NOW, s.people.quality, { warningId: rate.id, note: "学期末调课，已知" });
    const open = (await allWarnings()).filter((w) => w.status === "open").length;
    await rules({ rules: [{ key: "low", name: "低于10", kind: "composite_below", params: { threshold: 10 } }] });
    const r = await evaluateWarnings(db, NOW, { policyId: p.id, schoolYear: "2026-2027", outOf: 100 });
    expect(r).toMatchObject({ hits: 0, cleared: open });
    const ws = await allWarnings();
    expect(ws.find((w) => w.ruleKey === "low")?.status).toBe("cleared");
    expect(ws.find((w) => w.id === rate.id)).toMatchObject({ status: "dismissed", note: "学期末调课，已知" });
    const list = await listWarnings(db, { status: "dismissed" });
    expect(list.total).toBe(1);
  });

  it("a drop from the previous term larger than the amount and the combined 95 % intervals", async () => {
    const p = await scores();
    await recompute(db, p, { trigger: "command", now: () => NOW });
    const mine = one(
      await db
        .select()
        .from(teacherComposites)
        .where(sql`${teacherComposites.teacherId} = ${s.people.teacherA.id} and ${teacherComposites.termId} is not null`),
    );
    const se = (mine.composite as { se: number | null }).se;
    expect(se).not.toBeNull();
    // the previous term under its own year's policy: well above, with the same standard error
    const prevTerm = one(
      await db
        .insert(terms)
        .values({ code: "2025-2026-2", schoolYear: "2025-2026", semester: 2, startsOn: "2026-02-20", endsOn: "2026-07-10" })
        .returning(),
    );
    const old = one(
      await db
        .insert(scoringPolicies)
        .values({
          schoolYear: "2025-2026",
          version: 1,
          hash: "h",
          status: "approved",
          approvedAt: NOW,
          policy: defaultPolicy("2025-2026"),
        })
        .returning(),
    );
    assert.exists(mine.score);
    const before = mine.score + 30;
    await db.insert(teacherComposites).values({
      policyId: old.id,
      runId: 1,
      teacherId: s.people.teacherA.id,
      termId: prevTerm.id,
      schoolYear: "2025-2026",
      score: before,
      composite: { parts: [{ groups: { student: { n: 30 } } }], se },
    });
    await rules({
      rules: [
        { key: "drop", name: "下降超过5分", kind: "composite_drop", params: { amount: 5 } },
        { key: "drop-big", name: "下降超过40分", kind: "composite_drop", params: { amount: 40 } },
      ],
    });
    await evaluateWarnings(db, NOW, { policyId: p.id, schoolYear: "2026-2027", outOf: 100 });
    const ws = await allWarnings();
    expect(ws).toHaveLength(1);
    const e: WarningEvidence = at(ws, 0).evidence;
    expect(ws[0]).toMatchObject({ ruleKey: "drop", teacherId: s.people.teacherA.id });
    expect(e).toMatchObject({ figure: "teacher_composite", threshold: 5, previousTermId: prevTerm.id });
    expect(e.drop).toBeCloseTo(30, 1);
    assert.exists(se);
    expect(e.interval).toBeCloseTo(1.959963984540054 * Math.sqrt(2) * se, 1);
  });
});

describe("section_score_below: a class's student score below a threshold", () => {
  it("hits a reported class with its evidence and n, never a class below the minimum of student raters; its order is measured by the student score", async () => {
    await rules({ rules: [{ key: "class", name: "学生评教低于80", kind: "section_score_below", params: { threshold: 80 } }] });
    const p = await scores();
    // teacher C's CS103-01: 3 students answered, lower still, below the policy's minimum of 5 student raters
    const r = rng(5);
    await respond(
      db,
      c,
      "CS103-01",
      "student",
      Array.from({ length: 3 }, () => answersFor(fileOfGroup("student"), 0.1, r)),
    );
    await recompute(db, p, { trigger: "command", now: () => NOW });
    const result = (code: string) =>
      queryRows(
        db,
        { reported: col.bool, n: col.int, value: col.num.nullable },
        sql`select reported, n, mean * 100 / ${p.policy.outOf}::float8 as value from target_results
          where policy_id = ${p.id} and target_id = ${targetOf(c, code).id} and rater_group = 'student'`,
      );
    const ws = (await allWarnings()).filter((w) => w.ruleKey === "class");
    // CS101-01 (6 students, low) only: EN101-01 is above, the classes nobody answered have no score
    expect(ws).toHaveLength(1);
    const hit = at(ws, 0);
    expect(hit).toMatchObject({
      kind: "section_score_below",
      subjectKey: `target:${targetOf(c, "CS101-01").id}:student`,
      teacherId: s.people.teacherA.id,
      sectionId: s.secA.id,
      courseId: s.courseA.id,
      termId: s.term.id,
      unitId: s.unitA.id,
      status: "open",
    });
    const reported = one(await result("CS101-01"));
    expect(reported).toMatchObject({ reported: true, n: 6 });
    expect(hit.evidence).toMatchObject({ figure: "student_score", n: 6, threshold: 80 });
    expect(hit.evidence.value).toBeCloseTo(reported.value ?? Number.NaN, 2);
    expect(hit.evidence.value).toBeLessThan(80);
    const figure = {
      figure: "student_score" as const,
      teacherId: s.people.teacherA.id,
      courseId: s.courseA.id,
      termId: s.term.id,
      value: hit.evidence.value,
      n: 6,
      target: 80,
    };
    expect((hit.evidence as WarningEvidence & { order?: unknown }).order).toEqual(figure);

    // below the minimum: a score exists, lower than the threshold, and is not reported, so no hit
    const small = one(await result("CS103-01"));
    expect(small).toMatchObject({ reported: false, n: 3 });
    expect(small.value).toBeLessThan(80);
    expect((await allWarnings()).some((w) => w.teacherId === c.teacherC.id)).toBe(false);

    // the order: the figure and the condition in words, the figure kept for its next measurement
    const made = await convertWarning(db, NOW, s.people.quality, { warningId: hit.id });
    const o = one(await db.select().from(improvementItems).where(eq(improvementItems.id, made.orderId)));
    expect(o.figure).toEqual(figure);
    expect(o.content).toContain(`学生评教得分为 ${hit.evidence.value}（n = 6）；预警条件：教学班学生评教得分低于阈值：阈值 80。`);
    // measured from the term before, the next measurement is this term's student score; teacher C's
    // class, below the minimum, measures nothing
    const prev = one(
      await db
        .insert(terms)
        .values({ code: "2025-2026-2", schoolYear: "2025-2026", semester: 2, startsOn: "2026-02-20", endsOn: "2026-07-10" })
        .returning(),
    );
    const next = await nextMeasurement(db, { ...figure, termId: prev.id });
    expect(next).toMatchObject({ termId: s.term.id, termCode: s.term.code, n: 6 });
    expect(next?.value).toBeCloseTo(hit.evidence.value, 1);
    expect(
      await nextMeasurement(db, { figure: "student_score", teacherId: c.teacherC.id, termId: prev.id, value: 0, n: 0, target: 80 }),
    ).toBeNull();
  });

  it("refuses an impossible threshold in the caller's language; the rules page's form gets its bounds and default", async () => {
    const input = (threshold: number) => ({
      rules: [{ key: "class", name: "学生评教", kind: "section_score_below", params: { threshold } }],
    });
    await expectDomainError(createRuleSet(db, NOW, s.people.quality, input(101)), {
      code: "improvement.warnings.errors.badThreshold",
      kind: "BAD_REQUEST",
      params: { rule: "class", param: "threshold", value: 101, min: 0, max: 100 },
    });
    await expectDomainError(createRuleSet(db, NOW, s.people.quality, input(-1)), {
      code: "improvement.warnings.errors.badThreshold",
      params: { param: "threshold", value: -1 },
    });
    const user = await sessionOf(db, s.people.quality);
    const zh = createCaller({ db, user, locale: "zh" });
    const en = createCaller({ db, user, locale: "en" });
    expect((await refusalOf(zh.warnings.createRules(input(101)))).message).toBe(
      "规则“class”的参数“threshold”为 101，不可能达到：应在 [0, 100] 之间。",
    );
    expect((await refusalOf(en.warnings.createRules(input(101)))).message).toBe(
      'Rule "class": threshold = 101 is impossible; it must be within [0, 100].',
    );
    expect(await queryValue(db, col.int, sql`select count(*)::int from warning_rule_sets`)).toBe(0);
    expect((await ruleSets(db)).kinds).toContainEqual({
      id: "section_score_below",
      params: [{ name: "threshold", min: 0, max: 100, default: 70 }],
    });
  });
});
