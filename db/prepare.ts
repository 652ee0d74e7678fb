import type { DbHandle } from "./client";

export type PrepareOptions = { demo: "auto" | "off"; log: (line: string) => void };

/**
 * Runs after migrations on every start. On the embedded database (no DATABASE_URL) with
 * DEMO_SEED=auto, an empty database gets the demo university; a demo database gets its
 * sign-in accounts printed again. Any other database is left alone.
 */
export async function prepareDatabase(handle: DbHandle, opts: PrepareOptions): Promise<void> {
  if (opts.demo !== "auto" || handle.driver !== "pglite") return;
  const { seedDemo, isEmpty, readMarker } = await import("./seed/demo");
  if ((await isEmpty(handle.db)) || (await readMarker(handle.db))) await seedDemo(handle.db, { log: opts.log });
}
