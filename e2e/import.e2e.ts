import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, launch, newContext, shot, signInHome } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const GOOD =
  '\uFEFF工号/学号,姓名,人员类别,单位代码,职称,角色\nT9001,欧阳明远,教职工,S,副教授,教师\nT9002,司马静,教职工,S,讲师,"教师,督导"\n';

async function uploadCsv(page: Page, name: string, text: string) {
  await page.locator("input[type=file]").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
  await expect.poll(() => page.getByTestId("import-job").getAttribute("data-status"), { timeout: 30_000 }).toMatch(/done|failed/);
}

async function peopleMatching(page: Page, q: string): Promise<number> {
  await page.goto(`/admin/people?q=${encodeURIComponent(q)}`);
  await page.getByTestId("people-table").waitFor();
  await expect.poll(() => page.locator(".ant-spin-spinning").count()).toBe(0);
  return page.getByTestId("people-table").locator("tbody tr.ant-table-row").count();
}

describe("data import", () => {
  it("the quality office imports people, re-imports them unchanged, and a bad file writes nothing", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInHome(page, "quality");
    await page.goto("/admin/import");
    await page.getByTestId("import-layout").waitFor();
    expect(await page.getByTestId("import-layout").innerText()).toContain("学号/工号");

    await uploadCsv(page, "新进教师.csv", GOOD);
    expect(await page.getByTestId("import-result").innerText()).toContain("新增 2 行");
    await shot(page, "import-done");

    await uploadCsv(page, "新进教师.csv", GOOD);
    expect(await page.getByTestId("import-result").innerText()).toContain("新增 0 行，更新 0 行，未变化 2 行");
    expect(await peopleMatching(page, "T900")).toBe(2);

    await page.goto("/admin/import");
    const bad =
      "\uFEFF工号/学号,姓名,人员类别,单位代码,入学年份\nT9003,新来的,教职工,S,\n2026999,坏行,学生,NOPE,2026\n2026998,另一坏行,学生,S,二〇二六\n";
    await uploadCsv(page, "有错误的名单.csv", bad);
    const errors = await page.getByTestId("import-errors").innerText();
    expect(await page.getByTestId("import-errors-summary").innerText()).toContain("未导入任何数据");
    expect(errors).toContain("NOPE");
    expect(errors).toMatch(/\b3\b/);
    expect(errors).toMatch(/\b4\b/);
    await shot(page, "import-errors");
    // T9003 on the good first row was not written either.
    expect(await peopleMatching(page, "T9003")).toBe(0);
    await ctx.close();
  });

  it("the system administrator gives an imported teacher a password, and the teacher signs in", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInHome(page, "admin");
    await page.goto("/admin/people?q=T9001");
    await page.getByRole("link", { name: "T9001" }).click();
    await page.getByTestId("set-password").click();
    await page.locator("input[type=password]").fill("short");
    await page.getByRole("button", { name: "保 存" }).click();
    await expect.poll(() => page.getByText("至少 8 位，须同时包含字母和数字。").count()).toBeGreaterThan(0);
    await page.locator("input[type=password]").fill("Welcome2026");
    await page.getByRole("button", { name: "保 存" }).click();
    await page.getByText("密码已设置。").waitFor();
    await ctx.close();

    const ctx2 = await newContext(browser, DESKTOP);
    const p2 = await ctx2.newPage();
    await signInHome(p2, "T9001", "Welcome2026");
    await p2.getByText("欧阳明远，您好").waitFor();
    await ctx2.close();
  });

  it("the import page works on a phone and is refused to a unit admin", async () => {
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    await signInHome(page, "quality");
    await page.goto("/admin/import");
    await page.getByTestId("import-layout").waitFor();
    await shot(page, "import-phone");
    await ctx.close();

    const ctx2 = await newContext(browser, DESKTOP);
    const p2 = await ctx2.newPage();
    await signInHome(p2, "UA-CS");
    await p2.goto("/admin/import");
    expect(await p2.getByTestId("forbidden").count()).toBe(1);
    await ctx2.close();
  });
});
