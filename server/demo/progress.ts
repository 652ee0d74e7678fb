/**
 * What `npm run demo` is doing and how far it is, as plain state fed with
 * the lines its two jobs print: the database (`server/cli.ts prepare`: migrations, then the
 * demo university on an empty database) and the production build (`next build`), which run
 * side by side, then the server (`next start`). Pure: the launcher (launch.ts) feeds it lines
 * and clock readings; the starting page and the terminal show its snapshot.
 *
 * How far: every step has a typical duration (EXPECTED_S, measured on the project's 2-core
 * machine with nothing else running), scaled by the pace of this machine now: the time the
 * finished steps took over their typical time (once they stand for at least 5 typical seconds;
 * between ½ and 4). A running step has its scaled typical time minus what it has spent left,
 * and at least 5 % of it. The remaining time is the longer of the two jobs' plus the server's
 * start, and the percentage is elapsed / (elapsed + remaining): an estimate, said to be one
 * ("约"), that reaches 100 % only when the sign-in page answers.
 */
import { at, atKey } from "@/server/shared/indexed";

export const STEP_KEYS = ["database", "demo", "compile", "pages", "finalize", "start"] as const;
export type StepKey = (typeof STEP_KEYS)[number];
export type StepState = "waiting" | "running" | "done" | "skipped" | "failed";
type Job = "data" | "build";

const JOB_OF: Record<StepKey, Job | "start"> = {
  database: "data",
  demo: "data",
  compile: "build",
  pages: "build",
  finalize: "build",
  start: "start",
};

/** Typical seconds of each step on the project's machine (2 cores, quiet), first start. */
export const EXPECTED_S: Record<StepKey, number> = { database: 2, demo: 11, compile: 40, pages: 6, finalize: 4, start: 2 };

export type Step = { key: StepKey; state: StepState; startedAt: number | null; endedAt: number | null; detail: string | null };
export type Snapshot = {
  state: "running" | "ready" | "failed";
  /** 0–100, an estimate while running */
  percent: number;
  elapsedS: number;
  /** estimated seconds left (null once ready or failed) */
  remainingS: number | null;
  steps: { key: StepKey; state: StepState; seconds: number | null; detail: string | null }[];
  error: string | null;
};

/** A step of a snapshot, which has every step (STEP_KEYS). */
export function stepOf(s: Snapshot, key: StepKey): Snapshot["steps"][number] {
  const step = s.steps.find((x) => x.key === key);
  if (step === undefined) throw new RangeError(`the snapshot has no step ${key}`);
  return step;
}

/**
 * The demo's data steps, told apart by the lines `server/cli.ts prepare` prints (server/setup.ts
 * and the seeders); the detail shown is what the page can show in either language (a campaign's
 * name, a count), not the seeders' English sentences.
 */
const DATA_MARKS: { re: RegExp; step: "database" | "demo"; part: number; detail?: (m: RegExpMatchArray) => string }[] = [
  { re: /^Opening /, step: "database", part: 0 },
  { re: /^Seeding the demo university/, step: "demo", part: 0.05 },
  { re: /^Demo university seeded in /, step: "demo", part: 0.2 },
  { re: /^Instrument library: /, step: "demo", part: 0.3 },
  { re: /^Demo campaign "(.*)": (\d+) targets/, step: "demo", part: 0.35, detail: (m) => `${m[1]} · ${m[2]}` },
  { re: /^Demo campaigns opened/, step: "demo", part: 0.85 },
  { re: /^Demo scores: /, step: "demo", part: 1 },
];

