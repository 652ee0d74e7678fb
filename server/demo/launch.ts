/**
 * `npm run demo`: the demo from a fresh clone in one command, showing what it
 * does and how far it is. At once it answers on the app's port with a starting page
 * (page.ts: the steps, an estimate, kept current), and runs side by side
 *   - the database job, `server/cli.ts prepare` (migrations; the demo university on an empty
 *     embedded database), its lines printed as they come (they end with the demo accounts), and
 *   - the production build, `next build`, unless the sources are those of the last build
 *     (a hash of app/, server/, db/, surveys/ and the root's files, kept in .next): its stages
 *     are printed, its full output only if it fails. Types are not checked here (TQE_DEMO_BUILD:
 *     next.config.js); `npm run build` and the tests check them.
 * Then it closes the starting server, starts `next start` on the same port (the page reloads
 * itself into the sign-in page), waits until /signin answers, and prints the time it took and
 * the accounts again. A terminal gets a live status line; a log file a status line every 10 s.
 * Ctrl-C stops whatever runs. PORT (default 3000) as for `next start`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import { startingHandler } from "./page";
import { Progress, stepOf, type Snapshot, type StepKey } from "./progress";
import { sourcesHash } from "./sources";

const root = process.cwd();
const STAMP = path.join(root, ".next", "tqe-demo-sources");

const isTty = Boolean(process.stdout.isTTY);
let statusShown = false;
const STEP_LABEL: Record<string, string> = {
  database: "数据库 database",
  demo: "示范数据 demo data",
  compile: "编译 compiling",
  pages: "收集页面 pages",
  finalize: "收尾 finishing",
  start: "启动服务 starting the server",
};

function statusLine(s: Snapshot): string {
  const running = s.steps
    .filter((x) => x.state === "running")
    .map((x) => STEP_LABEL[x.key])
    .join(" + ");
  const left = s.remainingS === null ? "" : `，约还需 ${s.remainingS} 秒 (~${s.remainingS} s to go)`;
  return `… 约 ${s.percent}% (about ${s.percent}%)，已用 ${Math.round(s.elapsedS)} 秒${left}${running ? ` · ${running}` : ""}`;
}

/** Prints a line above the live status line (a terminal) or as it is (a log). */
function say(line: string) {
  if (isTty && statusShown) process.stdout.write("\r\x1b[2K");
  process.stdout.write(`${line}\n`);
  statusShown = false;
}

function showStatus(s: Snapshot) {
  if (!isTty) return;
  const width = process.stdout.columns ?? 100;
  process.stdout.write(`\r\x1b[2K${statusLine(s).slice(0, Math.max(20, width - 1))}`);
  statusShown = true;
}

function lines(child: ChildProcess, onLine: (line: string) => void) {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream }).on("line", onLine);
  }
}

const exited = (child: ChildProcess) =>
  new Promise<number>((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0))));

async function signInAnswers(port: number): Promise<boolean> {
  for (const host of ["127.0.0.1", "localhost"]) {
    try {
      const r = await fetch(`http://${host}:${port}/signin`, { redirect: "manual" });
      if (r.status === 200 && r.headers.get("x-tqe-starting") !== "1") return true;
    } catch {
      /* not up yet */
    }
  }
  return false;
}

