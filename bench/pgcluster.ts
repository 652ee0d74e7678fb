// A PostgreSQL server for the crash test to restart in immediate mode (README.md).
//
// "private" (default): a throw-away cluster made with initdb in a temporary directory, on a
// free port, with the same binaries and the durability settings of a production server
// (fsync, synchronous_commit on, full_page_writes). Restarting it in immediate mode disturbs
// nobody else. "main": the machine's Debian cluster (pg_ctlcluster <version> main), which
// kills every other session on it (tests of colleagues included); it is started again at the
// end whatever happens.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./harness";

export type Cluster = {
  /** postgres://…/postgres on this server */
  url: string;
  describe: string;
  /** Immediate-mode restart (crash: no checkpoint, in-flight transactions lost, recovery from WAL). Resolves when it accepts connections again. */
  restartImmediate(): Promise<{ seconds: number }>;
  /** Leaves the machine as it was (private: stopped and removed; main: running). */
  close(): Promise<void>;
};

function binDir(): string {
  if (process.env.CHAOS_PG_BIN) return process.env.CHAOS_PG_BIN;
  const versions = readdirSync("/usr/lib/postgresql")
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error("no PostgreSQL binaries in /usr/lib/postgresql (set CHAOS_PG_BIN)");
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL tool as the postgres user when we are root (the server refuses to run as root). */
function pgTool(bin: string, args: string[]): { cmd: string; args: string[] } {
  return asRoot ? { cmd: "runuser", args: ["-u", "postgres", "--", bin, ...args] } : { cmd: bin, args };
}

function runAsync(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.stderr.on("data", (d) => {
      out += d;
    });
    p.on("close", (code) => resolve({ code, out }));
  });
}

function runSync(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export async function privateCluster(): Promise<Cluster> {
  const bin = binDir();
  const base = mkdtempSync(path.join(os.tmpdir(), "tqe-chaos-pg-"));
  const data = path.join(base, "data");
  if (asRoot) {
    chmodSync(base, 0o755);
    const { uid, gid } = userIds("postgres");
    chownSync(base, uid, gid);
  }
  const port = await freePort();
  const user = os.userInfo().username;
  const tool = (name: string, args: string[]) => pgTool(path.join(bin, name), args);
  const init = tool("initdb", ["-D", data, "-U", user, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
  runSync(init.cmd, init.args);
  const opts = [
    `-c port=${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${base}`,
    "-c fsync=on",
    "-c synchronous_commit=on",
    "-c full_page_writes=on",
    "-c max_connections=100",
  ].join(" ");
  const ctl = (args: string[]) => tool("pg_ctl", ["-D", data, "-l", path.join(base, "server.log"), "-o", opts, ...args]);
  const start = ctl(["-w", "-t", "60", "start"]);
  runSync(start.cmd, start.args);
  return {
    url: `postgres://${user}@127.0.0.1:${port}/postgres`,
    describe: `private cluster (initdb ${path.basename(path.dirname(bin))}) in ${data}, port ${port}`,
    async restartImmediate() {
      const t = performance.now();
      const r = ctl(["-w", "-t", "60", "-m", "immediate", "restart"]);
      const res = await runAsync(r.cmd, r.args);
      if (res.code !== 0) throw new Error(`pg_ctl restart -m immediate failed:\n${res.out}`);
      return { seconds: (performance.now() - t) / 1000 };
    },
    async close() {
      const stop = ctl(["-w", "-t", "60", "-m", "fast", "stop"]);
      await runAsync(stop.cmd, stop.args);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const line = runSync("getent", ["passwd", name]).trim().split(":");
  return { uid: Number(line[2]), gid: Number(line[3]) };
}

/** The machine's Debian cluster `<version> main` (pg_ctlcluster). */
export async function mainCluster(url: string): Promise<Cluster> {
  const version = process.env.CHAOS_PG_VERSION ?? path.basename(path.dirname(binDir()));
  const ctl = (args: string[]) => runAsync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", ...args]);
  const ensureRunning = async () => {
    const st = spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "status"]);
    if (st.status !== 0) await ctl(["start"]);
  };
  await ensureRunning();
  return {
    url,
    describe: `the machine's cluster ${version}/main (pg_ctlcluster; other sessions on it are killed too)`,
    async restartImmediate() {
      const t = performance.now();
      const res = await ctl(["restart", "-m", "immediate"]);
      if (res.code !== 0) {
        await ensureRunning();
        throw new Error(`pg_ctlcluster restart -m immediate failed:\n${res.out}`);
      }
      return { seconds: (performance.now() - t) / 1000 };
    },
    async close() {
      await ensureRunning();
    },
  };
}
