// Import jobs: a row in import_jobs per uploaded file; the import runs in the background
// and writes its progress into the row so the page can poll it.
//
// Progress writes are queued, coalesced and throttled (at most one every ~250 ms, plus
// every status change) and never awaited by the import itself. On postgres.js they run
// on another pooled connection and are visible at once. PGlite runs one query at a time
// and the import writes in one transaction, so while the job is "writing" its progress
// writes wait until the transaction ends: on PGlite the page sees "writing" with the
// count reached at the end of validation, then the final result.
import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { importJobs, persons, type ImportRowError } from "@/db/schema";
import type { ImportKind } from "./kinds";
import { recordAudit } from "../kernel/audit";
import { notFound } from "../kernel/errors";
import type { Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { runImport, type ImportProgress, type ImportResult } from "./run";
import { one } from "@/db/query";

export type ImportJob = typeof importJobs.$inferSelect;
export type ImportJobSummary = Omit<ImportJob, "errors"> & { createdByName: string | null };

export type StartImportInput = {
  kind: ImportKind;
  fileName: string;
  bytes: Uint8Array;
  actorId: number | null;
  locale: Locale;
};

const PROGRESS_INTERVAL_MS = 250;

/** Writes the latest progress of one job, at most every PROGRESS_INTERVAL_MS, one write at a time. */
class ProgressWriter {
  private latest: ImportProgress | null = null;
  private lastStatus: string | null = null;
  private lastWrite = 0;
  private inflight: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly jobId: string,
  ) {}

  push(p: ImportProgress) {
    if (this.closed) return;
    this.latest = p;
    const due = p.status !== this.lastStatus || Date.now() - this.lastWrite >= PROGRESS_INTERVAL_MS;
    if (due && !this.inflight) this.inflight = this.loop();
  }

  private async loop() {
    try {
      while (this.latest && !this.closed) {
        const p = this.latest;
        this.latest = null;
        this.lastStatus = p.status;
        this.lastWrite = Date.now();
        try {
          await this.db
            .update(importJobs)
            .set({ status: p.status, processed: p.processed, total: p.total })
            .where(eq(importJobs.id, this.jobId));
        } catch (err) {
          console.error("import job progress", this.jobId, err);
        }
      }
    } finally {
      this.inflight = null;
    }
  }

  /** Stops writing and waits for the write in flight, if any. */
  async close() {
    this.closed = true;
    this.latest = null;
    await this.inflight;
  }
}

/**
 * Creates the job row and starts the import without waiting for it. `finished` settles
 * when the job row holds its final state (it never rejects; it gives undefined when the
 * database can no longer be read, e.g. closed under it); request handlers ignore it,
 * tests and scripts await it.
 */
export async function startImportJob(
  db: Db,
  input: StartImportInput,
): Promise<{ jobId: string; finished: Promise<ImportJob | undefined> }> {
  const job = one(
    await db
      .insert(importJobs)
      .values({
        kind: input.kind,
        fileName: input.fileName,
        status: "queued",
        createdBy: input.actorId,
      })
      .returning({ id: importJobs.id }),
  );
  const finished = runJob(db, job.id, input);
  return { jobId: job.id, finished };
}

async function runJob(db: Db, jobId: string, input: StartImportInput): Promise<ImportJob | undefined> {
  // Let the request that started the job finish first.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const progress = new ProgressWriter(db, jobId);
  let result: ImportResult | null = null;
  let crash: unknown = null;
  try {
    result = await runImport(
      db,
      {
        kind: input.kind,
        fileName: input.fileName,
        bytes: input.bytes,
        actorId: input.actorId,
        locale: input.locale,
      },
      (p) => progress.push(p),
    );
  } catch (err) {
    crash = err;
    console.error("import job failed", jobId, err);
  }
  await progress.close();

  const final = result
    ? {
        status: result.ok ? ("done" as const) : ("failed" as const),
        total: result.total,
        processed: result.ok ? result.total : 0,
        inserted: result.inserted,
        updated: result.updated,
        unchanged: result.unchanged,
        errors: result.errors,
        errorCount: result.errorCount,
      }
    : {
        status: "failed" as const,
        errors: [
          { file: input.fileName, row: 0, column: null, reason: translate(input.locale, "imports.job.internal") },
        ] satisfies ImportRowError[],
        errorCount: 1,
      };
  try {
    await db
      .update(importJobs)
      .set({ ...final, finishedAt: sql`now()` })
      .where(eq(importJobs.id, jobId));
    if (result?.ok) {
      await recordAudit(db, {
        actorId: input.actorId,
        action: "import",
        subject: input.kind,
        detail: {
          jobId,
          fileName: input.fileName,
          total: result.total,
          inserted: result.inserted,
          updated: result.updated,
          unchanged: result.unchanged,
        },
      });
    }
  } catch (err) {
    console.error("import job final state", jobId, crash ?? "", err);
  }
  const [row] = await db
    .select()
    .from(importJobs)
    .where(eq(importJobs.id, jobId))
    .catch(() => [] as ImportJob[]);
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One job with its (first 1000) errors; NOT_FOUND if there is none. */
export async function getImportJob(db: Db, id: string): Promise<ImportJob> {
  if (!UUID.test(id)) throw notFound("imports.job.notFound");
  const [job] = await db.select().from(importJobs).where(eq(importJobs.id, id));
  if (!job) throw notFound("imports.job.notFound");
  return job;
}

/** The most recent jobs, newest first, without their error lists. */
export async function listImportJobs(db: Db, limit = 20): Promise<ImportJobSummary[]> {
  const n = Math.max(1, Math.min(200, Math.trunc(limit) || 20));
  return db
    .select({
      id: importJobs.id,
      kind: importJobs.kind,
      fileName: importJobs.fileName,
      status: importJobs.status,
      total: importJobs.total,
      processed: importJobs.processed,
      inserted: importJobs.inserted,
      updated: importJobs.updated,
      unchanged: importJobs.unchanged,
      errorCount: importJobs.errorCount,
      createdBy: importJobs.createdBy,
      createdAt: importJobs.createdAt,
      finishedAt: importJobs.finishedAt,
      createdByName: persons.name,
    })
    .from(importJobs)
    .leftJoin(persons, eq(persons.id, importJobs.createdBy))
    .orderBy(desc(importJobs.createdAt))
    .limit(n);
}

/**
 * Marks jobs that never finished (the server stopped while they ran) as failed. Call at
 * start-up of a single-instance deployment; with several app instances sharing one
 * database, pass a cut-off older than any import could take.
 */
export async function failInterruptedImportJobs(db: Db, startedBefore: Date = new Date()): Promise<number> {
  const rows = await db
    .update(importJobs)
    .set({ status: "failed", finishedAt: sql`now()` })
    .where(sql`${importJobs.finishedAt} is null and ${importJobs.createdAt} < ${startedBefore.toISOString()}`)
    .returning({ id: importJobs.id });
  return rows.length;
}
