import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { assert, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { appraisalResults, appraisalRuns, persons } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { col, one, queryRows, queryValue } from "@/db/query";
import { importLibrary } from "../instruments/library";
import { loadRegistry } from "../instruments/registry";
import { recompute, scopeOf } from "../scoring/compute";
import { seedDemoScores } from "../scoring/demo";
import { resultsDocument, type ResultsDocument } from "../scoring/document";
import { exportCsv } from "../scoring/export";
import type { CompositeFigures } from "../scoring/figures";
import { resetDb, testDb } from "../test/db";
import { bandTeachers, type QuotaCheck } from "./band";
import { rulesOf } from "./rules";
import { recordExemption, recordVeto, revokeVeto } from "./vetoes";
import { expectDomainError } from "../test/errors";
import { at, atKey } from "@/server/shared/indexed";
import { approvedPolicy } from "../scoring/testing";

// The demo university's last school year banded with its figures, in the app and by `npm run scores`.
const YEAR = "2025-2026";
let db: Db;
let hr: number;
let dir: string;
let instrumentArgs: string[];
const now = () => new Date("2026-09-10T02:00:00Z");

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "server/scoring/cli.ts", "compute", ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "" },
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}
async function recomputeYear() {
  const p = await approvedPolicy(db, YEAR);
  await recompute(db, p, { trigger: "manual" });
  return p;
}
async function bandsOf(policyId: number) {
  return new Map((await db.select().from(appraisalResults).where(eq(appraisalResults.policyId, policyId))).map((r) => [r.teacherId, r]));
}
/** The teacher with the highest composite of the year. */
function bestScored(bands: Awaited<ReturnType<typeof bandsOf>>) {
  const scored = [...bands.values()].flatMap((b) => (b.score === null ? [] : [{ teacherId: b.teacherId, score: b.score }]));
  return at(
    scored.sort((a, b) => b.score - a.score),
    0,
  );
}
async function idOf(number: string) {
  const p = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, number)));
  return p.id;
}

beforeAll(async () => {
  db = await testDb();
  await resetDb(db);
  await seedDemo(db, { log: () => {} });
  const q = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality")));
  hr = await idOf("hr");
  await importLibrary(db, loadRegistry(), { approvedBy: q.id, note: "示范" });
  await seedDemoScores(db, () => {});
}, 180_000);

