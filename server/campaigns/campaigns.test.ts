import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import {
  campaignInstruments,
  campaigns,
  campaignTargets,
  courses,
  eligibility,
  employers,
  enrolments,
  graduateCohorts,
  persons,
  roleGrants,
  sectionTeachers,
  sections,
} from "@/db/schema";
import { col, one, queryRows, queryValue } from "@/db/query";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { assignmentSummary, generateAssignments } from "./assign";
import { closeCampaign, createCampaign, openCampaign, setCampaignInstruments, type CreateCampaignInput } from "./campaigns";
import { cohortYearFor } from "./kinds";
import { listObservations, planObservations } from "./observe";
import { tinyVersions } from "./testing";
import { expectDomainError } from "../test/errors";
import { at } from "@/server/shared/indexed";

const NOW = new Date("2026-12-20T08:00:00Z");
const OPENS = new Date("2026-12-25T00:00:00Z");
const CLOSES = new Date("2027-01-15T00:00:00Z");
const DURING = new Date("2026-12-28T00:00:00Z");
const KEY_SECRET = "campaigns-test-secret-0123456789abcdef";

let db: Db;
let s: School;
let x: Awaited<ReturnType<typeof extend>>;
let v: Awaited<ReturnType<typeof versions>>;

/**
 * Extra rows on the fixture school: secA gets a co-teacher (two targets) and a withdrawn
 * student; college A has two more sections (an elective with one student taught by a
 * third teacher, a practice course taught by the dean), a section with no teacher;
 * observers: a school supervisor, a school leader, the dean of A (unit leader).
 */
async function extend(db: Db, s: School) {
  const staff = async (
    number: string,
    name: string,
    unitId: number,
    grants: { role: "teacher" | "supervisor" | "leader"; unitId?: number }[],
  ) => {
    const p = one(await db.insert(persons).values({ number, name, kind: "staff", unitId }).returning());
    await db.insert(roleGrants).values(grants.map((g) => ({ personId: p.id, role: g.role, unitId: g.unitId ?? null })));
    return p;
  };
  const teacherA2 = await staff("T003", "王老师", s.officeA.id, [{ role: "teacher" }]);
  const teacherA3 = await staff("T004", "赵老师", s.officeA.id, [{ role: "teacher" }]);
  const deanA = await staff("T005", "孙院长", s.unitA.id, [{ role: "teacher" }, { role: "leader", unitId: s.unitA.id }]);
  const schoolSup = await staff("T006", "钱督导", s.school.id, [{ role: "supervisor" }]);
  const schoolLeader = await staff("L001", "李校长", s.school.id, [{ role: "leader" }]);
  const student3 = one(
    await db
      .insert(persons)
      .values({ number: "2023003", name: "吴同学", kind: "student", unitId: s.unitA.id, programmeId: s.progA.id })
      .returning(),
  );
  const newCourses = await db
    .insert(courses)
    .values([
      { code: "CS102", name: "人工智能导论", unitId: s.unitA.id, programmeId: s.progA.id, type: "elective" },
      { code: "CS103", name: "程序设计实践", unitId: s.unitA.id, programmeId: s.progA.id, type: "practice" },
      { code: "CS104", name: "学科前沿讲座", unitId: s.unitA.id, programmeId: s.progA.id, type: "core" },
    ])
    .returning();
  const cs102 = at(newCourses, 0);
  const cs103 = at(newCourses, 1);
  const cs104 = at(newCourses, 2);
  const newSections = await db
    .insert(sections)
    .values([
      { code: "CS102-01", termId: s.term.id, courseId: cs102.id },
      { code: "CS103-01", termId: s.term.id, courseId: cs103.id },
      { code: "CS104-01", termId: s.term.id, courseId: cs104.id },
    ])
    .returning();
  const secA2 = at(newSections, 0);
  const secA3 = at(newSections, 1);
  const secNoTeacher = at(newSections, 2);
  await db.insert(sectionTeachers).values([
    { sectionId: s.secA.id, personId: teacherA2.id, role: "co", share: "0.5" },
    { sectionId: secA2.id, personId: teacherA3.id },
    { sectionId: secA3.id, personId: deanA.id },
  ]);
  await db.insert(enrolments).values([
    { sectionId: s.secA.id, personId: student3.id, status: "withdrawn" },
    { sectionId: secA2.id, personId: s.people.studentA.id },
    { sectionId: secA3.id, personId: s.people.studentA.id },
    { sectionId: secA3.id, personId: student3.id },
    { sectionId: secNoTeacher.id, personId: s.people.studentA.id },
  ]);
  return { teacherA2, teacherA3, deanA, schoolSup, schoolLeader, student3, secA2, secA3, secNoTeacher };
}