async function main(): Promise<number> {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`error: PORT must be a port number, not "${process.env.PORT}"`);
    return 2;
  }
  const started = Date.now();
  const progress = new Progress(started);
  const children = new Set<ChildProcess>();
  const stop = (signal: NodeJS.Signals) => {
    for (const c of children) c.kill(signal);
    process.exit(130);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  // 1. the starting page, at once
  const placeholder = http.createServer(startingHandler(() => progress.snapshot(Date.now())));
  const listening = await new Promise<Error | null>((resolve) => {
    placeholder.once("error", resolve);
    placeholder.listen(port, () => resolve(null));
  });
  if (listening) {
    console.error(`error: port ${port} is not free (${listening.message}); stop what uses it or set PORT`);
    return 1;
  }
  say(`正在启动示范系统 Starting the demo — 进度 progress: http://localhost:${port}/`);

  // 2. the database and the build, side by side
  const hash = sourcesHash(root);
  const current = existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(STAMP) && readFileSync(STAMP, "utf8") === hash;
  const prepareLines: string[] = [];
  const buildLines: string[] = [];
  const prepare = spawn(process.execPath, ["--import", "tsx", "server/cli.ts", "prepare"], {
    cwd: root,
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(prepare);
  lines(prepare, (l) => {
    prepareLines.push(l);
    progress.dataLine(l, Date.now());
    say(l);
  });
  const prepared = exited(prepare).then((code) => {
    children.delete(prepare);
    progress.dataDone(code === 0, Date.now(), code === 0 ? undefined : `server/cli.ts prepare exited with code ${code}`);
    return code;
  });
  let built: Promise<number>;
  if (current) {
    progress.buildSkipped(Date.now(), "unchanged");
    say("构建 build │ 源代码未变，沿用上次的构建 sources unchanged since the last build: not building again");
    built = Promise.resolve(0);
  } else {
    const nextBin = createRequire(path.join(root, "package.json")).resolve("next/dist/bin/next");
    const build = spawn(process.execPath, [nextBin, "build"], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", TQE_DEMO_BUILD: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(build);
    lines(build, (l) => {
      buildLines.push(l);
      if (progress.buildLine(l, Date.now())) say(`构建 build │ ${l.trim()}`);
    });
    built = exited(build).then((code) => {
      children.delete(build);
      progress.buildDone(code === 0, Date.now(), code === 0 ? undefined : `next build exited with code ${code}`);
      return code;
    });
  }
  let ticks = 0;
  const ticker = setInterval(() => {
    const s = progress.snapshot(Date.now());
    if (isTty) showStatus(s);
    else if (++ticks % 10 === 0) say(statusLine(s));
  }, 1000);

  // A failed database job stops the build (nothing to serve); a failed build lets the database
  // job finish (stopping it halfway would leave a half-seeded database behind).
  const [dataCode, buildCode] = await Promise.all([
    prepared.then((c) => {
      if (c !== 0) for (const ch of children) ch.kill("SIGTERM");
      return c;
    }),
    built,
  ]);
  if (dataCode !== 0 || buildCode !== 0) {
    clearInterval(ticker);
    if (buildCode !== 0 && dataCode === 0 && buildLines.length) say(`\n--- next build ---\n${buildLines.join("\n")}`);
    say(`\n启动失败 The start failed: ${progress.snapshot(Date.now()).error}`);
    await new Promise((r) => setTimeout(r, 3000)); // the starting page shows it meanwhile
    placeholder.close();
    placeholder.closeAllConnections();
    return 1;
  }
  if (!current) writeFileSync(STAMP, hash);

  // 3. the app on the same port
  progress.starting(Date.now());
  await new Promise<void>((resolve) => {
    placeholder.close(() => resolve());
    placeholder.closeAllConnections();
  });
  const nextBin = createRequire(path.join(root, "package.json")).resolve("next/dist/bin/next");
  const server = spawn(process.execPath, [nextBin, "start", "-p", String(port)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: "inherit",
  });
  children.add(server);
  const serverExit = exited(server);
  let up = false;
  while (!up) {
    const code = await Promise.race([serverExit, new Promise<null>((r) => setTimeout(() => r(null), 250))]);
    if (code !== null) {
      clearInterval(ticker);
      say(`启动失败 The start failed: next start exited with code ${code}`);
      return code || 1;
    }
    up = await signInAnswers(port);
  }
  progress.ready(Date.now());
  clearInterval(ticker);
  const s = progress.snapshot(Date.now());
  const secs = (k: StepKey) => {
    const { seconds } = stepOf(s, k);
    return seconds === null ? "—" : `${Math.round(seconds)} s`;
  };
  const accounts = prepareLines.findIndex((l) => l.startsWith("Demo accounts"));
  if (accounts >= 0)
    say(
      ["", ...prepareLines.slice(accounts, prepareLines.findIndex((l, i) => i > accounts && /^\s*Every teacher/.test(l)) + 1)].join("\n"),
    );
  say(
    `\n✓ 已就绪 Ready in ${Math.round(s.elapsedS)} s (数据库 database ${secs("database")} + 示范数据 demo ${secs("demo")} ‖ 构建 build ${
      current ? "—" : `${secs("compile")} + ${secs("pages")} + ${secs("finalize")}`
    }; 启动 start ${secs("start")}): http://localhost:${port}/signin`,
  );
  return serverExit;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
