import { describe, expect, it } from "vitest";
import { messages } from "../i18n/messages";
import { parsePolicy } from "./policy";
import { countsOfStored, flagBits, flagsOfBits, perRule, QUALITY_RULES, qualityFlags, storedCounts } from "@/server/shared/scoring/quality";
import { TALLY } from "./compute";

// The registry of quality rules: each rule is named in both languages where the pages show it,
// has a policy default, and a bit of its own in the tallies' kind.
describe("quality rule registry", () => {
  it.each(QUALITY_RULES.map((r) => [r.id, r] as const))("%s has its messages, default and bit", (id, rule) => {
    for (const m of [messages.zh.results, messages.en.results]) {
      expect((m.flags as Record<string, string>)[id], `results.flags.${id}`).toContain("{n}");
      expect((m.policies.ruleNames as Record<string, string>)[id], `results.policies.ruleNames.${id}`).toBeTruthy();
    }
    expect(parsePolicy({ key: "p", schoolYear: "2026-2027", weights: { default: { student: 1 } } }).quality[id]).toBe(rule.defaultAction);
    // a power of two that fits quality_flags (smallint) and target_tallies_kind_ck (-1 … 32767)
    expect(Number.isInteger(Math.log2(rule.bit))).toBe(true);
    expect(rule.bit).toBeGreaterThanOrEqual(1);
    expect(rule.bit).toBeLessThanOrEqual(16384);
    expect(rule.bit).not.toBe(TALLY.unscored);
  });

  it("gives every rule its own bit; the stored bitmask and counts read back", () => {
    expect(new Set(QUALITY_RULES.map((r) => r.bit)).size).toBe(QUALITY_RULES.length);
    const all = perRule(() => true);
    expect(flagsOfBits(flagBits(all))).toEqual(all);
    expect(flagBits(perRule(() => false))).toBe(0);
    for (const rule of QUALITY_RULES) expect(flagBits(perRule((r) => r.id === rule.id))).toBe(rule.bit);
    // counts: only the rules that flagged any are stored; a missing key (a rule added since) reads 0
    const counts = perRule((r) => (r.bit === 1 ? 3 : 0));
    expect(storedCounts(counts)).toEqual({ [QUALITY_RULES[0].id]: 3 });
    expect(countsOfStored(storedCounts(counts))).toEqual(counts);
    expect(countsOfStored({})).toEqual(perRule(() => 0));
  });

  it("flags a response by every rule", () => {
    expect(qualityFlags({ positions: [0, 0], places: [0, 0], items: 5 })).toEqual({ straightLining: true, allLowest: true, sparse: true });
    expect(qualityFlags({ positions: [4, 3], places: [1, 0.75], items: 4 })).toEqual({
      straightLining: false,
      allLowest: false,
      sparse: false,
    });
  });

  it("sparse: fewer than half of the scored items answered, not half", () => {
    const answered = (n: number, items: number) =>
      qualityFlags({ positions: Array<number>(n).fill(1), places: Array<number>(n).fill(0.5), items }).sparse;
    expect(answered(2, 4)).toBe(false); // exactly half
    expect(answered(1, 4)).toBe(true);
    expect(answered(3, 5)).toBe(false);
    expect(answered(2, 5)).toBe(true); // 2 of 5 < 2.5
    expect(answered(1, 1)).toBe(false);
    expect(answered(0, 1)).toBe(true);
  });
});
