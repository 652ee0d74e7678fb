// Validation cost per submission: the compiled plan against survey-core with a reused Model.
//   npm run bench:validate
// For every instrument in surveys/ (and the fixture), generates valid answer sets with the
// property-test builder, validates N of them with the plan, and times survey-core (set
// `data`, `validate(false)`) on a sample of the same sets in the same run; prints one line
// per instrument and a final summary line. Exits non-zero if the plan refuses a valid set.
// Environment: BENCH_N (plan validations per instrument, default 20000), BENCH_POOL
// (distinct generated sets, cycled through, default 2000), BENCH_SURVEYCORE (survey-core
// validations per instrument, default 300; it is 100–1000 times slower).
import fc from "fast-check";
import { Model } from "survey-core";
import { compilePlan } from "@/server/instruments/plan";
import { arbitraryAnswers } from "@/server/instruments/testing/arbitrary";
import { loadInstruments } from "@/server/instruments/testing/instruments";
import { validateAnswers } from "@/server/instruments/validate";

const N = Number(process.env.BENCH_N ?? 20_000);
const POOL = Number(process.env.BENCH_POOL ?? 2_000);
const SURVEY_CORE_N = Number(process.env.BENCH_SURVEYCORE ?? 300);

let planTotalUs = 0;
let planCount = 0;
let scTotalUs = 0;
let scCount = 0;
let refused = 0;

for (const { name, survey } of loadInstruments()) {
  let t = performance.now();
  const plan = compilePlan(survey);
  const compileMs = performance.now() - t;
  const pool = fc.sample(arbitraryAnswers(plan), { numRuns: Math.min(POOL, N), seed: 42 });

  // Warm up, check every set once, then time N validations cycling through the pool.
  for (const a of pool) {
    const r = validateAnswers(plan, a, "zh");
    if (!r.ok) {
      refused++;
      console.error(`${name}: a valid set was refused: ${JSON.stringify(r.errors)}`);
    }
  }
  let accepted = 0;
  t = performance.now();
  for (let i = 0; i < N; i++) if (validateAnswers(plan, pool[i % pool.length], i & 1 ? "en" : "zh").ok) accepted++;
  const planUs = ((performance.now() - t) * 1000) / N;
  planTotalUs += planUs * N;
  planCount += N;

  const model = new Model(survey);
  const scN = Math.min(SURVEY_CORE_N, pool.length);
  for (let i = 0; i < Math.min(20, scN); i++) {
    model.data = pool[i];
    model.validate(false, false);
  }
  let scOk = 0;
  t = performance.now();
  for (let i = 0; i < scN; i++) {
    model.data = pool[i];
    if (model.validate(false, false)) scOk++;
  }
  const scUs = ((performance.now() - t) * 1000) / scN;
  scTotalUs += scUs * scN;
  scCount += scN;
  model.dispose();

  console.log(
    `${name}: questions=${plan.questions.length} compile_ms=${compileMs.toFixed(1)} plan_us=${planUs.toFixed(2)} ` +
      `surveycore_us=${scUs.toFixed(0)} ratio=${(scUs / planUs).toFixed(0)} accepted=${accepted}/${N} surveycore_ok=${scOk}/${scN}`,
  );
}

const planMean = planTotalUs / planCount;
const scMean = scTotalUs / scCount;
console.log(
  `bench-validate: per_submission_us=${planMean.toFixed(2)} surveycore_us=${scMean.toFixed(0)} ratio=${(scMean / planMean).toFixed(0)}`,
);
if (refused > 0) process.exit(1);
