import { eq } from "drizzle-orm";
import type { Db, DbHandle } from "@/db/client";
import { persons } from "@/db/schema";
import { isEmpty, readMarker, seedDemo, type DemoSummary } from "@/server/demo/seed";
import { seedDemoCampaigns } from "./campaigns/demo";
import { anonSecret } from "./kernel/env";
import { importLibrary } from "./instruments/library";
import { loadRegistry } from "./instruments/registry";
import { seedDemoScores } from "./scoring/demo";
import { seedDemoAttainment } from "./attainment/demo";
import { seedDemoComments } from "./comments/demo";

export type PrepareOptions = { demo: "auto" | "off"; log: (line: string) => void };

/**
 * The demo university: people and teaching from server/demo/seed.ts, the instrument library
 * (surveys/) approved as the quality office, as a committee would have, two open
 * campaigns (server/campaigns/demo.ts), and scoring: approved policies, last term's results
 * imported from the "previous system", the figures computed (server/scoring/demo.ts).
 * Repeatable: a second run changes nothing and prints the accounts again.
 */
export async function seedDemoUniversity(db: Db, opts: { log: (line: string) => void; force?: boolean }): Promise<DemoSummary> {
  const summary = await seedDemo(db, opts);
  const [quality] = await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality"));
  const results = await importLibrary(db, loadRegistry(), { approvedBy: quality?.id, note: "示范数据：评价工具库 v1（专家组审议通过）" });
  const created = results.filter((r) => r.status === "created").length;
  if (created) opts.log(`Instrument library: ${created} instrument version(s) imported and approved.`);
  await seedDemoCampaigns(db, anonSecret(), new Date(), opts.log);
  await seedDemoScores(db, opts.log);
  await seedDemoAttainment(db, opts.log);
  await seedDemoComments(db, opts.log);
  return summary;
}

/**
 * Runs after migrations on every start. On the embedded database (no DATABASE_URL) with
 * DEMO_SEED=auto, an empty database gets the demo university; a demo database gets its
 * sign-in accounts printed again. Any other database is left alone.
 */
export async function prepareDatabase(handle: DbHandle, opts: PrepareOptions): Promise<void> {
  if (opts.demo !== "auto" || handle.driver !== "pglite") return;
  if ((await isEmpty(handle.db)) || (await readMarker(handle.db))) await seedDemoUniversity(handle.db, { log: opts.log });
}
