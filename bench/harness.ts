// What the benchmarks that run the app share: building it for benchmarks and running
// `next start`, a keep-alive HTTP client, closed-loop load from N clients, and percentiles.
// See README.md.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { at } from "@/server/shared/indexed";

export const ROOT = process.cwd();

export function setting(name: string, fallback: string): string {
  const v = process.env[name];
  return v === undefined || v === "" ? fallback : v;
}
export const numberSetting = (name: string, fallback: number) => Number(setting(name, String(fallback)));

/** The local server's URL for the current OS user (trust auth), database `test`. */
export function defaultPgUrl(): string {
  return `postgres://${os.userInfo().username}@127.0.0.1:5432/test`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

/**
 * Whether a process's command line is `next build` itself: node running Next's CLI (or the
 * `next` launcher) with `build` as its command. A shell, flock or npm command line that merely
 * mentions `next build` (e.g. one waiting for the heavy-jobs lock) is not a build.
 */
export function isNextBuild(argv: readonly string[]): boolean {
  const base = (s: string) => s.slice(s.lastIndexOf("/") + 1);
  const exe = base(argv[0] ?? "");
  const cliAt = argv.findIndex((a, i) => (i === 0 ? exe === "next" : /(^|\/)next\/dist\/bin\/next$|(^|\/)\.bin\/next$/.test(a)));
  if (cliAt < 0) return false;
  if (cliAt > 0 && !/^node(js)?(\d+)?$/.test(exe)) return false;
  return argv.slice(cliAt + 1).find((a) => !a.startsWith("-")) === "build";
}

/** The ids of the processes running `next build` with this checkout as their working directory (Linux /proc). */
export function buildsInCheckout(root = ROOT): number[] {
  let real: string;
  try {
    real = realpathSync(root);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8")
        .split("\0")
        .filter((a) => a !== "");
      if (isNextBuild(argv) && realpathSync(`/proc/${name}/cwd`) === real) out.push(Number(name));
    } catch {
      // gone meanwhile, or another user's
    }
  }
  return out;
}

/**
 * Waits while a `next build` runs in this checkout (it writes the .next we are about to
 * build or copy). Builds of other checkouts are not ours to wait for; ours always ends, so
 * there is no deadline.
 */
async function waitForOtherBuilds(log: (s: string) => void): Promise<void> {
  let said = false;
  while (buildsInCheckout().length > 0) {
    if (!said) log(`build: another \`next build\` is running in this checkout (pid ${buildsInCheckout().join(", ")}); waiting for it`);
    said = true;
    await sleep(5000);
  }
}

/** The route of the bare benchmark handler (app/api/bench/bare/route.bench.ts). */
export const BARE_ROUTE = "/api/bench/bare";

/**
 * The environment of the benchmarks' `next build`: a production build that also builds the
 * `.bench.ts` routes (next.config.js adds that page extension only with TQE_BENCH_BUILD=1;
 * every other build leaves the bare route out).
 */
