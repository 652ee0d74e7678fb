import { describe, expect, it } from "vitest";
import { EXPECTED_S, Progress } from "./progress";

// The lines of a real first start (`npm run demo` on a fresh clone, this machine): the database
// job's, then the build's (Next 16, Turbopack, types checked elsewhere).
const PREPARE = [
  "Opening the embedded database in .data/pglite and applying migrations…",
  "Seeding the demo university (示范大学)…",
  "Demo university seeded in 1.2 s: 18 units (5 colleges, 11 offices), 8 programmes, 141 courses, 72 teachers, 2160 students.",
  "Demo accounts (演示账号) — every demo account's password is Demo@2026:",
  "  admin         Demo@2026      田洁安     系统管理员 System administrator         示范大学",
  "Instrument library: 12 instrument version(s) imported and approved.",
  'Demo campaign "计算机与信息工程学院 2026-2027-1 学期期末学生评教": 44 targets, 2373 raters; making signing keys…',
  'Demo campaign "毕业生跟踪调查（示范）": 480 invitations (469 queued, 11 without contact).',
  "Demo campaigns opened in 6.8 s.",
  "Demo scores: 1973 responses of 2025-2026-2 imported, 212 target results computed (0.9 s).",
  "Database ready.",
] as const;
const BUILD = [
  "▲ Next.js 16.4.6 (Turbopack)",
  "  Creating an optimized production build ...",
  "✓ Compiled successfully in 36.9s",
  "  Skipping validation of types",
  "  Collecting page data using 1 worker ...",
  "  Generating static pages using 1 worker (0/3) ...",
  "✓ Generating static pages using 1 worker (3/3) in 165ms",
  "  Finalizing page optimization ...",
  "Route (app)",
] as const;

const T0 = 1_000_000;
const at = (s: number) => T0 + s * 1000;
/** The estimate of a running start's snapshot (a running start always has one). */
const remaining = (x: { remainingS: number | null }) => {
  if (x.remainingS === null) throw new Error("a running start without an estimate");
  return x.remainingS;
};

describe("the demo's start, step by step", () => {
  it("follows both jobs from their lines, each step with its time and what it did", () => {
    const p = new Progress(T0);
    expect(p.snapshot(at(0))).toMatchObject({ state: "running", percent: 0 });
    p.dataLine(PREPARE[0], at(0.5));
    p.buildLine(BUILD[0], at(0.6));
    p.buildLine(BUILD[1], at(1));
    let s = p.snapshot(at(2));
    expect(s.steps.map((x) => [x.key, x.state])).toEqual([
      ["database", "running"],
      ["demo", "waiting"],
      ["compile", "running"],
      ["pages", "waiting"],
      ["finalize", "waiting"],
      ["start", "waiting"],
    ]);
    PREPARE.slice(1, 7).forEach((l, i) => p.dataLine(l, at(3 + i)));
    s = p.snapshot(at(9));
    expect(s.steps[0]).toMatchObject({ state: "done", seconds: 2.5 });
    expect(s.steps[1]).toMatchObject({ state: "running", detail: "计算机与信息工程学院 2026-2027-1 学期期末学生评教 · 44" });
    PREPARE.slice(7).forEach((l) => p.dataLine(l, at(14)));
    p.dataDone(true, at(14.5));
    s = p.snapshot(at(15));
    expect(s.steps[1]).toMatchObject({ state: "done", detail: null, seconds: 11.5 });
    p.buildLine(BUILD[2], at(38));
    expect(p.snapshot(at(38)).steps[2]).toMatchObject({ state: "done", seconds: 37, detail: "36.9s" });
    BUILD.slice(3).forEach((l, i) => p.buildLine(l, at(39 + i)));
    s = p.snapshot(at(44));
    expect(s.steps[3]).toMatchObject({ state: "done", detail: "3/3" });
    expect(s.steps[4]?.state).toBe("running");
    p.buildDone(true, at(47));
    p.starting(at(47));
    expect(p.snapshot(at(48)).percent).toBeLessThan(100);
    p.ready(at(49));
    expect(p.snapshot(at(60))).toMatchObject({ state: "ready", percent: 100, elapsedS: 49, remainingS: null });
  });

  it("estimates: the percentage grows with time, stays below 100 until the sign-in page answers, and the remaining time shrinks", () => {
    const p = new Progress(T0);
    p.dataLine(PREPARE[0], at(0));
    p.buildLine(BUILD[1], at(0));
    let last = { percent: -1, remainingS: Infinity as number | null };
    for (let t = 1; t < 200; t += 3) {
      const s = p.snapshot(at(t));
      expect(s.percent).toBeGreaterThanOrEqual(last.percent);
      expect(s.percent).toBeLessThan(100);
      expect(remaining(s)).toBeLessThanOrEqual(remaining(last));
      expect(remaining(s)).toBeGreaterThan(0);
      last = s;
    }
    // a build slower than usual: the estimate keeps a little time for it rather than claiming it is done
    expect(p.snapshot(at(120)).remainingS).toBeGreaterThanOrEqual(Math.ceil(EXPECTED_S.compile * 0.05));
  });

  it("on a machine slower than usual the estimate slows down with it", () => {
    const quick = new Progress(T0),
      slow = new Progress(T0);
    for (const [p, end] of [
      [quick, 13],
      [slow, 26],
    ] as const) {
      p.dataLine(PREPARE[0], at(0));
      p.buildLine(BUILD[1], at(0));
      p.dataLine(PREPARE[1], at(1));
      p.dataDone(true, at(end));
    }
    // the database and the demo took twice their typical 13 s: the build will too
    expect(slow.snapshot(at(26)).remainingS).toBeGreaterThan(remaining(quick.snapshot(at(26))) + 30);
    expect(slow.snapshot(at(26)).remainingS).toBeCloseTo(
      2 * (EXPECTED_S.compile + EXPECTED_S.pages + EXPECTED_S.finalize + EXPECTED_S.start) - 26,
      -1,
    );
  });

  it("a second start: the database is there (no demo to seed) and the build is current", () => {
    const p = new Progress(T0);
    p.dataLine(PREPARE[0], at(0.3));
    p.buildSkipped(at(0.3), "unchanged");
    p.dataLine("Database ready.", at(2));
    p.dataDone(true, at(2));
    const s = p.snapshot(at(2));
    expect(s.steps.map((x) => x.state)).toEqual(["done", "skipped", "skipped", "skipped", "skipped", "waiting"]);
    expect(s.remainingS).toBe(EXPECTED_S.start);
  });

  it("a failing job is named and the start stops there", () => {
    const p = new Progress(T0);
    p.buildLine(BUILD[1], at(1));
    p.buildDone(false, at(20), "next build exited with code 1");
    const s = p.snapshot(at(21));
    expect(s).toMatchObject({ state: "failed", error: "next build exited with code 1" });
    expect(s.steps.find((x) => x.key === "compile")?.state).toBe("failed");
    expect(p.failed).toBe(true);
  });
});
