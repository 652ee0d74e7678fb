// Benchmark of attainment on the real PostgreSQL: a programme of 60 course offerings × 120
// students × 12 items (4 per objective, 3 objectives per course) and 12 requirements with 36
// indicator points (each point supported by 5 course objectives, H/M/L), every gradebook
// imported through importGradebook (the app's path: read CSV, check every row, replace the
// section's items and scores in one transaction), then the year computed and stored through
// computeProgrammeRun (read from the database, compute, store the run).
//
//   npm run bench:attainment
//
// Last line:
//   bench-attainment: scores=<n> import_s=<s> compute_ms=<ms>
// Target: import_s < 10, compute_ms < 1000. The database (BENCH_DB, default bench_attainment)
// is dropped and created on the server of BENCH_PG_URL (default: the local one) each run.
import { sql } from "drizzle-orm";
import { openDb } from "@/db/client";
import { courses, enrolments, persons, programmes, sections, terms, units } from "@/db/schema";
import { col, one, queryValue } from "@/db/query";
import { at } from "@/server/shared/indexed";
import { defaultPgUrl, setting } from "./harness";
import { databaseUrl, recreateDatabase } from "./seed";
import { computeAttainment, type Strength } from "@/server/attainment/compute";
import { approveModelVersion, createModelVersion, getModelVersion, modelParams, type OutcomeModel } from "@/server/attainment/model";
import { computeProgrammeRun, importGradebook, programmeInput } from "@/server/attainment/store";

