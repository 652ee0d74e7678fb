import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { campaignTargets, campaigns, observationAssignments, persons, roleGrants, sectionTeachers } from "@/db/schema";
import { col, one, queryRows } from "@/db/query";
import { approveVersion, createVersion } from "../instruments/versions";
import { myObservations, observationsOfTeacher, submitObservation } from "../respond/observations";
import { CLOSES, DURING, LATER, NOW, OPENS, SECRET, endOfTermCampaign } from "../test/collection";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { campaignDetail, generateFor, observationProgressFor, observationRecordsFor, openFor, planObservationsFor } from "./admin";
import { createCampaign } from "./campaigns";
import { ratesForTeacher, responseRates } from "./rates";
import { expectDomainError } from "../test/errors";
import { at } from "@/server/shared/indexed";

let db: Db;
let s: School;
let version: number;
let campaignId: number;
let teacherC: { id: number };
/** assignments: teacherB observes secA (co-taught by teacherA and teacherC: two records), adminA observes secB. */
let a: { bA: number; bC: number; adminB: number };

const bi = (zh: string, en: string) => ({ default: zh, en });
/** A supervisor form shaped like the library's: the visit date inside the form, then a scored item. */
const observationInstrument = {
  key: "supervisor_observation_t",
  kind: "supervisor_observation",
  name: { zh: "督导听课评课表", en: "Supervisor observation" },
  indicators: [{ id: "I1", name: { zh: "总体", en: "Overall" }, weight: 1 }],
  items: [{ question: "q1", indicator: "I1", weight: 1 }],
  unscored: [],
  survey: {
    pages: [
      {
        name: "p1",
        elements: [
          { type: "text", name: "obs_date", title: bi("听课日期", "Date of the visit"), inputType: "date", isRequired: true },
          {
            type: "radiogroup",
            name: "q1",
            title: bi("总体评价", "Overall"),
            isRequired: true,
            choices: [
              { value: 5, text: bi("优", "Excellent") },
              { value: 3, text: bi("中", "Fair") },
              { value: 1, text: bi("差", "Poor") },
            ],
          },
        ],
      },
    ],
  },
};

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  const r = await createVersion(db, observationInstrument, s.people.quality.id);
  if (r.status === "created") await approveVersion(db, r.versionId, s.people.quality.id, "测试");
  version = r.versionId;
  teacherC = one(await db.insert(persons).values({ number: "T003", name: "王老师", kind: "staff", unitId: s.unitA.id }).returning());
  await db.insert(roleGrants).values({ personId: teacherC.id, role: "teacher" });
  await db.insert(sectionTeachers).values({ sectionId: s.secA.id, personId: teacherC.id, role: "co" });
  const quality = await sessionOf(db, s.people.quality);
  const c = await createCampaign(
    db,
    quality,
    {
      kind: "observation_round",
      name: "期中听课",
      termId: s.term.id,
      opensAt: OPENS,
      closesAt: CLOSES,
      instruments: [{ raterGroup: "supervisor", instrumentVersionId: version }],
    },
    NOW,
  );
  campaignId = c.id;
  await generateFor(db, quality, c.id);
  const targets = await db
    .select({ id: campaignTargets.id, sectionId: campaignTargets.sectionId, teacherId: campaignTargets.teacherId })
    .from(campaignTargets)
    .where(eq(campaignTargets.campaignId, c.id));
  const target = (section: number, teacher: number) => one(targets.filter((t) => t.sectionId === section && t.teacherId === teacher)).id;
  const rows = await db
    .insert(observationAssignments)
    .values([
      { targetId: target(s.secA.id, s.people.teacherA.id), observerId: s.people.teacherB.id, raterGroup: "supervisor" },
      { targetId: target(s.secA.id, teacherC.id), observerId: s.people.teacherB.id, raterGroup: "supervisor" },
      { targetId: target(s.secB.id, s.people.teacherB.id), observerId: s.people.adminA.id, raterGroup: "supervisor" },
    ])
    .returning({ id: observationAssignments.id });
  a = { bA: at(rows, 0).id, bC: at(rows, 1).id, adminB: at(rows, 2).id };
  await openFor(db, quality, c.id, DURING, SECRET);
});

