import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq, like, sql } from "drizzle-orm";
import { assert, beforeAll, describe, expect, it } from "vitest";
import { match } from "@/server/test/match";
import { z } from "zod";
import type { Db } from "@/db/client";
import {
  assessmentItems,
  assessmentScores,
  attainmentRuns,
  courses,
  improvementItems,
  outcomeModels,
  persons,
  programmes,
  sections,
  sectionTeachers,
} from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { col, one, queryRows } from "@/db/query";
import { importLibrary } from "../instruments/library";
import { loadRegistry } from "../instruments/registry";
import { approvePolicy, createPolicy, defaultPolicy } from "../scoring/policies";
import { resetDb, testDb } from "../test/db";
import { runCli } from "./cli";
import { attainmentDocument, shortfalls, type AttainmentResult } from "./compute";
import { shortfallKey } from "./orders";
import { programmeReport } from "./views";
import { DEMO_ATTAINMENT, demoModel, seedDemoAttainment } from "./demo";
import { approveModelVersion, createModelVersion, currentModel, retireModelVersion } from "./model";
import { computeProgrammeRun, computeYear, exportProgrammeFiles, importGradebook, latestRun, sectionReport } from "./store";
import { at, atKey } from "@/server/shared/indexed";

// The demo university with its engineering programme's outcome model and a year of gradebooks.
let db: Db;
let programmeId: number;
let quality: number;
const NOW = new Date("2027-01-20T08:00:00Z");

