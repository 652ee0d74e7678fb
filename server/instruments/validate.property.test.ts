import { existsSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { Model } from "survey-core";
import { describe, expect, it } from "vitest";
import { compilePlan } from "./plan";
import { arbitraryAnswerCase } from "./testing/arbitrary";
import { loadInstruments, SURVEYS_DIR, surveyCoreErrors, surveyCoreVisible } from "./testing/instruments";
import { mutate, MUTATION_KINDS } from "./testing/mutate";
import { questionStates, validateAnswers } from "./validate";

// Every instrument in surveys/ and the fixture covering all supported question types:
// generated valid answer sets are accepted by validateAnswers AND by survey-core; generated
// invalid changes are rejected naming the changed question, and where survey-core checks
// the same thing (required answers, number/date ranges) it flags that question too.
const RUNS = 200;
// survey-core takes 2–40 ms per answer set (more with a matrixdropdown): it judges the
// first SURVEY_CORE_RUNS valid sets of each instrument (and every mutation it has an opinion on).
const SURVEY_CORE_RUNS = 50;
const instruments = loadInstruments();

describe("validateAnswers, property-based", () => {
  it("runs over the fixture and every instrument file", () => {
    const files = existsSync(SURVEYS_DIR) ? readdirSync(SURVEYS_DIR).filter((f) => f.endsWith(".json")) : [];
    expect(instruments.map((i) => i.name)).toEqual(["fixture", ...files.map((f) => f.replace(/\.json$/, "")).sort()]);
  });

  describe.each(instruments)("$name", ({ survey }) => {
    const plan = compilePlan(survey);
    const model = new Model(survey);

    it("accepts valid answer sets, as survey-core does, and both agree on what is shown", () => {
      let runs = 0;
      fc.assert(
        fc.property(arbitraryAnswerCase(plan), fc.constantFrom("zh" as const, "en" as const), ({ answers }, locale) => {
          const r = validateAnswers(plan, answers, locale);
          expect(r).toEqual({ ok: true, answers });
          if (runs++ >= SURVEY_CORE_RUNS) return;
          expect(surveyCoreErrors(model, answers)).toEqual([]);
          const st = questionStates(plan, answers);
          for (const q of plan.questions) expect([q.name, st.visible[q.index]]).toEqual([q.name, surveyCoreVisible(model, q.name)]);
        }),
        { numRuns: RUNS },
      );
    });

    it("rejects each invalid change, naming the question", () => {
      const seen = new Set<string>();
      fc.assert(
        fc.property(arbitraryAnswerCase(plan), fc.nat(MUTATION_KINDS.length * 10), fc.nat(1000), (c, kindPick, pick) => {
          const m = mutate(plan, c, kindPick, pick);
          seen.add(m.kind);
          const r = validateAnswers(plan, m.answers, "zh");
          expect(r.ok).toBe(false);
          if (r.ok) return;
          const mine = r.errors.filter((e) => e.question === m.question);
          expect(
            mine.map((e) => e.code).some((code) => m.codes.includes(code)),
            `${m.kind} on ${m.question}: ${JSON.stringify(r.errors)}`,
          ).toBe(true);
          for (const e of r.errors) expect(e.message.length).toBeGreaterThan(0);
          if (m.surveyCore) {
            const sc = surveyCoreErrors(model, m.answers);
            expect(
              sc.map((e) => e.question),
              `${m.kind} on ${m.question}`,
            ).toContain(m.question);
          }
        }),
        { numRuns: RUNS },
      );
      expect(seen.has("unknown_key") && seen.has("forbidden_key") && seen.has("wrong_type")).toBe(true);
    });
  });
});
