import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IMPORT_KINDS } from "./kinds";
import { describeLayout } from "./layouts";

// docs/imports.md documents the import formats; this keeps it true to the code.
describe("docs/imports.md import formats", () => {
  // Table cells compared with their padding collapsed: the formatter aligns the columns.
  const squeeze = (text: string) => text.replace(/ {2,}/g, " ");
  const doc = squeeze(readFileSync(path.join(process.cwd(), "docs", "imports.md"), "utf8"));
  it.each(IMPORT_KINDS)("documents every column of %s", (kind) => {
    const l = describeLayout(kind, "en");
    const block = doc.slice(doc.indexOf(`\n## ${kind} `) + 1);
    expect(block.startsWith(`## ${kind} `)).toBe(true);
    for (const c of l.columns)
      expect(block, c.key).toContain(squeeze(`| ${c.headers.zh} | ${c.headers.en} | ${c.required ? "yes" : ""} |`));
  });
});
