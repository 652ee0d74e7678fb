import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { match } from "@/server/test/match";
import type { Db } from "@/db/client";
import { campaigns, employers, graduateCohorts, roleGrants } from "@/db/schema";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import {
  campaignDetail,
  campaignFormOptions,
  closeFor,
  cohortYearsFor,
  generateFor,
  keyProgress,
  listCampaigns,
  observationsFor,
  openFor,
  outboxFor,
  planObservationsFor,
  ratesFor,
  updateCampaignSettings,
} from "./admin";
import { createCampaign, type CreateCampaignInput } from "./campaigns";
import { tinyVersions } from "./testing";
import { expectDomainError } from "../test/errors";

const NOW = new Date("2026-12-20T08:00:00Z");
const OPENS = new Date("2026-12-25T00:00:00Z");
const CLOSES = new Date("2027-01-15T00:00:00Z");
const DURING = new Date("2026-12-28T00:00:00Z");
const SECRET = "admin-test-secret-0123456789abcdef-xyz";

let db: Db;
let s: School;
let v: Awaited<ReturnType<typeof versions>>;

async function versions() {
  return tinyVersions(
    db,
    ["student_evaluation", "self_evaluation", "supervisor_observation", "peer_evaluation", "employer_tracking"] as const,
    s.people.quality.id,
  );
}

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  v = await versions();
});

const endOfTerm = (patch: Partial<CreateCampaignInput> = {}): CreateCampaignInput => ({
  kind: "end_of_term",
  name: "期末评教",
  termId: s.term.id,
  opensAt: OPENS,
  closesAt: CLOSES,
  instruments: [
    { raterGroup: "student", instrumentVersionId: v.student_evaluation },
    { raterGroup: "self", instrumentVersionId: v.self_evaluation },
  ],
  ...patch,
});
const as = (p: { id: number }) => sessionOf(db, p);

/** A whole-school campaign, one of unit A and one of unit B. */
async function threeCampaigns() {
  const school = await createCampaign(db, await as(s.people.quality), endOfTerm({ name: "全校期末评教" }), NOW);
  const a = await createCampaign(db, await as(s.people.adminA), endOfTerm({ name: "计算机学院评教", scopeUnitId: s.unitA.id }), NOW);
  const b = await createCampaign(db, await as(s.people.adminB), endOfTerm({ name: "外国语学院评教", scopeUnitId: s.unitB.id }), NOW);
  return { school, a, b };
}

describe("listCampaigns", () => {
  it("shows the quality office every campaign, a unit admin its own to manage and the school's to follow", async () => {
    const { school, a, b } = await threeCampaigns();
    await generateFor(db, await as(s.people.quality), school.id);
    const all = await listCampaigns(db, await as(s.people.quality));
    expect(all.map((c) => [c.name, c.manage]).sort()).toEqual([
      ["全校期末评教", true],
      ["外国语学院评教", true],
      ["计算机学院评教", true],
    ]);
    // CS101-01 (2 students) and EN101-01 (1 student): 2 targets, 3 student eligibility rows.
    expect(all.find((c) => c.id === school.id)).toMatchObject({
      targets: 2,
      eligible: 3,
      responded: 0,
      rate: 0,
      termCode: "2026-2027-1",
      scopeUnitId: null,
    });
    expect(all.find((c) => c.id === a.id)).toMatchObject({ targets: 0, rate: null, scopeUnitName: "计算机学院" });

    const mine = await listCampaigns(db, await as(s.people.adminA));
    expect(mine.map((c) => [c.id, c.manage]).sort()).toEqual(
      [
        [school.id, false],
        [a.id, true],
      ].sort(),
    );
    // Followed: counted within its units only (CS101-01's target and its two students).
    expect(mine.find((c) => c.id === school.id)).toMatchObject({ targets: 1, eligible: 2 });
    expect(mine.some((c) => c.id === b.id)).toBe(false);
    await expectDomainError(listCampaigns(db, await as(s.people.teacherA)), { kind: "FORBIDDEN", code: "campaigns.errors.forbidden" });
  });
});

