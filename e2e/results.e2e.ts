import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { node } from "@/server/instruments/testing/json";
import { DESKTOP, PHONE, launch, newContext, settle, signInHome, trpc, visit, watch, dataOf, found } from "./browser";
import { at } from "@/server/shared/indexed";

// The quality office reads last term's results (the demo's past term, imported and published),
// opens a target, the composites and the reliability; changes the scoring policy (a bad version
// is refused with the problem named, a good one approved and in force at once); a teacher reads
// their own results on their home page; the export answers in the long format.
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const YEAR = "2025-2026";
const rows = (page: Page, testid: string) => page.getByTestId(testid).locator("tbody tr.ant-table-row");

async function quality(size = DESKTOP, locale: "zh" | "en" = "zh") {
  const ctx = await newContext(browser, size, locale);
  const page = await ctx.newPage();
  const problems = watch(page);
  await signInHome(page, "quality");
  return { ctx, page, problems };
}

describe("results", () => {
  it("the quality office reads a year's targets, a target's detail, composites and reliability", async () => {
    const { ctx, page, problems } = await quality();
    await visit(page, `/admin/results?year=${YEAR}`, "results-targets-zh-desktop");
    await expect.poll(() => page.getByTestId("policy-line").textContent()).toContain("第 1 版");
    await expect.poll(() => rows(page, "targets-table").count()).toBeGreaterThan(5);
    // figures on reported rows (a mean with one decimal)
    expect(await rows(page, "targets-table").first().textContent()).toMatch(/\d+\.\d/);
    // only reported ones, then students only
    await page.getByTestId("reported-only").click();
    await settle(page, "results-reported-zh-desktop");
    expect(await page.getByTestId("targets-table").getByTestId("too-few").count()).toBe(0);

    await page.getByTestId("target-link").first().click();
    await page.waitForURL(/\/admin\/results\/\d+\/\d+\/[a-z]+$/);
    await settle(page, "results-detail-zh-desktop");
    await expect.poll(() => page.getByTestId("detail-indicators").locator(".ant-progress").count()).toBeGreaterThan(3);
    await expect.poll(() => page.getByTestId("detail-items").locator(".ant-progress").count()).toBeGreaterThan(10);
    expect(await page.getByTestId("detail-policy").textContent()).toContain(`${YEAR} 学年评分方案第 1 版`);

    await page.goto(`/admin/results?year=${YEAR}&tab=composites`);
    await expect.poll(() => rows(page, "composites-table").count()).toBeGreaterThan(3);
    await settle(page, "results-composites-zh-desktop");
    expect(await rows(page, "composites-table").first().textContent()).toMatch(/1\/\d+/); // ranked
    await page.goto(`/admin/results?year=${YEAR}&tab=reliability`);
    await expect.poll(() => rows(page, "reliability-table").count()).toBeGreaterThan(2);
    await settle(page, "results-reliability-zh-desktop");
    expect(await page.getByTestId("reliability-table").textContent()).toMatch(/0\.\d{3}/); // an ICC

    // the imported term's campaign: its page links to the results, and its rates tab says why it has none
    const list = await trpc<{ id: number; state: string }[]>(page, "campaigns.list", undefined, "query");
    const imported = found(dataOf(list), (c) => c.state === "published", "the imported (published) campaign");
    await visit(page, `/admin/campaigns/${imported.id}`, "results-imported-campaign-zh-desktop");
    expect(await page.getByTestId("go-results").getAttribute("href")).toBe(`/admin/results?year=${YEAR}&tab=campaigns`);
    await visit(page, `/admin/campaigns/${imported.id}?tab=rates`, "results-imported-rates-zh-desktop");
    expect(await page.getByTestId("rates-imported").textContent()).toContain("从其他系统导入");
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it("on a phone and in English the results pages fit the screen", async () => {
    const { ctx, page, problems } = await quality(PHONE, "en");
    await visit(page, `/admin/results?year=${YEAR}`, "results-targets-en-phone");
    await expect.poll(() => rows(page, "targets-table").count()).toBeGreaterThan(5);
    await page.getByTestId("target-link").first().click();
    await page.waitForURL(/\/admin\/results\/\d+\/\d+\/[a-z]+$/);
    await settle(page, "results-detail-en-phone");
    await visit(page, `/admin/results?year=${YEAR}&tab=composites`, "results-composites-en-phone");
    await visit(page, "/admin/policies", "policies-en-phone");
    const zh = await quality(PHONE, "zh");
    await visit(zh.page, `/admin/results?year=${YEAR}`, "results-targets-zh-phone");
    expect([...problems, ...zh.problems]).toEqual([]);
    await zh.ctx.close();
    await ctx.close();
  });

  it("the export answers the long format; a bad policy is refused with its problem, a good one approved and in force", async () => {
    const { ctx, page, problems } = await quality();
    await page.goto("/admin/results");
    const csv = await page.evaluate(async (y) => {
      const r = await fetch(`/api/scoring/export?year=${y}&format=csv`);
      return { status: r.status, head: (await r.text()).slice(0, 200) };
    }, YEAR);
    expect(csv.status).toBe(200);
    expect(
      csv.head.replace(/^\uFEFF/, "").startsWith("campaign,instrument_version,section,teacher,rater_group,response,question,value"),
    ).toBe(true);

    // a past term's file with a value outside the item's options: refused, the row and column named, nothing imported
    const campaignsBefore = dataOf(await trpc<unknown[]>(page, "campaigns.list", undefined, "query")).length;
    const bad = path.join(tmpdir(), "history-bad.csv");
    writeFileSync(
      bad,
      "campaign,instrument_version,section,teacher,rater_group,response,question,value\n旧系统 2024-2025-1,student_evaluation@1,GE1002-01,T0047,student,r1,q1,9\n",
    );
    await page.getByTestId("history-open").click();
    const chooser = page.waitForEvent("filechooser");
    await page.getByTestId("history-file").click();
    await (await chooser).setFiles(bad);
    await expect.poll(() => page.getByTestId("history-problems").textContent(), { timeout: 30_000 }).toContain("不在该题的选项中");
    expect(await page.getByTestId("history-problems").locator("tbody tr.ant-table-row").first().textContent()).toMatch(/^2value/);
    await settle(page, "results-history-refused-zh-desktop");
    await page.keyboard.press("Escape");
    expect(dataOf(await trpc<unknown[]>(page, "campaigns.list", undefined, "query")).length).toBe(campaignsBefore);
    // the refusal is a 400 answer, which the browser logs; that one line is expected, nothing else
    const refusal = problems.findIndex((p) => /status of 400/.test(p));
    expect(refusal).toBeGreaterThanOrEqual(0);
    problems.splice(refusal, 1);

    await visit(page, "/admin/policies", "policies-zh-desktop");
    await page.getByTestId(`new-version-${YEAR}`).click();
    const editor = page.getByTestId("policy-json");
    await expect.poll(() => editor.inputValue()).toContain('"schoolYear"');
    const current = node(JSON.parse(await editor.inputValue()));
    await editor.fill(
      JSON.stringify(
        { ...current, weights: { ...node(current, "weights"), default: { student: 0.6, supervisor: 0.3, peer: 0.2 } } },
        null,
        2,
      ),
    );
    await expect.poll(() => page.getByTestId("policy-problem").textContent()).toContain("weights.default 的权重之和须为 1，当前为 1.1");
    expect(await page.getByTestId("save-policy").isDisabled()).toBe(true);
    await settle(page, "policies-editor-refused-zh-desktop");
    await editor.fill(
      JSON.stringify(
        { ...current, weights: { ...node(current, "weights"), default: { student: 0.6, supervisor: 0.25, peer: 0.15 } } },
        null,
        2,
      ),
    );
    await expect.poll(() => page.getByTestId("policy-ok").count()).toBe(1);
    await page.getByTestId("save-policy").click();
    await expect.poll(() => page.getByTestId(`versions-${YEAR}`).textContent()).toContain("第 2 版");
    await page.getByTestId(`versions-${YEAR}`).getByTestId("approve").click();
    await page.getByTestId("approve-note").fill("调整学生评教权重（E2E）");
    await page.getByTestId("approve-ok").click();
    await expect
      .poll(() => page.getByTestId(`versions-${YEAR}`).locator("tr", { hasText: "第 2 版" }).getByTestId("policy-current").count(), {
        timeout: 30_000,
      })
      .toBe(1);
    await settle(page, "policies-approved-zh-desktop");
    await page.goto(`/admin/results?year=${YEAR}`);
    await expect.poll(() => page.getByTestId("policy-line").textContent()).toContain("第 2 版");
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it("a teacher of last term sees their own published results on their home page, and a detail", async () => {
    // a teacher with a reported student result, found through the quality office's list
    const q = await quality();
    await q.page.goto("/admin/results");
    const overview = await trpc<{ schoolYear: string; policy: { id: number } | null }[]>(q.page, "scoring.overview", undefined, "query");
    const { policy } = found(dataOf(overview), (y) => y.schoolYear === YEAR, YEAR);
    if (policy === null) throw new Error(`no scoring policy for ${YEAR}`);
    const policyId = policy.id;
    const list = await trpc<{ items: { teacherNumber: string; reported: boolean }[] }>(
      q.page,
      "scoring.targets",
      { policyId, raterGroup: "student", reportedOnly: true, pageSize: 5 },
      "query",
    );
    const number = at(dataOf(list).items, 0).teacherNumber;
    await q.ctx.close();
    for (const [size, label] of [
      [PHONE, "phone"],
      [DESKTOP, "desktop"],
    ] as const) {
      const ctx = await newContext(browser, size, "zh");
      const page = await ctx.newPage();
      const problems = watch(page);
      await signInHome(page, number);
      await expect.poll(() => page.getByTestId("my-result").count()).toBeGreaterThan(0);
      expect(await page.getByTestId("my-results").textContent()).toMatch(/平均分 \d+\.\d/);
      await settle(page, `results-teacher-home-${label}`);
      await page.getByTestId("my-results").getByRole("link").first().click();
      await page.waitForURL(/\/results\/\d+\/\d+\/[a-z]+$/);
      await expect.poll(() => page.getByTestId("detail-items").count()).toBe(1);
      await settle(page, `results-teacher-detail-${label}`);
      expect(problems).toEqual([]);
      await ctx.close();
    }
  });
});
