/**
 * Database commands, run as `node --import tsx server/cli.ts <command>`:
 *
 *   migrate             apply the committed migrations
 *   seed-demo [--force] migrate, then seed the demo university (示范大学)
 *   library             import surveys/*.json as draft versions (idempotent)
 *   prepare             migrate, then what the app does on start: seed the demo only on an
 *                       empty embedded database with DEMO_SEED=auto
 *   scheduler           migrate, then run the background work (server/scheduler.ts) every
 *                       SCHEDULER_TICK_MS until stopped: a worker beside or instead of the
 *                       app's own (one node at a time does each round)
 *
 * The database comes from the environment: DATABASE_URL (PostgreSQL) or else the embedded
 * PGlite in PGLITE_DIR (default .data/pglite).
 */
import { openDb, type DbHandle } from "@/db/client";
import { baseEnv } from "./kernel/env";
import { importLibrary } from "./instruments/library";
import { loadRegistry } from "./instruments/registry";
import { startScheduler } from "./scheduler";
import { prepareDatabase, seedDemoUniversity } from "./setup";

const USAGE = `usage: node --import tsx server/cli.ts <command>

commands:
  migrate              apply the migrations
  seed-demo [--force]  migrate and seed the demo university (refuses a non-empty database
                       it did not create, and production PostgreSQL unless --force)
  prepare              migrate and seed the demo if the embedded database is empty (DEMO_SEED=auto)
  library              migrate and import the instrument library (surveys/*.json) as drafts
                       for the committee to approve (unchanged files are skipped)
  scheduler            migrate and run the background work every SCHEDULER_TICK_MS until stopped

environment: DATABASE_URL (PostgreSQL) or PGLITE_DIR (embedded, default .data/pglite), DB_POOL_MAX,
DEMO_SEED (auto|off), SCHEDULER_TICK_MS; scheduler also the app's settings (SMTP_URL, APP_URL, …)`;

async function open(): Promise<DbHandle> {
  // The database settings only (baseEnv): the app's secrets are not needed to migrate or seed.
  const e = baseEnv();
  if (e.DATABASE_URL) {
    const u = new URL(e.DATABASE_URL); // never print the password
    console.log(`Opening PostgreSQL at ${u.host}${u.pathname} and applying migrations…`);
    return openDb({ url: e.DATABASE_URL, poolMax: e.DB_POOL_MAX });
  }
  console.log(`Opening the embedded database in ${e.PGLITE_DIR} and applying migrations…`);
  return openDb({ pgliteDir: e.PGLITE_DIR });
}

/** Runs the background work until SIGINT/SIGTERM, then closes the database. */
async function runScheduler(handle: DbHandle): Promise<void> {
  const stop = startScheduler({ handle: async () => handle, tickMs: baseEnv().SCHEDULER_TICK_MS, keepAlive: true, firstMs: 0 });
  console.log(`Scheduler running every ${baseEnv().SCHEDULER_TICK_MS} ms (stop with Ctrl-C).`);
  await new Promise<void>((resolve) => {
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => resolve());
  });
  stop();
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const flags = new Set(rest);
  if (!command || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const known: Record<string, string[]> = { migrate: [], "seed-demo": ["--force"], prepare: [], library: [], scheduler: [] };
  const allowed = Object.hasOwn(known, command) ? known[command] : undefined;
  if (!allowed) {
    console.error(`error: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const unknown = [...flags].filter((f) => !allowed.includes(f));
  if (unknown.length) {
    console.error(`error: unknown option ${unknown.join(", ")} for ${command}\n\n${USAGE}`);
    return 2;
  }
  let e;
  try {
    e = baseEnv();
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    return 2;
  }

  // Checked here too so that production is refused before anything is migrated.
  if (command === "seed-demo" && e.NODE_ENV === "production" && e.DATABASE_URL && !flags.has("--force")) {
    console.error(
      "error: refusing to seed the demo into a production database (NODE_ENV=production with DATABASE_URL); pass --force to override",
    );
    return 1;
  }

  const handle = await open();
  try {
    if (command === "migrate") {
      console.log("Migrations applied.");
    } else if (command === "seed-demo") {
      await seedDemoUniversity(handle.db, { log: (l) => console.log(l), force: flags.has("--force") });
    } else if (command === "scheduler") {
      await runScheduler(handle);
    } else if (command === "library") {
      const results = await importLibrary(handle.db, loadRegistry());
      for (const r of results) console.log(`  ${r.key.padEnd(28)} v${r.version}  ${r.status}${r.approved ? " (approved)" : ""}`);
    } else {
      await prepareDatabase(handle, { demo: e.DEMO_SEED, log: (l) => console.log(l) });
      console.log("Database ready.");
    }
  } finally {
    await handle.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Drizzle wraps driver errors ("Failed query: …"); the cause says what went wrong.
    let message = err instanceof Error ? err.message : String(err);
    for (
      let c = err instanceof Error ? err.cause : undefined, depth = 0;
      c && depth < 3;
      c = c instanceof Error ? c.cause : undefined, depth++
    ) {
      message += `\n  caused by: ${c instanceof Error ? c.message || c.name : String(c)}`;
    }
    console.error(`error: ${message}`);
    let debug = false;
    try {
      debug = !!baseEnv().DEBUG;
    } catch {
      // the environment itself is what failed
    }
    if (debug && err instanceof Error && err.stack) console.error(err.stack);
    process.exit(1);
  },
);
