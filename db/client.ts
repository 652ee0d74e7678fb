import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Schema = typeof schema;
// Both drivers' databases are PgDatabase; domain code takes this type.
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

// Resolved from the project root: Next.js bundles this file, so its own URL is no guide.
export const MIGRATIONS_DIR = path.join(process.cwd(), "db", "migrations");

export type DbHandle = { db: Db; driver: "pglite" | "postgres"; close: () => Promise<void> };

// Opens a database and applies the committed migrations. `url` is a postgres:// URL (with
// `poolMax` connections, default 10), `pgliteDir` a PGlite data directory or "memory://" (tests).
export async function openDb(target: { url: string; poolMax?: number } | { pgliteDir: string }): Promise<DbHandle> {
  if (process.env.NEXT_PHASE === "phase-production-build") {
    throw new Error("The database must not be opened during `next build`");
  }
  if ("url" in target) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const client = postgres(target.url, { max: target.poolMax ?? 10, onnotice: () => {} });
    const db = drizzle(client, { schema }) as unknown as Db;
    await migrate(db as never, { migrationsFolder: MIGRATIONS_DIR });
    return { db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const dir = target.pgliteDir;
  if (!dir.startsWith("memory://")) {
    const { mkdirSync } = await import("node:fs");
    mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  }
  const client = new PGlite(dir);
  const db = drizzle(client, { schema }) as unknown as Db;
  await migrate(db as never, { migrationsFolder: MIGRATIONS_DIR });
  return { db, driver: "pglite", close: () => client.close() };
}
