import { describe, expect, it } from "vitest";
import { at, atKey } from "./indexed";

describe("at", () => {
  it("reads an element in range, also one that is undefined by its type", () => {
    expect(at(["a", "b"], 1)).toBe("b");
    expect(at([undefined, 1], 0)).toBeUndefined();
    expect(at("xy", 0)).toBe("x");
    expect(at(new Float64Array([0.5]), 0)).toBe(0.5);
  });

  it("throws a RangeError out of range instead of giving undefined", () => {
    expect(() => at([1, 2], 2)).toThrow(RangeError);
    expect(() => at([1, 2], -1)).toThrow(/index -1 out of range \(length 2\)/);
    expect(() => at([], Number.NaN)).toThrow(RangeError);
  });
});

describe("atKey", () => {
  it("reads the entry of a key present, also one that is undefined by its type", () => {
    const m = new Map<string, number | undefined>([
      ["a", 1],
      ["b", undefined],
    ]);
    expect(atKey(m, "a")).toBe(1);
    expect(atKey(m, "b")).toBeUndefined();
    expect(atKey(new Map([[0, "zero"]]), 0)).toBe("zero");
  });

  it("throws a RangeError for a key not present instead of giving undefined", () => {
    expect(() => atKey(new Map([["a", 1]]), "b")).toThrow(RangeError);
    expect(() => atKey(new Map<number, string>(), 7)).toThrow(/key 7 not in map \(size 0\)/);
  });
});
