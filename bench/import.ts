// Benchmark: imports 50,000 enrolment rows into an in-memory PGlite.
//   npm run bench:import [-- rows]
// Prints: bench-import: rows=50000 seconds=<s> rows_per_s=<n>
import { openDb } from "@/db/client";
import { runImport } from "@/server/imports/run";
import { bulkSchool, csvBytes, enrolmentRows } from "@/server/imports/testing";

async function main() {
  const rows = Number(process.argv[2] ?? 50_000);
  const perStudent = 10;
  const handle = await openDb({ pgliteDir: "memory://" });
  try {
    const school = await bulkSchool(handle.db, 100, Math.ceil(rows / perStudent));
    const data = enrolmentRows(school, perStudent).slice(0, rows);
    const bytes = csvBytes([["学期", "教学班代码", "学号"], ...data]);
    const started = performance.now();
    const result = await runImport(handle.db, { kind: "enrolments", fileName: "bench.csv", bytes, actorId: null });
    const seconds = (performance.now() - started) / 1000;
    if (!result.ok || result.inserted !== data.length) {
      console.error("bench-import: unexpected result", { ...result, errors: result.errors.slice(0, 5) });
      process.exitCode = 1;
      return;
    }
    console.log(`bench-import: rows=${data.length} seconds=${seconds.toFixed(2)} rows_per_s=${Math.round(data.length / seconds)}`);
  } finally {
    await handle.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