const OFFERINGS = 60;
const STUDENTS = 120;
const ITEMS = 12;
const YEAR = "2026-2027";
const log = (s: string) => console.log(s);

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  const baseUrl = setting("BENCH_PG_URL", defaultPgUrl());
  const dbName = setting("BENCH_DB", "bench_attainment");
  await recreateDatabase(baseUrl, dbName);
  const handle = await openDb({ url: databaseUrl(baseUrl, dbName) });
  const { db } = handle;
  try {
    const t0 = performance.now();
    const school = one(await db.insert(units).values({ code: "S", name: "基准大学", kind: "school" }).returning());
    const prog = one(await db.insert(programmes).values({ code: "BENCH", name: "基准工程专业", unitId: school.id }).returning());
    const term = one(
      await db
        .insert(terms)
        .values({ code: `${YEAR}-1`, schoolYear: YEAR, semester: 1, startsOn: "2026-09-01", endsOn: "2027-01-20" })
        .returning(),
    );
    const courseRows = await db
      .insert(courses)
      .values(
        Array.from({ length: OFFERINGS }, (_, i) => ({
          code: `C${String(i + 1).padStart(2, "0")}`,
          name: `课程${i + 1}`,
          unitId: school.id,
          programmeId: prog.id,
        })),
      )
      .returning({ id: courses.id, code: courses.code });
    const secRows = await db
      .insert(sections)
      .values(courseRows.map((c) => ({ code: `${c.code}-01`, termId: term.id, courseId: c.id })))
      .returning({ id: sections.id, courseId: sections.courseId });
    // 1,200 students (10 intakes' worth); offering i takes 120 of them.
    const people = await db
      .insert(persons)
      .values(
        Array.from({ length: 1200 }, (_, i) => ({
          number: `S${String(i + 1).padStart(6, "0")}`,
          name: `学生${i + 1}`,
          kind: "student" as const,
          unitId: school.id,
        })),
      )
      .returning({ id: persons.id, number: persons.number });
    const roster = (i: number) => Array.from({ length: STUDENTS }, (_, k) => at(people, (i * 37 + k) % people.length));
    await db.insert(enrolments).values(secRows.flatMap((s, i) => roster(i).map((p) => ({ sectionId: s.id, personId: p.id }))));

    const requirements = Array.from({ length: 12 }, (_, r) => ({
      code: `GR${r + 1}`,
      points: [1, 2, 3].map((k) => ({ code: `${r + 1}.${k}` })),
    }));
    const points = requirements.flatMap((r) => r.points.map((p) => p.code));
    const objectives = courseRows.flatMap((c) => [1, 2, 3].map((k) => ({ course: c.code, code: `CO${k}` })));
    const strengths: Strength[] = ["H", "M", "L"];
    const model: OutcomeModel = {
      trainingObjectives: [],
      requirements,
      courseObjectives: objectives,
      requirementObjectives: [],
      support: objectives.map((o, j) => ({
        course: o.course,
        objective: o.code,
        point: at(points, j % points.length),
        strength: at(strengths, j % 3),
      })),
      strengthValues: { H: 3, M: 2, L: 1 },
      threshold: 0.7,
      method: "item_ratio",
      courseAggregate: "min",
      alpha: null,
    };
    const { id: modelId } = await createModelVersion(db, { programmeId: prog.id, cohorts: [2026], model }, null, new Date());
    const admin = one(await db.insert(persons).values({ number: "quality", name: "质量办", kind: "staff", unitId: school.id }).returning());
    await approveModelVersion(db, modelId, admin.id, "基准", new Date());
    log(
      `seed: ${OFFERINGS} offerings, ${people.length} students, model v1 (${points.length} points, ${model.support.length} links) in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
    );

    // The gradebooks, as teachers upload them (CSV), generated before the clock starts.
    const enc = new TextEncoder();
    const random = rng(7);
    const files = secRows.map((s, i) => {
      const code = one(courseRows.filter((c) => c.id === s.courseId)).code;
      const items = Array.from({ length: ITEMS }, (_, k) => ({
        item: `Q${k + 1}`,
        full: 10 + 5 * (k % 3),
        objective: `CO${Math.floor(k / 4) + 1}`,
      }));
      const assessments = [
        "course,item,full_marks,objective,weight",
        ...items.map((it) => `${code},${it.item},${it.full},${it.objective},0.25`),
      ].join("\n");
      const lines = ["course,student,item,score"];
      for (const p of roster(i)) {
        const ability = 0.55 + 0.4 * random();
        for (const it of items)
          lines.push(`${code},${p.number},${it.item},${Math.round(Math.min(1, ability + 0.2 * (random() - 0.5)) * it.full * 2) / 2}`);
      }
      return { sectionId: s.id, assessments: enc.encode(assessments), scores: enc.encode(lines.join("\n")) };
    });

    const i0 = performance.now();
    let scores = 0;
    for (const f of files) {
      const r = await importGradebook(db, f.sectionId, { assessments: f.assessments, scores: f.scores }, admin.id, "zh");
      if (r.status !== "imported") throw new Error(`import refused: ${JSON.stringify(r.issues.slice(0, 3))}`);
      scores += r.scores;
    }
    const importS = (performance.now() - i0) / 1000;
    const n = await queryValue(db, col.int, sql`select count(*)::int as n from assessment_scores`);
    if (n !== scores) throw new Error(`stored ${n} scores, imported ${scores}`);

    await computeProgrammeRun(db, modelId, YEAR, admin.id, new Date()); // warm-up
    const c0 = performance.now();
    const run = await computeProgrammeRun(db, modelId, YEAR, admin.id, new Date());
    const computeMs = performance.now() - c0;
    // The stored run equals the pure function on the same input.
    const m = await getModelVersion(db, modelId);
    const again = computeAttainment(await programmeInput(db, m, YEAR), modelParams(m.model));
    if (JSON.stringify(again.requirements) !== JSON.stringify(run.result.requirements))
      throw new Error("the run differs from the pure computation");
    log(
      `computed: ${run.result.objectives.length} objectives, ${run.result.points.length} points, ${run.result.requirements.length} requirements (${run.result.requirements.filter((r) => !r.attained).length} below 0.7)`,
    );
    log(`bench-attainment: scores=${scores} import_s=${importS.toFixed(2)} compute_ms=${Math.round(computeMs)}`);
  } finally {
    await handle.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
