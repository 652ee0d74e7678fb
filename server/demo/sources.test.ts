import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sourcesHash } from "./sources";

// When `npm run demo` builds again: when a source changed, and only then.
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tree(files: Record<string, string>) {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
}

describe("the sources' hash", () => {
  it("changes with a source and with the root's build files; not with data, dependencies, build output or a note in the root", () => {
    dir = mkdtempSync(path.join(tmpdir(), "tqe-sources-"));
    tree({ "package.json": "{}", "app/page.tsx": "a", "server/x.ts": "x", "surveys/s.json": "{}" });
    const first = sourcesHash(dir);
    expect(sourcesHash(dir)).toBe(first);
    tree({
      ".data/pglite/base": "db",
      "node_modules/m/index.js": "m",
      ".next/BUILD_ID": "b",
      "e2e/artifacts/x.png": "p",
      "demo.log": "x",
      "notes.txt": "n",
      "next-env.d.ts": '/// <reference types="next" />',
    }); // the build writes next-env.d.ts
    expect(sourcesHash(dir)).toBe(first);
    tree({ "server/x.ts": "y" });
    const second = sourcesHash(dir);
    expect(second).not.toBe(first);
    tree({ "package-lock.json": "{}" });
    const third = sourcesHash(dir);
    expect(third).not.toBe(second);
    tree({ ".env.production": "NEXT_PUBLIC_X=1" });
    const fourth = sourcesHash(dir);
    expect(fourth).not.toBe(third);
    tree({ "proxy.ts": "export function proxy() {}" });
    expect(sourcesHash(dir)).not.toBe(fourth);
    // a file moved is a change even with the same contents
    tree({ "server/x.ts": "x" });
    const back = sourcesHash(dir);
    rmSync(path.join(dir, "server/x.ts"));
    tree({ "server/y.ts": "x" });
    expect(sourcesHash(dir)).not.toBe(back);
  });
});
