import { describe, expect, it } from "vitest";
import { messages } from "../i18n/messages";
import { parsePolicy } from "./policy";
import { QUALITY_RULES, qualityFlags } from "./quality";
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
    expect(Number.isInteger(Math.log2(rule.bit))).toBe(true);
    expect(rule.bit).not.toBe(TALLY.unscored);
  });

  it("gives every rule its own bit and column", () => {
    expect(new Set(QUALITY_RULES.map((r) => r.bit)).size).toBe(QUALITY_RULES.length);
    expect(new Set(QUALITY_RULES.map((r) => r.column)).size).toBe(QUALITY_RULES.length);
  });

  it("flags a response by every rule", () => {
    expect(qualityFlags({ positions: [0, 0], places: [0, 0] })).toEqual({ straightLining: true, allLowest: true });
    expect(qualityFlags({ positions: [4, 3], places: [1, 0.75] })).toEqual({ straightLining: false, allLowest: false });
  });
});
