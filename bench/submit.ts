// Benchmark of anonymous submission over HTTP (npm run bench:submit). See README.md.
//
// Builds the app (unless BENCH_SKIP_BUILD=1), recreates the database BENCH_DB (default
// bench_submit) on the PostgreSQL at BENCH_PG_URL (default postgres://<user>@127.0.0.1:5432/test),
// seeds 30,000 students with 240,000 pending evaluations (seed.ts), starts `next start`, then
// against that one server, from BENCH_CLIENTS (32) closed-loop keep-alive clients:
//   bare:   POST /api/bench/bare (one INSERT through postgres.js, app/api/bench/bare/route.bench.ts);
//   submit: POST /api/submit with complete valid evaluations and fresh tokens (the real path).
// Each is warmed up for BENCH_WARMUP (3) s, then both are measured for BENCH_SECONDS (20) s
// each, alternating in BENCH_SLICES (10) slices. Then closes the campaign (its sealed pool becomes
// responses) and compares what was acknowledged with what is stored. Last line:
//   bench-submit: rate=<submissions/s> bare=<requests/s> ratio=<rate/bare> p99_ms=<ms> errors=<n> lost=<n> duplicated=<n>
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { col, queryRows, queryValue } from "@/db/query";
import {
  App,
  BARE_ROUTE,
  buildApp,
  closedLoop,
  cpuMs,
  defaultPgUrl,
  freePort,
  groupPids,
  numberSetting,
  percentile,
  request,
  resetConnections,
  setting,
  sleep,
} from "./harness";
import {
  answerMaker,
  checkAnswers,
  closeAndReadStored,
  databaseUrl,
  durabilitySettings,
  issueBenchTokens,
  recreateDatabase,
  seed,
  surveyOf,
  type Token,
} from "./seed";

const log = (s: string) => console.log(s);
const SECONDS = numberSetting("BENCH_SECONDS", 20);
const WARMUP = numberSetting("BENCH_WARMUP", 3);
const CLIENTS = numberSetting("BENCH_CLIENTS", 32);
const SLICES = numberSetting("BENCH_SLICES", 10);
// Profiling aid (with BENCH_PROFILE): measure only one of the two; the ratio is then meaningless.
const ONLY = setting("BENCH_ONLY", "");
const SECRET = setting("BENCH_SECRET", "bench-secret-0123456789abcdef-0123456789");

type Outcome = { ok: boolean; ms: number; kind?: string };
type Send = (client: number) => Promise<Outcome | null>;
type Tally = {
  ok: number;
  errors: number;
  seconds: number;
  latencies: number[];
  errorKinds: Map<string, number>;
  exhausted: boolean;
  /** CPU ms used during the slices: the app's processes, the database's backends, this load generator. */
  cpu: { app: number; pg: number; gen: number };
  /** Transactions committed or rolled back in the database during the slices (each statement outside a transaction is one). */
  xacts: number;
};

const tally = (): Tally => ({
  ok: 0,
  errors: 0,
  seconds: 0,
  latencies: [],
  errorKinds: new Map(),
  exhausted: false,
  cpu: { app: 0, pg: 0, gen: 0 },
  xacts: 0,
});

/** Where the CPU goes: set once the app runs. */
const cpuSources = { app: [] as number[], pg: async (): Promise<number[]> => [], xacts: async (): Promise<number> => 0 };
const genCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Runs `send` from CLIENTS closed loops for `seconds`. With `into`, what completes inside
 * the window counts towards the rate; every answered request's latency (the ones still in
 * flight at the end are awaited) and every error count. `send` returning null (no more
 * work, e.g. tokens) stops its loop and marks the tally exhausted.
 */
async function slice(send: Send, seconds: number, into: Tally): Promise<void> {
  const pgPids = await cpuSources.pg();
  const xacts = await cpuSources.xacts();
  const before = { app: cpuMs(cpuSources.app), pg: cpuMs(pgPids), gen: genCpu() };
  const start = performance.now();
  const to = start + seconds * 1000;
  await closedLoop(
    CLIENTS,
    async (c) => {
      const r = await send(c);
      if (!r) {
        into.exhausted = true;
        return false;
      }
      if (!r.ok) {
        into.errors++;
        into.errorKinds.set(r.kind ?? "?", (into.errorKinds.get(r.kind ?? "?") ?? 0) + 1);
      } else if (performance.now() < to) into.ok++;
      into.latencies.push(r.ms);
      return true;
    },
    () => performance.now() >= to,
  );
  into.seconds += seconds;
  into.cpu.app += cpuMs(cpuSources.app) - before.app;
  into.cpu.pg += cpuMs(pgPids) - before.pg;
  into.cpu.gen += genCpu() - before.gen;
  into.xacts += (await cpuSources.xacts()) - xacts - 1; // not the one that counted
}

