import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { TestProject } from "vitest/node";

// Builds the app (unless E2E_SKIP_BUILD=1), prepares a fresh embedded database with the
// demo university, starts `next start` on a free port and hands its URL to the tests.

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

/** Whether the build in `nextDir` is the benchmarks' (it has their bare route, bench/harness.ts). */
function isBenchBuild(nextDir: string): boolean {
  try {
    return readFileSync(path.join(nextDir, "app-path-routes-manifest.json"), "utf8").includes('"/api/bench/bare"');
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${r.status}`);
}

/** Starts `next start` (the build in .next) with this environment on a free port; resolves once it answers. */
export async function startApp(env: NodeJS.ProcessEnv): Promise<{ base: string; stop: () => void; log: () => string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout?.on("data", (d) => {
    log += d;
  });
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
    process.stderr.write(d);
  });
  const stop = () => {
    if (child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* gone */
      }
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/signin`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      stop();
      throw new Error(`e2e: the app did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { base, stop, log: () => log };
}

export default async function setup(project: TestProject) {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) throw new Error(`e2e: Chromium not found at ${chromium} (apt-get install chromium)`);
  const root = process.cwd();
  const dataDir = path.join(root, ".data", "e2e", String(process.pid));
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(path.dirname(dataDir), { recursive: true });
  // One secret for the seeding process and the server: vitest runs this with
  // NODE_ENV=test, whose built-in secret the production server would not share, and the
  // demo's campaign keys are encrypted under it.
  const appEnv = { NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? "e2e-secret-e2e-secret-e2e-secret-0000000", LOGIN_MAX_FAILURES: "5" };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: "",
    PGLITE_DIR: path.join(dataDir, "pglite"),
    DEMO_SEED: "auto",
    NEXT_TELEMETRY_DISABLED: "1",
    ...appEnv,
  };
  delete env.DATABASE_URL;
  delete env.TQE_BENCH_BUILD;
  // A production build: E2E_SKIP_BUILD=1 reuses the one in .next, unless there is none or it
  // is the benchmarks' build (which has the bare benchmark route, bench/harness.ts).
  if (process.env.E2E_SKIP_BUILD !== "1" || !existsSync(path.join(root, ".next", "BUILD_ID")) || isBenchBuild(path.join(root, ".next"))) {
    run("npx", ["next", "build"], { ...env, NODE_ENV: "production" });
  }
  run(process.execPath, ["--import", "tsx", "server/cli.ts", "prepare"], env);

  // A copy of the prepared database with script planted in a questionnaire past the checker,
  // for e2e/security.e2e.ts to serve from a second server (e2e/setup/plant.ts).
  const planted = path.join(dataDir, "planted");
  cpSync(path.join(dataDir, "pglite"), planted, { recursive: true });
  run(process.execPath, ["--import", "tsx", "e2e/setup/plant.ts", planted], env);
  // A plain copy, for journeys that change it behind a second server's back (e2e/loop.e2e.ts
  // lets time pass for an order there).
  const spare = path.join(dataDir, "spare");
  cpSync(path.join(dataDir, "pglite"), spare, { recursive: true });

  const { base, stop } = await startApp(env);
  project.provide("baseURL", base);
  project.provide("plantedApp", { pgliteDir: planted, env: appEnv });
  project.provide("spareApp", { pgliteDir: spare, env: appEnv });
  return async () => {
    stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    plantedApp: { pgliteDir: string; env: Record<string, string> };
    spareApp: { pgliteDir: string; env: Record<string, string> };
  }
}