beforeAll(async () => {
  db = await testDb();
  await resetDb(db);
  await seedDemo(db, { log: () => {} });
  ({ id: quality } = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality"))));
  await importLibrary(db, loadRegistry(), { approvedBy: quality, note: "test" });
  // the year's scoring policy: the surveys' figures (and their minimum of raters) are computed under it
  const policy = await createPolicy(db, defaultPolicy(DEMO_ATTAINMENT.schoolYear), quality);
  await approvePolicy(db, policy.id, quality, "test", NOW);
  await seedDemoAttainment(db, () => {}, NOW);
  ({ id: programmeId } = one(
    await db.select({ id: programmes.id }).from(programmes).where(eq(programmes.code, DEMO_ATTAINMENT.programme)),
  ));
}, 180_000);

const enc = (s: string) => new TextEncoder().encode(s);

describe("the demo's engineering programme", () => {
  it("has an approved model (12 requirements, 24 points), a year of gradebooks and a computed run", async () => {
    const m = await currentModel(db, programmeId);
    assert.exists(m);
    expect(m.status).toBe("approved");
    expect(m.model.requirements).toHaveLength(12);
    expect(m.model.requirements.flatMap((r) => r.points)).toHaveLength(24);
    const run = await latestRun(db, [m.id], DEMO_ATTAINMENT.schoolYear);
    assert.exists(run);
    expect(run.result.requirements).toHaveLength(12);
    expect(run.result.params).toEqual({
      threshold: 0.7,
      method: "item_ratio",
      courseAggregate: "min",
      strengthValues: { H: 3, M: 2, L: 1 },
    });
    // some fall short, some do not (the data has weak objectives in half the courses)
    const attained = run.result.requirements.map((r) => r.attained);
    expect(attained).toContain(true);
    expect(attained).toContain(false);
  });

  it("the CLI on the exported files gives the same numbers as the app", async () => {
    const m = await currentModel(db, programmeId);
    assert.exists(m);
    const run = await latestRun(db, [m.id], DEMO_ATTAINMENT.schoolYear);
    assert.exists(run);
    const { files, params } = await exportProgrammeFiles(db, m.id, DEMO_ATTAINMENT.schoolYear);
    const dir = mkdtempSync(path.join(tmpdir(), "attainment-demo-"));
    const args: string[] = [];
    for (const [k, v] of Object.entries(files)) {
      writeFileSync(path.join(dir, `${k}.csv`), v);
      args.push(`--${k}`, path.join(dir, `${k}.csv`));
    }
    const output = path.join(dir, "attainment.json");
    const err: string[] = [];
    const code = await runCli(
      [...args, "--threshold", String(params.threshold), "--method", params.method, "--course", params.courseAggregate, "--output", output],
      { out: () => {}, err: (s) => err.push(s) },
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const cli: unknown = JSON.parse(readFileSync(output, "utf8"));
    const app: unknown = JSON.parse(JSON.stringify(attainmentDocument(run.result)));
    expect(z.object({ objectives: z.array(z.unknown()) }).parse(cli).objectives.length).toBeGreaterThanOrEqual(45);
    expect(cli).toEqual(app);
  });
});

describe("indirect attainment from the demo's surveys", () => {
  it("each requirement's survey value beside the direct one, with its n; groups below the minimum of raters never enter", async () => {
    const m = await currentModel(db, programmeId);
    assert.exists(m);
    const run = await latestRun(db, [m.id], DEMO_ATTAINMENT.schoolYear);
    assert.exists(run);
    const ind = run.result.indirect;
    assert.exists(ind);
    expect(ind.alpha).toBeNull();
    expect(ind.requirements.map((r) => r.requirement)).toEqual(run.result.requirements.map((r) => r.requirement));
    const directOf = new Map(run.result.requirements.map((x) => [x.requirement, x.attainment]));
    for (const r of ind.requirements) expect(r.direct).toBe(atKey(directOf, r.requirement));
    // GR6 and GR7 have no mapped item
    expect(ind.requirements.filter((r) => r.indirect === null).map((r) => r.requirement)).toEqual(["GR6", "GR7"]);
    // Respondents of the reported groups only: the graduating class 48; alumni one year out 12 (the 2023
    // cohort's 3 answers are below the minimum of 5); employers 6 + 5 + 7 + 5 = 23 (the one with 2 withheld).
    const gr1 = ind.requirements.find((r) => r.requirement === "GR1")?.indirect;
    assert.exists(gr1);
    expect(gr1.n).toBe(48 + 12 + 23);
    expect(gr1.items.map((i) => `${i.source}:${i.item}`).sort()).toEqual([
      "alumni:teaching_satisfaction",
      "employer:competencies/knowledge",
      "graduating:classroom_teaching",
      "graduating:curriculum",
    ]);
    // the value is the mean of its items' scores, each on 0–1
    expect(gr1.value).toBeCloseTo(gr1.items.reduce((a, i) => a + i.value, 0) / 4, 12);
    for (const r of ind.requirements)
      if (r.indirect) {
        expect(r.indirect.value).toBeGreaterThan(0);
        expect(r.indirect.value).toBeLessThanOrEqual(1);
        expect(r.indirect.n).toBeGreaterThanOrEqual(5);
      }
    expect(ind.requirements.find((r) => r.requirement === "GR9")?.indirect?.n).toBe(23);
    expect(ind.withheld).toEqual({ alumni: 1, employer: 1 });
    // training objectives: the five-year wave (2021, 9 answers) and the employers
    const po1 = ind.objectives.find((o) => o.objective === "PO1");
    assert.exists(po1);
    expect(po1.indirect?.n).toBe(9 + 23);
    expect(po1.indirect?.items.some((i) => i.source === "graduating")).toBe(false);
    expect(ind.objectives).toHaveLength(5);
  });

  it("α set in a new model version blends, and the run records it", async () => {
    const m = await currentModel(db, programmeId);
    assert.exists(m);
    const v = await createModelVersion(db, { programmeId, cohorts: m.cohorts, model: { ...m.model, alpha: 0.8 } }, quality, NOW);
    const run = await computeProgrammeRun(db, v.id, DEMO_ATTAINMENT.schoolYear, quality, NOW);
    const ind = run.result.indirect;
    assert.exists(ind);
    expect(ind.alpha).toBe(0.8);
    for (const r of ind.requirements) {
      if (r.indirect) expect(r.blended).toBeCloseTo(0.8 * r.direct + 0.2 * r.indirect.value, 12);
      else expect(r.blended).toBeNull();
    }
    await db.delete(attainmentRuns).where(eq(attainmentRuns.id, run.id));
    await db.delete(outcomeModels).where(eq(outcomeModels.id, v.id));
  });
});

describe("shortfalls into the improvement loop", () => {
  it("every requirement, point and course objective below the threshold has one order, for the course's teacher or the programme's unit; computing again adds none", async () => {
    const m = await currentModel(db, programmeId);
    assert.exists(m);
    const run = await latestRun(db, [m.id], DEMO_ATTAINMENT.schoolYear);
    assert.exists(run);
    const short = shortfalls(run.result);
    expect(short.length).toBeGreaterThan(0);
    const orders = async () =>
      db
        .select()
        .from(improvementItems)
        .where(like(improvementItems.dedupeKey, `attainment:m${m.id}:%`));
    const before = await orders();
    expect(before).toHaveLength(short.length);
    expect(before.every((o) => o.source === "attainment" && o.programmeId === programmeId && o.status === "issued")).toBe(true);
    const prog = one(await db.select({ unitId: programmes.unitId }).from(programmes).where(eq(programmes.id, programmeId)));
    const req = short.find((s) => s.level === "requirement");
    assert.exists(req);
    const reqOrder = before.find((o) => o.dedupeKey === shortfallKey(m.id, req));
    assert.exists(reqOrder);
    expect(reqOrder).toMatchObject({
      unitId: prog.unitId,
      ownerId: null,
      courseId: null,
      sourceRef: { kind: "attainment_run", id: run.id },
    });
    expect(reqOrder.content).toContain(`毕业要求 ${req.code}`);
    // a course objective's order: the lead teacher of the course's first section of the year with a gradebook, the course's unit
    const obj = short.find((s) => s.level === "objective");
    assert.exists(obj);
    assert.exists(obj.course);
    const objOrder = before.find((o) => o.dedupeKey === shortfallKey(m.id, obj));
    assert.exists(objOrder);
    const lead = one(
      await queryRows(
        db,
        { person_id: col.int, unit_id: col.int, course_id: col.int },
        sql`
      select st.person_id, c.unit_id, c.id as course_id from sections s join courses c on c.id = s.course_id join terms tm on tm.id = s.term_id
        join section_teachers st on st.section_id = s.id and st.role = 'lead'
      where c.code = ${obj.course} and tm.school_year = ${DEMO_ATTAINMENT.schoolYear} and exists (select 1 from assessment_items i where i.section_id = s.id)
      order by s.code, st.person_id limit 1`,
      ),
    );
    expect(objOrder).toMatchObject({ ownerId: lead.person_id, unitId: lead.unit_id, courseId: lead.course_id });
    expect(objOrder.content).toContain(`${obj.course} ${obj.code}`);
    // the same model version again: no second order
    const again = await computeYear(db, m.id, DEMO_ATTAINMENT.schoolYear, quality, NOW);
    expect(again.orders).toEqual({ created: 0, existing: short.length });
    expect(await orders()).toHaveLength(short.length);
    // the programme report lists each shortfall with its order
    const report = await programmeReport(db, programmeId);
    expect(report.shortfalls.map((s) => s.order?.id).sort()).toEqual(before.map((o) => o.id).sort());
    await db.delete(attainmentRuns).where(eq(attainmentRuns.id, again.id));
  });
});

describe("outcome model versions", () => {
  it("the same model again is unchanged; a change is a new draft version; old runs keep theirs", async () => {
    const m = await currentModel(db, programmeId);
    assert.exists(m);
    const before = one(
      await db
        .select({ n: sql<number>`count(*)::int` })
        .from(attainmentRuns)
        .where(eq(attainmentRuns.modelId, m.id)),
    );
    expect((await createModelVersion(db, { programmeId, cohorts: m.cohorts, model: m.model }, quality, NOW)).status).toBe("unchanged");
    const changed = { ...m.model, threshold: 0.75 };
    const v2 = await createModelVersion(db, { programmeId, cohorts: m.cohorts, model: changed }, quality, NOW);
    expect(v2).toMatchObject({ status: "created", version: m.version + 1 });
    // still the approved v1 in force until v2 is approved
    expect((await currentModel(db, programmeId))?.id).toBe(m.id);
    await approveModelVersion(db, v2.id, quality, "阈值调整为 0.75", NOW);
    expect((await currentModel(db, programmeId))?.id).toBe(v2.id);
    const run2 = await computeProgrammeRun(db, v2.id, DEMO_ATTAINMENT.schoolYear, quality, NOW);
    expect(run2.result.params.threshold).toBe(0.75);
    const old = await latestRun(db, [m.id], DEMO_ATTAINMENT.schoolYear);
    assert.exists(old);
    expect(old.result.params.threshold).toBe(0.7);
    const after = one(
      await db
        .select({ n: sql<number>`count(*)::int` })
        .from(attainmentRuns)
        .where(eq(attainmentRuns.modelId, m.id)),
    );
    expect(after.n).toBe(before.n);
    await expect(approveModelVersion(db, v2.id, quality, "again", NOW)).rejects.toMatchObject({
      code: "attainment.errors.alreadyApproved",
    });
    await retireModelVersion(db, v2.id, quality, NOW);
    expect((await currentModel(db, programmeId))?.id).toBe(m.id);
  });

  it("refuses a model with an unsupported point or a strength other than H/M/L, storing nothing", async () => {
    const m = await currentModel(db, programmeId);
    assert.exists(m);
    const { n } = one(await db.select({ n: sql<number>`count(*)::int` }).from(outcomeModels));
    const unsupported = { ...m.model, support: m.model.support.filter((s) => s.point !== "1.1") };
    await expect(createModelVersion(db, { programmeId, cohorts: [2026], model: unsupported }, quality, NOW)).rejects.toMatchObject({
      code: "attainment.errors.modelProblems",
      details: [match.objectContaining({ code: "attainment.check.unsupportedPoint", params: { point: "1.1" } })],
    });
    const badStrength = { ...m.model, support: [{ ...m.model.support[0], strength: "X" }, ...m.model.support.slice(1)] };
    await expect(createModelVersion(db, { programmeId, cohorts: [2026], model: badStrength }, quality, NOW)).rejects.toMatchObject({
      code: "attainment.errors.badModel",
    });
    expect((await db.select({ n: sql<number>`count(*)::int` }).from(outcomeModels))[0]?.n).toBe(n);
    expect(demoModel(["A"], new Map()).support.every((s) => ["H", "M", "L"].includes(s.strength))).toBe(true);
  });
});

describe("a teacher's gradebook", () => {
  async function demoSection() {
    const s = one(
      await db
        .select({ id: sections.id, code: sections.code })
        .from(sections)
        .innerJoin(courses, eq(courses.id, sections.courseId))
        .where(and(eq(courses.code, "SE3101")))
        .limit(1),
    );
    const students = (
      await queryRows(
        db,
        { number: col.text },
        sql`select p.number from enrolments e join persons p on p.id = e.person_id where e.section_id = ${s.id} and e.status = 'enrolled' order by p.number`,
      )
    ).map((r) => r.number);
    return { ...s, students };
  }
  const assessments =
    "课程,考核项,满分,课程目标,权重\nSE3101,作业,20,CO1,0.4\nSE3101,期末1,50,CO1,0.6\nSE3101,报告,30,CO2,1\nSE3101,期末2,50,CO3,1\n";

  it("a bad row is refused with its row and column and nothing changes; the fixed file replaces the section's gradebook", async () => {
    const s = await demoSection();
    const { n: itemsBefore } = one(
      await db
        .select({ n: sql<number>`count(*)::int` })
        .from(assessmentItems)
        .where(eq(assessmentItems.sectionId, s.id)),
    );
    const lines = s.students.flatMap((st, i) => [
      `SE3101,${st},作业,${10 + (i % 10)}`,
      `SE3101,${st},期末1,${30 + (i % 20)}`,
      `SE3101,${st},报告,${20 + (i % 10)}`,
      `SE3101,${st},期末2,${25 + (i % 25)}`,
    ]);
    const bad = [...lines];
    bad[5] = `SE3101,${s.students[1]},期末1,55`; // row 7: above full marks 50
    bad.push("SE3101,2099999999,作业,10"); // an unknown student
    const header = "课程,学号,考核项,得分";
    const refused = await importGradebook(
      db,
      s.id,
      { assessments: enc(assessments), scores: enc([header, ...bad].join("\n")) },
      quality,
      "zh",
    );
    expect(refused.status).toBe("refused");
    if (refused.status !== "refused") return;
    expect(refused.issues.map((i) => [i.file, i.row, i.column, i.code])).toEqual([
      ["scores", 7, "得分", "attainment.check.scoreOutOfRange"],
      ["scores", bad.length + 1, "学号", "attainment.check.unknownStudent"],
    ]);
    const { n: itemsAfter } = one(
      await db
        .select({ n: sql<number>`count(*)::int` })
        .from(assessmentItems)
        .where(eq(assessmentItems.sectionId, s.id)),
    );
    expect(itemsAfter).toBe(itemsBefore);

    const ok = await importGradebook(
      db,
      s.id,
      { assessments: enc(assessments), scores: enc([header, ...lines].join("\n")) },
      quality,
      "zh",
    );
    expect(ok).toEqual({ status: "imported", items: 4, scores: lines.length });
    const report = await sectionReport(db, s.id);
    // CO3 = mean(期末2)/50 over the roster
    const mean2 = s.students.reduce((a, _st, i) => a + 25 + (i % 25), 0) / s.students.length;
    const co3 = report.result?.objectives.find((o) => o.objective === "CO3");
    assert.exists(co3);
    expect(co3.attainment).toBeCloseTo(mean2 / 50, 12);
    expect(co3.students).toBe(s.students.length);
    expect(report.params.threshold).toBe(0.7);
  });

  it("objectives must be the course's objectives of the model; weights must sum to 1", async () => {
    const s = await demoSection();
    const r = await importGradebook(
      db,
      s.id,
      {
        assessments: enc("course,item,full_marks,objective,weight\nSE3101,Q1,10,CO9,1\nSE3101,Q2,10,CO1,0.5\n"),
        scores: enc("course,student,item,score\n"),
      },
      quality,
      "en",
    );
    expect(r.status === "refused" && r.issues.map((i) => [i.row, i.column, i.code])).toEqual([
      [2, "objective", "attainment.check.unknownObjective"],
      [3, "weight", "attainment.check.weightSum"],
    ]);
    const { n } = one(await db.select({ n: sql<number>`count(*)::int` }).from(assessmentScores));
    expect(n).toBeGreaterThan(0);
    const teachers = await db.select().from(sectionTeachers).where(eq(sectionTeachers.sectionId, s.id));
    expect(teachers.length).toBeGreaterThan(0);
  });

  it("computing with an objective of the model that has no data in the year is refused, naming it", async () => {
    const m = await currentModel(db, programmeId);
    assert.exists(m);
    await expect(computeProgrammeRun(db, m.id, "2030-2031", quality, NOW)).rejects.toMatchObject({ code: "attainment.errors.missingData" });
    const r: AttainmentResult | null = (await latestRun(db, [m.id], "2030-2031"))?.result ?? null;
    expect(r).toBeNull();
  });
});

describe("Word reports", () => {
  it("the course and programme reports hold their charts as SVG with a PNG fallback", async () => {
    const { default: JSZip } = await import("jszip");
    const { programmeReportDocx, sectionReportDocx } = await import("./word");
    const { programmeReport } = await import("./views");
    const s = one(
      await db
        .select({ id: sections.id })
        .from(sections)
        .innerJoin(courses, eq(courses.id, sections.courseId))
        .where(eq(courses.code, "SE2101"))
        .limit(1),
    );
    for (const bytes of [
      await sectionReportDocx(await sectionReport(db, s.id), "zh"),
      await programmeReportDocx(await programmeReport(db, programmeId), "zh"),
    ]) {
      const zip = await JSZip.loadAsync(bytes);
      const media = Object.keys(zip.files).filter((f) => f.startsWith("word/media/"));
      const svgs = media.filter((f) => f.endsWith(".svg"));
      const pngs = media.filter((f) => f.endsWith(".png"));
      expect(svgs.length).toBeGreaterThan(0);
      expect(pngs.length).toBe(svgs.length);
      const pngFile = zip.file(at(pngs, 0));
      assert.exists(pngFile);
      const png = await pngFile.async("uint8array");
      expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(await zip.file(at(svgs, 0))?.async("string")).toMatch(/^<svg/);
      const documentXml = zip.file("word/document.xml");
      assert.exists(documentXml);
      const xml = await documentXml.async("string");
      expect(xml).toMatch(/达成情况评价报告/);
    }
  });
});

describe("who sees and changes what (through the router)", () => {
  it("a teacher sees and imports only their own sections; the college's admin sees the programme; another college's admin does not", async () => {
    const { createCaller } = await import("../api/root");
    const { sessionOf } = await import("../test/fixtures");
    const person = async (number: string) =>
      sessionOf(db, one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, number))));
    const teacher = await person("T0001");
    const own = one(
      await db.select({ id: sectionTeachers.sectionId }).from(sectionTeachers).where(eq(sectionTeachers.personId, teacher.id)),
    ).id;
    const other = one(
      await db
        .select({ id: sections.id })
        .from(sections)
        .innerJoin(courses, eq(courses.id, sections.courseId))
        .where(
          sql`${courses.code} = 'SE4101' and not exists (select 1 from section_teachers t where t.section_id = ${sections.id} and t.person_id = ${teacher.id})`,
        )
        .limit(1),
    );
    const asTeacher = createCaller({ db, user: teacher });
    expect((await asTeacher.attainment.overview()).sections.some((s) => s.id === own)).toBe(true);
    await expect(asTeacher.attainment.section({ sectionId: own })).resolves.toMatchObject({ section: { id: own } });
    await expect(asTeacher.attainment.section({ sectionId: other.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asTeacher.attainment.saveNotes({ sectionId: other.id, analysis: "x", measures: "y" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(asTeacher.attainment.programme({ programmeId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await asTeacher.attainment.saveNotes({ sectionId: own, analysis: "CO2 偏低：建模练习不足", measures: "增加两次建模作业" });
    expect((await sectionReport(db, own)).notes).toEqual({ analysis: "CO2 偏低：建模练习不足", measures: "增加两次建模作业" });

    const csAdmin = createCaller({ db, user: await person("UA-CS") });
    const report = await csAdmin.attainment.programme({ programmeId });
    expect(report.run?.result.requirements).toHaveLength(12);
    expect(report.run?.result.objectives.every((o) => o.studentValues.length === 0)).toBe(true); // no per-student values leave for the programme page
    const [otherAdmin] = await queryRows(
      db,
      { id: col.int },
      sql`select p.id from persons p join role_grants g on g.person_id = p.id join units u on u.id = g.unit_id where g.role = 'unit_admin' and u.code <> 'CS' limit 1`,
    );
    if (otherAdmin)
      await expect(createCaller({ db, user: await sessionOf(db, otherAdmin) }).attainment.programme({ programmeId })).rejects.toMatchObject(
        { code: "FORBIDDEN" },
      );
    await expect(
      createCaller({ db, user: teacher }).attainment.compute({ modelId: report.model.id, schoolYear: "2026-2027" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("the outcome model from files in the app", () => {
  it("the programme's admin uploads the two files: a bad file is refused with row and column, a good one is a new draft keeping the settings", async () => {
    const { handleModelUpload } = await import("./http");
    const { sessionOf } = await import("../test/fixtures");
    const ua = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "UA-CS")));
    const user = await sessionOf(db, ua);
    const current = await currentModel(db, programmeId);
    assert.exists(current);
    const { files } = await exportProgrammeFiles(db, current.id, DEMO_ATTAINMENT.schoolYear);
    const form = (req: string, sup: string) => {
      const f = new FormData();
      f.set("programmeId", String(programmeId));
      f.set("requirements", new Blob([req], { type: "text/csv" }), "req.csv");
      f.set("support", new Blob([sup], { type: "text/csv" }), "sup.csv");
      return f;
    };
    const { n } = one(await db.select({ n: sql<number>`count(*)::int` }).from(outcomeModels));
    const badSupport = files.support.replace(/,H\n/, ",X\n");
    await expect(handleModelUpload({ db, user, locale: "zh", formData: form(files.requirements, badSupport) })).rejects.toMatchObject({
      code: "attainment.errors.modelProblems",
      details: [match.objectContaining({ file: "support", column: "strength", message: match.stringContaining("支撑强度“X”无效") })],
    });
    expect((await db.select({ n: sql<number>`count(*)::int` }).from(outcomeModels))[0]?.n).toBe(n);
    // a support matrix without any link to 1.1 is refused: the point would be unsupported
    const withoutPoint = files.support
      .split("\n")
      .filter((l) => !l.endsWith(",1.1,H") && !l.endsWith(",1.1,M") && !l.endsWith(",1.1,L"))
      .join("\n");
    await expect(handleModelUpload({ db, user, locale: "zh", formData: form(files.requirements, withoutPoint) })).rejects.toMatchObject({
      code: "attainment.errors.modelProblems",
    });
    // one strength changed: a new draft that keeps the training objectives and the threshold
    const changed = files.support.replace(/,M\n/, ",H\n");
    const r = await handleModelUpload({ db, user, locale: "zh", formData: form(files.requirements, changed) });
    expect(r.status).toBe("created");
    const { getModelVersion } = await import("./model");
    const v = await getModelVersion(db, r.id);
    expect(v.status).toBe("draft");
    expect(v.model.trainingObjectives).toEqual(current.model.trainingObjectives);
    expect(v.model.threshold).toBe(current.model.threshold);
    expect(v.model.courseObjectives.find((o) => o.course === "SE3101" && o.code === "CO1")?.title).toMatch(/软件需求工程/);
  });
});