async function versions() {
  const approved = await tinyVersions(
    db,
    [
      "student_evaluation",
      "self_evaluation",
      "peer_evaluation",
      "supervisor_observation",
      "leader_observation",
      "graduate_tracking",
      "employer_tracking",
    ] as const,
    s.people.quality.id,
  );
  const draft = await tinyVersions(db, ["student_evaluation"] as const, s.people.quality.id, { draft: true });
  return { ...approved, draftStudent: draft.student_evaluation };
}

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  x = await extend(db, s);
  v = await versions();
});

const endOfTerm = (patch: Partial<CreateCampaignInput> = {}): CreateCampaignInput => ({
  kind: "end_of_term",
  name: "2026-2027-1 期末评教",
  termId: s.term.id,
  opensAt: OPENS,
  closesAt: CLOSES,
  instruments: [
    { raterGroup: "student", instrumentVersionId: v.student_evaluation },
    { raterGroup: "self", instrumentVersionId: v.self_evaluation },
  ],
  ...patch,
});
const quality = () => sessionOf(db, s.people.quality);
const countCampaigns = async () => (await db.select().from(campaigns)).length;

describe("createCampaign", () => {
  it("creates a draft with its instrument versions", async () => {
    const c = await createCampaign(db, await quality(), endOfTerm(), NOW);
    expect(c).toMatchObject({ kind: "end_of_term", state: "draft", termId: s.term.id, scopeUnitId: null, createdBy: s.people.quality.id });
    const ins = await db.select().from(campaignInstruments).where(eq(campaignInstruments.campaignId, c.id));
    expect(ins.map((i) => [i.raterGroup, i.instrumentVersionId]).sort()).toEqual([
      ["self", v.self_evaluation],
      ["student", v.student_evaluation],
    ]);
  });

  it("refuses bad input and stores nothing", async () => {
    const q = await quality();
    await expectDomainError(createCampaign(db, q, endOfTerm({ opensAt: CLOSES, closesAt: OPENS }), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.windowOrder",
    });
    await expectDomainError(createCampaign(db, q, endOfTerm({ opensAt: OPENS, closesAt: OPENS }), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.windowOrder",
    });
    await expectDomainError(createCampaign(db, q, endOfTerm(), new Date("2027-02-01")), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.windowPast",
    });
    await expectDomainError(createCampaign(db, q, endOfTerm({ name: "  " }), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.nameRequired",
    });
    await expectDomainError(createCampaign(db, q, endOfTerm({ termId: undefined }), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.termRequired",
    });
    await expectDomainError(createCampaign(db, q, endOfTerm({ instruments: [] }), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.instrumentsRequired",
    });
    await expectDomainError(createCampaign(db, q, { ...endOfTerm(), extra: 1 } as never, NOW), {
      kind: "BAD_REQUEST",
      code: "errors.invalidInput",
    });
    // A draft (not approved) version.
    await expectDomainError(
      createCampaign(db, q, endOfTerm({ instruments: [{ raterGroup: "student", instrumentVersionId: v.draftStudent }] }), NOW),
      { kind: "BAD_REQUEST", code: "instruments.errors.notApproved" },
    );
    // The wrong instrument kind for the group, and a group the kind does not have.
    await expectDomainError(
      createCampaign(db, q, endOfTerm({ instruments: [{ raterGroup: "student", instrumentVersionId: v.peer_evaluation }] }), NOW),
      { kind: "BAD_REQUEST", code: "campaigns.errors.wrongInstrumentKind" },
    );
    await expectDomainError(
      createCampaign(db, q, endOfTerm({ instruments: [{ raterGroup: "alumni", instrumentVersionId: v.graduate_tracking }] }), NOW),
      { kind: "BAD_REQUEST", code: "campaigns.errors.groupNotForKind" },
    );
    await expectDomainError(
      createCampaign(
        db,
        q,
        endOfTerm({
          instruments: [
            { raterGroup: "student", instrumentVersionId: v.student_evaluation },
            { raterGroup: "student", instrumentVersionId: v.student_evaluation },
          ],
        }),
        NOW,
      ),
      { kind: "BAD_REQUEST", code: "campaigns.errors.duplicateRaterGroup" },
    );
    expect(await countCampaigns()).toBe(0);
  });

  it("a unit admin creates only within its own unit; the whole school is the quality office's", async () => {
    const adminA = await sessionOf(db, s.people.adminA);
    await expectDomainError(createCampaign(db, adminA, endOfTerm({ scopeUnitId: s.unitB.id }), NOW), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.outsideScope",
    });
    await expectDomainError(createCampaign(db, adminA, endOfTerm({ scopeUnitId: null }), NOW), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.outsideScope",
    });
    await expectDomainError(createCampaign(db, await sessionOf(db, s.people.teacherA), endOfTerm(), NOW), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.forbidden",
    });
    expect(await countCampaigns()).toBe(0);
    expect(await createCampaign(db, adminA, endOfTerm({ scopeUnitId: s.unitA.id }), NOW)).toMatchObject({ scopeUnitId: s.unitA.id });
    expect(await createCampaign(db, adminA, endOfTerm({ scopeUnitId: s.officeA.id }), NOW)).toMatchObject({ scopeUnitId: s.officeA.id });
    expect(await createCampaign(db, await quality(), endOfTerm({ scopeUnitId: s.unitB.id }), NOW)).toMatchObject({
      scopeUnitId: s.unitB.id,
    });
  });

  it("graduate tracking takes cohorts (0.5, 3 or 5 years after graduation), employer tracking employers", async () => {
    const q = await quality();
    await db.insert(graduateCohorts).values([
      { programmeId: s.progA.id, graduationYear: 2026 },
      { programmeId: s.progB.id, graduationYear: 2026 },
      { programmeId: s.progA.id, graduationYear: 2023 },
    ]);
    expect([cohortYearFor(OPENS, 0.5), cohortYearFor(OPENS, 3), cohortYearFor(OPENS, 5)]).toEqual([2026, 2023, 2021]);
    const tracking = (patch: Partial<CreateCampaignInput>): CreateCampaignInput => ({
      kind: "graduate_tracking",
      name: "2026 毕业生跟踪调查",
      opensAt: OPENS,
      closesAt: CLOSES,
      instruments: [{ raterGroup: "alumni", instrumentVersionId: v.graduate_tracking }],
      cohorts: [
        { graduationYear: 2026, offsetYears: 0.5 },
        { graduationYear: 2023, offsetYears: 3 },
      ],
      ...patch,
    });
    await expectDomainError(createCampaign(db, q, tracking({ termId: s.term.id }), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.termNotAllowed",
    });
    await expectDomainError(createCampaign(db, q, tracking({ cohorts: [] }), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.cohortsRequired",
    });
    await expectDomainError(createCampaign(db, q, tracking({ cohorts: [{ graduationYear: 2026, offsetYears: 2 as never }] }), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.badOffset",
    });
    await expectDomainError(createCampaign(db, q, tracking({ cohorts: [{ graduationYear: 2018, offsetYears: 0.5 }] }), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.cohortOffsetMismatch",
    });
    await expectDomainError(createCampaign(db, q, tracking({ cohorts: [{ graduationYear: 2021, offsetYears: 5 }] }), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.noCohorts",
    });
    await expectDomainError(
      createCampaign(db, q, tracking({ instruments: [{ raterGroup: "alumni", instrumentVersionId: v.employer_tracking }] }), NOW),
      { kind: "BAD_REQUEST", code: "campaigns.errors.wrongInstrumentKind" },
    );
    const c = await createCampaign(db, q, tracking({}), NOW);
    expect(await generateAssignments(db, c.id)).toMatchObject({ targets: 3, eligibility: 0 });
    // A unit's wave covers its programmes' cohorts only.
    const cA = await createCampaign(db, await sessionOf(db, s.people.adminB), tracking({ scopeUnitId: s.unitB.id }), NOW);
    expect(await generateAssignments(db, cA.id)).toMatchObject({ targets: 1 });
    const sum = await assignmentSummary(db, cA.id);
    expect(sum.units.map((u) => [u.unitCode, u.targets])).toEqual([["B", 1]]);
    expect(await openCampaign(db, c.id, DURING, null, KEY_SECRET)).toMatchObject({ state: "open" });

    await db.insert(employers).values([
      { code: "E1", name: "甲公司" },
      { code: "E2", name: "乙公司" },
    ]);
    const emp = (employersSel: CreateCampaignInput["employers"]): CreateCampaignInput => ({
      kind: "employer_tracking",
      name: "用人单位跟踪调查",
      opensAt: OPENS,
      closesAt: CLOSES,
      employers: employersSel,
      instruments: [{ raterGroup: "employer", instrumentVersionId: v.employer_tracking }],
    });
    await expectDomainError(createCampaign(db, q, emp(undefined), NOW), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.employersRequired",
    });
    await expectDomainError(createCampaign(db, q, emp([999999]), NOW), { kind: "BAD_REQUEST", code: "campaigns.errors.employerNotFound" });
    const e = await createCampaign(db, q, emp("all"), NOW);
    expect(await generateAssignments(db, e.id)).toMatchObject({ targets: 2 });
  });
});

