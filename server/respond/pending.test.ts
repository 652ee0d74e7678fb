import { and, eq } from "drizzle-orm";
import { assert, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { campaignTargets, eligibility, persons, sectionTeachers, targetKeys } from "@/db/schema";
import { one } from "@/db/query";
import { at } from "@/server/shared/indexed";
import { verifyToken } from "../anonymity/blind";
import { fromBase64 } from "@/server/shared/anonymity/client";
import { generateAssignments } from "../campaigns/assign";
import { closeCampaign, createCampaign } from "../campaigns/campaigns";
import { CLOSES, DURING, endOfTermCampaign, LATER, NOW, OPENS, openedCampaign, studentTokens } from "../test/collection";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { campaignPublicKeys, pendingForPerson } from "./pending";
import { expectDomainError } from "../test/errors";

let db: Db;
let s: School;
let eot: Awaited<ReturnType<typeof endOfTermCampaign>>;
let teacherA2: { id: number };

/** secA is co-taught by 王老师 (two targets); the campaign has self-evaluation too (teachers' own eligibility). */
beforeEach(async () => {
  ({ db, s } = await freshSchool());
  teacherA2 = one(await db.insert(persons).values({ number: "T003", name: "王老师", kind: "staff", unitId: s.officeA.id }).returning());
  await db.insert(sectionTeachers).values({ sectionId: s.secA.id, personId: teacherA2.id, role: "co" });
  eot = await endOfTermCampaign(db, s, { self: true });
});

const target = (sectionId: number, teacherId: number) => {
  const found = eot.targets.find((x) => x.sectionId === sectionId && x.teacherId === teacherId);
  assert.exists(found);
  return found.id;
};
const summary = (p: Awaited<ReturnType<typeof pendingForPerson>>) =>
  p.map((c) => ({ id: c.campaignId, targets: c.targets.map((x) => `${x.sectionCode}/${x.teacherName}/${x.issued}`).sort() }));

describe("pendingForPerson", () => {
  it("lists the person's own open campaign with each of their targets", async () => {
    const b = await pendingForPerson(db, s.people.studentB.id, DURING);
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({
      campaignId: eot.id,
      name: "期末评教",
      kind: "end_of_term",
      opensAt: OPENS,
      closesAt: CLOSES,
      versionId: eot.versionId,
    });
    // By course and section (teachers of one section in the database's collation order).
    expect(b[0]?.targets.map((x) => x.courseCode)).toEqual(["CS101", "CS101", "EN101"]);
    expect([...at(b, 0).targets].sort((x, y) => x.targetId - y.targetId)).toEqual(
      [
        {
          targetId: target(s.secA.id, s.people.teacherA.id),
          courseCode: "CS101",
          courseName: "程序设计基础",
          courseNameEn: null,
          sectionCode: "CS101-01",
          teacherName: "张老师",
          issued: false,
        },
        {
          targetId: target(s.secA.id, teacherA2.id),
          courseCode: "CS101",
          courseName: "程序设计基础",
          courseNameEn: null,
          sectionCode: "CS101-01",
          teacherName: "王老师",
          issued: false,
        },
        {
          targetId: target(s.secB.id, s.people.teacherB.id),
          courseCode: "EN101",
          courseName: "综合英语",
          courseNameEn: null,
          sectionCode: "EN101-01",
          teacherName: "刘老师",
          issued: false,
        },
      ].sort((x, y) => x.targetId - y.targetId),
    );
    expect(summary(await pendingForPerson(db, s.people.studentA.id, DURING))).toEqual([
      { id: eot.id, targets: ["CS101-01/张老师/false", "CS101-01/王老师/false"] },
    ]);
    // Teachers' self-evaluation eligibility is not a student's list; others have nothing.
    expect(await pendingForPerson(db, s.people.teacherA.id, DURING)).toEqual([]);
    expect(await pendingForPerson(db, s.people.quality.id, DURING)).toEqual([]);
  });

  it("an excluded target is left out; issued flags follow the person's own issuance", async () => {
    await db
      .update(eligibility)
      .set({ excluded: true })
      .where(and(eq(eligibility.personId, s.people.studentB.id), eq(eligibility.targetId, target(s.secB.id, s.people.teacherB.id))));
    expect(summary(await pendingForPerson(db, s.people.studentB.id, DURING))).toEqual([
      { id: eot.id, targets: ["CS101-01/张老师/false", "CS101-01/王老师/false"] },
    ]);
    await studentTokens(db, eot.id, s.people.studentB.id);
    expect(summary(await pendingForPerson(db, s.people.studentB.id, DURING))).toEqual([
      { id: eot.id, targets: ["CS101-01/张老师/true", "CS101-01/王老师/true"] },
    ]);
    expect(summary(await pendingForPerson(db, s.people.studentA.id, DURING))).toEqual([
      { id: eot.id, targets: ["CS101-01/张老师/false", "CS101-01/王老师/false"] },
    ]);
  });

  it("several open campaigns, soonest closing first; not a draft, not before opening, not after closing, not once closed", async () => {
    const v = eot.versionId;
    const soon = await openedCampaign(db, s, {
      kind: "end_of_term",
      name: "期中评教",
      termId: s.term.id,
      opensAt: OPENS,
      closesAt: new Date("2027-01-02T00:00:00Z"),
      instruments: [{ raterGroup: "student", instrumentVersionId: v }],
    });
    const draft = await createCampaign(
      db,
      await sessionOf(db, s.people.quality),
      {
        kind: "end_of_term",
        name: "草稿",
        termId: s.term.id,
        opensAt: OPENS,
        closesAt: CLOSES,
        instruments: [{ raterGroup: "student", instrumentVersionId: v }],
      },
      NOW,
    );
    await generateAssignments(db, draft.id);
    expect((await pendingForPerson(db, s.people.studentA.id, DURING)).map((c) => c.campaignId)).toEqual([soon.id, eot.id]);
    expect((await pendingForPerson(db, s.people.studentA.id, LATER)).map((c) => c.campaignId)).toEqual([eot.id]);
    expect(await pendingForPerson(db, s.people.studentA.id, new Date(OPENS.getTime() - 1000))).toEqual([]);
    expect(await pendingForPerson(db, s.people.studentA.id, CLOSES)).toEqual([]);
    await closeCampaign(db, eot.id, DURING);
    expect((await pendingForPerson(db, s.people.studentA.id, DURING)).map((c) => c.campaignId)).toEqual([soon.id]);
  });
});

describe("campaignPublicKeys", () => {
  it("every target's published key, the keys the tokens verify under, the same on every call", async () => {
    const keys = await campaignPublicKeys(db, eot.id, DURING);
    const stored = await db
      .select({ targetId: targetKeys.targetId, publicKey: targetKeys.publicKey })
      .from(targetKeys)
      .innerJoin(campaignTargets, eq(campaignTargets.id, targetKeys.targetId))
      .where(eq(campaignTargets.campaignId, eot.id))
      .orderBy(targetKeys.targetId);
    expect(keys).toEqual(stored);
    expect(keys.map((k) => k.targetId)).toEqual(eot.targets.map((x) => x.id));
    expect(new Set(keys.map((k) => k.publicKey)).size).toBe(keys.length);
    for (const tok of await studentTokens(db, eot.id, s.people.studentB.id)) {
      const key = keys.find((k) => k.targetId === tok.targetId);
      assert.exists(key);
      const pk = key.publicKey;
      expect(verifyToken(pk, fromBase64(tok.token), fromBase64(tok.signature))).toBe(true);
    }
    expect(await campaignPublicKeys(db, eot.id, LATER)).toEqual(keys);
  });

  it("only the campaign's own keys", async () => {
    const other = await openedCampaign(db, s, {
      kind: "end_of_term",
      name: "另一个",
      termId: s.term.id,
      opensAt: OPENS,
      closesAt: CLOSES,
      instruments: [{ raterGroup: "student", instrumentVersionId: eot.versionId }],
    });
    const mine = await campaignPublicKeys(db, eot.id, DURING);
    const theirs = await campaignPublicKeys(db, other.id, DURING);
    expect(theirs.map((k) => k.targetId)).toEqual(other.targets.map((x) => x.id));
    expect(mine.some((k) => theirs.some((o) => o.publicKey === k.publicKey || o.targetId === k.targetId))).toBe(false);
  });

  it("refuses unknown, draft, not yet open, past and closed campaigns", async () => {
    await expectDomainError(campaignPublicKeys(db, 999_999, DURING), { kind: "NOT_FOUND", code: "respond.submit.errors.campaignNotFound" });
    const draft = await createCampaign(
      db,
      await sessionOf(db, s.people.quality),
      {
        kind: "end_of_term",
        name: "草稿",
        termId: s.term.id,
        opensAt: OPENS,
        closesAt: CLOSES,
        instruments: [{ raterGroup: "student", instrumentVersionId: eot.versionId }],
      },
      NOW,
    );
    await expectDomainError(campaignPublicKeys(db, draft.id, DURING), { kind: "CONFLICT", code: "respond.submit.errors.campaignClosed" });
    await expectDomainError(campaignPublicKeys(db, eot.id, new Date(OPENS.getTime() - 1000)), {
      kind: "CONFLICT",
      code: "respond.submit.errors.campaignClosed",
    });
    await expectDomainError(campaignPublicKeys(db, eot.id, CLOSES), { kind: "CONFLICT", code: "respond.submit.errors.campaignClosed" });
    await closeCampaign(db, eot.id, LATER);
    await expectDomainError(campaignPublicKeys(db, eot.id, LATER), { kind: "CONFLICT", code: "respond.submit.errors.campaignClosed" });
  });
});
