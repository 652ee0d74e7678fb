/**
 * Scoring on the command line (the recompute over an export, the export itself):
 *
 *   npm run scores -- --input <export.csv|.xlsx> --instrument <definition.json> [--instrument …]
 *                     --policy <policy.json> --output <results.json> [--vetoes <list.csv|.xlsx>] [--locale zh|en]
 *       recomputes every figure from an anonymised export with the code the app uses: the
 *       export is loaded into an embedded database of its own (in memory), the policy
 *       approved there, the same recompute run, and the same results document written
 *       (server/scoring/document.ts). Nothing else is read or written. `--vetoes`: a list of
 *       vetoes of the policy's year (columns teacher,reason: staff number and a veto code or its
 *       Chinese name, server/appraisal/vetoes.ts); each school-year entry of `teachers` carries
 *       band, band_reason, borderline and ci95 (server/appraisal/band.ts).
 *
 *   npm run scores:recompute [-- --year 2025-2026]
 *       in the app's database (DATABASE_URL, else the embedded one in PGLITE_DIR): scores any
 *       response stored without a score, rebuilds the tallies (target_tallies) from every stored
 *       score, then recomputes every school year that has an
 *       approved policy (or the one given).
 *
 *   npm run scores:export -- (--year 2025-2026 | --campaign <id>) --output <dir>
 *       writes the export bundle of the app's database: responses.csv (the long format), the
 *       policy in force (policy.json) and each instrument version's definition
 *       (instruments/<key>@<version>.json): what `npm run scores` takes.
 *
 * Bad input (unknown or missing columns, values outside an instrument's options, a policy
 * whose weights do not sum to 1, a trim outside [0, 0.5), …) prints every problem found with
 * its row and column, and exits with 1 without writing anything.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDb, type DbHandle } from "@/db/client";
import { col, queryRow, queryRows, queryValue } from "@/db/query";
import { baseEnv } from "../kernel/env";
import { DomainError } from "../kernel/errors";
import type { InstrumentFile } from "../instruments/format";
import type { Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { recompute, scopeOf } from "./compute";
import { resultsDocument } from "./document";
import { exportCsv, versionLabel } from "./export";
import { loadHistory } from "./history";
import { LongFormatError, parseLongFormat, parseVersionLabel, readLongTable } from "./longformat";
import { parsePolicy } from "./policy";
import { approvePolicy, createPolicy, currentPolicies, currentPolicy } from "./policies";
import { rebuildTallies, scoreMissing } from "./store";
import { readVetoList, recordVeto, vetoCodeOf } from "../appraisal/vetoes";
import { QUALITY_RULES } from "@/server/shared/scoring/quality";
import { at } from "@/server/shared/indexed";

const USAGE = `usage:
  npm run scores -- --input <export.csv|xlsx> --instrument <definition.json> [--instrument …] --policy <policy.json> --output <results.json> [--vetoes <list.csv|xlsx>] [--locale zh|en]
  npm run scores:recompute [-- --year <YYYY-YYYY>]
  npm run scores:export -- (--year <YYYY-YYYY> | --campaign <id>) --output <dir>`;

class UsageError extends Error {}

let cliLocale: Locale = "zh";

function flags(argv: string[], allowed: Record<string, "one" | "many">): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const name = at(argv, i);
    if (!name.startsWith("--") || !(name.slice(2) in allowed)) throw new UsageError(`unknown argument "${name}"`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
    i++;
    const list = out.get(name.slice(2)) ?? [];
    if (allowed[name.slice(2)] === "one" && list.length) throw new UsageError(`${name} given twice`);
    list.push(value);
    out.set(name.slice(2), list);
  }
  return out;
}

const need = (f: Map<string, string[]>, name: string) => {
  const v = f.get(name)?.[0];
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
};

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read the ${what} ${file}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new UsageError(`the ${what} ${file} is not JSON: ${(e as Error).message}`);
  }
}

function describe(e: DomainError, locale: Locale): string {
  const lines = [translate(locale, e.code, e.params)];
  if (Array.isArray(e.details)) {
    for (const d of e.details as { row?: number; column?: string | null; message?: string; path?: string }[]) {
      const where = [d.row ? `row ${d.row}` : "", d.column ? `column ${d.column}` : "", d.path ?? ""].filter(Boolean).join(", ");
      lines.push(`  ${where ? `${where}: ` : ""}${d.message ?? ""}`);
    }
  }
  return lines.join("\n");
}

async function compute(argv: string[]) {
  const f = flags(argv, { input: "one", instrument: "many", policy: "one", output: "one", locale: "one", vetoes: "one" });
  const locale = (f.get("locale")?.[0] ?? "zh") as Locale;
  if (locale !== "zh" && locale !== "en") throw new UsageError(`--locale must be zh or en`);
  cliLocale = locale;
  const input = need(f, "input"),
    output = need(f, "output");
  const instrumentFiles = f.get("instrument") ?? [];
  if (instrumentFiles.length === 0) throw new UsageError("--instrument is required (one per instrument in the export)");
  const policy = parsePolicy(readJson(need(f, "policy"), "policy"));
  const files = instrumentFiles.map((file) => readJson(file, "instrument definition") as InstrumentFile);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(input);
  } catch {
    throw new UsageError(`cannot read the input ${input}`);
  }
  const vetoFile = f.get("vetoes")?.[0];
  let vetoBytes: Uint8Array | null = null;
  if (vetoFile) {
    try {
      vetoBytes = readFileSync(vetoFile);
    } catch {
      throw new UsageError(`cannot read the veto list ${vetoFile}`);
    }
  }
  const vetoList = vetoBytes ? await readVetoList(vetoBytes) : [];
  const table = await readLongTable(bytes, locale);
  const byKey = new Map<string, InstrumentFile>();
  for (const file of files) {
    if (typeof file?.key !== "string") throw new UsageError("an instrument definition has no key");
    if (byKey.has(file.key)) throw new UsageError(`two instrument definitions have the key ${file.key}`);
    byKey.set(file.key, file);
  }
  const fileOfLabel = (label: string) => byKey.get(parseVersionLabel(label)?.key ?? "") ?? null;
  const data = parseLongFormat(table, fileOfLabel, locale);
  const keysUsed = new Map<string, string>();
  const filesOfLabels = new Map<string, InstrumentFile>();
  for (const label of data.versionLabels) {
    const file = fileOfLabel(label); // parseLongFormat refuses a label without an instrument
    if (!file) throw new UsageError(`the export names an unknown instrument version ${label}`);
    const key = file.key;
    if (keysUsed.has(key)) throw new UsageError(`the export has ${keysUsed.get(key)} and ${label}: give them one at a time`);
    keysUsed.set(key, label);
    filesOfLabels.set(label, file);
  }

  const t0 = performance.now();
  const handle = await openDb({ pgliteDir: "memory://" });
  try {
    const db = handle.db;
    const load = await loadHistory(db, data, {
      mode: "create",
      locale,
      files: filesOfLabels,
      defaultTerm: `${policy.schoolYear}-1`,
    });
    const op = await operator(db);
    for (const v of vetoList) {
      await recordVeto(db, { id: op }, () => new Date(), {
        teacher: v.teacher,
        schoolYear: policy.schoolYear,
        code: vetoCodeOf(v.reason),
        reason: v.reason,
        decidedOn: `${policy.schoolYear.slice(5)}-07-01`,
      });
    }
    const created = await createPolicy(db, policy, null);
    await approvePolicy(db, created.id, op, "npm run scores", new Date());
    const scope = await scopeOf(db, policy.schoolYear);
    if (scope.campaignIds.length === 0) {
      throw new UsageError(`no campaign of the export falls in the policy's school year ${policy.schoolYear}`);
    }
    const run = await recompute(db, { id: created.id, schoolYear: policy.schoolYear, policy }, { trigger: "command" });
    const doc = await resultsDocument(db, created.id);
    writeFileSync(output, `${JSON.stringify(doc, null, 2)}\n`);
    console.log(
      `scores: ${data.rows} rows, ${load.responses} responses, ${doc.targets.length} target results, ` +
        `${doc.reliability.length} reliability groups, ${doc.teachers.length} teacher composites → ${output} ` +
        `(${((performance.now() - t0) / 1000).toFixed(1)} s; recompute ${run.ms} ms)`,
    );
  } finally {
    await handle.close();
  }
}

/** Someone to record as approver in the scratch database (approval needs a person). */
async function operator(db: DbHandle["db"]): Promise<number> {
  return queryValue(
    db,
    col.int,
    sql`
    insert into persons (number, name, kind) values ('__scores_cli__', 'npm run scores', 'staff')
    on conflict (number) do update set name = excluded.name returning id`,
  );
}

