import { mulberry32 } from "@/server/demo/seed";
import type { InstrumentFile } from "../instruments/format";

// Simulated answers for the demo university, the tests and the benchmark (never for real data).

/** Deterministic pseudo-random numbers (the demo seed's mulberry32). */
export const rng = mulberry32;

/**
 * Answers to every item of an instrument: `level` in [0, 1] picks the option (1 = best)
 * with noise; `na` is the chance of "无法评估" where the item offers it.
 */
export function answersFor(file: InstrumentFile, level: number, random: () => number, opts: { noise?: number; na?: number } = {}) {
  const noise = opts.noise ?? 0.25;
  const a: Record<string, unknown> = {};
  const elements = (
    file.survey.pages as {
      elements: { name: string; choices?: { value: unknown }[]; rateMin?: number; rateMax?: number; columns?: { value: unknown }[] }[];
    }[]
  ).flatMap((p) => p.elements);
  for (const item of file.items) {
    const q = elements.find((e) => e.name === item.question);
    if (!q) throw new Error(`the survey has no question ${item.question}`);
    const options = item.row ? q.columns : (q.choices ?? []);
    if (!options) throw new Error(`the matrix question ${item.question} has no columns`);
    const values = options.map((c) => (typeof c === "object" && c !== null && "value" in c ? c.value : c));
    const numeric = (values.length ? values : [1, 2, 3, 4, 5]).filter((v): v is number => typeof v === "number").sort((x, y) => x - y);
    let value: unknown;
    if (values.includes("na") && random() < (opts.na ?? 0)) value = "na";
    else {
      const x = Math.min(1, Math.max(0, level + (random() - 0.5) * 2 * noise));
      value = numeric[Math.round(x * (numeric.length - 1))];
    }
    if (item.row) a[item.question] = { ...(a[item.question] as object | undefined), [item.row]: value };
    else a[item.question] = value;
  }
  return a;
}
