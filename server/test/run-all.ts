// The README's test command: unit and integration tests on in-memory PGlite, the same
// again on PostgreSQL when TEST_DATABASE_URL is set, then the browser journeys.
// Ends with one line "tests: N passed, N failed" and a non-zero exit on any failure.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

type Report = { numPassedTests: number; numFailedTests: number; numTotalTests: number; success: boolean };
const out = mkdtempSync(path.join(tmpdir(), "tqe-tests-"));
let passed = 0;
let failed = 0;
let broken = false;

function vitest(label: string, config: string, env: Record<string, string>, extra: string[] = []) {
  const file = path.join(out, `${label}.json`);
  console.log(`\n=== ${label} ===`);
  const r = spawnSync(
    "npx",
    ["vitest", "run", "--config", config, "--reporter=default", "--reporter=json", `--outputFile.json=${file}`, ...extra],
    { stdio: "inherit", env: { ...process.env, ...env } },
  );
  let report: Report | null = null;
  try {
    report = JSON.parse(readFileSync(file, "utf8")) as Report;
  } catch {
    /* runner crashed */
  }
  if (!report || report.numTotalTests === 0) {
    console.error(`${label}: the suite did not run (exit ${r.status})`);
    broken = true;
    return;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  if (r.status !== 0 && report.numFailedTests === 0) broken = true; // e.g. a failing setup or an unhandled error
  console.log(`${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}

const args = process.argv.slice(2);
const only = (k: string) => args.length === 0 || args.includes(k);
if (only("unit")) vitest("pglite", "server/test/vitest.config.mts", { TEST_DATABASE_URL: "" });
if (only("unit") && process.env.TEST_DATABASE_URL) vitest("postgres", "server/test/vitest.config.mts", {});
if (only("e2e")) vitest("e2e", "e2e/vitest.config.mts", {});

console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || broken ? 1 : 0);