describe("generateAssignments (end of term)", () => {
  it("makes teacher × section targets, student and self eligibility, and a summary", async () => {
    const c = await createCampaign(db, await quality(), endOfTerm(), NOW);
    const r = await generateAssignments(db, c.id);
    // secA: 2 teachers; secB, CS102, CS103: 1 each; CS104 has no teacher.
    expect(r).toMatchObject({ targets: 5, excludedSections: 1 });
    const targets = await db.select().from(campaignTargets).where(eq(campaignTargets.campaignId, c.id));
    expect(
      targets
        .filter((t) => t.sectionId === s.secA.id)
        .map((t) => t.teacherId)
        .sort(),
    ).toEqual([s.people.teacherA.id, x.teacherA2.id].sort());
    // Students: secA 2 (withdrawn left out) × 2 targets, secB 1, CS102 1, CS103 2 → 8; self: 5.
    const sum = await assignmentSummary(db, c.id);
    expect(sum).toMatchObject({
      targets: 5,
      sections: 4,
      eligibleStudents: 3,
      eligibilityRows: 13,
      byGroup: { student: 8, self: 5 },
      excludedByReason: { no_teacher: 1 },
    });
    expect(r.eligibility).toBe(13);
    expect(sum.excluded).toEqual([expect.objectContaining({ sectionId: x.secNoTeacher.id, courseCode: "CS104", reason: "no_teacher" })]);
    expect(sum.units.map((u) => [u.unitCode, u.sections, u.targets, u.eligibleStudents, u.excludedSections])).toEqual([
      ["A", 3, 4, 3, 1],
      ["B", 1, 1, 1, 0],
    ]);
    const withdrawn = await db.select().from(eligibility).where(eq(eligibility.personId, x.student3.id));
    expect(withdrawn.map((e) => e.targetId)).toEqual([one(targets.filter((t) => t.sectionId === x.secA3.id)).id]);
    const self = await db.select().from(eligibility).where(eq(eligibility.personId, x.teacherA2.id));
    expect(self).toEqual([
      expect.objectContaining({ raterGroup: "self", targetId: one(targets.filter((t) => t.teacherId === x.teacherA2.id)).id }),
    ]);
  });

  it("applies exclusions and regenerates idempotently, keeping the targets that stay", async () => {
    const c = await createCampaign(db, await quality(), endOfTerm(), NOW);
    const first = await generateAssignments(db, c.id);
    const ids = (await db.select().from(campaignTargets).where(eq(campaignTargets.campaignId, c.id))).map((t) => t.id).sort();
    expect(await generateAssignments(db, c.id)).toMatchObject({ targets: first.targets, eligibility: first.eligibility });
    expect((await db.select().from(campaignTargets).where(eq(campaignTargets.campaignId, c.id))).map((t) => t.id).sort()).toEqual(ids);

    const r = await generateAssignments(db, c.id, { minEnrolment: 2, excludedCourseTypes: ["practice"], excludedCourseCodes: ["CS102"] });
    // Left: secA (2 targets). secB and CS102 too small, CS103 practice, CS104 no teacher; code before type before size.
    expect(r).toMatchObject({ targets: 2, excludedSections: 4, eligibility: 2 * 2 + 2 });
    const sum = await assignmentSummary(db, c.id);
    expect(sum.excludedByReason).toEqual({ no_teacher: 1, course_code: 1, course_type: 1, min_enrolment: 1 });
    expect(sum.options).toMatchObject({ minEnrolment: 2, excludedCourseTypes: ["practice"], excludedCourseCodes: ["CS102"] });
    const kept = (await db.select().from(campaignTargets).where(eq(campaignTargets.campaignId, c.id))).map((t) => t.id);
    expect(kept.every((k) => ids.includes(k))).toBe(true);
    // Students only when asked.
    expect(await generateAssignments(db, c.id, { raterGroups: ["student"] })).toMatchObject({ targets: 5, eligibility: 8 });
  });

  it("a unit's campaign covers the sections of its courses only", async () => {
    const c = await createCampaign(db, await sessionOf(db, s.people.adminB), endOfTerm({ scopeUnitId: s.unitB.id }), NOW);
    expect(await generateAssignments(db, c.id)).toMatchObject({ targets: 1, excludedSections: 0, eligibility: 2 });
  });

  it("refuses once the campaign is open, and the instrument versions stay fixed", async () => {
    const c = await createCampaign(db, await quality(), endOfTerm(), NOW);
    await generateAssignments(db, c.id);
    await setCampaignInstruments(db, await quality(), c.id, [
      { raterGroup: "student", instrumentVersionId: v.student_evaluation },
      { raterGroup: "self", instrumentVersionId: v.self_evaluation },
    ]);
    await openCampaign(db, c.id, DURING, null, KEY_SECRET);
    await expectDomainError(generateAssignments(db, c.id), { kind: "CONFLICT", code: "campaigns.errors.notDraft" });
    await expectDomainError(planObservations(db, c.id, { perSection: 1, quotaPerObserver: 5, groups: ["peer"] }), {
      kind: "CONFLICT",
      code: "campaigns.errors.notDraft",
    });
    await expectDomainError(
      setCampaignInstruments(db, await quality(), c.id, [{ raterGroup: "student", instrumentVersionId: v.student_evaluation }]),
      { kind: "CONFLICT", code: "campaigns.errors.instrumentsFrozen" },
    );
    // The database refuses it too.
    await expect(
      db.update(campaignInstruments).set({ instrumentVersionId: v.peer_evaluation }).where(eq(campaignInstruments.campaignId, c.id)),
    ).rejects.toThrow();
    await expect(db.delete(campaignInstruments).where(eq(campaignInstruments.campaignId, c.id))).rejects.toThrow();
    await expect(
      db.insert(campaignInstruments).values({ campaignId: c.id, raterGroup: "peer", instrumentVersionId: v.peer_evaluation }),
    ).rejects.toThrow();
    expect((await db.select().from(campaignInstruments).where(eq(campaignInstruments.campaignId, c.id))).length).toBe(2);
  });
});

