import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, launch, newContext, settle, shot, signInHome, trpc, watch, dataOf, matched } from "./browser";
import { complete, fillIn } from "./fill";
import { addDays, beijingDate } from "@/server/kernel/time";
import { at } from "@/server/shared/indexed";

// Two kinds of campaign end to end. Information officers: the quality office creates and
// opens the campaign, an officer reports twice from their home, the quality office reads
// the reports with the officer's name and the unit admin without it; a draft is deleted.
// Observation rounds: the quality office creates, generates, plans and opens one; a
// supervisor fills in a record whose one date is the form's own; the quality office follows
// visits, observers, units, the named records and the rates. Desktop and phone.
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const OFFICER = "2025020102";
const INFO = "E2E 学生信息员反馈";
const ROUND = "E2E 期中听课评课";
const DRAFT = "E2E 要删除的草稿";
let infoId = 0;
let roundId = 0;
let officerName = "";

const num = (s: string) => Number(s.replace(/[^\d]/g, ""));
const rows = (page: Page, testid: string) => page.getByTestId(testid).locator("tbody tr.ant-table-row");

async function pick(page: Page, testid: string, option: string | RegExp) {
  await page.getByTestId(testid).click();
  await page.locator(".ant-select-item-option:visible").filter({ hasText: option }).first().click();
}

/** Creates a campaign of `kind` (its label in the form) from now, as the form prefills it; returns its id. */
async function create(page: Page, kindLabel: string, name: string) {
  await page.goto("/admin/campaigns/new");
  await page.getByTestId("campaign-form").waitFor();
  await pick(page, "kind-select", kindLabel);
  await page.getByTestId("name-input").fill(name);
  await page.getByTestId("create-campaign").click();
  await page.waitForURL(/\/admin\/campaigns\/\d+/);
  return Number(at(matched(/\/admin\/campaigns\/(\d+)/, page.url()), 1));
}

async function tab(page: Page, key: string) {
  await page.getByTestId(`tab-${key}`).click();
  await page.waitForURL(key === "overview" ? /\/admin\/campaigns\/\d+$/ : new RegExp(`tab=${key}`));
  await settle(page, `tmp-${key}`);
}

