// Crash test of anonymous submission (npm run chaos:submit). See README.md.
//
// The bench:submit load (30,000 students, 240,000 pending evaluations, 32 keep-alive clients
// posting complete valid evaluations to POST /api/submit) for CHAOS_SECONDS (60), while the
// app is killed with SIGKILL and restarted, and PostgreSQL is restarted in immediate mode,
// alternately, CHAOS_EVENTS times (5) at even intervals. Each client retries the same token
// (its idempotency key) with the same body until it is acknowledged (200 stored/duplicate);
// at the end the clients take no new tokens and finish what they hold. PostgreSQL is a private
// throw-away cluster (CHAOS_PG=private, default) or the machine's main cluster (CHAOS_PG=main).
// Last line:
//   chaos-submit: acked=<n> stored=<n> lost=<n> duplicated=<n> longest_gap_s=<s>
// lost: acknowledged but not stored; duplicated: rows beyond one per token, or rows for tokens
// never sent; longest_gap_s: the longest time without an acknowledged submission during the run.
import { sql } from "drizzle-orm";
import { openDb } from "@/db/client";
import { App, buildApp, defaultPgUrl, freePort, numberSetting, request, resetConnections, setting, sleep } from "./harness";
import { mainCluster, privateCluster, type Cluster } from "./pgcluster";
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
const SECONDS = numberSetting("CHAOS_SECONDS", 60);
const EVENTS = numberSetting("CHAOS_EVENTS", 5);
const CLIENTS = numberSetting("BENCH_CLIENTS", 32);
const WARMUP = numberSetting("BENCH_WARMUP", 3);
const SECRET = setting("BENCH_SECRET", "bench-secret-0123456789abcdef-0123456789");
const DRAIN_SECONDS = 120;
const REQUEST_TIMEOUT_MS = 10_000;

type Ack = { at: number; status: string };