async function main() {
  const baseUrl = setting("BENCH_PG_URL", defaultPgUrl());
  const dbName = setting("BENCH_DB", "bench_submit");
  const url = databaseUrl(baseUrl, dbName);

  const appDir = await buildApp(log);

  await recreateDatabase(baseUrl, dbName);
  const { handle, seeded } = await seed(url, SECRET, log);
  const { db } = handle;
  let app: App | undefined;
  try {
    const d = await durabilitySettings(db);
    log(`postgres ${d.version}: synchronous_commit=${d.synchronous_commit} fsync=${d.fsync} wal_sync_method=${d.wal_sync_method}`);
    if (d.synchronous_commit === "off" || d.fsync !== "on")
      throw new Error("refusing to measure without durable commits (synchronous_commit and fsync must be on)");
    log(`seed: done in ${seeded.seconds.toFixed(1)} s (${seeded.eligibility} pending evaluations)`);
    await db.execute(sql`create table bench_bare (id bigserial primary key, body jsonb not null)`);

    const makeAnswers = answerMaker(surveyOf());
    checkAnswers(seeded.plan, makeAnswers);

    app = new App({ dir: appDir, databaseUrl: url, port: await freePort(), secret: SECRET });
    app.start();
    await app.ready();
    const appPid = app.proc?.pid;
    if (appPid === undefined) throw new Error("the app started without a process");
    cpuSources.app = groupPids(appPid);
    cpuSources.pg = async () =>
      (
        await queryRows(
          db,
          { pid: col.int },
          sql`
      select pid from pg_stat_activity
      where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`,
        )
      ).map((r) => r.pid);
    cpuSources.xacts = () =>
      queryValue(
        db,
        col.num,
        sql`
        select (xact_commit + xact_rollback)::float8 as n from pg_stat_database where datname = current_database()`,
      );
    log(`app: next start on ${app.origin}, ${CLIENTS} clients, ${WARMUP} s warm-up + ${SECONDS} s per phase`);

    // 1. bare: the same body as a submission, one INSERT.
    const bareBody = JSON.stringify({
      targetId: 1,
      token: randomBytes(64).toString("base64"),
      signature: randomBytes(256).toString("base64"),
      answers: makeAnswers(),
      locale: "zh",
    });
    const origin = app.origin;
    const sendBare: Send = async () => {
      const r = await request(origin, "POST", BARE_ROUTE, bareBody);
      return { ok: r.status >= 200 && r.status < 300, ms: r.ms, kind: r.error ?? String(r.status) };
    };
    const warmBare = tally();
    await slice(sendBare, WARMUP, warmBare);
    const estimate = warmBare.ok / WARMUP;

    // Tokens for the submit phase: enough for the warm-up bare rate over warm-up + window, with room.
    const want = Math.min(seeded.eligibility, Math.ceil(estimate * (WARMUP + SECONDS) * 1.5) + 2000);
    const t0 = performance.now();
    const tokens: Token[] = await issueBenchTokens(db, seeded, want);
    log(
      `tokens: ${tokens.length} issued (token_issued_on set for ${tokens.length / 8} students) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    await sleep(1000);
    resetConnections();

    // 2. submit through the real path.
    const state = new Map<string, "acked" | "refused" | "unknown">();
    const statuses = new Map<string, number>();
    let nextToken = 0;
    const sendSubmit: Send = async () => {
      const t = tokens[nextToken++];
      if (!t) return null;
      const body = JSON.stringify({ targetId: t.targetId, token: t.token, signature: t.signature, answers: makeAnswers(), locale: "zh" });
      state.set(t.hash, "unknown");
      const r = await request(origin, "POST", "/api/submit", body);
      let status = "";
      if (r.status === 200) {
        try {
          status = (JSON.parse(r.body) as { status?: string }).status ?? "";
        } catch {
          /* counted below */
        }
      }
      const ok = status === "stored" || status === "duplicate";
      statuses.set(ok ? status : (r.error ?? `http ${r.status}`), (statuses.get(ok ? status : (r.error ?? `http ${r.status}`)) ?? 0) + 1);
      state.set(t.hash, ok ? "acked" : r.status >= 400 && r.status < 500 ? "refused" : "unknown");
      return { ok, ms: r.ms, kind: r.error ?? `${r.status} ${r.body.slice(0, 120)}` };
    };
    const warmSubmit = tally();
    await slice(sendSubmit, WARMUP, warmSubmit);
    // Measured: bare and submit alternate in SLICES slices each, so that whatever else runs
    // on the machine weighs on both alike; BENCH_SECONDS in all for each.
    const bare = tally();
    const submit = tally();
    for (let i = 0; i < SLICES; i++) {
      if (ONLY !== "submit") await slice(sendBare, SECONDS / SLICES, bare);
      if (ONLY !== "bare") await slice(sendSubmit, SECONDS / SLICES, submit);
    }
    bare.latencies.sort((a, b) => a - b);
    submit.latencies.sort((a, b) => a - b);
    const bareRate = bare.ok / bare.seconds;
    const dist = (l: number[]) =>
      [50, 90, 99, 99.9].map((p) => `p${p} ${percentile(l, p).toFixed(1)}`).join(", ") + `, max ${l[l.length - 1]?.toFixed(1)} ms`;
    log(
      `bare: ${bare.ok} in ${bare.seconds} s = ${bareRate.toFixed(0)}/s, ${dist(bare.latencies)}, errors ${bare.errors + warmBare.errors}`,
    );
    if (submit.exhausted) log("submit: WARNING: ran out of tokens before the end of the window (raise the margin)");
    const rate = submit.ok / submit.seconds;
    const p99 = percentile(submit.latencies, 99);
    log(
      `submit: ${submit.ok} in ${submit.seconds} s = ${rate.toFixed(0)}/s, ${dist(submit.latencies)}, errors ${submit.errors + warmSubmit.errors}`,
    );
    const perReq = (t: Tally) => {
      const n = t.latencies.length;
      return `app ${(t.cpu.app / n).toFixed(2)} ms, postgres backends ${(t.cpu.pg / n).toFixed(2)} ms, load generator ${(t.cpu.gen / n).toFixed(2)} ms, ~${(t.xacts / n).toFixed(2)} statements (pg_stat_database)`;
    };
    log(`cpu per request: bare: ${perReq(bare)}; submit: ${perReq(submit)}`);
    log(`submit: answers ${[...statuses].map(([k, v]) => `${k}=${v}`).join(" ")}`);
    for (const [k, v] of [...warmBare.errorKinds, ...bare.errorKinds, ...warmSubmit.errorKinds, ...submit.errorKinds])
      log(`  error ${v}× ${k}`);

    // 3. acknowledged vs stored.
    const { stored, rows: rowCount, spent, pool } = await closeAndReadStored(db, seeded, SECRET, state.keys(), log);
    const storedSet = new Set(stored.map((r) => r.h));
    let unspent = 0;
    for (const [h, s] of state) if (s === "acked" && !spent.has(h)) unspent++;
    if (unspent || pool.spent !== pool.sealed)
      log(`check: WARNING: before the close ${unspent} acknowledged token(s) were not spent; ${pool.spent} spent vs ${pool.sealed} sealed`);
    let lost = 0;
    let acked = 0;
    let ambiguousStored = 0;
    for (const [h, s] of state) {
      if (s === "acked") {
        acked++;
        if (!storedSet.has(h)) lost++;
      }
    }
    let duplicated = Number(rowCount) - storedSet.size; // several rows for one token
    for (const h of storedSet) {
      const s = state.get(h);
      if (s === undefined || s === "refused")
        duplicated++; // never sent, or refused and yet stored
      else if (s === "unknown") ambiguousStored++; // in flight when it failed: may or may not be stored
    }
    log(
      `check: sent=${state.size} acked=${acked} stored_rows=${rowCount} distinct_stored=${storedSet.size} stored_but_failed_in_flight=${ambiguousStored}`,
    );
    const errors = warmBare.errors + bare.errors + submit.errors + warmSubmit.errors;
    const ratio = rate / bareRate;
    console.log(
      `bench-submit: rate=${rate.toFixed(0)} bare=${bareRate.toFixed(0)} ratio=${ratio.toFixed(2)} p99_ms=${p99.toFixed(1)} errors=${errors} lost=${lost} duplicated=${duplicated}`,
    );
    if (app.unexpectedExits) throw new Error(`the app exited unexpectedly:\n${app.log.slice(-4000)}`);
  } finally {
    await app?.kill("SIGTERM");
    await handle.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
