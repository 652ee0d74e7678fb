import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DESKTOP, PHONE, settle, signedInPages, trpc, visit, dataOf, found } from "./browser";
import { SURVEY_PAGE, complete, fillIn } from "./fill";
import { at } from "@/server/shared/indexed";

// The results' guards on the demo: the results open on the last year with published
// results although the current year has figures; a running campaign's figures reach the
// quality office only, marked provisional (here a teacher's self-evaluation, a named record:
// what a running campaign shows in practice); and the statistics keep to their guard rails
// (intervals inside the scale, a negative ICC read as "not reliable", item means on the
// scores' scale, percentiles and ranks only where reliable, plain words for no data).
const { as, problems } = signedInPages();

const LAST = "2025-2026";
const CURRENT = "2026-2027";
const rows = (page: Page, testid: string) => page.getByTestId(testid).locator("tbody tr.ant-table-row");

type Overview = { schoolYear: string; policy: { id: number } | null }[];
type Target = {
  targetId: number;
  raterGroup: string;
  teacherNumber: string | null;
  reported: boolean;
  n: number;
  reliability: number | null;
  ci95: { low: number; high: number } | null;
  campaignId: number;
};
const policyOf = async (page: Page, year: string) => {
  const { policy } = found(dataOf(await trpc<Overview>(page, "scoring.overview", undefined, "query")), (y) => y.schoolYear === year, year);
  if (policy === null) throw new Error(`no scoring policy for ${year}`);
  return policy.id;
};
async function allTargets(page: Page, policyId: number, extra: Record<string, unknown> = {}): Promise<Target[]> {
  const out: Target[] = [];
  for (let p = 1; ; p++) {
    const r = await trpc<{ items: Target[]; total: number }>(
      page,
      "scoring.targets",
      { policyId, pageSize: 200, page: p, ...extra },
      "query",
    );
    expect(r.status, JSON.stringify(r.error)).toBe(200);
    out.push(...dataOf(r).items);
    if (out.length >= dataOf(r).total) return out;
  }
}

