import { describe, expect, it } from "vitest";
import { messages } from "../i18n/messages";
import { acceptedHeadersOf } from "./columns";
import { IMPORT_KIND_REGISTRY, IMPORT_KINDS } from "./kinds";

// The registry of import kinds is the one list of kinds: each entry is named by its key, has
// its name in both languages, a natural key among its columns and unambiguous headers.
describe("import kind registry", () => {
  it.each(IMPORT_KINDS)("%s is complete", (kind) => {
    const def = IMPORT_KIND_REGISTRY[kind];
    expect(def.kind).toBe(kind);
    const names = [messages.zh.imports.kinds, messages.en.imports.kinds] as Record<string, string>[];
    for (const m of names) expect(m[kind], kind).toBeTruthy();
    const keys = def.columns.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of def.naturalKey) expect(keys).toContain(k);
    const headers = def.columns.flatMap(acceptedHeadersOf);
    expect(new Set(headers).size).toBe(headers.length);
  });
});
