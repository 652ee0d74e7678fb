import { eq, sql } from "drizzle-orm";
import { assert, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { campaigns, observationAssignments, observationRecords } from "@/db/schema";
import { col, one, queryRows } from "@/db/query";
import { at } from "@/server/shared/indexed";
import { responseRates } from "../campaigns/rates";
import { tinyVersions } from "../campaigns/testing";
import { CLOSES, DURING, LATER, OPENS, endOfTermCampaign, openedCampaign } from "../test/collection";
import { freshSchool, type School } from "../test/fixtures";
import { myObservations, mySelfEvaluations, observationsOfTeacher, submitObservation, submitSelfEvaluation } from "./observations";
import { expectDomainError } from "../test/errors";

let db: Db;
let s: School;
let campaignId: number;
let assignmentId: number;

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  const v = await tinyVersions(db, ["supervisor_observation"] as const, s.people.quality.id);
  // An observation round: the supervisor (teacherB, supervisor of unit B) observes teacherA's section.
  const c = await openedCampaign(db, s, {
    kind: "observation_round",
    name: "听课",
    termId: s.term.id,
    opensAt: OPENS,
    closesAt: CLOSES,
    instruments: [{ raterGroup: "supervisor", instrumentVersionId: v.supervisor_observation }],
  });
  campaignId = c.id;
  const target = c.targets.find((t) => t.sectionId === s.secA.id);
  assert.exists(target);
  ({ id: assignmentId } = one(
    await db
      .insert(observationAssignments)
      .values({ targetId: target.id, observerId: s.people.teacherB.id, raterGroup: "supervisor", plannedOn: "2026-12-29" })
      .returning({ id: observationAssignments.id }),
  ));
});

// The tiny form has no date question: the record's day is the day of submission (DURING: 2026-12-28).
const record = (patch: Record<string, unknown> = {}) => ({ assignmentId, answers: { q1: 5 }, comment: "讲解清楚", ...patch });

describe("class observation records (named)", () => {
  it("an observer sees their task, submits one signed record, validated; a second is refused", async () => {
    const tasks = await myObservations(db, s.people.teacherB.id, DURING);
    expect(tasks).toMatchObject([
      { assignmentId, courseName: "程序设计基础", teacherName: "张老师", raterGroup: "supervisor", done: false, plannedOn: "2026-12-29" },
    ]);
    expect(await myObservations(db, s.people.teacherA.id, DURING)).toEqual([]);

    // Out of range (9 on a 5/3/1 scale) is refused; nothing is stored (the visit date: observation-round.test.ts).
    await expectDomainError(submitObservation(db, s.people.teacherB.id, record({ answers: { q1: 9 } }), "zh", DURING), {
      kind: "BAD_REQUEST",
      code: "respond.observe.errors.invalidAnswers",
    });
    // Someone else's assignment looks like no assignment.
    await expectDomainError(submitObservation(db, s.people.teacherA.id, record(), "zh", DURING), {
      kind: "NOT_FOUND",
      code: "respond.observe.errors.notFound",
    });
    expect(await db.$count(observationRecords)).toBe(0);

    const r = await submitObservation(db, s.people.teacherB.id, record(), "zh", DURING);
    const [row] = await queryRows(
      db,
      { observer_id: col.int, observed_on: col.text, answers: col.json<unknown>(), comment: col.text },
      sql`
      select observer_id, observed_on::text as observed_on, answers, comment from observation_records where id = ${r.recordId}`,
    );
    expect(row).toMatchObject({ observer_id: s.people.teacherB.id, observed_on: "2026-12-28", answers: { q1: 5 }, comment: "讲解清楚" });
    expect((await myObservations(db, s.people.teacherB.id, DURING))[0]?.done).toBe(true);
    await expectDomainError(submitObservation(db, s.people.teacherB.id, record(), "zh", LATER), {
      kind: "CONFLICT",
      code: "respond.observe.errors.alreadyDone",
    });
  });

  it("refuses outside the window", async () => {
    await expectDomainError(submitObservation(db, s.people.teacherB.id, record(), "zh", new Date("2026-12-20T08:00:00Z")), {
      kind: "CONFLICT",
      code: "respond.submit.errors.campaignClosed",
    });
    expect(await myObservations(db, s.people.teacherB.id, CLOSES)).toEqual([]);
  });

  it("the teacher observed sees the record, and the observer's name only when the campaign says so", async () => {
    await submitObservation(db, s.people.teacherB.id, record(), "zh", DURING);
    expect(await observationsOfTeacher(db, s.people.teacherA.id)).toMatchObject([
      { raterGroup: "supervisor", observedOn: "2026-12-28", observer: null },
    ]);
    await db.update(campaigns).set({ observersNamedToTeacher: true }).where(eq(campaigns.id, campaignId));
    expect(await observationsOfTeacher(db, s.people.teacherA.id)).toMatchObject([{ observer: "刘老师" }]);
    expect(await observationsOfTeacher(db, s.people.teacherB.id)).toEqual([]);
  });
});

describe("self-evaluation (named: it is about the teacher)", () => {
  it("the teacher evaluates each own section once; others cannot; answers are validated", async () => {
    const c = await endOfTermCampaign(db, s, { self: true, name: "期末评教（含自评）" });
    const tasks = await mySelfEvaluations(db, s.people.teacherA.id, DURING);
    expect(tasks.map((x) => [x.campaignId, x.courseName, x.done])).toEqual([[c.id, "程序设计基础", false]]);
    const targetId = at(tasks, 0).targetId;
    await expectDomainError(submitSelfEvaluation(db, s.people.teacherB.id, { targetId, answers: { q1: 5 } }, "zh", DURING), {
      kind: "NOT_FOUND",
      code: "respond.observe.errors.notFound",
    });
    await expectDomainError(submitSelfEvaluation(db, s.people.teacherA.id, { targetId, answers: { q1: 4 } }, "zh", DURING), {
      kind: "BAD_REQUEST",
      code: "respond.observe.errors.invalidAnswers",
    });
    expect(await submitSelfEvaluation(db, s.people.teacherA.id, { targetId, answers: { q1: 5 } }, "zh", DURING)).toEqual({
      status: "stored",
    });
    expect(await submitSelfEvaluation(db, s.people.teacherA.id, { targetId, answers: { q1: 3 } }, "zh", DURING)).toEqual({
      status: "duplicate",
    });
    const rows = await queryRows(
      db,
      { rater_group: col.text, answers: col.json<unknown>() },
      sql`select rater_group::text as rater_group, answers from responses where target_id = ${targetId}`,
    );
    expect(rows).toEqual([{ rater_group: "self", answers: { q1: 5 } }]);
    expect((await mySelfEvaluations(db, s.people.teacherA.id, DURING))[0]?.done).toBe(true);
    expect(await mySelfEvaluations(db, s.people.teacherA.id, CLOSES)).toEqual([]);
    // A self-evaluation is not a student's response: the rates do not count it.
    const rates = await responseRates(db, c.id, "section");
    expect(rates.total).toMatchObject({ answered: 0, declined: 0 });
  });
});