describe("appraisal computed with the figures", () => {
  it("every recompute bands the year's teachers: one row per school-year composite, the bands those of the rules over the stored composites", async () => {
    const p = await recomputeYear();
    const bands = await bandsOf(p.id);
    const comps = (
      await queryRows(
        db,
        { teacher_id: col.int, composite: col.json<CompositeFigures>() },
        sql`
      select teacher_id, composite from teacher_composites where policy_id = ${p.id} and term_id is null`,
      )
    ).map((r) => r.composite);
    expect(comps.length).toBeGreaterThan(10);
    expect(bands.size).toBe(comps.length);
    for (const c of comps) {
      const b = atKey(bands, c.teacherId);
      expect(b.score).toBe(c.score);
      expect(b.se).toBe(c.se);
      if (c.score === null) expect(b).toMatchObject({ band: null, reason: "insufficient_evidence" });
      if (c.se !== null && c.score !== null) {
        expect(b.ciLow).toBeCloseTo(Math.max(0, c.score - 1.959963984540054 * c.se), 9);
        expect(b.ciHigh).toBeCloseTo(Math.min(100, c.score + 1.959963984540054 * c.se), 9);
      }
    }
    // the quota of the school holds, and the stored check says so
    const run = one(await db.select().from(appraisalRuns).where(eq(appraisalRuns.policyId, p.id)));
    const quota = run.quota as QuotaCheck[];
    const banded = [...bands.values()].filter((b) => b.band !== null).length;
    expect(quota).toMatchObject([{ scope: "school", banded, quota: Math.floor(0.2 * banded) }]);
    expect([...bands.values()].filter((b) => b.band === "excellent").length).toBeLessThanOrEqual(Math.floor(0.2 * banded));
    // the same rules over the stored composites give the same bands
    const again = bandTeachers(
      rulesOf(p.policy),
      comps.map((c) => ({
        teacherId: c.teacherId,
        unitId: atKey(bands, c.teacherId).unitId,
        score: c.score,
        se: c.se,
        terms: 1,
        responseRate: null,
      })),
    );
    for (const r of again.teachers) expect(bands.get(r.teacherId)?.band).toBe(r.band);
  }, 60_000);

  it("a veto recorded by HR makes the teacher 不合格 (veto) at the next recompute, counted among the banded; revoked, the band returns", async () => {
    let p = await recomputeYear();
    const before = await bandsOf(p.id);
    const best = bestScored(before);
    const t = one(await db.select({ number: persons.number }).from(persons).where(eq(persons.id, best.teacherId)));
    const veto = await recordVeto(db, { id: hr }, now, {
      teacher: t.number,
      schoolYear: YEAR,
      code: "ethics_misconduct",
      reason: "师德失范",
      documentNo: "人字〔2026〕12号",
      decidedOn: "2026-07-01",
    });
    p = await recomputeYear();
    const after = await bandsOf(p.id);
    expect(after.get(best.teacherId)).toMatchObject({ band: "fail", reason: "veto", vetoCode: "ethics_misconduct", annualFail: true });
    expect([...after.values()].filter((b) => b.band !== null).length).toBe([...before.values()].filter((b) => b.band !== null).length);
    const doc = await resultsDocument(db, p.id);
    expect(doc.teachers.find((x) => x.teacher === t.number && x.term === null)).toMatchObject({ band: "fail", band_reason: "veto" });
    // the audit log has it
    const log = await queryRows(
      db,
      { action: col.text },
      sql`select action from audit_log where action like 'appraisal.veto.%' order by id`,
    );
    expect(log.map((l) => l.action)).toEqual(["appraisal.veto.record"]);
    await revokeVeto(db, { id: hr }, now, { id: veto.id, reason: "复议撤销" });
    p = await recomputeYear();
    expect((await bandsOf(p.id)).get(best.teacherId)?.band).toBe(atKey(before, best.teacherId).band);
  }, 60_000);

  it("an exemption gives no band (exempt) and is not counted", async () => {
    let p = await recomputeYear();
    const before = await bandsOf(p.id);
    const some = [...before.values()].find((b) => b.band === "good" || b.band === "pass");
    assert.exists(some);
    const t = one(await db.select({ number: persons.number }).from(persons).where(eq(persons.id, some.teacherId)));
    await recordExemption(db, { id: hr }, now, { teacher: t.number, schoolYear: YEAR, kind: "maternity" });
    p = await recomputeYear();
    const after = await bandsOf(p.id);
    expect(after.get(some.teacherId)).toMatchObject({ band: null, reason: "exempt" });
    await db.execute(sql`update appraisal_exemptions set revoked_at = now(), revoke_reason = 'test' where revoked_at is null`);
  }, 60_000);

  it("refuses a veto for an unknown teacher, a year not in the data, a second veto in force, a 师德失范 shorter than 24 months, changing nothing", async () => {
    const base = { teacher: "T0005", schoolYear: YEAR, code: "ethics_misconduct" as const, reason: "x", decidedOn: "2026-07-01" };
    await expectDomainError(recordVeto(db, { id: hr }, now, { ...base, teacher: "NOBODY" }), { code: "appraisal.errors.unknownTeacher" });
    await expectDomainError(recordVeto(db, { id: hr }, now, { ...base, schoolYear: "2001-2002" }), {
      code: "appraisal.errors.yearNotInData",
    });
    await expectDomainError(recordVeto(db, { id: hr }, now, { ...base, months: 12 }), { code: "appraisal.errors.vetoDuration" });
    const v = await recordVeto(db, { id: hr }, now, base);
    await expectDomainError(recordVeto(db, { id: hr }, now, base), { code: "appraisal.errors.vetoExists" });
    await expectDomainError(revokeVeto(db, { id: hr }, now, { id: 999999, reason: "x" }), { code: "appraisal.errors.vetoNotFound" });
    await revokeVeto(db, { id: hr }, now, { id: v.id, reason: "test" });
    expect(await queryValue(db, col.int, sql`select count(*)::int as n from appraisal_vetoes where revoked_at is null`)).toBe(0);
  });

  it("the view log is append-only: the database refuses update and delete", async () => {
    const t = await idOf("T0005");
    await db.execute(
      sql`insert into result_views (subject_id, viewer_id, viewer_role, at, what) values (${t}, ${hr}, 'hr', now(), 'appraisal.teacher')`,
    );
    await expect(db.execute(sql`update result_views set what = 'x'`)).rejects.toThrow();
    await expect(db.execute(sql`delete from result_views`)).rejects.toThrow();
    expect(await queryValue(db, col.int, sql`select count(*)::int as n from result_views where what = 'appraisal.teacher'`)).toBe(1);
  });
});

