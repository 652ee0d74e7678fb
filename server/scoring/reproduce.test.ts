import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/db/client";
import { persons } from "@/db/schema";
import { seedDemo } from "@/server/demo/seed";
import { col, one, queryRows } from "@/db/query";
import { importLibrary } from "../instruments/library";
import { loadRegistry } from "../instruments/registry";
import { resetDb, testDb } from "../test/db";
import { scopeOf } from "./compute";
import { DEMO_HISTORY_CAMPAIGN, seedDemoScores } from "./demo";
import { resultsDocument, type ResultsDocument } from "./document";
import { exportCsv, exportXlsx } from "./export";
import { approvedPolicy } from "./testing";
import { at } from "@/server/shared/indexed";

// The demo university's last term ("imported from the previous system"), its figures computed
// in the app, exported, and recomputed by `npm run scores` in a process of its own.
let db: Db;
let dir: string;
let appDoc: ResultsDocument;
let instrumentArgs: string[];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "server/scoring/cli.ts", "compute", ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "" },
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  db = await testDb();
  await resetDb(db);
  await seedDemo(db, { log: () => {} });
  const q = one(await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality")));
  await importLibrary(db, loadRegistry(), { approvedBy: q.id, note: "示范" });
  await seedDemoScores(db, () => {});
  const p = await approvedPolicy(db, "2025-2026");
  appDoc = await resultsDocument(db, p.id);
  dir = mkdtempSync(path.join(tmpdir(), "tqe-scores-"));
  const ids = (await scopeOf(db, "2025-2026")).campaignIds;
  let csv = "";
  for await (const chunk of exportCsv(db, ids)) csv += chunk;
  writeFileSync(path.join(dir, "responses.csv"), csv);
  const chunks: Buffer[] = [];
  for await (const c of exportXlsx(db, ids)) chunks.push(c as Buffer);
  writeFileSync(path.join(dir, "responses.xlsx"), Buffer.concat(chunks));
  writeFileSync(path.join(dir, "policy.json"), JSON.stringify(p.policy));
  const defs = await queryRows(
    db,
    { key: col.text, definition: col.text },
    sql`
    select distinct i.key, v.definition::text as definition from campaign_instruments ci join instrument_versions v on v.id = ci.instrument_version_id
    join instruments i on i.id = v.instrument_id where ci.campaign_id = any(${`{${ids.join(",")}}`}::int[])`,
  );
  instrumentArgs = defs.flatMap((d) => {
    const f = path.join(dir, `${d.key}.json`);
    writeFileSync(f, d.definition);
    return ["--instrument", f];
  });
}, 180_000);

describe("npm run scores", () => {
  it("reproduces the app's figures on the demo data exactly, from the CSV and from the XLSX export", () => {
    expect(appDoc.targets.length).toBeGreaterThan(60);
    expect(appDoc.targets.every((t) => t.campaign === DEMO_HISTORY_CAMPAIGN)).toBe(true);
    for (const input of ["responses.csv", "responses.xlsx"]) {
      const out = path.join(dir, `${input}.json`);
      const r = cli(["--input", path.join(dir, input), ...instrumentArgs, "--policy", path.join(dir, "policy.json"), "--output", out]);
      expect(r.err).toBe("");
      expect(r.status).toBe(0);
      const cliDoc = JSON.parse(readFileSync(out, "utf8")) as ResultsDocument;
      expect(cliDoc).toEqual(appDoc);
    }
  }, 120_000);
});

describe("npm run scores refuses bad input with the problem named, and writes nothing", () => {
  const run = (input: string, policy: unknown, extra: string[] = []) => {
    const inFile = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(inFile, input);
    const policyFile = path.join(dir, `policy-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(policyFile, typeof policy === "string" ? policy : JSON.stringify(policy));
    const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
    const r = cli(["--input", inFile, ...instrumentArgs, "--policy", policyFile, "--output", out, ...extra]);
    expect(existsSync(out)).toBe(false);
    return r;
  };
  const csv = () => readFileSync(path.join(dir, "responses.csv"), "utf8");
  const policy = () => z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(path.join(dir, "policy.json"), "utf8")));

  it("an unknown or a missing column", () => {
    const unknown = run(csv().replace("question,value", "question,score"), policy(), ["--locale", "en"]);
    expect(unknown.status).toBe(1);
    expect(unknown.err).toContain('Unknown column "score"');
    expect(unknown.err).toContain('The required column "value" is missing.');
    const missing = run(
      csv()
        .split("\r\n")
        .map((l) =>
          l
            .split(",")
            .filter((_, i) => i !== 4)
            .join(","),
        )
        .join("\r\n"),
      policy(),
    );
    expect(missing.status).toBe(1);
    expect(missing.err).toContain("缺少必需的列“rater_group”");
  });

  it("a value outside the instrument's options, with its row", () => {
    const lines = csv().split("\r\n");
    const i = lines.findIndex((l) => l.includes(",student,") && /,q1,1,/.test(l));
    lines[i] = at(lines, i).replace(/,q1,1,/, ",q1,0.9,");
    const r = run(lines.join("\r\n"), policy(), ["--locale", "en"]);
    expect(r.status).toBe(1);
    expect(r.err).toContain(`row ${i + 1}, column value: The answer "0.9" to q1 is not one of its options`);
  });

  it("a policy whose weights do not sum to 1, or whose trim is outside [0, 0.5)", () => {
    const p = policy();
    const weights = run(csv(), { ...p, weights: { default: { student: 0.6, supervisor: 0.3, peer: 0.2 } } }, ["--locale", "en"]);
    expect(weights.status).toBe(1);
    expect(weights.err).toContain("weights.default");
    expect(weights.err).toContain("1.1");
    const trim = run(csv(), { ...p, trim: 0.5 });
    expect(trim.status).toBe(1);
    expect(trim.err).toContain("截尾比例须在 [0, 0.5) 之间，当前为 0.5");
    const notJson = run(csv(), "{ weights: ");
    expect(notJson.status).toBe(2);
    expect(notJson.err).toContain("is not JSON");
  });
});
