import { describe, expect, it } from "vitest";
import { at } from "./indexed";

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