const as = (p: { id: number }) => sessionOf(db, p);

describe("one visit date: the form's own", () => {
  it("the record's day is the form's 听课日期, never in the future, and the teacher sees that day", async () => {
    const tasks = await myObservations(db, s.people.teacherB.id, DURING);
    // The page learns which question holds the date (and drops its own date field).
    expect(tasks.map((t) => t.dateQuestion)).toEqual(["obs_date", "obs_date"]);
    await expectDomainError(
      submitObservation(db, s.people.teacherB.id, { assignmentId: a.bA, answers: { obs_date: "2026-12-29", q1: 5 } }, "zh", DURING),
      { kind: "BAD_REQUEST", code: "respond.observe.errors.futureDate" },
    );
    // A separate date beside the form's is no longer taken.
    await expectDomainError(
      submitObservation(
        db,
        s.people.teacherB.id,
        { assignmentId: a.bA, answers: { obs_date: "2026-12-27", q1: 5 }, observedOn: "2026-12-20" } as never,
        "zh",
        DURING,
      ),
      { kind: "BAD_REQUEST", code: "respond.observe.errors.invalidRequest" },
    );
    await submitObservation(db, s.people.teacherB.id, { assignmentId: a.bA, answers: { obs_date: "2026-12-27", q1: 5 } }, "zh", DURING);
    const row = one(await queryRows(db, { observed_on: col.text }, sql`select observed_on::text as observed_on from observation_records`));
    expect(row.observed_on).toBe("2026-12-27");
    expect(await observationsOfTeacher(db, s.people.teacherA.id)).toMatchObject([{ observedOn: "2026-12-27" }]);
  });
});

describe("progress of an observation round", () => {
  it("status per visit and completion per observer and per unit, co-taught sections counted per teacher record", async () => {
    await submitObservation(db, s.people.teacherB.id, { assignmentId: a.bA, answers: { obs_date: "2026-12-27", q1: 5 } }, "zh", DURING);
    const p = await observationProgressFor(db, await as(s.people.quality), campaignId);
    expect(p.records).toEqual({ due: 3, done: 1 });
    expect(p.visits).toEqual({ due: 2, done: 0 });
    expect(p.byVisit.map((v) => [v.sectionCode, v.observerName, v.due, v.done, v.status]).sort()).toEqual([
      ["CS101-01", "刘老师", 2, 1, "partial"],
      ["EN101-01", "计算机学院教务员", 1, 0, "pending"],
    ]);
    expect(p.byObserver.map((o) => [o.observerName, o.due, o.done, o.rate])).toEqual([
      ["刘老师", 2, 1, 0.5],
      ["计算机学院教务员", 1, 0, 0],
    ]);
    expect(p.byUnit.map((u) => [u.unitName, u.due, u.done, u.rate])).toEqual([
      ["计算机学院", 2, 1, 0.5],
      ["外国语学院", 1, 0, 0],
    ]);

    await submitObservation(db, s.people.teacherB.id, { assignmentId: a.bC, answers: { obs_date: "2026-12-27", q1: 3 } }, "zh", LATER);
    const q = await observationProgressFor(db, await as(s.people.quality), campaignId);
    expect(q.byVisit.find((v) => v.sectionCode === "CS101-01")).toMatchObject({ due: 2, done: 2, status: "done", lastOn: "2026-12-27" });
    expect(q.visits).toEqual({ due: 2, done: 1 });
    await expectDomainError(observationProgressFor(db, await as(s.people.teacherA), campaignId), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.forbidden",
    });
  });

  it("the rates of an observation round count records due and submitted (not 0 and —)", async () => {
    await submitObservation(db, s.people.teacherB.id, { assignmentId: a.bA, answers: { obs_date: "2026-12-27", q1: 5 } }, "zh", DURING);
    const r = await responseRates(db, campaignId, "section");
    expect(r.total).toMatchObject({ eligible: 3, answered: 1, declined: 0 });
    expect(r.total.rate).toBeCloseTo(1 / 3);
    expect(r.rows.map((x) => [x.code, x.eligible, x.answered])).toEqual([
      ["CS101-01", 2, 1],
      ["EN101-01", 1, 0],
    ]);
  });

  it("a page of the named records for the quality office: observer, teacher, day and the answers in the reader's language", async () => {
    await submitObservation(
      db,
      s.people.teacherB.id,
      { assignmentId: a.bA, answers: { obs_date: "2026-12-27", q1: 5 }, comment: "讲解清楚" },
      "zh",
      DURING,
    );
    const list = await observationRecordsFor(db, await as(s.people.quality), campaignId, "en");
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      observerName: "刘老师",
      observerNumber: "T002",
      teacherName: "张老师",
      sectionCode: "CS101-01",
      courseName: "程序设计基础",
      observedOn: "2026-12-27",
      raterGroup: "supervisor",
      comment: "讲解清楚",
    });
    expect(list[0]?.answers).toEqual([
      { name: "obs_date", title: "Date of the visit", text: "2026-12-27" },
      { name: "q1", title: "Overall", text: "Excellent" },
    ]);
    await expectDomainError(observationRecordsFor(db, await as(s.people.teacherA), campaignId, "zh"), {
      kind: "FORBIDDEN",
      code: "campaigns.errors.forbidden",
    });
  });
});