describe("results of the current year while its campaign runs", () => {
  it("a teacher's self-evaluation gives the current year figures; the page still opens on last year's published results", async () => {
    const teacher = await as("T0004", PHONE);
    const selfs = await trpc<{ targetId: number; done: boolean }[]>(teacher, "respond.selfEvaluations", undefined, "query");
    const target = found(dataOf(selfs), (x) => !x.done, "a self-evaluation to do");
    await teacher.goto(`/self/${target.targetId}`);
    await teacher.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await fillIn(teacher);
    await complete(teacher);
    await teacher.getByText("自评已提交").waitFor({ timeout: 30_000 });

    const quality = await as("quality");
    const run = await trpc<{ results: number }>(quality, "scoring.recompute", { schoolYear: CURRENT }, "mutation");
    expect(run.status, JSON.stringify(run.error)).toBe(200);
    const current = await policyOf(quality, CURRENT);
    const mine = (await allTargets(quality, current)).filter((x) => x.teacherNumber === "T0004" && x.raterGroup === "self" && x.n > 0);
    expect(mine.length).toBe(1);

    await visit(quality, "/admin/results", "results-opens-quality-zh-desktop");
    expect(await quality.getByTestId("policy-line").textContent()).toContain(LAST);
    await visit(quality, `/admin/results?year=${CURRENT}`, "results-current-quality-zh-desktop");
    expect(await quality.getByTestId("running-note").textContent()).toContain("临时");
    await quality.getByTestId("reported-only").click();
    await expect.poll(() => rows(quality, "targets-table").count()).toBeGreaterThan(0);
    await expect.poll(() => quality.getByTestId("targets-table").getByTestId("provisional-tag").count()).toBeGreaterThan(0);
    await settle(quality, "results-current-provisional-quality-zh-desktop");
    // its detail says so
    await quality.goto(`/admin/results/${current}/${at(mine, 0).targetId}/self`);
    await quality.getByTestId("provisional-note").waitFor();
    await settle(quality, "results-detail-provisional-quality-zh-desktop");
    const phone = await as("quality", PHONE);
    await visit(phone, `/admin/results?year=${CURRENT}`, "results-current-quality-zh-phone");
    expect(await phone.getByTestId("running-note").count()).toBe(1);
  });

  it("HR and a leader open on last year too, and see nothing of the running campaign", async () => {
    // The current year also holds closed campaigns (the attainment demo's imported surveys),
    // which HR and leaders may read: the guard is about the running ones.
    const quality = await as("quality");
    const campaigns = await trpc<{ id: number; name: string; state: string }[]>(quality, "campaigns.list", undefined, "query");
    const running = dataOf(campaigns).filter((c) => c.state === "open");
    expect(running.length).toBeGreaterThan(0);
    const runningIds = new Set(running.map((c) => c.id));
    for (const [number, label] of [
      ["hr", "hr"],
      ["L0001", "leader"],
    ] as const) {
      const page = await as(number);
      await visit(page, "/admin/results", `results-opens-${label}-zh-desktop`);
      expect(await page.getByTestId("policy-line").textContent()).toContain(LAST);
      await expect.poll(() => rows(page, "targets-table").count()).toBeGreaterThan(5);
      const current = await policyOf(page, CURRENT);
      expect((await allTargets(page, current)).filter((x) => runningIds.has(x.campaignId) && x.n > 0)).toEqual([]);
      await visit(page, `/admin/results?year=${CURRENT}`, `results-current-${label}-zh-desktop`);
      expect(await page.getByTestId("running-note").textContent()).toContain("结束后");
      expect(await page.getByTestId("provisional-tag").count()).toBe(0);
      // The table lists what the API gives HR: no figure of the running campaign.
      const visible = await allTargets(page, current);
      await expect.poll(() => rows(page, "targets-table").count()).toBe(Math.min(visible.length, 20));
      await page.goto(`/admin/results?year=${CURRENT}&tab=composites`);
      await page.getByTestId("composites-withheld").waitFor();
      await settle(page, `results-current-composites-${label}-zh-desktop`);
    }
    const phone = await as("hr", PHONE);
    await visit(phone, `/admin/results?year=${CURRENT}`, "results-current-hr-zh-phone");
  });
});