describe("information officers", () => {
  it("the quality office creates, generates and opens the campaign; a draft can be deleted", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const problems = watch(page);
    await signInHome(page, "quality");
    infoId = await create(page, "学生信息员反馈", INFO);
    expect(await page.getByTestId("campaign-state").innerText()).toBe("草稿");
    // No assignment tab (no targets), no rates; the reports come once it opens.
    expect(await page.getByTestId("tab-assignment").count()).toBe(0);
    expect(await page.getByTestId("tab-rates").count()).toBe(0);
    expect(await page.getByTestId("instruments-table").innerText()).toContain("学生信息员反馈");
    await page.getByTestId("generate").click();
    await page.getByTestId("generate-ok").click();
    await page.getByText(/已核对：范围内 \d+ 名学生信息员/).waitFor({ timeout: 30_000 });
    await expect.poll(async () => num(await page.getByTestId("officers").innerText())).toBeGreaterThan(0);
    await settle(page, "info-campaign-draft");
    await page.getByTestId("open-campaign").click();
    await page.getByTestId("open-ok").click();
    await expect.poll(() => page.getByTestId("campaign-state").innerText(), { timeout: 60_000 }).toBe("进行中");
    await settle(page, "info-campaign-open");

    // Any draft can be deleted, after a confirmation.
    const draftId = await create(page, "教师自评", DRAFT);
    await page.getByTestId("delete-campaign").click();
    await page.getByTestId("delete-ok").click();
    await page.waitForURL(/\/admin\/campaigns$/);
    await page.getByTestId("campaigns-table").waitFor();
    expect(await page.getByTestId("campaigns-table").innerText()).not.toContain(DRAFT);
    expect(problems).toEqual([]);
    expect((await trpc(page, "campaigns.detail", { id: draftId }, "query")).status).toBe(404);
    // An open campaign offers no deletion.
    await page.goto(`/admin/campaigns/${infoId}`);
    await page.getByTestId("campaign-name").waitFor();
    expect(await page.getByTestId("delete-campaign").count()).toBe(0);
    await ctx.close();
  }, 180_000);

  it("an officer reports from their home, twice, about a section and not", async () => {
    expect(infoId).toBeGreaterThan(0);
    for (const [size, label] of [
      [DESKTOP, "desktop"],
      [PHONE, "phone"],
    ] as const) {
      const ctx = await newContext(browser, size);
      const page = await ctx.newPage();
      const problems = watch(page);
      await signInHome(page, OFFICER);
      const card = page.getByTestId("info-officer");
      await card.waitFor();
      expect(await page.locator("body").innerText()).not.toContain("即将开放");
      await card.getByText(INFO).waitFor();
      officerName = at(matched(/^(.+?)，您好/, await page.locator("h4").filter({ hasText: "，您好" }).first().innerText()), 1);
      await settle(page, `info-officer-home-${label}`);
      if (label === "phone") {
        await ctx.close();
        continue;
      }
      await card.getByTestId("report-go").click();
      await page.waitForURL(new RegExp(`/report/${infoId}$`));
      await page.getByTestId("survey-form").locator(".sd-question").first().waitFor();
      // About one of their sections: it goes to the unit offering the course.
      await page.getByTestId("report-section").click();
      await page.locator(".ant-select-item-option:visible").nth(1).click();
      await settle(page, `info-report-form-${label}`);
      await fillIn(page);
      await complete(page);
      await page.getByTestId("report-submitted").waitFor();
      await settle(page, `info-report-submitted-${label}`);
      await page.getByTestId("report-another").click();
      await page.getByTestId("survey-form").locator(".sd-question").first().waitFor();
      await fillIn(page);
      await complete(page);
      await page.getByTestId("report-submitted").waitFor();
      await page.goto("/home");
      await expect.poll(async () => page.getByTestId("reports-mine").innerText()).toContain("我已提交 2 份");
      expect(problems).toEqual([]);
      await ctx.close();
    }
    // The phone's form too.
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    await signInHome(page, OFFICER);
    await page.goto(`/report/${infoId}`);
    await page.getByTestId("survey-form").locator(".sd-question").first().waitFor();
    await settle(page, "info-report-form-phone");
    await ctx.close();
  }, 180_000);

  it("the quality office reads the reports with the officer's name, the unit admin without", async () => {
    expect(officerName).not.toBe("");
    for (const [size, label] of [
      [DESKTOP, "desktop"],
      [PHONE, "phone"],
    ] as const) {
      const ctx = await newContext(browser, size);
      const page = await ctx.newPage();
      await signInHome(page, "quality");
      await page.goto(`/admin/campaigns/${infoId}?tab=reports`);
      await page.getByTestId("reports-named").waitFor();
      await expect.poll(() => page.getByTestId("report").count()).toBe(2);
      expect(await page.getByTestId("report-officer").first().innerText()).toContain(officerName);
      expect(await page.getByTestId("reports-list").innerText()).toContain(OFFICER);
      // Each report goes to its responsible unit: the course's (the section named) or the officer's programme's (this college).
      const ours = await page.getByTestId("report").filter({ hasText: "计算机与信息工程学院" }).count();
      expect(ours).toBeGreaterThanOrEqual(1);
      await settle(page, `info-reports-quality-${label}`);
      await page.goto(`/admin/campaigns/${infoId}`);
      await page.getByTestId("officers").waitFor();
      await settle(page, `info-campaign-overview-${label}`);
      await ctx.close();

      const ctx2 = await newContext(browser, size);
      const p2 = await ctx2.newPage();
      await signInHome(p2, "UA-CS");
      await p2.goto("/admin/campaigns");
      const row = rows(p2, "campaigns-table").filter({ hasText: INFO });
      await expect.poll(() => row.count()).toBe(1);
      await row.getByTestId("campaign-link").click();
      await p2.waitForURL(/\/admin\/campaigns\/\d+/);
      await p2.getByTestId("tab-reports").click();
      await p2.getByTestId("reports-unnamed").waitFor();
      // The unit admin reads exactly the reports its college is responsible for.
      await expect.poll(() => p2.getByTestId("report").count()).toBe(ours);
      expect(await p2.getByTestId("report-officer").count()).toBe(0);
      const text = await p2.locator("body").innerText();
      expect(text).not.toContain(officerName);
      expect(text).not.toContain(OFFICER);
      await settle(p2, `info-reports-unit-${label}`);
      await ctx2.close();
    }
  }, 180_000);
  it("a report becomes an order of its college; the college answers; the officer sees the status and the answer on their home", async () => {
    expect(infoId).toBeGreaterThan(0);
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const problems = watch(page);
    await signInHome(page, "quality");
    await page.goto(`/admin/campaigns/${infoId}?tab=reports`);
    await page.getByTestId("reports-named").waitFor();
    const report = page.getByTestId("report").filter({ hasText: "计算机与信息工程学院" }).first();
    await report.getByTestId("report-to-order").click();
    const modal = page.locator(".ant-modal:visible");
    await modal.locator("textarea").fill("学生信息员反映的问题，请核实并答复。");
    await modal.locator(".ant-picker").click();
    await page.keyboard.type(addDays(beijingDate(new Date()), 14));
    await page.keyboard.press("Enter");
    await modal.locator(".ant-btn-primary").click();
    const link = report.getByTestId("report-order");
    await link.waitFor({ timeout: 15_000 });
    const orderId = Number(/\/improvement\/(\d+)/.exec((await link.getAttribute("href")) ?? "")?.[1]);
    expect(orderId).toBeGreaterThan(0);
    await settle(page, "info-report-order");
    expect(problems).toEqual([]);
    await ctx.close();

    // The college answers the order on a phone.
    const ctx2 = await newContext(browser, PHONE);
    const college = await ctx2.newPage();
    const problems2 = watch(college);
    await signInHome(college, "UA-CS");
    await college.goto(`/improvement/${orderId}`);
    await college.getByTestId("step-answer").click();
    await college.getByTestId("field-response").fill("已与任课教师沟通，下周起按时上课。");
    await college.getByTestId("field-measures").fill("学院教学办抽查课堂考勤。");
    await college.getByTestId("field-expectedEffect").fill("不再出现迟到。");
    await college.getByTestId("step-submit").click();
    await expect.poll(() => college.getByTestId("detail-status").innerText()).toBe("已答复");
    expect(problems2).toEqual([]);
    await ctx2.close();

    // The officer sees it on their home: the status and the college's answer.
    const ctx3 = await newContext(browser, PHONE);
    const officer = await ctx3.newPage();
    const problems3 = watch(officer);
    await signInHome(officer, OFFICER);
    const feedback = officer.getByTestId("officer-feedback");
    await feedback.waitFor();
    await expect
      .poll(() => feedback.getByTestId("officer-answer").allInnerTexts())
      .toContainEqual(expect.stringContaining("已与任课教师沟通，下周起按时上课。"));
    expect(await feedback.getByTestId("officer-status").allInnerTexts()).toContain("已答复");
    await settle(officer, "info-officer-feedback-phone");
    expect(problems3).toEqual([]);
    await ctx3.close();
  }, 180_000);
});

