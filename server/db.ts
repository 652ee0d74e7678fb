import "server-only";
import { openDb, type Db, type DbHandle } from "@/db/client";
import { prepareDatabase } from "./setup";
import { env } from "./kernel/env";
import { failInterruptedImportJobs } from "./imports/jobs";

// One database per process: PGlite is single-process, and a postgres.js pool is shared.
// Kept on globalThis so that Next's dev-mode module reloads do not open a second one.
const g = globalThis as unknown as { __tqeDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  g.__tqeDb ??= (async () => {
    const e = env();
    const handle = await openDb(e.DATABASE_URL ? { url: e.DATABASE_URL, poolMax: e.DB_POOL_MAX } : { pgliteDir: e.PGLITE_DIR });
    await prepareDatabase(handle, { demo: e.DEMO_SEED, log: console.log });
    // Import jobs run inside the server process: any still unfinished at start died with
    // the previous process. (Several instances sharing a database: see README.)
    const stale = await failInterruptedImportJobs(handle.db);
    if (stale) console.warn(`${stale} interrupted import job(s) marked failed`);
    return handle;
  })().catch((err) => {
    g.__tqeDb = undefined;
    throw err;
  });
  return g.__tqeDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}
