import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { observationAssignments, persons, roleGrants } from "@/db/schema";
import { tinyVersions } from "../campaigns/testing";
import { CLOSES, DURING, endOfTermCampaign, OPENS, openedCampaign } from "../test/collection";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { createCaller } from "./root";
import { refusalOf } from "../test/errors";
import { one } from "@/db/query";
import { at } from "@/server/shared/indexed";

// respond.form hands out an instrument version's survey: only a version the caller answers
// in an open campaign (their own eligibility or observation assignment), any version to
// those who edit and approve instruments; nobody else learns even whether it exists.
let db: Db;
let s: School;
let eot: Awaited<ReturnType<typeof endOfTermCampaign>>;
let other: Record<"learning_experience" | "peer_evaluation", number>;
let draft: number;

const as = async (p: { id: number }) => createCaller({ db, user: await sessionOf(db, p), locale: "en", now: () => DURING });

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  eot = await endOfTermCampaign(db, s, { self: true });
  // Versions no campaign uses: an approved one of another instrument, and a draft.
  other = await tinyVersions(db, ["learning_experience", "peer_evaluation"] as const, s.people.quality.id);
  ({ student_evaluation: draft } = await tinyVersions(db, ["student_evaluation"] as const, s.people.quality.id, { draft: true }));
});

describe("respond.form", () => {
  it("a student reads their campaign's version, not another version nor a draft", async () => {
    const student = await as(s.people.studentA);
    expect((await student.respond.form({ versionId: eot.versionId })).versionId).toBe(eot.versionId);
    expect((await refusalOf(student.respond.form({ versionId: other.learning_experience }))).code).toBe("NOT_FOUND");
    expect((await refusalOf(student.respond.form({ versionId: draft }))).code).toBe("NOT_FOUND");
    expect((await refusalOf(student.respond.form({ versionId: 999_999 }))).code).toBe("NOT_FOUND");
  });

  it("someone eligible for nothing in the campaign reads nothing of it", async () => {
    const outsider = one(
      await db.insert(persons).values({ number: "2099001", name: "外人", kind: "student", unitId: s.unitA.id }).returning(),
    );
    expect((await refusalOf((await as(outsider)).respond.form({ versionId: eot.versionId }))).code).toBe("NOT_FOUND");
    // HR reads results, not instruments.
    expect((await refusalOf((await as(s.people.hr)).respond.form({ versionId: eot.versionId }))).code).toBe("NOT_FOUND");
  });

  it("a teacher reads the self-evaluation version of their campaign; an observer the version of their group", async () => {
    const selfVersion = at(await (await as(s.people.teacherA)).respond.selfEvaluations(), 0).versionId;
    expect((await (await as(s.people.teacherA)).respond.form({ versionId: selfVersion })).versionId).toBe(selfVersion);
    // The teacher is no student of the campaign: its student version is not theirs.
    expect((await refusalOf((await as(s.people.teacherA)).respond.form({ versionId: eot.versionId }))).code).toBe("NOT_FOUND");
    expect((await refusalOf((await as(s.people.teacherB)).respond.form({ versionId: other.peer_evaluation }))).code).toBe("NOT_FOUND");
    // Once the campaign has peers answer that version and teacherB observes a class, it is theirs.
    const peers = await openedCampaign(db, s, {
      kind: "end_of_term",
      name: "同行听课",
      termId: s.term.id,
      opensAt: OPENS,
      closesAt: CLOSES,
      instruments: [
        { raterGroup: "student", instrumentVersionId: eot.versionId },
        { raterGroup: "peer", instrumentVersionId: other.peer_evaluation },
      ],
    });
    await db
      .insert(observationAssignments)
      .values({ targetId: at(peers.targets, 0).id, observerId: s.people.teacherB.id, raterGroup: "peer" });
    expect((await (await as(s.people.teacherB)).respond.form({ versionId: other.peer_evaluation })).versionId).toBe(other.peer_evaluation);
    expect((await refusalOf((await as(s.people.teacherA)).respond.form({ versionId: other.peer_evaluation }))).code).toBe("NOT_FOUND");
  });

  it("the quality office and the system administrator read any version, drafts included", async () => {
    for (const p of [s.people.quality, s.people.sysAdmin]) {
      const c = await as(p);
      expect((await c.respond.form({ versionId: draft })).versionId).toBe(draft);
      expect((await c.respond.form({ versionId: other.peer_evaluation })).versionId).toBe(other.peer_evaluation);
    }
    // A unit admin is no instrument editor.
    await db.insert(roleGrants).values({ personId: s.people.teacherB.id, role: "unit_admin", unitId: s.unitA.id });
    expect((await refusalOf((await as(s.people.teacherB)).respond.form({ versionId: draft }))).code).toBe("NOT_FOUND");
  });
});
