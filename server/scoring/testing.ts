// Test-only helpers for scoring: the library's instruments approved, a closed end-of-term
// campaign on the fixture school with more sections and students, and responses stored
// through the same write path imports use (storeResponses: answers and their scores).
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { campaignTargets, courses, enrolments, persons, roleGrants, sectionTeachers, sections } from "@/db/schema";
import { col, one, queryRows } from "@/db/query";
import { at } from "@/server/shared/indexed";
import { generateAssignments } from "../campaigns/assign";
import { createCampaign } from "../campaigns/campaigns";
import type { InstrumentKind, RaterGroup } from "../campaigns/kinds";
import type { InstrumentFile } from "../instruments/format";
import { loadRegistry } from "../instruments/registry";
import { approveVersion, createVersion } from "../instruments/versions";
import { type School, sessionOf } from "../test/fixtures";
import { TALLY } from "./compute";
import { foldTallies, storeResponses, type NewResponse } from "./store";
import { currentPolicy, type PolicyRow } from "./policies";
import { scoreResponse, type ScoringModel } from "./score";

export { answersFor, rng } from "./simulate";

export const LIBRARY = loadRegistry();

/** The library's instrument of each kind stored and approved; kind → version id. */
export async function libraryVersions(db: Db, approverId: number, kinds: readonly InstrumentKind[]) {
  const out = {} as Record<InstrumentKind, number>;
  for (const kind of kinds) {
    const r = await createVersion(db, fileOf(kind), approverId);
    if (r.status === "created") await approveVersion(db, r.versionId, approverId, "测试");
    out[kind] = r.versionId;
  }
  return out;
}

export function fileOf(kind: InstrumentKind): InstrumentFile {
  const file = Object.values(LIBRARY).find((f) => f.kind === kind);
  if (!file) throw new Error(`the library has no instrument of kind ${kind}`);
  return file;
}

/** The total of a response the test made with answers enough to score (throws if it has none). */
export function totalOf(instrument: InstrumentFile | ScoringModel, answers: Record<string, unknown>): number {
  const total = scoreResponse(instrument, answers)?.total;
  if (total === undefined || total === null) throw new Error("the response has no total");
  return total;
}

/** The policy in force of a school year the test approved one for (throws if there is none). */
export async function approvedPolicy(db: Db, schoolYear: string): Promise<PolicyRow> {
  const p = await currentPolicy(db, schoolYear);
  if (!p) throw new Error(`no policy in force for ${schoolYear}`);
  return p;
}

export const SCORING_GROUPS = ["student", "self", "supervisor", "peer"] as const;

/**
 * The fixture school grown for scoring: unit A offers CS101 (foundation, teacher A), CS102 and
 * CS103 (core, teachers A and C); unit B EN101 and EN102 (core, teacher B); `perSection`
 * students enrolled in each; an end-of-term campaign of the fixture term with students, self,
 * supervisors and peers, generated, then closed. Returns the campaign, its targets by section
 * code, and the versions.
 */
