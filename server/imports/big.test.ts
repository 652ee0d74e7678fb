import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, queryValue } from "@/db/query";
import { resetDb, testDb } from "../test/db";
import { getImportJob, startImportJob } from "./jobs";
import { runImport, type ImportProgress } from "./run";
import { bulkSchool, csvBytes, enrolmentRows } from "./testing";

let db: Db;

beforeAll(async () => {
  db = await testDb();
  await resetDb(db);
});

describe("large imports", () => {
  it("imports 50,000 enrolments with set-based statements, then re-imports them unchanged", async () => {
    const school = await bulkSchool(db, 100, 5000);
    const rows = enrolmentRows(school, 10);
    expect(rows).toHaveLength(50_000);
    const bytes = csvBytes([["term", "section_code", "student_number"], ...rows]);
    const progress: ImportProgress[] = [];
    const first = await runImport(db, { kind: "enrolments", fileName: "e.csv", bytes, actorId: null }, (p) => {
      progress.push(p);
    });
    expect(first).toMatchObject({ ok: true, total: 50_000, inserted: 50_000, updated: 0, unchanged: 0, errorCount: 0 });
    const n = await queryValue(db, col.int, sql`select count(*)::int as n from enrolments`);
    expect(n).toBe(50_000);
    // Progress advanced through validation and writing.
    expect(progress.filter((p) => p.status === "validating").map((p) => p.processed)).toEqual(expect.arrayContaining([10_000, 50_000]));
    expect(progress.filter((p) => p.status === "writing").map((p) => p.processed)).toEqual(expect.arrayContaining([5_000, 50_000]));

    const again = await runImport(db, { kind: "enrolments", fileName: "e.csv", bytes, actorId: null });
    expect(again).toMatchObject({ ok: true, inserted: 0, updated: 0, unchanged: 50_000 });

    // As a job: the row shows progress while it runs.
    const { jobId, finished } = await startImportJob(db, { kind: "enrolments", fileName: "e.csv", bytes, actorId: null, locale: "zh" });
    const seen: string[] = [];
    let done = false;
    void finished.then(() => {
      done = true;
    });
    while (!done) {
      const job = await getImportJob(db, jobId);
      seen.push(`${job.status}:${job.processed > 0 && job.processed < 50_000 ? "partial" : job.processed}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Timing-dependent in detail; some intermediate state is always seen with 50,000 rows.
    expect(
      seen.some((x) => /^(parsing|validating|writing):/.test(x)),
      seen.join(" "),
    ).toBe(true);
    expect(await finished).toMatchObject({ status: "done", processed: 50_000, unchanged: 50_000 });
  }, 120_000);
});
