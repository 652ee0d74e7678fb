/**
 * `npm run bench:seed-demo`: how long the demo university takes to seed into a fresh in-memory
 * PGlite (the embedded database a new user starts on), migrations not counted. The target is
 * the one the unit test used to assert: under 20 s on the project's 2-core machine (the first
 * start as a whole is `bench:demo`, under three minutes). Run it alone
 * (`flock /tmp/tqe-heavy.lock npm run bench:seed-demo`). Last line:
 *
 *   demo-seed: seconds=… persons=… sections=… enrolments=…
 */
import { sql } from "drizzle-orm";
import { openDb } from "@/db/client";
import { col, queryOne } from "@/db/query";
import { seedDemo } from "@/server/demo/seed";

async function main() {
  const { db, close } = await openDb({ pgliteDir: "memory://" });
  try {
    const t = performance.now();
    await seedDemo(db, { log: () => {} });
    const seconds = (performance.now() - t) / 1000;
    const c = await queryOne(
      db,
      { persons: col.int, sections: col.int, enrolments: col.int },
      sql`select (select count(*) from persons) as persons, (select count(*) from sections) as sections,
        (select count(*) from enrolments) as enrolments`,
    );
    console.log(`demo-seed: seconds=${seconds.toFixed(2)} persons=${c.persons} sections=${c.sections} enrolments=${c.enrolments}`);
  } finally {
    await close();
  }
}

void main();