export async function scoringCampaign(db: Db, s: School, opts: { perSection?: number; name?: string } = {}) {
  const perSection = opts.perSection ?? 12;
  const v = await libraryVersions(db, s.people.quality.id, [
    "student_evaluation",
    "self_evaluation",
    "supervisor_observation",
    "peer_evaluation",
  ]);
  const teacherC = one(
    await db.insert(persons).values({ number: "T003", name: "王老师", kind: "staff", unitId: s.officeA.id }).returning(),
  );
  await db.insert(roleGrants).values({ personId: teacherC.id, role: "teacher" });
  const [cs102, cs103, en102] = await db
    .insert(courses)
    .values([
      { code: "CS102", name: "数据结构", unitId: s.unitA.id, programmeId: s.progA.id, type: "core" },
      { code: "CS103", name: "操作系统", unitId: s.unitA.id, programmeId: s.progA.id, type: "core" },
      { code: "EN102", name: "英语写作", unitId: s.unitB.id, programmeId: s.progB.id, type: "core" },
    ])
    .returning();
  if (!cs102 || !cs103 || !en102) throw new Error("the three courses were not all stored");
  const more = await db
    .insert(sections)
    .values([
      { code: "CS102-01", termId: s.term.id, courseId: cs102.id },
      { code: "CS103-01", termId: s.term.id, courseId: cs103.id },
      { code: "EN102-01", termId: s.term.id, courseId: en102.id },
    ])
    .returning();
  await db.insert(sectionTeachers).values([
    { sectionId: at(more, 0).id, personId: s.people.teacherA.id },
    { sectionId: at(more, 1).id, personId: teacherC.id },
    { sectionId: at(more, 2).id, personId: s.people.teacherB.id },
  ]);
  const all = [s.secA, s.secB, ...more];
  for (const [i, sec] of all.entries()) {
    const students = await db
      .insert(persons)
      .values(
        Array.from({ length: perSection }, (_, k) => ({
          number: `S${i}${String(k).padStart(3, "0")}`,
          name: `学生${i}-${k}`,
          kind: "student" as const,
          unitId: s.unitA.id,
        })),
      )
      .returning({ id: persons.id });
    await db
      .insert(enrolments)
      .values(students.map((p) => ({ sectionId: sec.id, personId: p.id })))
      .onConflictDoNothing();
  }
  const quality = await sessionOf(db, s.people.quality);
  const c = await createCampaign(
    db,
    quality,
    {
      kind: "end_of_term",
      name: opts.name ?? "期末评教（测试）",
      termId: s.term.id,
      opensAt: new Date("2026-12-25T00:00:00Z"),
      closesAt: new Date("2027-01-15T00:00:00Z"),
      instruments: [
        { raterGroup: "student", instrumentVersionId: v.student_evaluation },
        { raterGroup: "self", instrumentVersionId: v.self_evaluation },
        { raterGroup: "supervisor", instrumentVersionId: v.supervisor_observation },
        { raterGroup: "peer", instrumentVersionId: v.peer_evaluation },
      ],
    },
    new Date("2026-12-20T08:00:00Z"),
  );
  await generateAssignments(db, c.id);
  await db.execute(sql`update campaigns set state = 'open', opened_at = opens_at where id = ${c.id}`);
  await db.execute(sql`update campaigns set state = 'closed', closed_at = closes_at where id = ${c.id}`);
  const targets = await db
    .select({ id: campaignTargets.id, sectionId: campaignTargets.sectionId, teacherId: campaignTargets.teacherId, code: sections.code })
    .from(campaignTargets)
    .innerJoin(sections, eq(sections.id, campaignTargets.sectionId))
    .where(eq(campaignTargets.campaignId, c.id));
  const bySection = Object.fromEntries(targets.map((t) => [t.code, t])) as Record<string, (typeof targets)[number]>;
  const versionOf: Record<RaterGroup, number> = {
    student: v.student_evaluation,
    self: v.self_evaluation,
    supervisor: v.supervisor_observation,
    peer: v.peer_evaluation,
  } as Record<RaterGroup, number>;
  return { id: c.id, name: c.name, targets: bySection, teacherC, versions: v, versionOf };
}

export type ScoringCampaign = Awaited<ReturnType<typeof scoringCampaign>>;

/** The campaign's target of a section (one teacher per section), by the section's code; throws if there is none. */
export function targetOf(c: Pick<ScoringCampaign, "targets">, sectionCode: string) {
  const target = c.targets[sectionCode];
  if (!target) throw new Error(`no target for section ${sectionCode}`);
  return target;
}

/**
 * Another end-of-term campaign of the same term, sections and instrument versions as `c`,
 * generated and left open (or closed): a campaign still running beside a finished one.
 */
export async function anotherCampaign(db: Db, s: School, c: ScoringCampaign, opts: { name: string; state?: "open" | "closed" }) {
  const quality = await sessionOf(db, s.people.quality);
  const created = await createCampaign(
    db,
    quality,
    {
      kind: "end_of_term",
      name: opts.name,
      termId: s.term.id,
      opensAt: new Date("2027-01-10T00:00:00Z"),
      closesAt: new Date("2027-02-15T00:00:00Z"),
      instruments: (["student", "self", "supervisor", "peer"] as const).map((g) => ({
        raterGroup: g,
        instrumentVersionId: c.versionOf[g],
      })),
    },
    new Date("2027-01-05T08:00:00Z"),
  );
  await generateAssignments(db, created.id);
  await db.execute(sql`update campaigns set state = 'open', opened_at = opens_at where id = ${created.id}`);
  if (opts.state === "closed") await db.execute(sql`update campaigns set state = 'closed', closed_at = closes_at where id = ${created.id}`);
  const targets = await db
    .select({ id: campaignTargets.id, sectionId: campaignTargets.sectionId, teacherId: campaignTargets.teacherId, code: sections.code })
    .from(campaignTargets)
    .innerJoin(sections, eq(sections.id, campaignTargets.sectionId))
    .where(eq(campaignTargets.campaignId, created.id));
  return {
    ...c,
    id: created.id,
    name: created.name,
    targets: Object.fromEntries(targets.map((t) => [t.code, t])) as ScoringCampaign["targets"],
  };
}