async function appDb(): Promise<DbHandle> {
  const e = baseEnv();
  return e.DATABASE_URL ? openDb({ url: e.DATABASE_URL, poolMax: e.DB_POOL_MAX }) : openDb({ pgliteDir: e.PGLITE_DIR });
}

async function recomputeCommand(argv: string[]) {
  const f = flags(argv, { year: "one" });
  const handle = await appDb();
  try {
    const db = handle.db;
    const missing = await scoreMissing(db);
    if (missing.scored || missing.failed)
      console.log(
        `scored ${missing.scored} response(s) stored without a score${missing.failed ? `; ${missing.failed} could not be scored` : ""}`,
      );
    // a full recompute: the tallies the recomputes read, counted again from every stored score
    const t0 = performance.now();
    await rebuildTallies(db);
    console.log(`tallies rebuilt from the stored scores in ${Math.round(performance.now() - t0)} ms`);
    const year = f.get("year")?.[0];
    const policies = year ? [await currentPolicy(db, year)].filter((p) => p !== null) : await currentPolicies(db);
    if (year && policies.length === 0) throw new UsageError(`no approved scoring policy for ${year}`);
    for (const p of policies) {
      const r = await recompute(db, p, { trigger: "command" });
      const s = r.summary; // a command run is not skipped (no ifChanged): its counts are there
      console.log(
        `${p.schoolYear} (policy v${p.version}): ${r.responses} responses, ${r.targets} targets, ${r.results} results in ${r.ms} ms ` +
          `(read ${r.phases?.gatherMs} ms, figures ${r.phases?.figuresMs} ms, write ${r.phases?.writeMs} ms)` +
          (s
            ? `; excluded ${s.excluded}, ${QUALITY_RULES.map((rule) => `${rule.id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${s[rule.id]}`).join(", ")}`
            : ""),
      );
    }
    if (policies.length === 0) console.log("no school year has an approved scoring policy: nothing to compute");
  } finally {
    await handle.close();
  }
}

async function exportCommand(argv: string[]) {
  const f = flags(argv, { year: "one", campaign: "one", output: "one" });
  const dir = need(f, "output");
  const year = f.get("year")?.[0],
    campaign = f.get("campaign")?.[0];
  if ((year === undefined) === (campaign === undefined)) throw new UsageError("give either --year or --campaign");
  const handle = await appDb();
  try {
    const db = handle.db;
    let ids: number[];
    let schoolYear: string;
    if (year) {
      ids = (await scopeOf(db, year)).campaignIds;
      schoolYear = year;
    } else {
      const c = await queryRow(
        db,
        { id: col.int, school_year: col.text },
        sql`
        select c.id, coalesce(tm.school_year, '') as school_year from campaigns c left join terms tm on tm.id = c.term_id where c.id = ${Number(campaign)}`,
      );
      if (!c) throw new UsageError(`no campaign ${campaign}`);
      ids = [c.id];
      schoolYear = c.school_year;
    }
    mkdirSync(path.join(dir, "instruments"), { recursive: true });
    let csv = "";
    for await (const chunk of exportCsv(db, ids)) csv += chunk;
    writeFileSync(path.join(dir, "responses.csv"), csv);
    const p = schoolYear ? await currentPolicy(db, schoolYear) : null;
    if (p) writeFileSync(path.join(dir, "policy.json"), `${JSON.stringify(p.policy, null, 2)}\n`);
    const versions = await queryRows(
      db,
      { key: col.text, version: col.int, definition: col.text },
      sql`
      select distinct i.key, v.version, v.definition::text as definition from campaign_instruments ci
      join instrument_versions v on v.id = ci.instrument_version_id join instruments i on i.id = v.instrument_id
      where ci.campaign_id = any(${`{${ids.join(",")}}`}::int[])`,
    );
    for (const v of versions) writeFileSync(path.join(dir, "instruments", `${versionLabel(v.key, v.version)}.json`), v.definition);
    console.log(
      `export: ${ids.length} campaign(s), ${csv.split("\r\n").length - 2} rows → ${dir}/responses.csv` +
        `${p ? `, policy.json (${p.schoolYear} v${p.version})` : " (no approved policy for its school year)"}, ${versions.length} instrument definition(s)`,
    );
  } finally {
    await handle.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "compute") await compute(rest);
  else if (command === "recompute") await recomputeCommand(rest);
  else if (command === "export") await exportCommand(rest);
  else throw new UsageError(`unknown command "${command ?? ""}"`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof LongFormatError || err instanceof DomainError) {
      console.error(`error: ${describe(err, cliLocale)}`);
      process.exit(1);
    }
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    if (baseEnv().DEBUG && err instanceof Error) console.error(err.stack);
    process.exit(1);
  },
);
