import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { launch, newContext, shot, signInHome, matched } from "./browser";
import { at } from "@/server/shared/indexed";

// The quality office's campaign pages: it creates an end-of-term campaign for the current
// term that starts now, generates the assignment, plans observations, opens it (making
// the signing keys) and follows its response rate; a unit admin follows the same campaign
// and sees its own unit only. Desktop (1280) and phone (375), Chinese and English.
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const DESKTOP_1280 = { viewport: { width: 1280, height: 860 } };
const PHONE_375 = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const NAME = "E2E 2026-2027-1 全校期末学生评教";
const TABS = ["overview", "assignment", "observations", "rates"] as const;
type TabKey = (typeof TABS)[number] | "invitations";
// The table each tab shows once its data is in.
const READY: Record<TabKey, string> = {
  overview: "instruments-table",
  assignment: "units-table",
  observations: "observations-table",
  rates: "rates-table",
  invitations: "outbox-table",
};
let campaignId = 0;

const rows = (page: Page, testid: string) => page.getByTestId(testid).locator("tbody tr.ant-table-row");

async function settled(page: Page) {
  await page.waitForLoadState("networkidle");
  await expect.poll(() => page.locator(".ant-spin-spinning").count(), { timeout: 15_000 }).toBe(0);
}

/** Waits for the page, checks nothing is wider than the screen, and takes its picture. */
async function look(page: Page, name: string) {
  await settled(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name}: wider than the screen`).toBeLessThanOrEqual(0);
  await shot(page, name);
}

async function tab(page: Page, key: TabKey, waitForRows = true) {
  await page.getByTestId(`tab-${key}`).click();
  await page.waitForURL(key === "overview" ? /\/admin\/campaigns\/\d+$/ : new RegExp(`tab=${key}`));
  if (waitForRows) await expect.poll(() => rows(page, READY[key]).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await settled(page);
}

describe("campaigns", () => {
  it("the quality office creates an end-of-term campaign, generates, plans, opens it and sees 0%", async () => {
    const ctx = await newContext(browser, DESKTOP_1280);
    const page = await ctx.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") console.log(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => console.log(`pageerror: ${e.message}`));
    await signInHome(page, "quality");
    await page.getByRole("link", { name: "评价活动", exact: true }).first().click();
    await page.waitForURL(/\/admin\/campaigns$/);
    await page.getByTestId("campaigns-table").waitFor();
    await look(page, "campaigns-list");

    await page.getByTestId("new-campaign").click();
    await page.waitForURL(/\/admin\/campaigns\/new/);
    await page.getByTestId("campaign-form").waitFor();
    // Prefilled: end of term, the current term, the whole school, from now, every group's latest approved version.
    expect(await page.getByTestId("term-select").innerText()).toContain("2026-2027-1");
    expect(await page.getByTestId("scope-select").innerText()).toContain("全校");
    expect(await page.getByTestId("instrument-student").innerText()).toContain("学生评教");
    await page.getByTestId("name-input").fill(NAME);
    await look(page, "campaign-form");
    await page.getByTestId("create-campaign").click();
    await page.waitForURL(/\/admin\/campaigns\/\d+/);
    campaignId = Number(at(matched(/\/admin\/campaigns\/(\d+)/, page.url()), 1));
    expect(await page.getByTestId("campaign-name").innerText()).toBe(NAME);
    expect(await page.getByTestId("campaign-state").innerText()).toBe("草稿");

    await page.getByTestId("generate").click();
    await page.getByTestId("generate-ok").click();
    await expect
      .poll(() => page.getByTestId("generate").innerText(), { timeout: 30_000 })
      .toContain("重新生成")
      .catch(async (e) => {
        await shot(page, "FAILED-generate");
        throw e;
      });
    await look(page, "campaign-overview");

    await tab(page, "assignment");
    await expect.poll(() => rows(page, "units-table").count()).toBeGreaterThan(3);
    expect(Number((await page.getByTestId("fig-sections").innerText()).replace(/\D/g, ""))).toBe(235);
    await look(page, "campaign-assignment");

    await tab(page, "observations", false);
    await page.getByTestId("plan").click();
    await page.getByTestId("plan-ok").click();
    await page.getByTestId("plan-result").waitFor({ timeout: 30_000 });
    await expect.poll(() => rows(page, "observations-table").count()).toBe(20);
    await look(page, "campaign-observations");

    await tab(page, "overview");
    // Settings: a reminder on the last day too, observers named to the teacher.
    await page.getByTestId("reminder-days").click();
    await page
      .locator(".ant-select-item-option")
      .filter({ hasText: /^结束前 1 天$/ })
      .click();
    await page.keyboard.press("Escape");
    await page.getByTestId("observers-named").click();
    await page.getByTestId("save-settings").click();
    await page.getByText("设置已保存。").waitFor();
    await expect.poll(() => page.getByTestId("reminder-days").innerText()).toMatch(/结束前 3 天[\s\S]*结束前 1 天/);
    await page.getByTestId("open-campaign").click();
    await page.getByTestId("open-ok").click();
    // Keys are made first (~0.1 s a target): the page says so and counts them.
    await page.getByTestId("opening-title").waitFor();
    expect(await page.getByTestId("opening-title").innerText()).toBe("正在生成签名密钥…");
    await expect.poll(async () => /已完成 [1-9]/.test(await page.locator(".ant-modal").innerText()), { timeout: 30_000 }).toBe(true);
    await shot(page, "campaign-opening");
    await expect.poll(() => page.getByTestId("campaign-state").innerText(), { timeout: 240_000, interval: 1000 }).toBe("进行中");

    await tab(page, "rates");
    await expect.poll(() => rows(page, "rates-table").count()).toBeGreaterThan(3);
    expect(await page.getByTestId("rate-total").innerText()).toContain("0%");
    expect(Number((await page.getByTestId("rate-eligible").innerText()).replace(/\D/g, ""))).toBeGreaterThan(10_000);
    await page.getByTestId("rates-by").getByText("按教学班").click();
    await expect.poll(() => rows(page, "rates-table").count()).toBe(20);
    await look(page, "campaign-rates");

    await page.goto("/admin/campaigns");
    await expect.poll(async () => (await page.getByTestId("campaigns-table").innerText()).includes(NAME)).toBe(true);
    await look(page, "campaigns-list-open");
    await ctx.close();
  }, 360_000);

  it("the pages fit a phone", async () => {
    expect(campaignId).toBeGreaterThan(0);
    const ctx = await newContext(browser, PHONE_375);
    const page = await ctx.newPage();
    await signInHome(page, "quality");
    await page.getByRole("button", { name: "菜单" }).click();
    await page.getByRole("link", { name: "评价活动", exact: true }).click();
    await page.waitForURL(/\/admin\/campaigns$/);
    await page.getByTestId("campaigns-table").waitFor();
    await look(page, "campaigns-list-phone");
    await page.goto("/admin/campaigns/new");
    await page.getByTestId("campaign-form").waitFor();
    await look(page, "campaign-form-phone");
    await page.goto(`/admin/campaigns/${campaignId}`);
    for (const key of TABS) {
      await tab(page, key);
      await look(page, `campaign-${key}-phone`);
    }
    await ctx.close();
  });

  it("a unit admin follows the school's campaign and sees only its own unit's rates", async () => {
    const ctx = await newContext(browser, PHONE_375);
    const page = await ctx.newPage();
    await signInHome(page, "UA-CS");
    await page.goto("/admin/campaigns");
    const row = rows(page, "campaigns-table").filter({ hasText: NAME });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId("follow-tag").count()).toBe(1);
    await look(page, "campaigns-list-unit-admin-phone");
    await row.getByTestId("campaign-link").click();
    await page.waitForURL(/\/admin\/campaigns\/\d+/);
    // Read-only: overview and rates, no assignment or observers.
    expect(await page.getByTestId("tab-assignment").count()).toBe(0);
    expect(await page.getByTestId("tab-observations").count()).toBe(0);
    expect((await page.getByTestId("open-campaign").count()) + (await page.getByTestId("close-campaign").count())).toBe(0);
    await tab(page, "rates");
    await expect.poll(() => rows(page, "rates-table").count()).toBeGreaterThan(0);
    const text = await page.getByTestId("rates-table").innerText();
    expect(text).toContain("计算机与信息工程学院");
    for (const other of ["外国语学院", "经济管理学院", "机械与电气工程学院", "马克思主义学院", "公共基础教学部"])
      expect(text).not.toContain(other);
    await look(page, "campaign-rates-unit-admin-phone");

    // Its own campaigns: scoped to its unit; a graduate tracking wave takes graduating years, prefilled.
    await page.goto("/admin/campaigns/new");
    await page.getByTestId("campaign-form").waitFor();
    expect(await page.getByTestId("scope-select").innerText()).toContain("计算机与信息工程学院");
    await page.getByTestId("kind-select").click();
    await page.locator(".ant-select-item-option").filter({ hasText: "毕业生跟踪调查" }).click();
    await expect.poll(() => page.locator("#cohorts, [id^=cohorts_]").count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByText(/个专业届别/).count()).toBeGreaterThan(0);
    expect(await page.getByTestId("term-select").count()).toBe(0);
    await look(page, "campaign-form-tracking-unit-admin-phone");
    await ctx.close();
  });

  it("the quality office follows a tracking wave's invitations and exports their links", async () => {
    for (const [size, label] of [
      [DESKTOP_1280, "desktop"],
      [PHONE_375, "phone"],
    ] as const) {
      const ctx = await newContext(browser, size);
      const page = await ctx.newPage();
      await signInHome(page, "quality");
      await page.goto("/admin/campaigns?kind=graduate_tracking");
      const link = rows(page, "campaigns-table").first().getByTestId("campaign-link");
      await link.waitFor();
      await link.click();
      await page.waitForURL(/\/admin\/campaigns\/\d+/);
      await tab(page, "invitations");
      expect(Number((await page.getByTestId("inv-total").innerText()).replace(/\D/g, ""))).toBeGreaterThan(0);
      expect(await page.getByTestId("outbox-counts").innerText()).toContain("邀请");
      await look(page, `campaign-invitations-${label}`);
      const href = await page.getByTestId("export-links").getAttribute("href");
      expect(href).toMatch(/^\/api\/campaigns\/\d+\/invitations$/);
      if (href === null) throw new Error("the export link has no href");
      const res = await page.request.get(href);
      expect(res.status()).toBe(200);
      expect(res.headers()["content-type"]).toBe("text/csv; charset=utf-8");
      expect(res.headers()["cache-control"]).toBe("no-store");
      expect(res.headers()["content-disposition"]).toMatch(
        /^attachment; filename="campaign-\d+-invitations\.csv"; filename\*=UTF-8''.+%E9%82%80%E8%AF%B7%E9%93%BE%E6%8E%A5\.csv$/,
      );
      const csv = await res.text();
      expect(csv.startsWith("\uFEFF类型,姓名")).toBe(true);
      expect(csv).toContain("/i/");
      await ctx.close();
    }
    // Not for a unit admin: the wave is the school's.
    const ctx = await newContext(browser, DESKTOP_1280);
    const page = await ctx.newPage();
    await signInHome(page, "UA-CS");
    const list = await page.request.get("/api/trpc/campaigns.list");
    const campaigns = z
      .object({ result: z.object({ data: z.object({ json: z.array(z.looseObject({ id: z.number(), kind: z.string() })) }) }) })
      .parse(await list.json()).result.data.json;
    const wave = campaigns.find((c) => c.kind === "graduate_tracking");
    expect(wave).toMatchObject({ manage: false });
    if (!wave) throw new Error("no graduate tracking campaign");
    expect((await page.request.get(`/api/campaigns/${wave.id}/invitations`)).status()).toBe(403);
    await ctx.close();
  });

  it("in English, on a desktop and a phone", async () => {
    for (const [size, label] of [
      [DESKTOP_1280, "desktop"],
      [PHONE_375, "phone"],
    ] as const) {
      const ctx = await newContext(browser, size, "en");
      const page = await ctx.newPage();
      await signInHome(page, "quality");
      await page.goto("/admin/campaigns");
      await page.getByTestId("campaigns-table").waitFor();
      expect(await page.locator("h4").first().innerText()).toBe("Campaigns");
      await look(page, `campaigns-list-en-${label}`);
      await page.goto("/admin/campaigns/new");
      await page.getByTestId("campaign-form").waitFor();
      await look(page, `campaign-form-en-${label}`);
      await page.goto(`/admin/campaigns/${campaignId}`);
      for (const key of TABS) {
        await tab(page, key);
        await look(page, `campaign-${key}-en-${label}`);
      }
      expect(await page.getByTestId("campaign-state").innerText()).toBe("Open");
      await ctx.close();
    }
  }, 180_000);
});
