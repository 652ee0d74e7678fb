// The architecture's lint rules bite: a small project in a temporary folder holds one
// deliberate violation of each arrow, and ESLint with the project's architecture block
// (.ci/lint/architecture.mjs, the one eslint.config.mjs uses) reports each of them, and
// nothing on the files that keep the rules.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { architecture } from "../../.ci/lint/architecture.mjs";

const FILES: Record<string, string> = {
  "db/schema.ts": `export const table = 1;\n`,
  "db/seed.ts": `import { hash } from "../server/auth/hash";\nexport const seed = () => hash("x");\n`,
  "server/auth/hash.ts": `export type Hash = string;\nexport const hash = (s: string): Hash => s;\n`,
  "server/api/root.ts": `import { score } from "../scoring/score";\nexport const appRouter = { score };\nexport type AppRouter = typeof appRouter;\n`,
  "server/scoring/score.ts": `import { table } from "@/db/schema";\nexport const score = () => table;\n`,
  "server/scoring/uses-api.ts": `import { appRouter } from "@/server/api/root";\nexport const r = appRouter;\n`,
  "server/scoring/uses-app.ts": `import { Page } from "../../app/page";\nexport const p = Page;\n`,
  "server/scoring/api-types-in-test.test.ts": `import { appRouter } from "@/server/api/root";\nexport const r = appRouter;\n`,
  "server/shared/format.ts": `export const pct = (v: number) => \`\${v * 100} %\`;\n`,
  "server/shared/leaks.ts": `import { readFileSync } from "node:fs";\nimport { score } from "../scoring/score";\nimport type { Hash } from "../auth/hash";\nexport const x = [readFileSync, score];\nexport type H = Hash;\n`,
  "server/cycle/a.ts": `import { b } from "./b";\nexport const a = () => b();\n`,
  "server/cycle/b.ts": `import { a } from "./a";\nexport const b = (): number => (a ? 1 : 0);\n`,
  "server/cycle/types-only.ts": `import type { T2 } from "./types-only-2";\nexport type T1 = { t: T2 | null };\n`,
  "server/cycle/types-only-2.ts": `import type { T1 } from "./types-only";\nexport type T2 = { t: T1 | null };\n`,
  "app/page.tsx": `import { score } from "@/server/scoring/score";\nimport { View } from "./View";\nexport function Page() { return <View n={score()} />; }\n`,
  "app/View.tsx": `"use client";\nimport type { AppRouter } from "@/server/api/root";\nimport { pct } from "@/server/shared/format";\nimport { helper } from "./helper";\nexport type R = AppRouter;\nexport function View({ n }: { n: number }) { return <p>{pct(n)}{helper()}</p>; }\n`,
  "app/helper.ts": `import { score } from "@/server/scoring/score";\nexport const helper = () => score();\n`,
  "app/Bad.tsx": `"use client";\nimport { hash } from "@/server/auth/hash";\nimport { table } from "@/db/schema";\nexport function Bad() { return <p>{hash("x")}{table}</p>; }\n`,
};

let root = "";
const problems = new Map<string, string[]>();

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "tqe-architecture-"));
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ["**/*.{ts,tsx}"], languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } } },
      architecture(root),
    ],
  });
  for (const r of await eslint.lintFiles(["."])) {
    problems.set(
      path.relative(root, r.filePath).split(path.sep).join("/"),
      r.messages.map((m) => `${m.ruleId ?? "fatal"}: ${m.message}`),
    );
  }
}, 60_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const of = (file: string) => problems.get(file) ?? [];

describe("architecture lint rules", () => {
  it("lints every file of the fixture", () => {
    expect([...problems.keys()].sort()).toEqual(Object.keys(FILES).sort());
  });

  it("db/ imports nothing from server/", () => {
    expect(of("db/seed.ts")).toEqual([expect.stringMatching(/^architecture\/layers: db\/ must not import server\/auth\/hash\.ts/)]);
  });

  it("a domain imports neither server/api nor app/ (tests stand above the layers)", () => {
    expect(of("server/scoring/uses-api.ts")).toEqual([
      expect.stringMatching(/^architecture\/layers: server\/<domain> must not import server\/api\/root\.ts/),
    ]);
    expect(of("server/scoring/uses-app.ts")).toEqual([
      expect.stringMatching(/^architecture\/layers: server\/<domain> must not import app\/page\.tsx/),
    ]);
    expect(of("server/scoring/api-types-in-test.test.ts")).toEqual([]);
    expect(of("server/scoring/score.ts")).toEqual([]);
    expect(of("server/api/root.ts")).toEqual([]);
  });

  it("server/shared/ imports values only from itself and browser-safe packages", () => {
    expect(of("server/shared/leaks.ts")).toEqual([
      expect.stringMatching(/^architecture\/layers: server\/shared\/ runs in the browser too: no node:fs/),
      expect.stringMatching(
        /^architecture\/layers: server\/shared\/ is isomorphic: import values only from server\/shared\/ and packages, not server\/scoring\/score\.ts/,
      ),
    ]);
    expect(of("server/shared/format.ts")).toEqual([]);
  });

  it("client code imports types from server/, values only from server/shared/, also through the app/ modules it imports", () => {
    expect(of("app/Bad.tsx")).toEqual([
      expect.stringMatching(/^architecture\/client: .*server\/auth\/hash\.ts/),
      expect.stringMatching(/^architecture\/client: .*db\/schema\.ts/),
    ]);
    expect(of("app/View.tsx")).toEqual([]);
    expect(of("app/helper.ts")).toEqual([expect.stringMatching(/^architecture\/client: .*server\/scoring\/score\.ts/)]);
    // A server component (no "use client") may call the domain.
    expect(of("app/page.tsx")).toEqual([]);
  });

  it("no cycle of value imports; type-only imports do not count", () => {
    expect(of("server/cycle/a.ts")).toEqual([
      expect.stringMatching(/^architecture\/no-cycle: import cycle: server\/cycle\/a\.ts → server\/cycle\/b\.ts → server\/cycle\/a\.ts/),
    ]);
    expect(of("server/cycle/b.ts")).toEqual([
      expect.stringMatching(/^architecture\/no-cycle: import cycle: server\/cycle\/b\.ts → server\/cycle\/a\.ts → server\/cycle\/b\.ts/),
    ]);
    expect(of("server/cycle/types-only.ts")).toEqual([]);
    expect(of("server/cycle/types-only-2.ts")).toEqual([]);
  });
});