describe("campaignDetail", () => {
  it("gives a manager the assignment, keys and settings; a follower the overview only; others nothing", async () => {
    const { school, a, b } = await threeCampaigns();
    await generateFor(db, await as(s.people.adminA), a.id);
    const d = await campaignDetail(db, await as(s.people.adminA), a.id);
    expect(d).toMatchObject({
      manage: true,
      sectionKind: true,
      tracking: false,
      invitations: null,
      keys: { targets: 1, ready: 0 },
      settings: { reminderDays: [3], observersNamedToTeacher: false },
      reminders: [],
      campaign: {
        name: "计算机学院评教",
        termCode: "2026-2027-1",
        scopeUnitName: "计算机学院",
        createdByName: "计算机学院教务员",
        schoolYear: "2026-2027",
      },
    });
    expect(d.summary).toMatchObject({ targets: 1, sections: 1 });
    expect(d.instruments.map((i) => [i.raterGroup, i.versionId])).toEqual([
      ["student", v.student_evaluation],
      ["self", v.self_evaluation],
    ]);
    expect(d.groups.map((g) => g.group)).toEqual(["student", "self", "peer", "supervisor", "leader"]);
    expect(d.observerGroups).toEqual(["supervisor", "peer", "leader"]);

    expect(await campaignDetail(db, await as(s.people.adminA), school.id)).toMatchObject({ manage: false, summary: null, keys: null });
    await expectDomainError(campaignDetail(db, await as(s.people.adminA), b.id), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.outsideScope",
    });
    await expectDomainError(campaignDetail(db, await as(s.people.studentA), a.id), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.forbidden",
    });
    await expectDomainError(campaignDetail(db, await as(s.people.quality), 999999), {
      kind: "NOT_FOUND",
      code: "campaigns.errors.notFound",
    });
  });
});

describe("actions behind the actor check", () => {
  it("refuses a unit admin acting on another unit's or the school's campaign", async () => {
    const { school, b } = await threeCampaigns();
    const adminA = await as(s.people.adminA);
    for (const id of [school.id, b.id]) {
      await expectDomainError(generateFor(db, adminA, id), { kind: "FORBIDDEN", code: "campaigns.errors.outsideScope" });
      await expectDomainError(planObservationsFor(db, adminA, id, { perSection: 1, quotaPerObserver: 1, groups: ["peer"] }), {
        kind: "FORBIDDEN",
        code: "campaigns.errors.outsideScope",
      });
      await expectDomainError(openFor(db, adminA, id, DURING, SECRET), { kind: "FORBIDDEN", code: "campaigns.errors.outsideScope" });
      await expectDomainError(closeFor(db, adminA, id, DURING, SECRET), { kind: "FORBIDDEN", code: "campaigns.errors.outsideScope" });
      await expectDomainError(observationsFor(db, adminA, id), { kind: "FORBIDDEN", code: "campaigns.errors.outsideScope" });
      await expectDomainError(outboxFor(db, adminA, id), { kind: "FORBIDDEN", code: "campaigns.errors.outsideScope" });
      await expectDomainError(keyProgress(db, adminA, id), { kind: "FORBIDDEN", code: "campaigns.errors.outsideScope" });
      await expectDomainError(updateCampaignSettings(db, adminA, id, { reminderDays: [1], observersNamedToTeacher: true }), {
        kind: "FORBIDDEN",
        code: "campaigns.errors.outsideScope",
      });
    }
    const [row] = await db.select().from(campaigns).where(eq(campaigns.id, b.id));
    expect(row).toMatchObject({ state: "draft", generatedAt: null, reminderDays: [3] });
  });

  it("generates, opens with keys and closes for the manager", async () => {
    const q = await as(s.people.quality);
    const c = await createCampaign(db, q, endOfTerm(), NOW);
    expect(await generateFor(db, q, c.id, { minEnrolment: 2 })).toMatchObject({ targets: 1, excludedSections: 1 });
    expect(await openFor(db, q, c.id, DURING, SECRET)).toMatchObject({ state: "open" });
    expect(await keyProgress(db, q, c.id)).toEqual({ targets: 1, ready: 1 });
    expect(await closeFor(db, q, c.id, DURING, SECRET)).toMatchObject({ state: "closed" });
  });

  it("lists observations with section, teacher and observer names", async () => {
    const q = await as(s.people.quality);
    const c = await createCampaign(
      db,
      q,
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
    await planObservationsFor(db, q, c.id, { perSection: 1, quotaPerObserver: 5, groups: ["supervisor"] });
    const obs = await observationsFor(db, q, c.id);
    for (const o of obs)
      expect(o).toMatchObject({
        sectionCode: match.any(String),
        courseName: match.any(String),
        observerName: match.any(String),
        teacherName: match.any(String),
      });
    expect(obs.every((o) => o.observerId !== o.teacherId)).toBe(true);
  });
});

describe("updateCampaignSettings", () => {
  it("keeps distinct reminder days, newest first; refuses bad values and closed campaigns", async () => {
    const q = await as(s.people.quality);
    const c = await createCampaign(db, q, endOfTerm(), NOW);
    expect(await updateCampaignSettings(db, q, c.id, { reminderDays: [1, 7, 1, 3], observersNamedToTeacher: true })).toEqual({
      reminderDays: [7, 3, 1],
      observersNamedToTeacher: true,
    });
    await expectDomainError(updateCampaignSettings(db, q, c.id, { reminderDays: [61], observersNamedToTeacher: true }), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.badReminderDay",
    });
    await expectDomainError(updateCampaignSettings(db, q, c.id, { reminderDays: [1.5], observersNamedToTeacher: true }), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.badReminderDay",
    });
    await expectDomainError(updateCampaignSettings(db, q, c.id, { reminderDays: [1, 2, 3, 4, 5, 6], observersNamedToTeacher: true }), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.tooManyReminders",
    });
    await expectDomainError(updateCampaignSettings(db, q, c.id, { reminderDays: [] } as never), {
      kind: "BAD_REQUEST",
      code: "campaigns.errors.invalidInput",
    });
    await generateFor(db, q, c.id);
    await openFor(db, q, c.id, DURING, SECRET);
    expect(await updateCampaignSettings(db, q, c.id, { reminderDays: [], observersNamedToTeacher: false })).toEqual({
      reminderDays: [],
      observersNamedToTeacher: false,
    });
    await closeFor(db, q, c.id, DURING, SECRET);
    await expectDomainError(updateCampaignSettings(db, q, c.id, { reminderDays: [3], observersNamedToTeacher: false }), {
      kind: "CONFLICT",
      code: "campaigns.errors.settingsFrozen",
    });
  });
});

