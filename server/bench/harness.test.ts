// The benchmarks wait for a `next build` only when it runs in their own checkout.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildsInCheckout, isNextBuild } from "./harness";

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
    const build = spawn("sh", ["-c", `mkdir -p ${path.dirname(script)} && echo 'setTimeout(() => {}, 60000)' > ${script} && exec node ${script} build`], { cwd: mine, stdio: "ignore" });
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