/** Next.js's build stages, told apart by the lines `next build` prints (Next 16, Turbopack). */
const BUILD_MARKS: { re: RegExp; step: "compile" | "pages" | "finalize"; end?: boolean; detail?: (m: RegExpMatchArray) => string }[] = [
  { re: /Creating an optimized production build/, step: "compile" },
  { re: /Compiled successfully in ([\d.]+\s*m?s)/, step: "compile", end: true, detail: (m) => at(m, 1) },
  { re: /Compiled with warnings/, step: "compile", end: true },
  { re: /Skipping validation of types|Running TypeScript|Finished TypeScript|Collecting page data/, step: "pages" },
  { re: /Generating static pages[^(]*\((\d+)\/(\d+)\)/, step: "pages", detail: (m) => `${m[1]}/${m[2]}` },
  { re: /Finalizing page optimization|Collecting build traces/, step: "finalize" },
];

export class Progress {
  private steps = new Map<StepKey, Step>();
  private demoPart = 0;
  private error: string | null = null;
  private readyAt: number | null = null;

  constructor(
    private readonly startedAt: number,
    private readonly expected: Record<StepKey, number> = EXPECTED_S,
  ) {
    for (const key of STEP_KEYS) this.steps.set(key, { key, state: "waiting", startedAt: null, endedAt: null, detail: null });
  }

  /** A step's state: the constructor sets one for every key. */
  private step(key: StepKey): Step {
    return atKey(this.steps, key);
  }

  private begin(key: StepKey, now: number) {
    const s = this.step(key);
    if (s.state !== "waiting") return;
    // steps of one job run in order: starting one ends the ones before it
    for (const k of STEP_KEYS) {
      if (k === key) break;
      if (JOB_OF[k] === JOB_OF[key]) this.end(k, now);
    }
    s.state = "running";
    s.startedAt = now;
  }

  private end(key: StepKey, now: number, state: StepState = "done") {
    const s = this.step(key);
    if (s.state === "done" || s.state === "skipped" || s.state === "failed") return;
    if (s.startedAt === null) s.startedAt = now;
    s.state = state;
    s.endedAt = now;
  }

  /** A line printed by the database job; true when it marks a step. */
  dataLine(line: string, now: number): boolean {
    for (const m of DATA_MARKS) {
      const hit = line.match(m.re);
      if (!hit) continue;
      this.begin(m.step, now);
      if (m.step === "demo") this.demoPart = Math.max(this.demoPart, m.part);
      if (m.detail) this.step(m.step).detail = m.detail(hit);
      return true;
    }
    return false;
  }

  /** The database job ended (ok: exit code 0). Without a demo to seed, its step is skipped. */
  dataDone(ok: boolean, now: number, error?: string) {
    if (!ok) return this.fail(["database", "demo"], now, error ?? "database");
    this.end("database", now);
    const demo = this.step("demo");
    this.end("demo", now, demo.state === "waiting" ? "skipped" : "done");
    demo.detail = null; // what it was doing last is done
  }

  /** A line printed by the build; true when it marks a stage. */
  buildLine(line: string, now: number): boolean {
    for (const m of BUILD_MARKS) {
      const hit = line.match(m.re);
      if (!hit) continue;
      this.begin(m.step, now);
      if (m.detail) this.step(m.step).detail = m.detail(hit);
      if (m.end) this.end(m.step, now);
      return true;
    }
    return false;
  }

  buildDone(ok: boolean, now: number, error?: string) {
    if (!ok) return this.fail(["compile", "pages", "finalize"], now, error ?? "build");
    for (const k of ["compile", "pages", "finalize"] as const) this.end(k, now);
  }

  /** The sources have not changed since the last build: nothing to build. */
  buildSkipped(now: number, detail: string) {
    for (const k of ["compile", "pages", "finalize"] as const) {
      this.end(k, now, "skipped");
      this.step(k).detail = detail;
    }
  }

  starting(now: number) {
    this.begin("start", now);
  }

  ready(now: number) {
    this.end("start", now);
    this.readyAt = now;
  }

  private fail(keys: StepKey[], now: number, error: string) {
    const running = keys.find((k) => this.step(k).state === "running") ?? at(keys, 0);
    this.end(running, now, "failed");
    this.error = error;
  }

  get failed() {
    return this.error !== null;
  }

  /** How much slower (> 1) or faster than typical the finished steps went. */
  private pace(): number {
    let actual = 0,
      typical = 0;
    for (const s of this.steps.values()) {
      if (s.state !== "done" || s.startedAt === null || s.endedAt === null) continue;
      actual += (s.endedAt - s.startedAt) / 1000;
      typical += this.expected[s.key];
    }
    return typical < 5 ? 1 : Math.min(4, Math.max(0.5, actual / typical));
  }

  /** Expected seconds still to go for one step (the demo's by the markers it printed; the others by time spent). */
  private left(s: Step, now: number): number {
    const typical = this.expected[s.key] * this.pace();
    if (s.state === "done" || s.state === "skipped" || s.state === "failed") return 0;
    if (s.state === "waiting" || s.startedAt === null) return typical;
    if (s.key === "demo") return Math.max(typical * (1 - this.demoPart), typical * 0.05);
    return Math.max(typical - (now - s.startedAt) / 1000, typical * 0.05);
  }

  snapshot(now: number): Snapshot {
    const steps = STEP_KEYS.map((k) => this.step(k));
    const elapsedS = ((this.readyAt ?? now) - this.startedAt) / 1000;
    const seconds = (s: Step) => (s.startedAt === null ? null : ((s.endedAt ?? now) - s.startedAt) / 1000);
    const out = steps.map((s) => ({ key: s.key, state: s.state, seconds: seconds(s), detail: s.detail }));
    if (this.error !== null) return { state: "failed", percent: 0, elapsedS, remainingS: null, steps: out, error: this.error };
    if (this.readyAt !== null) return { state: "ready", percent: 100, elapsedS, remainingS: null, steps: out, error: null };
    const job = (j: Job) => steps.filter((s) => JOB_OF[s.key] === j).reduce((a, s) => a + this.left(s, now), 0);
    const remainingS = Math.max(job("data"), job("build")) + this.left(this.step("start"), now);
    const percent = Math.min(99, Math.floor((elapsedS / (elapsedS + remainingS)) * 100));
    return { state: "running", percent, elapsedS, remainingS: Math.ceil(remainingS), steps: out, error: null };
  }
}