describe("campaignFormOptions", () => {
  it("offers approved versions by kind (latest first), the actor's units, cohorts in scope and employers", async () => {
    const q = await as(s.people.quality);
    await db.insert(graduateCohorts).values([
      { programmeId: s.progA.id, graduationYear: 2026 },
      { programmeId: s.progB.id, graduationYear: 2026 },
      { programmeId: s.progB.id, graduationYear: 2023 },
    ]);
    await db.insert(employers).values([{ code: "E1", name: "甲公司" }]);
    const o = await campaignFormOptions(db, q, NOW);
    expect(o.wholeSchool).toBe(true);
    expect(o.versions.student_evaluation.map((x) => x.id)).toEqual([v.student_evaluation]);
    expect(o.versions.graduate_tracking).toEqual([]);
    expect(o.terms.map((t) => t.code)).toEqual(["2026-2027-1"]);
    expect(o.cohortYears).toEqual([
      { year: 2026, cohorts: 2, alumni: 0 },
      { year: 2023, cohorts: 1, alumni: 0 },
    ]);
    expect(o.employerCount).toBe(1);
    expect(o.kinds.find((k) => k.kind === "graduate_tracking")).toMatchObject({
      term: false,
      cohorts: true,
      groups: [{ group: "alumni", instrumentKind: "graduate_tracking" }],
    });

    const a = await campaignFormOptions(db, await as(s.people.adminA), NOW);
    expect(a.wholeSchool).toBe(false);
    expect(a.units.map((u) => u.code)).toEqual(["A", "A1"]);
    expect(a.cohortYears).toEqual([{ year: 2026, cohorts: 1, alumni: 0 }]);
    expect(cohortYearsFor(OPENS)).toEqual([
      { offsetYears: 0.5, graduationYear: 2026 },
      { offsetYears: 3, graduationYear: 2023 },
      { offsetYears: 5, graduationYear: 2021 },
    ]);
  });
});

describe("ratesFor", () => {
  it("the quality office sees all, a unit admin its units of a campaign it follows, nothing of another unit's; students nothing", async () => {
    const { school, b } = await threeCampaigns();
    await generateFor(db, await as(s.people.quality), school.id);
    const all = await ratesFor(db, await as(s.people.quality), { campaignId: school.id });
    expect(all.rows.map((r) => r.code)).toEqual(["A", "B"]);
    const mine = await ratesFor(db, await as(s.people.adminA), { campaignId: school.id, by: "section" });
    expect(mine.rows.map((r) => r.code)).toEqual(["CS101-01"]);
    await expectDomainError(ratesFor(db, await as(s.people.adminA), { campaignId: b.id }), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.ratesForbidden",
    });
    await expectDomainError(ratesFor(db, await as(s.people.studentA), { campaignId: school.id }), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.ratesForbidden",
    });
    // A unit admin who also teaches gets the teacher's view of another unit's campaign.
    await db.insert(roleGrants).values({ personId: s.people.adminA.id, role: "teacher" });
    expect((await ratesFor(db, await as(s.people.adminA), { campaignId: b.id })).rows).toEqual([]);
  });
});
