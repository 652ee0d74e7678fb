import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, launch, newContext, shot, signInHome } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const rows = (page: import("playwright-core").Page, testid: string) => page.getByTestId(testid).locator("tbody tr.ant-table-row");

describe("browsing the university", () => {
  it("the quality office browses, searches and pages through sections and people", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInHome(page, "quality");
    await page.getByTestId("overview").waitFor();
    expect(await page.getByTestId("overview").innerText()).toContain("2,160");
    await shot(page, "home-quality");

    await page.getByRole("link", { name: "教学班", exact: true }).first().click();
    await page.waitForURL(/\/admin\/sections/);
    await expect.poll(() => rows(page, "sections-table").count()).toBe(20);
    expect(await page.getByText("共 235 条").count()).toBe(1);
    await page.locator(".ant-pagination-item-2").click();
    await page.waitForURL(/page=2/);
    await page.getByTestId("list-search").locator("input").fill("软件需求工程");
    await page.getByTestId("list-search").locator("input").press("Enter");
    await page.waitForURL(/q=/);
    await expect.poll(async () => (await page.getByTestId("sections-table").innerText()).includes("软件需求工程")).toBe(true);
    await shot(page, "sections-search");

    await page.goto("/admin/people?kind=student&q=王蓉悦");
    await expect.poll(() => rows(page, "people-table").count()).toBeGreaterThan(0);
    await page.getByRole("link", { name: "2024020101" }).click();
    await page.waitForURL(/\/admin\/people\/\d+/);
    expect(await page.getByTestId("person-name").innerText()).toBe("王蓉悦");
    await shot(page, "person-student");

    await page.goto("/admin/units");
    await page.getByTestId("units-table").waitFor();
    expect(await page.getByTestId("units-table").innerText()).toContain("计算机与信息工程学院");
    await shot(page, "units");
    await ctx.close();
  });

  it("a unit admin sees only their own unit, and the pages work on a phone", async () => {
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    await signInHome(page, "UA-CS");
    await page.getByTestId("overview").waitFor();
    expect(await page.getByTestId("overview").innerText()).not.toContain("2,160");
    await shot(page, "home-unit-admin-phone");
    await page.getByRole("button", { name: "菜单" }).click();
    await page.getByRole("link", { name: "人员", exact: true }).click();
    await page.waitForURL(/\/admin\/people/);
    await expect.poll(() => rows(page, "people-table").count()).toBe(20);
    const text = await page.getByTestId("people-table").innerText();
    expect(text).not.toContain("外国语学院");
    await shot(page, "people-unit-admin-phone");
    // Another unit's people, asked for by URL, are refused.
    await page.goto("/admin/programmes");
    await expect.poll(() => rows(page, "programmes-table").count()).toBe(2);
    await shot(page, "programmes-phone");
    await ctx.close();
  });
});