describe("what shows where", () => {
  it("teachers get no response-rate card for an observation round (it has no anonymous student raters)", async () => {
    expect(await ratesForTeacher(db, s.people.teacherA.id)).toEqual([]);
    const eot = await endOfTermCampaign(db, s, { name: "期末评教" });
    expect((await ratesForTeacher(db, s.people.teacherA.id)).map((c) => c.campaignId)).toEqual([eot.id]);
  });

  it("the observation tab only where observers take part: an observation round, not a plain end-of-term or an imported campaign", async () => {
    const quality = await as(s.people.quality);
    expect((await campaignDetail(db, quality, campaignId)).observationsTab).toBe(true);
    const eot = await endOfTermCampaign(db, s, { name: "期末评教" });
    expect((await campaignDetail(db, quality, eot.id)).observationsTab).toBe(false);
    // An end-of-term draft with an observers' instrument may plan them; once open without a plan, nothing to show.
    const withObservers = await createCampaign(
      db,
      quality,
      {
        kind: "end_of_term",
        name: "期末评教（含督导）",
        termId: s.term.id,
        opensAt: OPENS,
        closesAt: CLOSES,
        instruments: [{ raterGroup: "supervisor", instrumentVersionId: version }],
      },
      NOW,
    );
    expect((await campaignDetail(db, quality, withObservers.id)).observationsTab).toBe(true);
    await db
      .update(campaigns)
      .set({ state: "open" })
      .where(sql`id = ${withObservers.id}`);
    expect((await campaignDetail(db, quality, withObservers.id)).observationsTab).toBe(false);
    await db.update(campaigns).set({ source: "import" });
    expect((await campaignDetail(db, quality, campaignId)).observationsTab).toBe(false);
  });

  it("generating an observation round says what it made: sections, a target per teacher, the visits planned so far", async () => {
    const quality = await as(s.people.quality);
    const c = await createCampaign(
      db,
      quality,
      {
        kind: "observation_round",
        name: "第二轮听课",
        termId: s.term.id,
        opensAt: OPENS,
        closesAt: CLOSES,
        instruments: [{ raterGroup: "supervisor", instrumentVersionId: version }],
      },
      NOW,
    );
    expect(await generateFor(db, quality, c.id)).toMatchObject({ sections: 2, targets: 3, eligibility: 0, observations: 0 });
    const plan = await planObservationsFor(db, quality, c.id, { perSection: 1, quotaPerObserver: 5, groups: ["supervisor"] });
    // teacherB supervises unit B only, and teaches EN101-01: no one may observe either section here.
    expect(plan).toMatchObject({ sections: 2, visits: 0, assignments: 0 });
    expect(await generateFor(db, quality, c.id)).toMatchObject({ sections: 2, targets: 3, observations: 0 });
  });
});
