import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { match } from "@/server/test/match";
import type { Db } from "@/db/client";
import { campaignTargets, eligibility, responses } from "@/db/schema";
import { at } from "@/server/shared/indexed";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { CLOSES, DURING, LATER, NOW, OPENS, SECRET, openedCampaign, studentTokens, submit } from "../test/collection";
import { expectDomainError } from "../test/errors";
import { pendingForPerson } from "../respond/pending";
import { campaignDetail, campaignFormOptions } from "./admin";
import { assignmentSummary, generateAssignments } from "./assign";
import { closeCampaign, createCampaign, type CreateCampaignInput } from "./campaigns";
import { ENROLMENT_KINDS, FORMATIVE_KINDS, INSTRUMENT_KIND_FOR, SECTION_KINDS, TERM_KINDS } from "./kinds";
import { planObservations } from "./observe";
import { tinyVersions } from "./testing";

// 期中教学反馈 (mid_term): the students of each section answer the mid-term questionnaire
// about it, anonymously, with the end-of-term evaluation's targets, eligibility and anonymity.
// Its exclusion from composites, appraisal and warnings: server/scoring/formative.test.ts.

let db: Db;
let s: School;
let v: Record<"mid_term_feedback" | "student_evaluation" | "self_evaluation" | "supervisor_observation", number>;

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  v = await tinyVersions(
    db,
    ["mid_term_feedback", "student_evaluation", "self_evaluation", "supervisor_observation"] as const,
    s.people.quality.id,
  );
});

const midTerm = (patch: Partial<CreateCampaignInput> = {}): CreateCampaignInput => ({
  kind: "mid_term",
  name: "2026-2027-1 期中教学反馈",
  termId: s.term.id,
  opensAt: OPENS,
  closesAt: CLOSES,
  instruments: [{ raterGroup: "student", instrumentVersionId: v.mid_term_feedback }],
  ...patch,
});
const quality = () => sessionOf(db, s.people.quality);

describe("mid-term feedback (mid_term)", () => {
  it("is a formative section kind in a term whose students answer the mid-term instrument", () => {
    expect(INSTRUMENT_KIND_FOR.mid_term).toEqual({ student: "mid_term_feedback" });
    expect(TERM_KINDS).toContain("mid_term");
    expect(SECTION_KINDS).toContain("mid_term");
    expect(ENROLMENT_KINDS).toContain("mid_term");
    expect(FORMATIVE_KINDS).toEqual(["mid_term"]);
  });

  it("is offered by the creation form, with the mid-term instrument for students and a term", async () => {
    const o = await campaignFormOptions(db, await quality());
    expect(o.kinds.find((k) => k.kind === "mid_term")).toMatchObject({
      groups: [{ group: "student", instrumentKind: "mid_term_feedback" }],
      term: true,
      cohorts: false,
      employers: false,
    });
  });

  it("refuses another instrument kind, another rater group, and no term", async () => {
    const actor = await quality();
    await expectDomainError(
      createCampaign(db, actor, midTerm({ instruments: [{ raterGroup: "student", instrumentVersionId: v.student_evaluation }] }), NOW),
      { code: "campaigns.errors.wrongInstrumentKind" },
    );
    await expectDomainError(
      createCampaign(
        db,
        actor,
        midTerm({
          instruments: [
            { raterGroup: "student", instrumentVersionId: v.mid_term_feedback },
            { raterGroup: "self", instrumentVersionId: v.self_evaluation },
          ],
        }),
        NOW,
      ),
      { code: "campaigns.errors.groupNotForKind" },
    );
    await expectDomainError(createCampaign(db, actor, midTerm({ termId: undefined }), NOW), { code: "campaigns.errors.termRequired" });
    // and the end-of-term evaluation does not take the mid-term instrument
    await expectDomainError(
      createCampaign(
        db,
        actor,
        midTerm({ kind: "end_of_term", instruments: [{ raterGroup: "student", instrumentVersionId: v.mid_term_feedback }] }),
        NOW,
      ),
      { code: "campaigns.errors.wrongInstrumentKind" },
    );
  });

  it("makes teacher × section targets with the enrolled students eligible, and plans no observers", async () => {
    const c = await createCampaign(db, await quality(), midTerm(), NOW);
    const r = await generateAssignments(db, c.id);
    // the fixture term: secA (teacher A: students A and B), secB (teacher B: student B)
    expect(r).toMatchObject({ targets: 2, sections: 2, eligibility: 3, observations: 0 });
    const sum = await assignmentSummary(db, c.id);
    expect(sum).toMatchObject({ targets: 2, eligibleStudents: 2, eligibilityRows: 3, byGroup: { student: 3 } });
    const detail = await campaignDetail(db, await quality(), c.id);
    expect(detail).toMatchObject({ sectionKind: true, enrolmentKind: true, observationsTab: false, observerGroups: [] });
    await expectDomainError(planObservations(db, c.id, { perSection: 1, quotaPerObserver: 5, groups: ["supervisor"] }), {
      code: "campaigns.errors.groupNotForKind",
    });
  });

  it("opens; a student answers each of their sections anonymously; the answers are responses at the close", async () => {
    const c = await openedCampaign(db, s, midTerm());
    const tA = at(
      c.targets.filter((t) => t.sectionId === s.secA.id),
      0,
    );
    const tB = at(
      c.targets.filter((t) => t.sectionId === s.secB.id),
      0,
    );
    const pending = await pendingForPerson(db, s.people.studentB.id, DURING);
    expect(pending).toEqual([
      match.objectContaining({ campaignId: c.id, kind: "mid_term", versionId: v.mid_term_feedback, targets: match.any(Array) }),
    ]);
    expect(pending.flatMap((p) => p.targets.map((t) => t.targetId)).sort()).toEqual([tA.id, tB.id].sort());
    const tokens = await studentTokens(db, c.id, s.people.studentB.id);
    expect(tokens).toHaveLength(2);
    for (const t of tokens) expect(await submit(db, t, { q1: 3 })).toEqual({ status: "stored" });
    expect(await db.select().from(responses)).toHaveLength(0); // sealed while it runs
    await closeCampaign(db, c.id, LATER, null, SECRET);
    const rows = await db.select().from(responses);
    expect(rows.map((r) => [r.targetId, r.raterGroup, r.instrumentVersionId, r.answers]).sort()).toEqual(
      [
        [tA.id, "student", v.mid_term_feedback, { q1: 3 }],
        [tB.id, "student", v.mid_term_feedback, { q1: 3 }],
      ].sort(),
    );
    // the student's eligibility records a day of issuance, nothing else
    const own = await db
      .select({ issued: eligibility.tokenIssuedOn })
      .from(eligibility)
      .innerJoin(campaignTargets, eq(campaignTargets.id, eligibility.targetId))
      .where(eq(eligibility.personId, s.people.studentB.id));
    expect(own.every((e) => e.issued !== null)).toBe(true);
  });
});