describe("npm run scores bands the year too", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "tqe-appraisal-"));
    const ids = (await scopeOf(db, YEAR)).campaignIds;
    let csv = "";
    for await (const chunk of exportCsv(db, ids)) csv += chunk;
    writeFileSync(path.join(dir, "responses.csv"), csv);
    const p = await approvedPolicy(db, YEAR);
    writeFileSync(path.join(dir, "policy.json"), JSON.stringify(p.policy));
    const defs = await queryRows(
      db,
      { key: col.text, definition: col.text },
      sql`
      select distinct i.key, v.definition::text as definition from campaign_instruments ci join instrument_versions v on v.id = ci.instrument_version_id
      join instruments i on i.id = v.instrument_id where ci.campaign_id = any(${`{${ids.join(",")}}`}::int[])`,
    );
    instrumentArgs = defs.flatMap((d) => {
      const f = path.join(dir, `${d.key}.json`);
      writeFileSync(f, d.definition);
      return ["--instrument", f];
    });
  }, 60_000);

  it("--vetoes (teacher,reason): the document's school-year entries carry band, band_reason, borderline, ci95, equal to the app's", async () => {
    const p = await recomputeYear();
    const bands = await bandsOf(p.id);
    const victim = bestScored(bands);
    const t = one(await db.select({ number: persons.number }).from(persons).where(eq(persons.id, victim.teacherId)));
    await recordVeto(db, { id: hr }, now, {
      teacher: t.number,
      schoolYear: YEAR,
      code: "ethics_misconduct",
      reason: "师德失范",
      decidedOn: "2026-07-01",
    });
    await recomputeYear();
    const appDoc: ResultsDocument = await resultsDocument(db, p.id);
    writeFileSync(path.join(dir, "vetoes.csv"), `teacher,reason\r\n${t.number},师德失范\r\n`);
    const out = path.join(dir, "out.json");
    const r = cli([
      "--input",
      path.join(dir, "responses.csv"),
      ...instrumentArgs,
      "--policy",
      path.join(dir, "policy.json"),
      "--output",
      out,
      "--vetoes",
      path.join(dir, "vetoes.csv"),
    ]);
    expect(r.err).toBe("");
    expect(r.status).toBe(0);
    const cliDoc = JSON.parse(readFileSync(out, "utf8")) as ResultsDocument;
    const yearEntries = cliDoc.teachers.filter((x) => x.term === null);
    expect(yearEntries.length).toBeGreaterThan(10);
    for (const e of yearEntries) {
      expect(["excellent", "good", "pass", "fail", null]).toContain(e.band);
      expect(["score", "quota", "veto", "insufficient_evidence"]).toContain(e.band_reason);
      expect(typeof e.borderline).toBe("boolean");
    }
    expect(yearEntries.filter((e) => e.ci95 !== null).length).toBeGreaterThan(5);
    expect(yearEntries.find((e) => e.teacher === t.number)).toMatchObject({ band: "fail", band_reason: "veto" });
    expect(cliDoc.teachers).toEqual(appDoc.teachers);
    expect(cliDoc.teachers.filter((x) => x.term !== null).every((x) => !("band" in x))).toBe(true);
    // an unknown teacher in the list: refused with the message, nothing written
    writeFileSync(path.join(dir, "bad.csv"), "teacher,reason\r\nNOBODY,师德失范\r\n");
    const bad = path.join(dir, "bad.json");
    const r2 = cli([
      "--input",
      path.join(dir, "responses.csv"),
      ...instrumentArgs,
      "--policy",
      path.join(dir, "policy.json"),
      "--output",
      bad,
      "--vetoes",
      path.join(dir, "bad.csv"),
      "--locale",
      "en",
    ]);
    expect(r2.status).toBe(1);
    expect(r2.err).toContain("There is no teacher with staff number NOBODY.");
    expect(existsSync(bad)).toBe(false);
  }, 180_000);
});
