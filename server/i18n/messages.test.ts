import { describe, expect, it } from "vitest";
import { messages, startingMessages } from "./messages";

function keys(o: unknown, prefix = ""): string[] {
  if (typeof o !== "object" || o === null) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("message catalogue", () => {
  it("has every Chinese message in English and no English-only one", () => {
    expect(keys(messages.en).sort()).toEqual(keys(messages.zh).sort());
    expect(keys(startingMessages.en).sort()).toEqual(keys(startingMessages.zh).sort());
  });
  it("has no empty message", () => {
    for (const l of ["zh", "en"] as const) for (const k of keys(messages[l])) {
      const v = k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], messages[l]);
      expect(v, `${l}:${k}`).not.toBe("");
    }
  });
});