export function benchBuildEnv(base: Record<string, string | undefined> = process.env): NodeJS.ProcessEnv {
  return { ...base, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", TQE_BENCH_BUILD: "1" };
}

/** Whether the build in `nextDir` (a `.next`) has the bare benchmark route. */
export function hasBareRoute(nextDir: string): boolean {
  try {
    const routes = JSON.parse(readFileSync(path.join(nextDir, "app-path-routes-manifest.json"), "utf8")) as Record<string, string>;
    return Object.values(routes).includes(BARE_ROUTE);
  } catch {
    return false;
  }
}

/**
 * `next build` for benchmarks (unless BENCH_SKIP_BUILD=1), then a private copy of the build to
 * run from (see runtimeDir): others building in the same checkout cannot pull it from under
 * the server. With `bareRoute` (the default) a build without the bare route is refused.
 */
export async function buildApp(log: (s: string) => void, opts: { bareRoute?: boolean } = {}): Promise<string> {
  if (process.env.BENCH_SKIP_BUILD === "1") {
    log("build: skipped (BENCH_SKIP_BUILD=1)");
  } else {
    for (let attempt = 1; ; attempt++) {
      await waitForOtherBuilds(log);
      log("build: next build (TQE_BENCH_BUILD=1) …");
      const t = performance.now();
      const r = spawnSync(process.execPath, [NEXT_BIN, "build"], { encoding: "utf8", env: benchBuildEnv(), maxBuffer: 64 << 20 });
      if (r.status === 0) {
        log(`build: done in ${((performance.now() - t) / 1000).toFixed(0)} s`);
        break;
      }
      const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
      if (/Another next build process is already running/.test(out) && attempt < 10) continue;
      process.stderr.write(out);
      throw new Error(`next build failed with exit code ${r.status}`);
    }
  }
  return runtimeDir(log, opts.bareRoute ?? true);
}

/**
 * A directory to run `next start` in: a copy of .next (without its cache) beside links to
 * what the server reads at run time from its working directory (node_modules, surveys/,
 * db/migrations, the i18n config) and copies of next.config.js and package.json.
 */
async function runtimeDir(log: (s: string) => void, bareRoute: boolean): Promise<string> {
  // One copy per checkout: benchmarks of two worktrees do not run each other's build.
  const dir = path.join(os.tmpdir(), `tqe-bench-app-${createHash("sha256").update(realpathSync(ROOT)).digest("hex").slice(0, 10)}`);
  await waitForOtherBuilds(log);
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    if (existsSync(path.join(dir, ".next", "BUILD_ID"))) {
      log(`build: no build in .next; running the previous copy in ${dir}`);
      return dir;
    }
    throw new Error("no build in .next (run without BENCH_SKIP_BUILD)");
  }
  if (bareRoute && !hasBareRoute(path.join(ROOT, ".next"))) {
    throw new Error(`the build in .next has no ${BARE_ROUTE}: it was not built for benchmarks (run without BENCH_SKIP_BUILD)`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cache = path.join(ROOT, ".next", "cache");
  cpSync(path.join(ROOT, ".next"), path.join(dir, ".next"), {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => src !== cache && !src.startsWith(cache + path.sep),
  });
  for (const name of ["node_modules", "surveys", "db", "server"]) symlinkSync(path.join(ROOT, name), path.join(dir, name));
  for (const name of ["next.config.js", "package.json"]) copyFileSync(path.join(ROOT, name), path.join(dir, name));
  log(`build: ${readFileSync(path.join(dir, ".next", "BUILD_ID"), "utf8").trim()} copied to ${dir}`);
  return dir;
}

export type AppEnv = { dir: string; databaseUrl: string; port: number; secret: string; poolMax?: number };

/**
 * One `next start` process (its own process group, so that SIGKILL reaches it whole).
 * `exits` counts exits we did not cause.
 */
export class App {
  proc: ChildProcess | undefined;
  log = "";
  unexpectedExits = 0;
  private killing = false;
  constructor(readonly env: AppEnv) {}

  get origin() {
    return `http://127.0.0.1:${this.env.port}`;
  }

  start(): void {
    const e = this.env;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: e.databaseUrl,
      NEXTAUTH_SECRET: e.secret,
      ANON_KEY_SECRET: e.secret,
      APP_URL: this.origin,
      SCHEDULER: "off",
      DEMO_SEED: "off",
      BENCH_BARE: "1",
      PORT: String(e.port),
    };
    if (e.poolMax) env.DB_POOL_MAX = String(e.poolMax);
    // BENCH_PROFILE=<dir>: a V8 CPU profile of the app process, written when it exits.
    const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    this.killing = false;
    const proc = spawn(process.execPath, [...profile, NEXT_BIN, "start", "-p", String(e.port), "-H", "127.0.0.1"], {
      cwd: e.dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.proc = proc;
    const keep = (d: Buffer) => {
      this.log += d.toString();
      if (this.log.length > 200_000) this.log = this.log.slice(-100_000);
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    proc.on("exit", () => {
      if (!this.killing && this.proc === proc) this.unexpectedExits++;
    });
  }

  /** Waits until the server answers HTTP (any status). */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await request(this.origin, "GET", BARE_ROUTE, undefined, { timeoutMs: 2000 });
      if (r.status > 0) return;
      if (Date.now() > deadline) throw new Error(`the app did not start:\n${this.log.slice(-4000)}`);
      if (this.proc?.exitCode !== null && this.proc?.exitCode !== undefined)
        throw new Error(`the app exited (${this.proc.exitCode}):\n${this.log.slice(-4000)}`);
      await sleep(100);
    }
  }

  /** SIGKILL to the whole process group; resolves once it is gone. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const p = this.proc;
    if (!p?.pid || p.exitCode !== null || p.signalCode !== null) return;
    this.killing = true;
    const gone = new Promise<void>((r) => p.once("exit", () => r()));
    try {
      process.kill(-p.pid, signal);
    } catch {
      /* already gone */
    }
    await gone;
  }
}