describe("statistics with guard rails", () => {
  it("95 % intervals inside the 0–100 scale, on the page and in the data", async () => {
    const quality = await as("quality");
    const last = await policyOf(quality, LAST);
    const all = await allTargets(quality, last);
    const intervals = all.flatMap((x) => (x.ci95 ? [x.ci95] : []));
    expect(intervals.length).toBeGreaterThan(50);
    for (const ci95 of intervals) {
      expect(ci95.low).toBeGreaterThanOrEqual(0);
      expect(ci95.high).toBeLessThanOrEqual(100);
    }
    // the observers of three near the top: their intervals end at 100.0 on the page
    await visit(quality, `/admin/results?year=${LAST}`, "results-targets-guarded-zh-desktop");
    await expect.poll(() => rows(quality, "targets-table").count()).toBeGreaterThan(5);
    const shown = [...(await quality.getByTestId("targets-table").innerText()).matchAll(/(\d+\.\d) – (\d+\.\d)/g)].map((m) => Number(m[2]));
    expect(shown.length).toBeGreaterThan(3);
    expect(Math.max(...shown)).toBeLessThanOrEqual(100);
  });

  it("a negative ICC reads 'not reliable' with its explanation, never a large negative number", async () => {
    const quality = await as("quality");
    await visit(quality, `/admin/results?year=${LAST}&tab=reliability`, "results-reliability-guarded-zh-desktop");
    await expect.poll(() => rows(quality, "reliability-table").count()).toBeGreaterThan(2);
    const text = await quality.getByTestId("reliability-table").innerText();
    expect(text).not.toMatch(/-\d+\.\d{3}/);
    expect(text).not.toMatch(/−\d+\.\d{3}/);
    await expect.poll(() => quality.getByTestId("not-reliable").count()).toBeGreaterThan(0);
    expect(await quality.getByTestId("not-reliable").first().getAttribute("aria-label")).toContain("班级之间的差异小于班内评分的差异");
    const phone = await as("quality", PHONE, "en");
    await visit(phone, `/admin/results?year=${LAST}&tab=reliability`, "results-reliability-guarded-en-phone");
    expect(await phone.getByTestId("reliability-table").innerText()).toContain("Not reliable");
  });

  it("a target's page shows one scale: item means on the 100-point scale beside the scores", async () => {
    const quality = await as("quality");
    await visit(quality, `/admin/results?year=${LAST}`, "results-list-zh-desktop");
    await quality.getByTestId("target-link").first().click();
    await quality.waitForURL(/\/admin\/results\/\d+\/\d+\/[a-z]+$/);
    await settle(quality, "results-detail-one-scale-zh-desktop");
    const items = await quality.getByTestId("detail-items").innerText();
    expect(items).not.toMatch(/均值 0\.\d/);
    expect(items).toMatch(/均分 \d{2,3}\.\d/);
    const phone = await as("quality", PHONE);
    await phone.goto(quality.url());
    await settle(phone, "results-detail-one-scale-zh-phone");
  });

  it("composites with no data say so plainly; the policy names its minimum reliability", async () => {
    const quality = await as("quality");
    await visit(quality, `/admin/results?year=${CURRENT}&tab=composites`, "results-composites-nodata-zh-desktop");
    await expect.poll(() => rows(quality, "composites-table").count()).toBeGreaterThan(3);
    const text = await quality.getByTestId("composites-table").innerText();
    expect(text).not.toContain("缺少：学生、督导、同行");
    expect(text).toContain("无数据");
    const phone = await as("quality", PHONE);
    await visit(phone, `/admin/results?year=${CURRENT}&tab=composites`, "results-composites-nodata-zh-phone");
    await visit(quality, "/admin/policies", "policies-zh-desktop-before-expand");
    await quality.locator(".ant-table-row-expand-icon").first().click();
    await quality.getByTestId("policy-summary").first().waitFor();
    await settle(quality, "policies-min-reliability-zh-desktop");
    expect(await quality.getByTestId("policy-summary").first().innerText()).toMatch(/排名所需最低信度\s*0\.70/);
  });

  it("a teacher sees no percentile from three observers, and does from a reliable class of students", async () => {
    const quality = await as("quality");
    const last = await policyOf(quality, LAST);
    const observers = (await allTargets(quality, last, { raterGroup: "supervisor", reportedOnly: true })).filter(
      (x) => x.n === 3 && x.reliability !== null && x.reliability < 0.7,
    );
    expect(observers.length).toBeGreaterThan(0);
    const students = await allTargets(quality, last, { raterGroup: "student", reportedOnly: true });
    const number = found(
      observers.flatMap((x) => (x.teacherNumber === null ? [] : [x.teacherNumber])),
      (n) => students.some((s) => s.teacherNumber === n && (s.reliability ?? 0) >= 0.7),
      "an observed teacher whose students' figure is reliable",
    );
    expect(number).toBeTruthy();
    for (const [size, label] of [
      [DESKTOP, "desktop"],
      [PHONE, "phone"],
    ] as const) {
      const teacher = await as(number, size);
      await expect.poll(() => teacher.getByTestId("my-result").count()).toBeGreaterThan(0);
      const results = teacher.getByTestId("my-result");
      const texts = await results.allInnerTexts();
      // three observers (supervisors, peers): never a percentile
      const ofObservers = texts.filter((x) => /n=3\b/.test(x));
      expect(ofObservers.some((x) => x.includes("督导"))).toBe(true);
      for (const x of ofObservers) expect(x).not.toContain("百分位");
      expect(texts.some((x) => x.includes("学生") && x.includes("百分位"))).toBe(true);
      await settle(teacher, `results-teacher-guarded-${label}`);
    }
  });

  it("no page error along the way", () => {
    expect(problems).toEqual([]);
  });
});
