import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { TestProject } from "vitest/node";

// Builds the app (unless E2E_SKIP_BUILD=1), prepares a fresh embedded database with the
// demo university, starts `next start` on a free port and hands its URL to the tests.
let server: ChildProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${r.status}`);
}

export default async function setup(project: TestProject) {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) throw new Error(`e2e: Chromium not found at ${chromium} (apt-get install chromium)`);
  const root = process.cwd();
  const dataDir = path.join(root, ".data", "e2e", String(process.pid));
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATABASE_URL: "", PGLITE_DIR: path.join(dataDir, "pglite"), DEMO_SEED: "auto",
    NEXT_TELEMETRY_DISABLED: "1", LOGIN_MAX_FAILURES: "5",
    // One secret for the seeding process and the server: vitest runs this with
    // NODE_ENV=test, whose built-in secret the production server would not share, and the
    // demo's campaign keys are encrypted under it.
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? "e2e-secret-e2e-secret-e2e-secret-0000000",
  };
  delete env.DATABASE_URL;
  if (process.env.E2E_SKIP_BUILD !== "1" || !existsSync(path.join(root, ".next", "BUILD_ID"))) {
    run("npx", ["next", "build"], { ...env, NODE_ENV: "production" });
  }
  run(process.execPath, ["--import", "tsx", "server/cli.ts", "prepare"], env);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"], detached: true,
  });
  let log = "";
  server.stdout?.on("data", (d) => { log += d; });
  server.stderr?.on("data", (d) => { log += d; process.stderr.write(d); });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/signin`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`e2e: the app did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  project.provide("baseURL", base);
  return async () => {
    if (server?.pid) {
      try { process.kill(-server.pid, "SIGTERM"); } catch { /* gone */ }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext { baseURL: string }
}
