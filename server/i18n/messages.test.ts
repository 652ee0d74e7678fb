import { describe, expect, it } from "vitest";
import { checkMessages, isMessageKey, messages, startingMessages } from "./messages";
import { translate, translateCode } from "./translate";

function keys(o: unknown, prefix = ""): string[] {
  if (typeof o !== "object" || o === null) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("message catalogue", () => {
  it("has every Chinese message in English and no English-only one", () => {
    expect(keys(messages.en).sort()).toEqual(keys(messages.zh).sort());
    expect(keys(startingMessages.en).sort()).toEqual(keys(startingMessages.zh).sort());
    expect(keys(checkMessages.en).sort()).toEqual(keys(checkMessages.zh).sort());
  });
  it("has no empty message", () => {
    for (const l of ["zh", "en"] as const)
      for (const catalogue of [messages[l], checkMessages[l]])
        for (const k of keys(catalogue)) {
          const v = k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], catalogue);
          expect(v, `${l}:${k}`).not.toBe("");
        }
  });
  it("checks keys: a wrong one fails to compile, a code read back as text is looked up", () => {
    expect(translate("en", "errors.forbidden")).toBe(messages.en.errors.forbidden);
    // @ts-expect-error: no such message (the typecheck fails on it)
    expect(translate("en", "errors.noSuchMessage")).toBe("errors.noSuchMessage");
    expect(isMessageKey("errors.forbidden")).toBe(true);
    expect(isMessageKey("errors")).toBe(false);
    expect(isMessageKey("errors.noSuchMessage")).toBe(false);
    expect(translateCode("zh", "errors.forbidden")).toBe(messages.zh.errors.forbidden);
    expect(translateCode("zh", "errors.noSuchMessage")).toBe("errors.noSuchMessage");
  });
});
