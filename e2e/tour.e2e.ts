import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, launch, newContext, signInHome, visit, watch } from "./browser";

// Every page as each role meets it, on a phone and on a desktop, in both languages:
// no script error, no error in the console (hydration mismatches included), nothing
// wider than the screen.
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function asRole(size: typeof PHONE | typeof DESKTOP, locale: "zh" | "en", number: string): Promise<[BrowserContext, Page, string[]]> {
  const ctx = await newContext(browser, size, locale);
  const page = await ctx.newPage();
  const problems = watch(page);
  await signInHome(page, number);
  return [ctx, page, problems];
}

const ADMIN_PAGES = [
  "/home",
  "/admin/units",
  "/admin/programmes",
  "/admin/courses",
  "/admin/sections",
  "/admin/people",
  "/admin/import",
  "/admin/instruments",
  "/admin/campaigns",
  "/admin/campaigns/new",
  "/admin/results",
  "/admin/policies",
];

describe("every page, every role", () => {
  it.each([
    ["student", "2024020101"],
    ["info-officer", "2025020102"],
    ["teacher", "T0001"],
    ["supervisor", "T0002"],
    ["leader", "L0001"],
    ["hr", "hr"],
  ])("the %s's home works on a phone", async (role, number) => {
    const [ctx, page, problems] = await asRole(PHONE, "zh", number);
    await visit(page, "/home", `tour-home-${role}-phone`);
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it.each([
    ["zh", "phone", PHONE],
    ["en", "desktop", DESKTOP],
    ["en", "phone", PHONE],
  ] as const)("the quality office's pages work in %s on a %s", async (locale, label, size) => {
    const [ctx, page, problems] = await asRole(size, locale, "quality");
    for (const p of ADMIN_PAGES) await visit(page, p, `tour-${p.split("/").pop()}-${locale}-${label}`);
    const person = page.getByTestId("people-table").locator("tbody tr.ant-table-row a").first();
    await page.goto("/admin/people");
    await person.click();
    await page.waitForURL(/\/admin\/people\/\d+/);
    await visit(page, page.url(), `tour-person-${locale}-${label}`);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