describe("observation rounds", () => {
  it("the quality office creates, generates, plans and opens a round; counts agree", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const problems = watch(page);
    await signInHome(page, "quality");
    roundId = await create(page, "听课评课", ROUND);
    await page.getByTestId("generate").click();
    await page.getByTestId("generate-ok").click();
    // What generating made: sections and a target per teacher, no "evaluation relations".
    const msg = page.locator(".ant-message").getByText(/已生成：[\d,]+ 个教学班的 [\d,]+ 个评价对象/);
    await msg.waitFor({ timeout: 30_000 });
    expect(await msg.innerText()).not.toContain("评价关系");
    await tab(page, "observations");
    await page.getByTestId("plan").click();
    await page.getByTestId("plan-ok").click();
    await page.getByTestId("plan-result").waitFor({ timeout: 60_000 });
    await expect.poll(async () => num(await page.getByTestId("observations-title").innerText()), { timeout: 15_000 }).toBeGreaterThan(0);
    // The heading's visits are the table's rows (co-taught sections: one row per visit, its teachers listed).
    const title = await page.getByTestId("observations-title").innerText();
    const figures = [...title.matchAll(/([\d,]+) (?:次听课|份听课记录)/g)].map((m) => num(at(m, 1)));
    const [visits, records] = [at(figures, 0), at(figures, 1)];
    expect(visits).toBeGreaterThan(0);
    expect(records).toBeGreaterThanOrEqual(visits);
    const total = page.getByTestId("observations").locator(".ant-pagination-total-text");
    expect(num(await total.innerText())).toBe(visits);
    expect(await page.getByTestId("plan-result").innerText()).toContain(`${visits.toLocaleString("en")} 次听课`);
    await settle(page, "round-plan");
    await tab(page, "overview");
    await page.getByTestId("open-campaign").click();
    await page.getByTestId("open-ok").click();
    await expect.poll(() => page.getByTestId("campaign-state").innerText(), { timeout: 120_000 }).toBe("进行中");
    expect(problems).toEqual([]);
    await ctx.close();
  }, 240_000);

  it("a supervisor fills in a record with one visit date, the form's own, not in the future", async () => {
    expect(roundId).toBeGreaterThan(0);
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const problems = watch(page);
    await signInHome(page, "T0002");
    const tasks = page.getByTestId("observation-tasks");
    await tasks.waitFor();
    await tasks.getByRole("button", { name: "填写听课记录" }).first().click();
    await page.waitForURL(/\/observe\/\d+$/);
    await page.getByTestId("survey-form").locator(".sd-question").first().waitFor();
    // One date: no date picker beside the form; the form's own date refuses a future day.
    expect(await page.locator(".ant-picker").count()).toBe(0);
    await page.getByTestId("date-in-form").waitFor();
    const date = page.locator('.sd-question[data-name="obs_date"] input');
    const today = beijingDate(new Date());
    expect(await date.getAttribute("max")).toBe(today);
    await settle(page, "observe-form");
    await fillIn(page);
    await complete(page);
    await page.getByText("听课记录已提交。").waitFor();
    expect(problems).toEqual([]);
    await ctx.close();

    const phone = await newContext(browser, PHONE);
    const p2 = await phone.newPage();
    await signInHome(p2, "T0002");
    await p2.getByTestId("observation-tasks").getByRole("button", { name: "填写听课记录" }).first().click();
    await p2.getByTestId("survey-form").locator(".sd-question").first().waitFor();
    await settle(p2, "observe-form-phone");
    await phone.close();
  }, 180_000);

  it("the quality office follows visits, observers, units, the named records and the rates", async () => {
    for (const [size, label] of [
      [DESKTOP, "desktop"],
      [PHONE, "phone"],
    ] as const) {
      const ctx = await newContext(browser, size);
      const page = await ctx.newPage();
      const problems = watch(page);
      await signInHome(page, "quality");
      await page.goto(`/admin/campaigns/${roundId}?tab=observations`);
      await page.getByTestId("fig-records-done").waitFor({ timeout: 15_000 });
      expect(await page.getByTestId("fig-records-done").innerText()).toMatch(/1 \/ [\d,]+/);
      await expect.poll(() => rows(page, "observers-table").count()).toBeGreaterThan(0);
      await expect.poll(() => rows(page, "observation-units-table").count()).toBeGreaterThan(0);
      expect(await page.getByTestId("observation-units-table").innerText()).toMatch(/\d+(\.\d)?%/);
      await settle(page, `round-progress-${label}`);

      await tab(page, "records");
      await expect.poll(() => rows(page, "records-table").count()).toBe(1);
      await rows(page, "records-table").first().click();
      await page.getByTestId("record-answers").waitFor();
      expect(await page.getByTestId("record-answers").innerText()).toContain("听课日期");
      expect(await page.getByTestId("records-table").innerText()).toContain(beijingDate(new Date()));
      await settle(page, `round-records-${label}`);

      await tab(page, "rates");
      await expect.poll(async () => num(await page.getByTestId("rate-answered").innerText())).toBe(1);
      expect(num(await page.getByTestId("rate-eligible").innerText())).toBeGreaterThan(1);
      expect(await page.getByTestId("rate-total").innerText()).not.toContain("—");
      expect(await page.getByTestId("rates").innerText()).toContain("应交记录");
      await settle(page, `round-rates-${label}`);
      await tab(page, "overview");
      await settle(page, `round-overview-${label}`);
      expect(problems).toEqual([]);
      await ctx.close();
    }
  }, 180_000);

  it("tabs only where they apply: no observation tab on the demo's end-of-term or an imported campaign", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInHome(page, "quality");
    const list = await trpc<{ id: number; kind: string; name: string }[]>(page, "campaigns.list", undefined, "query");
    const checked: string[] = [];
    for (const c of dataOf(list)) {
      if (c.kind !== "end_of_term") continue;
      const d = await trpc<{ campaign: { source: string; state: string } }>(page, "campaigns.detail", { id: c.id }, "query");
      if (dataOf(d).campaign.state === "draft") continue;
      await page.goto(`/admin/campaigns/${c.id}`);
      await page.getByTestId("tab-overview").waitFor();
      expect(await page.getByTestId("tab-observations").count(), c.name).toBe(0);
      expect(await page.getByTestId("tab-records").count(), c.name).toBe(0);
      checked.push(dataOf(d).campaign.source);
    }
    expect(checked).toContain("import");
    expect(checked).toContain("platform");
    await shot(page, "eot-no-observation-tab");
    await ctx.close();
  }, 180_000);
});
