import { describe, expect, it } from "vitest";
import { idSchema, MAX_ID, parseId } from "./ids";

describe("ids", () => {
  it("accepts 1…2^31−1 and nothing else", () => {
    expect(idSchema.safeParse(1).success).toBe(true);
    expect(idSchema.safeParse(MAX_ID).success).toBe(true);
    for (const bad of [0, -1, 1.5, MAX_ID + 1, 3_000_000_000, Number.NaN, Infinity, "1"])
      expect(idSchema.safeParse(bad).success, String(bad)).toBe(false);
  });

  it("reads an id from text: decimal digits in range only", () => {
    expect(parseId("42")).toBe(42);
    expect(parseId("007")).toBe(7);
    expect(parseId(String(MAX_ID))).toBe(MAX_ID);
    for (const bad of [null, undefined, "", "0", "-1", "1.5", "1e3", "0x10", " 4", "4 ", "3000000000", "99999999999", "abc", 42]) {
      expect(parseId(bad), String(bad)).toBeNull();
    }
  });
});
