import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { openDb, type Db, type DbHandle } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { submitTargetCache } from "../anonymity/submit";
import { planCache } from "../instruments/validate";
import { scoringModelCache } from "../scoring/store";

// One database per test worker: in-memory PGlite, or with TEST_DATABASE_URL a database
// of its own on that PostgreSQL server (created on first use, named after the checkout and worker), so workers never share.
// vitest runs with isolate: false, so this module (and the database) lives for the worker.
let handle: Promise<DbHandle> | undefined;
let workerUrl: string | null = null;

async function openForWorker(): Promise<DbHandle> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return openDb({ pgliteDir: "memory://" });
  const worker = process.env.VITEST_POOL_ID ?? "0";
  // Named after the checkout too, so two checkouts on one server never drop each other's.
  const checkout = createHash("sha256").update(process.cwd()).digest("hex").slice(0, 8);
  const name = `tqe_test_${checkout}_w${worker}`;
  const { default: postgres } = await import("postgres");
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  workerUrl = u.toString();
  return openDb({ url: workerUrl });
}

export async function testDb(): Promise<Db> {
  handle ??= openForWorker();
  return (await handle).db;
}

/** The worker's database as other processes reach it: its postgres:// URL, or null on in-memory PGlite. */
export async function testDbUrl(): Promise<string | null> {
  await testDb();
  return workerUrl;
}

/**
 * Empties every table (keeps the schema) and the in-memory caches keyed by row ids (ids
 * restart, so a cached plan would belong to another version); call in beforeEach/beforeAll.
 */
export async function resetDb(db: Db): Promise<void> {
  planCache.clear();
  scoringModelCache.clear();
  submitTargetCache.clear();
  const tables = await queryRows(db, { tablename: col.text }, sql`select tablename from pg_tables where schemaname = 'public'`);
  const names = tables.map((r) => `"${r.tablename}"`);
  if (names.length) await db.execute(sql.raw(`truncate ${names.join(", ")} restart identity cascade`));
}