describe("openCampaign / closeCampaign", () => {
  it("opens a draft within its window with targets and instruments for every group, then closes", async () => {
    const c = await createCampaign(
      db,
      await quality(),
      endOfTerm({ instruments: [{ raterGroup: "student", instrumentVersionId: v.student_evaluation }] }),
      NOW,
    );
    await expectDomainError(openCampaign(db, c.id, DURING), { kind: "CONFLICT", code: "campaigns.errors.noTargets" });
    await generateAssignments(db, c.id, { raterGroups: ["student", "self"] });
    await expectDomainError(openCampaign(db, c.id, DURING), { kind: "CONFLICT", code: "campaigns.errors.missingInstrument" });
    await generateAssignments(db, c.id);
    await expectDomainError(openCampaign(db, c.id, NOW), { kind: "CONFLICT", code: "campaigns.errors.notYetOpen" });
    await expectDomainError(openCampaign(db, c.id, CLOSES), { kind: "CONFLICT", code: "campaigns.errors.windowOver" });
    await expectDomainError(closeCampaign(db, c.id, DURING), { kind: "CONFLICT", code: "campaigns.errors.notOpen" });
    // Anonymous groups need a signing key per target: made when the secret is given.
    await expectDomainError(openCampaign(db, c.id, DURING), { kind: "CONFLICT", code: "campaigns.errors.keysNotReady" });
    expect(await openCampaign(db, c.id, DURING, s.people.quality.id, KEY_SECRET)).toMatchObject({ state: "open", openedAt: DURING });
    const keys = await queryValue(
      db,
      col.int,
      sql`
      select count(*)::int as keys from target_keys k join campaign_targets t on t.id = k.target_id where t.campaign_id = ${c.id}`,
    );
    expect(keys).toBe((await assignmentSummary(db, c.id)).targets);
    await expectDomainError(openCampaign(db, c.id, DURING), { kind: "CONFLICT", code: "campaigns.errors.notDraft" });
    expect(await closeCampaign(db, c.id, CLOSES)).toMatchObject({ state: "closed", closedAt: CLOSES });
    await expectDomainError(closeCampaign(db, c.id, CLOSES), { kind: "CONFLICT", code: "campaigns.errors.notOpen" });
    // State only moves forward, in the database too.
    await expect(db.update(campaigns).set({ state: "draft" }).where(eq(campaigns.id, c.id))).rejects.toThrow();
  });

  it("needs the observers' instruments when observations are planned", async () => {
    const c = await createCampaign(
      db,
      await quality(),
      {
        kind: "observation_round",
        name: "听课",
        termId: s.term.id,
        opensAt: OPENS,
        closesAt: CLOSES,
        instruments: [{ raterGroup: "supervisor", instrumentVersionId: v.supervisor_observation }],
      },
      NOW,
    );
    await planObservations(db, c.id, { perSection: 1, quotaPerObserver: 10, groups: ["supervisor", "peer"] });
    await expectDomainError(openCampaign(db, c.id, DURING), { kind: "CONFLICT", code: "campaigns.errors.missingInstrument" });
    await setCampaignInstruments(db, await quality(), c.id, [
      { raterGroup: "supervisor", instrumentVersionId: v.supervisor_observation },
      { raterGroup: "peer", instrumentVersionId: v.peer_evaluation },
    ]);
    expect(await openCampaign(db, c.id, DURING)).toMatchObject({ state: "open" });
  });
});

