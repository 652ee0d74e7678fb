import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { campaignTargets, sections } from "@/db/schema";
import { generateAssignments } from "../campaigns/assign";
import { createCampaign } from "../campaigns/campaigns";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { approveRuleSet, createRuleSet } from "../warnings/rules";
import { recompute } from "./compute";
import { approvePolicy, createPolicy, currentPolicy, defaultPolicy } from "./policies";
import { myResults } from "./results";
import { storeResponses } from "./store";
import { answersFor, fileOf, fileOfGroup, libraryVersions, respond, rng, scoringCampaign, type ScoringCampaign } from "./testing";

// A formative campaign (server/campaigns/kinds.ts FORMATIVE_KINDS: the mid-term feedback) has
// its figures computed and shown to the teacher, but they feed no judgement of the teacher:
// the same year recomputed with a mid-term campaign full of low answers gives the same
// composites, appraisal bands and warnings as without it.

let db: Db;
let s: School;
let c: ScoringCampaign;
const NOW = new Date("2027-02-01T02:00:00Z");

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  c = await scoringCampaign(db, s);
});

/** The figures that judge teachers: term and year composites, appraisal bands, warnings. */
async function judgement(policyId: number) {
  const composites = await queryRows(
    db,
    { teacher_id: col.int, term_id: col.int.nullable, score: col.num.nullable, composite: col.json<unknown>() },
    sql`select teacher_id, term_id, score, composite from teacher_composites where policy_id = ${policyId} order by teacher_id, term_id nulls first`,
  );
  const bands = await queryRows(
    db,
    { teacher_id: col.int, score: col.num.nullable, band: col.text.nullable, reason: col.text, detail: col.json<unknown>() },
    sql`select teacher_id, score, band, reason, detail from appraisal_results where policy_id = ${policyId} order by teacher_id`,
  );
  const raised = await queryRows(
    db,
    { subject_key: col.text, kind: col.text },
    sql`select w.subject_key, w.kind from warnings w order by w.subject_key, w.kind`,
  );
  return { composites, bands, raised };
}

/** A mid-term campaign of the same term (the library's mid-term instrument), generated and closed. */
async function midTermCampaign() {
  const v = await libraryVersions(db, s.people.quality.id, ["mid_term_feedback"]);
  const created = await createCampaign(
    db,
    await sessionOf(db, s.people.quality),
    {
      kind: "mid_term",
      name: "期中教学反馈（测试）",
      termId: s.term.id,
      opensAt: new Date("2026-11-02T00:00:00Z"),
      closesAt: new Date("2026-11-16T00:00:00Z"),
      instruments: [{ raterGroup: "student", instrumentVersionId: v.mid_term_feedback }],
    },
    new Date("2026-10-20T08:00:00Z"),
  );
  await generateAssignments(db, created.id);
  for (const state of ["open", "closed"])
    await db.execute(sql`update campaigns set state = ${state}, opened_at = opens_at, closed_at = closes_at where id = ${created.id}`);
  const targets = await db
    .select({ id: campaignTargets.id, teacherId: campaignTargets.teacherId, code: sections.code })
    .from(campaignTargets)
    .innerJoin(sections, eq(sections.id, campaignTargets.sectionId))
    .where(eq(campaignTargets.campaignId, created.id));
  return { id: created.id, name: created.name, versionId: v.mid_term_feedback, targets };
}

describe("a formative (mid-term) campaign", () => {
  it("leaves the composites, appraisal bands and warnings of its year unchanged; the teacher sees its reported figures", async () => {
    const r = rng(5);
    for (const code of ["CS101-01", "CS102-01", "CS103-01", "EN101-01", "EN102-01"])
      await respond(
        db,
        c,
        code,
        "student",
        Array.from({ length: 9 }, () => answersFor(fileOfGroup("student"), 0.85, r)),
      );
    await respond(db, c, "CS101-01", "self", [answersFor(fileOfGroup("self"), 0.9, r)]);
    const made = await createPolicy(db, defaultPolicy("2026-2027"), s.people.quality.id);
    await approvePolicy(db, made.id, s.people.quality.id, "测试", NOW);
    const p = await currentPolicy(db, "2026-2027");
    if (!p) throw new Error("no policy in force");
    const rules = await createRuleSet(db, NOW, s.people.quality, {
      rules: [
        { key: "low", name: "综合得分低于70", kind: "composite_below", params: { threshold: 70 } },
        { key: "rate", name: "参评率低于60%", kind: "response_rate_below", params: { floor: 0.6 } },
        { key: "class", name: "学生评分低于70", kind: "section_score_below", params: { threshold: 70 } },
      ],
    });
    await approveRuleSet(db, NOW, s.people.quality, { id: rules.id, note: "质量办审定" });

    await recompute(db, p, { trigger: "command", now: () => NOW });
    const before = await judgement(p.id);
    expect(before.composites.length).toBeGreaterThan(0);
    expect(before.bands.length).toBeGreaterThan(0);
    expect(before.raised).toEqual([]);

    // The mid-term feedback of the same term: low answers in every class (9 of 12 students), and
    // only 2 in CS102-01 (below the minimum of raters, and a response rate under 60 %).
    const m = await midTermCampaign();
    const file = fileOf("mid_term_feedback");
    let seq = 0;
    for (const t of m.targets)
      await storeResponses(
        db,
        Array.from({ length: t.code === "CS102-01" ? 2 : 9 }, () => ({
          targetId: t.id,
          raterGroup: "student",
          versionId: m.versionId,
          answers: answersFor(file, 0.1, r),
          day: "2026-11-10",
          spentTokenHash: `mid:${++seq}`,
        })),
      );
    await recompute(db, p, { trigger: "command", now: () => new Date(NOW.getTime() + 60_000) });
    expect(await judgement(p.id)).toEqual(before);

    // The end-of-term campaign published: the teacher sees their composites, which the mid-term
    // campaign closed but not yet published does not hold back, and none of its figures yet.
    await db.execute(sql`update campaigns set state = 'published' where id = ${c.id}`);
    const early = await myResults(db, s.people.teacherA.id);
    expect(early.composites.length).toBeGreaterThan(0);
    expect(early.targets.filter((t) => t.campaign === m.name)).toEqual([]);
    // Published, its figures are the teacher's to see (reported ones only: the minimum of raters).
    await db.execute(sql`update campaigns set state = 'published' where id = ${m.id}`);
    const mine = await myResults(db, s.people.teacherA.id);
    const midTerm = mine.targets.filter((t) => t.campaign === m.name);
    expect(midTerm.map((t) => [t.sectionCode, t.reported]).sort()).toEqual([
      ["CS101-01", true],
      ["CS102-01", false],
    ]);
    const cs101 = midTerm.find((t) => t.sectionCode === "CS101-01");
    expect(cs101?.n).toBe(9);
    expect(cs101?.figures?.mean).toBeLessThan(40);
    expect(mine.composites).toEqual(early.composites);
  });
});
