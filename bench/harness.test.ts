// The benchmarks wait for a `next build` only when it runs in their own checkout, and only
// their own build has the bare benchmark route.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BARE_ROUTE, benchBuildEnv, buildsInCheckout, hasBareRoute, isNextBuild } from "./harness";

describe("isNextBuild", () => {
  it("is node running Next's CLI with the build command, nothing that only mentions it", () => {
    expect(isNextBuild(["/usr/bin/node", "/w/node_modules/next/dist/bin/next", "build"])).toBe(true);
    expect(isNextBuild(["node", "/w/node_modules/.bin/next", "build", "--no-lint"])).toBe(true);
    expect(isNextBuild(["next", "build"])).toBe(true);
    expect(isNextBuild(["/usr/bin/node", "/w/node_modules/next/dist/bin/next", "start", "-p", "3000"])).toBe(false);
    // A shell or flock waiting for the heavy-jobs lock with a build in its command line.
    expect(isNextBuild(["flock", "/tmp/tqe-heavy.lock", "npx", "next", "build"])).toBe(false);
    expect(isNextBuild(["/bin/sh", "-c", "flock /tmp/tqe-heavy.lock next build"])).toBe(false);
    expect(isNextBuild(["bash", "-c", "node node_modules/next/dist/bin/next build"])).toBe(false);
    expect(isNextBuild(["npm", "run", "build"])).toBe(false);
    expect(isNextBuild(["pgrep", "-f", "next build|next/dist/bin/next build"])).toBe(false);
  });
});

describe("buildsInCheckout", () => {
  const dirs: string[] = [];
  const children: { kill: () => void }[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("sees a build running in the checkout, not one in another directory nor a shell line naming one", async () => {
    const mine = mkdtempSync(path.join(os.tmpdir(), "tqe-harness-mine-"));
    const other = mkdtempSync(path.join(os.tmpdir(), "tqe-harness-other-"));
    dirs.push(mine, other);
    const script = path.join(mine, "node_modules", "next", "dist", "bin", "next");
    const build = spawn(
      "sh",
      ["-c", `mkdir -p ${path.dirname(script)} && echo 'setTimeout(() => {}, 60000)' > ${script} && exec node ${script} build`],
      { cwd: mine, stdio: "ignore" },
    );
    children.push(build);
    const elsewhere = spawn("sh", ["-c", `sleep 0.5; exec node ${script} build`], { cwd: other, stdio: "ignore" });
    children.push(elsewhere);
    const waiting = spawn("sh", ["-c", `sleep 60; echo next build`], { cwd: mine, stdio: "ignore" });
    children.push(waiting);
    await new Promise((r) => setTimeout(r, 1500));
    const found = buildsInCheckout(mine);
    expect(found).toEqual([build.pid]);
    expect(buildsInCheckout(other)).toEqual([elsewhere.pid]);
    build.kill();
    await new Promise((r) => build.once("exit", r));
    expect(buildsInCheckout(mine)).toEqual([]);
  });
});

describe("the bare benchmark route is built only for benchmarks", () => {
  const require = createRequire(import.meta.url);
  const configPath = path.join(process.cwd(), "next.config.js");
  /** next.config.js as `next build` reads it with this environment. */
  function nextConfig(benchBuild: string | undefined): { pageExtensions?: string[] } {
    const saved = process.env.TQE_BENCH_BUILD;
    if (benchBuild === undefined) delete process.env.TQE_BENCH_BUILD;
    else process.env.TQE_BENCH_BUILD = benchBuild;
    try {
      delete require.cache[require.resolve(configPath)];
      return require(configPath) as { pageExtensions?: string[] };
    } finally {
      if (saved === undefined) delete process.env.TQE_BENCH_BUILD;
      else process.env.TQE_BENCH_BUILD = saved;
      delete require.cache[require.resolve(configPath)];
    }
  }
  // Next.js's own default: a route file is route.{tsx,ts,jsx,js}.
  const DEFAULT_EXTENSIONS = ["tsx", "ts", "jsx", "js"];
  const isRouteFile = (name: string, extensions: string[]) => extensions.some((e) => name === `route.${e}`);

  it("the route's file is a route only with the page extensions of the benchmarks' build", () => {
    const dir = path.join(process.cwd(), "app", "api", "bench", "bare");
    expect(readdirSync(dir)).toEqual(["route.bench.ts"]);
    expect(nextConfig(undefined).pageExtensions).toBeUndefined();
    expect(nextConfig("0").pageExtensions).toBeUndefined();
    expect(isRouteFile("route.bench.ts", DEFAULT_EXTENSIONS)).toBe(false);
    const bench = nextConfig(benchBuildEnv({}).TQE_BENCH_BUILD)?.pageExtensions ?? [];
    expect(isRouteFile("route.bench.ts", bench)).toBe(true);
    // Every other route and page is still one.
    for (const e of DEFAULT_EXTENSIONS) expect(bench).toContain(e);
  });

  it("the benchmarks' build is a production build with TQE_BENCH_BUILD=1", () => {
    expect(benchBuildEnv({ PATH: "/bin" })).toEqual({
      PATH: "/bin",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      TQE_BENCH_BUILD: "1",
    });
  });

  it("tells a build with the route from one without, by its route manifest", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tqe-harness-next-"));
    try {
      expect(hasBareRoute(dir)).toBe(false);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "app-path-routes-manifest.json"), JSON.stringify({ "/api/submit/route": "/api/submit" }));
      expect(hasBareRoute(dir)).toBe(false);
      writeFileSync(
        path.join(dir, "app-path-routes-manifest.json"),
        JSON.stringify({ "/api/submit/route": "/api/submit", "/api/bench/bare/route": BARE_ROUTE }),
      );
      expect(hasBareRoute(dir)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(dir)).toBe(false);
  });
});