let seq = 0;
/** Stores answers as responses of a target and group through storeResponses; returns how many were stored. */
export async function respond(db: Db, c: ScoringCampaign, sectionCode: string, group: RaterGroup, answers: Record<string, unknown>[]) {
  const t = targetOf(c, sectionCode);
  const rows: NewResponse[] = answers.map((a) => ({
    targetId: t.id,
    raterGroup: group,
    versionId: c.versionOf[group],
    answers: a,
    day: "2027-01-05",
    spentTokenHash: `test:${++seq}:${Math.random()}`,
  }));
  return storeResponses(db, rows);
}

const kindOf: Partial<Record<RaterGroup, InstrumentKind>> = {
  student: "student_evaluation",
  self: "self_evaluation",
  supervisor: "supervisor_observation",
  peer: "peer_evaluation",
};
export function fileOfGroup(g: RaterGroup): InstrumentFile {
  const kind = kindOf[g];
  if (!kind) throw new Error(`no library instrument scores the rater group ${g}`);
  return fileOf(kind);
}

type Tally = { key: string; n: number; totals: number[]; counts: string[] };

/**
 * The tallies that response_scores implies, worked out here without the migration's SQL (kind
 * 0 every scored response, the flagged again by their quality_flags, -1 the unscored; counts as
 * decimal words Σ count · 10^(6·position) per item), beside the tallies stored after folding the
 * queue (as every recompute does first): tests assert they are equal.
 */
export async function talliesBothWays(db: Db): Promise<{ expected: Tally[]; stored: Tally[] }> {
  await foldTallies(db);
  const scores = await queryRows(
    db,
    {
      target_id: col.int,
      g: col.text,
      total: col.num.nullable,
      // as JSON: postgres.js reads the NULL elements of a smallint[] (items not answered) as NaN
      options: col.json<(number | null)[]>(),
      quality_flags: col.int,
    },
    sql`select target_id, rater_group::text as g, total, to_json(options) as options, quality_flags from response_scores`,
  );
  const m = new Map<string, { n: number; totals: number[]; words: bigint[] }>();
  for (const r of scores) {
    const kinds = r.total === null ? [TALLY.unscored] : [TALLY.scored, ...(r.quality_flags !== 0 ? [r.quality_flags] : [])];
    for (const kind of kinds) {
      const key = `${r.target_id}|${r.g}|${kind}`;
      let t = m.get(key);
      if (!t) m.set(key, (t = { n: 0, totals: [], words: [] }));
      t.n++;
      if (kind === TALLY.unscored) continue;
      if (r.total !== null) t.totals.push(r.total);
      r.options.forEach((o, i) => {
        t.words[i] = (t.words[i] ?? 0n) + (o === null ? 0n : 10n ** BigInt(6 * o));
      });
    }
  }
  const expected = [...m].map(([key, t]) => ({ key, n: t.n, totals: t.totals.sort((a, b) => a - b), counts: t.words.map(String) }));
  const stored = (
    await queryRows(
      db,
      { target_id: col.int, g: col.text, kind: col.int, n: col.int, totals: col.array(col.num), counts: col.array(col.text) },
      sql`
    select target_id, rater_group::text as g, kind, n, totals, counts::text[] as counts from target_tallies`,
    )
  ).map((r) => ({ key: `${r.target_id}|${r.g}|${r.kind}`, n: r.n, totals: r.totals, counts: r.counts }));
  const order = (a: Tally, b: Tally) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return { expected: expected.sort(order), stored: stored.sort(order) };
}
