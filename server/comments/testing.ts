// Test helpers for students' comments: an end-of-term campaign whose student instrument has two
// free-text questions, on the fixture school with extra students in section A, answered and closed.
import type { Db } from "@/db/client";
import { credentials, enrolments, persons, roleGrants } from "@/db/schema";
import { closeCampaign } from "../campaigns/campaigns";
import { tinyInstrument } from "../campaigns/testing";
import { approveVersion, createVersion } from "../instruments/versions";
import { CLOSES, LATER, OPENS, SECRET, openedCampaign, studentTokens } from "../test/collection";
import type { School } from "../test/fixtures";
import { submitResponse } from "../anonymity/submit";
import { one } from "@/db/query";
import { at } from "@/server/shared/indexed";

export const AFTER_CLOSE = new Date("2027-01-16T02:00:00Z");

/** The tiny student instrument with the free-text questions "strengths" and "suggestions". */
export async function commentVersion(db: Db, approverId: number): Promise<number> {
  const file = tinyInstrument("student_evaluation", "_comments");
  at(file.survey.pages, 0).elements.push(
    { type: "comment", name: "strengths", title: { default: "最值得肯定的方面", en: "Strengths" } } as never,
    { type: "comment", name: "suggestions", title: { default: "改进建议", en: "Suggestions" } } as never,
  );
  const r = await createVersion(db, file, approverId);
  await approveVersion(db, r.versionId, approverId, "测试");
  return r.versionId;
}

/** `n` more students enrolled in section A (numbers 20240001…), returned with their ids. */
export async function moreStudents(db: Db, s: School, n: number) {
  const out: { id: number; number: string; name: string }[] = [];
  for (let i = 1; i <= n; i++) {
    const number = `2024${String(i).padStart(4, "0")}`;
    const p = one(
      await db
        .insert(persons)
        .values({ number, name: `学生${"甲乙丙丁戊己庚辛壬癸"[i - 1]}`, kind: "student", unitId: s.unitA.id })
        .returning(),
    );
    await db.insert(roleGrants).values({ personId: p.id, role: "student" });
    await db.insert(credentials).values({ personId: p.id, passwordHash: "x" });
    await db.insert(enrolments).values({ sectionId: s.secA.id, personId: p.id });
    out.push({ id: p.id, number, name: p.name });
  }
  return out;
}

export type Answer = { strengths?: string; suggestions?: string; q1?: number };

/**
 * A closed end-of-term campaign of the fixture term: section A's students (studentA, the
 * `extra` more, and studentB, who takes both sections) answer with `answersA` (cycled), and
 * studentB answers section B with `answerB` (one response: below the minimum of raters).
 * Closed at AFTER_CLOSE, which stores the pool.
 */
export async function closedWithComments(db: Db, s: School, answersA: Answer[], answerB: Answer, extra = 6) {
  const versionId = await commentVersion(db, s.people.quality.id);
  const students = await moreStudents(db, s, extra);
  const c = await openedCampaign(db, s, {
    kind: "end_of_term",
    name: "期末评教（评语）",
    termId: s.term.id,
    opensAt: OPENS,
    closesAt: CLOSES,
    instruments: [{ raterGroup: "student", instrumentVersionId: versionId }],
  });
  const targetA = c.targets.find((t) => t.sectionId === s.secA.id);
  const targetB = c.targets.find((t) => t.sectionId === s.secB.id);
  if (!targetA || !targetB) throw new Error("the campaign has no target for section A or B");
  const raters = [s.people.studentA.id, ...students.map((x) => x.id), s.people.studentB.id];
  for (const [i, rater] of raters.entries()) {
    for (const t of await studentTokens(db, c.id, rater)) {
      const a = t.targetId === targetA.id ? answersA[i % answersA.length] : answerB;
      await submitResponse(
        db,
        { targetId: t.targetId, token: t.token, signature: t.signature, locale: "zh", answers: { q1: 5, ...a } },
        LATER,
        SECRET,
      );
    }
  }
  await closeCampaign(db, c.id, AFTER_CLOSE, null, SECRET);
  return { campaignId: c.id, targetA, targetB, versionId, students, ratersA: raters.length };
}
