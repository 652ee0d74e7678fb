import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IMPORT_KINDS } from "./kinds";
import { describeLayout } from "./layouts";

// The README documents the import formats; this keeps it true to the code.
describe("README import formats", () => {
  const readme = readFileSync(path.join(process.cwd(), "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Import formats"));
  it.each(IMPORT_KINDS)("documents every column of %s", (kind) => {
    const l = describeLayout(kind, "en");
    const block = section.slice(section.indexOf(`#### ${kind} `));
    expect(block.startsWith(`#### ${kind} `)).toBe(true);
    for (const c of l.columns) expect(block, c.key).toContain(`| ${c.headers.zh} | ${c.headers.en} | ${c.required ? "yes" : ""} |`);
  });
});