describe("planObservations", () => {
  async function round(scopeUnitId: number | null = null) {
    return createCampaign(
      db,
      await quality(),
      {
        kind: "observation_round",
        name: "听课评课",
        termId: s.term.id,
        opensAt: OPENS,
        closesAt: CLOSES,
        scopeUnitId,
        instruments: [
          { raterGroup: "supervisor", instrumentVersionId: v.supervisor_observation },
          { raterGroup: "peer", instrumentVersionId: v.peer_evaluation },
          { raterGroup: "leader", instrumentVersionId: v.leader_observation },
        ],
      },
      NOW,
    );
  }

  it("assigns eligible observers: no self-observation, within quota and scope, deterministic", async () => {
    const c = await round();
    const plan = await planObservations(db, c.id, {
      perSection: 2,
      quotaPerObserver: 2,
      groups: ["supervisor", "peer", "leader"],
      seed: 7,
    });
    const obs = await listObservations(db, c.id);
    const teachersOf = new Map<number, number[]>();
    for (const r of await db.select().from(sectionTeachers))
      teachersOf.set(r.sectionId, [...(teachersOf.get(r.sectionId) ?? []), r.personId]);
    const visits = new Map<string, { section: number; observer: number; group: string }>();
    for (const o of obs)
      visits.set(`${o.sectionId}|${o.observerId}`, { section: o.sectionId, observer: o.observerId, group: o.raterGroup });
    const load = new Map<number, number>();
    for (const vis of visits.values()) {
      expect(teachersOf.get(vis.section)).not.toContain(vis.observer); // never one's own section
      load.set(vis.observer, (load.get(vis.observer) ?? 0) + 1);
      // Unit B's supervisor (teacherB) only in B; the dean of A only in A.
      if (vis.observer === s.people.teacherB.id) expect(vis.section).toBe(s.secB.id);
      if (vis.observer === x.deanA.id) expect(vis.section).not.toBe(s.secB.id);
      if (vis.group === "peer") expect([x.teacherA2.id, x.teacherA3.id, s.people.teacherA.id, x.deanA.id]).toContain(vis.observer);
    }
    expect(Math.max(...load.values())).toBeLessThanOrEqual(2);
    // One row per teacher target: secA's observers each get two.
    expect(obs.filter((o) => o.sectionId === s.secA.id)).toHaveLength(2 * 2);
    expect(plan).toMatchObject({ sections: 4, visits: visits.size, assignments: obs.length });
    expect(plan.load.max).toBeLessThanOrEqual(2);
    // Capacity: 6 observers × 2 = 12 ≥ 8 places; every section reached 2.
    expect(plan.short).toEqual([]);
    // The same seed gives the same plan.
    await planObservations(db, c.id, { perSection: 2, quotaPerObserver: 2, groups: ["supervisor", "peer", "leader"], seed: 7 });
    expect(await listObservations(db, c.id)).toEqual(obs);
  });

  it("reports sections that cannot reach the number, and keeps within quota", async () => {
    const c = await round();
    // Supervisors and leaders, one each, at most one section each: the school supervisor and
    // leader may go anywhere, the dean of A only to A's sections he does not teach (secA, CS102);
    // teacherB (B's supervisor) teaches B's only section. Three visits for four sections.
    const plan = await planObservations(db, c.id, { perSection: 1, quotaPerObserver: 1, groups: ["supervisor", "leader"] });
    expect(plan).toMatchObject({ visits: 3, load: { observers: 3, min: 1, max: 1 }, byGroup: { supervisor: 1, leader: 2 } });
    expect(plan.short).toHaveLength(1);
    const obs = await listObservations(db, c.id);
    const dean = obs.filter((o) => o.observerId === x.deanA.id).map((o) => o.sectionId);
    expect(dean.length).toBeGreaterThan(0);
    expect(dean.every((id) => id === s.secA.id || id === x.secA2.id)).toBe(true);
    expect(obs.some((o) => o.observerId === s.people.teacherB.id)).toBe(false);
  });

  it("a unit's round plans only the unit's sections; groups must fit the kind", async () => {
    const c = await round(s.unitB.id);
    const plan = await planObservations(db, c.id, { perSection: 3, quotaPerObserver: 5, groups: ["supervisor", "leader", "peer"] });
    expect(plan.sections).toBe(1);
    // secB (teacherB) may be observed by the school supervisor and the school leader; no peer in unit B.
    const obs = await listObservations(db, c.id);
    expect(obs.map((o) => o.observerId).sort()).toEqual([x.schoolSup.id, x.schoolLeader.id].sort());
    expect(plan.short).toEqual([{ sectionId: s.secB.id, sectionCode: "EN101-01", assigned: 2, candidates: 2 }]);
    const eot = await createCampaign(db, await quality(), endOfTerm(), NOW);
    await expectDomainError(planObservations(db, eot.id, { perSection: 1, quotaPerObserver: 1, groups: ["peer", "peer"] }), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.duplicateRaterGroup",
    });
    await expectDomainError(planObservations(db, eot.id, { perSection: 0, quotaPerObserver: 1, groups: ["peer"] }), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.badPerSection",
    });
  });
});

it("PGlite/PostgreSQL: the hand-written triggers exist", async () => {
  const rows = await queryRows(db, { tgname: col.text }, sql`select tgname from pg_trigger where tgname like 'campaign%' order by 1`);
  expect(rows.map((r) => r.tgname)).toEqual(["campaign_instruments_frozen", "campaigns_state_forward"]);
});