async function main() {
  const mode = setting("CHAOS_PG", "private");
  if (mode !== "private" && mode !== "main") throw new Error("CHAOS_PG must be private or main");
  const appDir = await buildApp(log);

  let cluster: Cluster | undefined;
  let app: App | undefined;
  let ok = false;
  try {
    cluster = mode === "private" ? await privateCluster() : await mainCluster(setting("BENCH_PG_URL", defaultPgUrl()));
    log(`postgres: ${cluster.describe}`);
    const dbName = setting("BENCH_DB", "bench_chaos");
    const url = databaseUrl(cluster.url, dbName);
    await recreateDatabase(cluster.url, dbName);
    const { handle, seeded } = await seed(url, SECRET, log);
    // Control run (CHAOS_CONTROL=async-commit): acknowledgements before the WAL is flushed,
    // to show that the test sees the loss it is there to catch.
    const control = setting("CHAOS_CONTROL", "");
    if (control === "async-commit") {
      await handle.db.execute(sql.raw(`alter database ${dbName} set synchronous_commit = off`));
      log("chaos: CONTROL RUN: synchronous_commit=off for the app's sessions (lost > 0 expected)");
    } else if (control) throw new Error("CHAOS_CONTROL must be async-commit or unset");
    const d = await durabilitySettings(handle.db);
    log(
      `postgres ${d.version}: synchronous_commit=${control ? "off (control run, the app's sessions)" : d.synchronous_commit} fsync=${d.fsync} wal_sync_method=${d.wal_sync_method}`,
    );
    if (!control && (d.synchronous_commit === "off" || d.fsync !== "on"))
      throw new Error("refusing to run without durable commits (synchronous_commit and fsync must be on)");
    await handle.db.execute(sql`create table bench_bare (id bigserial primary key, body jsonb not null)`);
    const makeAnswers = answerMaker(surveyOf());
    checkAnswers(seeded.plan, makeAnswers);

    // Tokens: the crash test runs at the submit rate at most; 1,000/s is above what 2 cores reach.
    const want = Math.min(seeded.eligibility, Math.ceil(numberSetting("CHAOS_RATE_CAP", 1000) * (SECONDS + WARMUP)));
    const t0 = performance.now();
    const tokens: Token[] = await issueBenchTokens(handle.db, seeded, want);
    log(`tokens: ${tokens.length} issued in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The seed's WAL is not the test's: recovery after each crash replays only the load's.
    await handle.db.execute(sql`checkpoint`);
    await handle.close(); // the orchestrator's own connection would die with every restart

    app = new App({ dir: appDir, databaseUrl: url, port: await freePort(), secret: SECRET });
    app.start();
    await app.ready();
    resetConnections();
    const origin = app.origin;
    log(`app: next start on ${origin}; ${CLIENTS} clients, ${WARMUP} s warm-up, ${SECONDS} s with ${EVENTS} crashes`);

    // ---- load ----
    const acks = new Map<string, Ack>(); // token hash → first acknowledgement
    const sent = new Set<string>();
    const failures = new Map<string, number>();
    let attempts = 0;
    let nextToken = 0;
    let taking = true;
    let exhaustedAt: number | undefined;
    const timeouts: number[] = []; // when (s into the run) the requests that timed out were sent
    const fail = (k: string) => failures.set(k, (failures.get(k) ?? 0) + 1);

    async function client(): Promise<void> {
      while (taking) {
        const t = tokens[nextToken++];
        if (!t) {
          exhaustedAt ??= performance.now();
          return;
        }
        const body = JSON.stringify({ targetId: t.targetId, token: t.token, signature: t.signature, answers: makeAnswers(), locale: "zh" });
        sent.add(t.hash);
        const drainDeadline = () => performance.now() > loadEnd + DRAIN_SECONDS * 1000;
        for (let retry = 0; ; retry++) {
          attempts++;
          const r = await request(origin, "POST", "/api/submit", body, { timeoutMs: REQUEST_TIMEOUT_MS });
          let status = "";
          if (r.status === 200) {
            try {
              status = (JSON.parse(r.body) as { status?: string }).status ?? "";
            } catch {
              /* not an acknowledgement */
            }
          }
          if (status === "stored" || status === "duplicate") {
            acks.set(t.hash, { at: performance.now(), status });
            break;
          }
          fail(r.error ?? `http ${r.status}${r.status >= 400 && r.status < 500 ? ` ${r.body.slice(0, 100)}` : ""}`);
          if (r.error === "timeout") timeouts.push((performance.now() - r.ms - windowStart) / 1000);
          if (!taking && drainDeadline()) break; // give up on this one (reported as unresolved)
          await sleep(Math.min(250, 20 * 2 ** Math.min(retry, 4)));
        }
      }
    }

    const loadStart = performance.now();
    const windowStart = loadStart + WARMUP * 1000;
    let loadEnd = loadStart + (WARMUP + SECONDS) * 1000;
    const clients = Array.from({ length: CLIENTS }, () => client());

    // ---- chaos ----
    const events: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const at = windowStart + ((i + 1) * SECONDS * 1000) / (EVENTS + 1);
      await sleep(Math.max(0, at - performance.now()));
      const tAt = ((performance.now() - windowStart) / 1000).toFixed(1);
      if (i % 2 === 0) {
        const k = performance.now();
        await app.kill("SIGKILL");
        app.start();
        await app.ready(60_000);
        events.push(`t=${tAt}s app SIGKILL, serving again after ${((performance.now() - k) / 1000).toFixed(1)} s`);
      } else {
        const r = await cluster.restartImmediate();
        events.push(`t=${tAt}s postgres restart -m immediate, accepting again after ${r.seconds.toFixed(1)} s`);
      }
      log(`chaos: ${events[events.length - 1]}`);
    }
    await sleep(Math.max(0, loadEnd - performance.now()));
    taking = false;
    loadEnd = performance.now();
    await Promise.all(clients);
    if (exhaustedAt !== undefined) log("chaos: WARNING: ran out of tokens before the end (raise CHAOS_RATE_CAP); gaps counted until then");
    const gapEnd = Math.min(loadEnd, exhaustedAt ?? Infinity);

    // ---- gaps: between successive acknowledgements inside the measured window ----
    const times = [...acks.values()]
      .map((a) => a.at)
      .filter((t) => t >= windowStart && t <= gapEnd)
      .sort((a, b) => a - b);
    let longest = 0;
    let longestAt = 0;
    let prev = windowStart;
    for (const t of [...times, gapEnd]) {
      if (t - prev > longest) {
        longest = t - prev;
        longestAt = prev;
      }
      prev = t;
    }

    // ---- acknowledged vs stored ----
    // The campaign's close stores the sealed pool as responses (one transaction; a crash in it
    // leaves the pool): then acknowledged tokens are looked for among the responses.
    const check = await openDb({ url });
    let stored: { h: string; n: number }[];
    let rows: number;
    try {
      const r = await closeAndReadStored(check.db, seeded, SECRET, sent, log);
      ({ stored, rows } = r);
      let unspent = 0;
      for (const h of acks.keys()) if (!r.spent.has(h)) unspent++;
      log(
        `chaos: before the close: ${r.pool.spent} spent tokens, ${r.pool.sealed} sealed submissions; acknowledged but not spent: ${unspent}`,
      );
    } finally {
      await check.close();
    }
    const storedSet = new Set(stored.map((r) => r.h));
    let lost = 0;
    for (const h of acks.keys()) if (!storedSet.has(h)) lost++;
    let duplicated = rows - storedSet.size;
    let unresolvedStored = 0;
    for (const h of storedSet) {
      if (!sent.has(h)) duplicated++;
      else if (!acks.has(h)) unresolvedStored++;
    }
    const unresolved = [...sent].filter((h) => !acks.has(h)).length;
    const byStatus = [...acks.values()].reduce((m, a) => m.set(a.status, (m.get(a.status) ?? 0) + 1), new Map<string, number>());
    log(
      `chaos: ${attempts} requests for ${sent.size} tokens; acknowledged ${[...byStatus].map(([k, v]) => `${k}=${v}`).join(" ")}; unresolved ${unresolved} (${unresolvedStored} of them stored)`,
    );
    log(
      `chaos: failed attempts (then retried): ${
        [...failures]
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${v}× ${k}`)
          .join(", ") || "none"
      }`,
    );
    if (timeouts.length)
      log(
        `chaos: requests that got no answer within ${REQUEST_TIMEOUT_MS / 1000} s were sent at t=${timeouts.map((t) => t.toFixed(1)).join(", ")} s`,
      );
    log(
      `chaos: longest gap ${(longest / 1000).toFixed(2)} s from t=${((longestAt - windowStart) / 1000).toFixed(1)} s; app exits not caused by the test: ${app.unexpectedExits}`,
    );
    // What the app logged for its 500s (the submit route logs only the error's name and code).
    const logged = app.log
      .split("\n")
      .filter((l) => l.includes("/api/submit:"))
      .reduce((m, l) => {
        const k = l.slice(l.indexOf("/api/submit:") + 12).trim();
        return m.set(k, (m.get(k) ?? 0) + 1);
      }, new Map<string, number>());
    log(`chaos: app errors logged: ${[...logged].map(([k, v]) => `${v}× ${k}`).join(", ") || "none"}`);
    const crashLines = app.log.split("\n").filter((l) => /uncaught|unhandled/i.test(l));
    if (crashLines.length) log(`chaos: app log: ${crashLines.slice(0, 5).join(" | ")}`);
    console.log(
      `chaos-submit: acked=${acks.size} stored=${rows} lost=${lost} duplicated=${duplicated} longest_gap_s=${(longest / 1000).toFixed(2)}`,
    );
    ok = true;
  } finally {
    await app?.kill("SIGKILL").catch(() => {});
    await cluster?.close().catch((e: unknown) => console.error("could not restore PostgreSQL:", e));
    if (!ok) log("chaos: failed (PostgreSQL left as it was found)");
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