// ---- CPU time (Linux /proc), to see where each request's time goes whatever else runs ----

const TICK_MS = 10; // USER_HZ = 100 on Linux

function statFields(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    return raw.slice(raw.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
  } catch {
    return null;
  }
}

/** CPU milliseconds (user + system) used so far by the given processes. */
export function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
  }
  return ticks * TICK_MS;
}

/** The processes of a process group (the app and anything it spawned). */
export function groupPids(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[2]) === pgid) out.push(Number(name)); // pgrp (field 5)
  }
  return out;
}

// ---- HTTP ----

let agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });

/**
 * Closes the kept-alive connections. Call after the clients were idle for a while: the
 * server closes idle connections after its keep-alive timeout (5 s) and a request sent on
 * one at that moment fails with ECONNRESET, an artefact of the pause, not of the server.
 */
export function resetConnections(): void {
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
}

export type Reply = { status: number; body: string; ms: number; error?: string };

/** One request; status 0 with `error` for a network failure or a timeout. Never throws. */
export function request(
  origin: string,
  method: string,
  pathName: string,
  body: string | undefined,
  opts: { timeoutMs?: number } = {},
): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<Reply, "ms">) => {
      if (done) return;
      done = true;
      resolve({ ...r, ms: performance.now() - started });
    };
    const u = new URL(pathName, origin);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method,
        agent,
        headers: {
          Origin: origin,
          ...(body === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", (e) => finish({ status: 0, body: "", error: (e as NodeJS.ErrnoException).code ?? e.message }));
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () => {
      req.destroy(new Error("timeout"));
    });
    req.on("error", (e) => finish({ status: 0, body: "", error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}

// ---- closed-loop load ----

/**
 * `clients` loops, each sending its next request as soon as the previous one is answered,
 * until `until()` says stop or `work()` returns false (no more work).
 */
export async function closedLoop(clients: number, work: (client: number) => Promise<boolean>, until: () => boolean): Promise<void> {
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (!until()) {
        if (!(await work(c))) return;
      }
    }),
  );
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return at(sorted, i);
}

/**
 * tRPC queries over HTTP as one signed-in person (a session cookie made with the app's secret),
 * each timed: `get(proc, input)` answers its milliseconds (refusing anything but 200), and
 * `load(n, f)` runs f 10 times to warm up, then n times from 4 clients at once, and answers the
 * sorted milliseconds (for percentile()).
 */
export async function timedQueries(origin: string, personId: number, secret: string) {
  const { encode } = await import("next-auth/jwt");
  const token = await encode({ token: { pid: personId, loginAt: Date.now() }, secret, maxAge: 3600 });
  const cookie = `next-auth.session-token=${token}`;
  const get = async (proc: string, input: unknown): Promise<number> => {
    const t = performance.now();
    const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    const res = await fetch(`${origin}/api/trpc/${proc}${q}`, { headers: { cookie } });
    await res.text();
    if (res.status !== 200) throw new Error(`${proc}: HTTP ${res.status}`);
    return performance.now() - t;
  };
  const load = async (n: number, f: (i: number) => Promise<number>): Promise<number[]> => {
    for (let i = 0; i < 10; i++) await f(i); // warm-up
    const out: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < n) out.push(await f(next++));
      }),
    );
    return out.sort((a, b) => a - b);
  };
  return { get, load };
}
