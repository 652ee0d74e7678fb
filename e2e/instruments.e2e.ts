import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DESKTOP, PHONE, launch, newContext, shot, signInHome, matched } from "./browser";
import { at } from "@/server/shared/indexed";
import { list, node } from "@/server/instruments/testing/json";
import type { Json } from "@/server/instruments/walk";

// The quality office uploads a new version of an instrument, reads the diff, previews it,
// approves it with the committee's note, edits weights in the app, and is shown the
// problems of a bad file.
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

// Uploaded as read (not re-serialised through the schema); changed through node/list.
const original = node(JSON.parse(readFileSync(path.join(process.cwd(), "surveys", "student_evaluation.json"), "utf8")));
const originalName = z.object({ zh: z.string(), en: z.string() }).parse(original.name);
const NEW_TITLE = "教师为人师表，尊重和关心每一位学生。";
const NOTE = "经 2026 年 6 月教学指导委员会会议审议通过。";

function changed(): Json {
  const f = structuredClone(original);
  node(f, "survey.pages.0.elements.0.title").default = NEW_TITLE;
  const items = list(f, "items").map((i) => node(i));
  const q2 = node(items.find((i) => i.question === "q2"));
  const q3 = node(items.find((i) => i.question === "q3"));
  expect(q2.indicator).toBe(q3.indicator);
  expect(Number(q2.weight) + Number(q3.weight)).toBe(1);
  q2.weight = 0.4;
  q3.weight = 0.6;
  return f;
}

async function upload(page: Page, name: string, file: unknown) {
  const input = page.locator("input[type=file]");
  await input.setInputFiles({ name, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file, null, 2), "utf8") });
}

async function settle(page: Page) {
  await page.waitForLoadState("networkidle");
  await expect.poll(() => page.locator(".ant-spin-spinning").count(), { timeout: 15_000 }).toBe(0);
}

/** Opens the instrument's page, uploading the library file first if the database lacks it. */
async function openStudentEvaluation(page: Page, locale: "zh" | "en" = "zh"): Promise<number> {
  await page.goto("/admin/instruments");
  await settle(page);
  const link = page.getByTestId("instruments-table").getByRole("link", { name: originalName[locale] });
  if ((await link.count()) === 0) {
    await upload(page, "student_evaluation.json", original);
    await page.waitForURL(/\/admin\/instruments\/\d+/);
  } else {
    await link.click();
    await page.waitForURL(/\/admin\/instruments\/\d+/);
  }
  await settle(page);
  return Number(at(matched(/\/admin\/instruments\/(\d+)/, page.url()), 1));
}

async function latestVersion(page: Page): Promise<number> {
  const first = page.getByTestId("version-row").first();
  return Number(at(matched(/v(\d+)/, await first.innerText()), 1));
}

describe("instrument versions", () => {
  it("the quality office uploads a new version, reads the diff, previews and approves it", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signInHome(page, "quality");
    await page.getByRole("link", { name: "评价工具" }).first().click();
    await page.waitForURL(/\/admin\/instruments$/);
    const id = await openStudentEvaluation(page);
    const before = await latestVersion(page);

    // The same file again: unchanged.
    await upload(page, "student_evaluation.json", original);
    await expect.poll(() => page.getByTestId("upload-result").getAttribute("data-status")).toBe("unchanged");

    // A new version: a changed title and a weight pair.
    await upload(page, "student_evaluation-v2.json", changed());
    await expect.poll(() => page.getByTestId("upload-result").getAttribute("data-status")).toBe("created");
    const v = before + 1;
    expect(await page.getByTestId("upload-result").innerText()).toContain(`v${v}`);
    await expect.poll(() => page.getByTestId(`status-${v}`).innerText()).toBe("草稿");
    await expect.poll(() => page.getByTestId("diff-card").innerText()).toContain(`v${v} 与 v${before} 的差异`);
    const diff = await page.getByTestId("diff").innerText();
    expect(diff).toContain(NEW_TITLE);
    expect(diff).toContain(node(original, "survey.pages.0.elements.0.title").default);
    expect(diff).toMatch(/q2[\s\S]*0\.5[\s\S]*→[\s\S]*0\.4/);
    expect(diff).toMatch(/q3[\s\S]*0\.5[\s\S]*→[\s\S]*0\.6/);
    expect(await page.getByTestId("diff-change").count()).toBe(3);
    await shot(page, "instruments-diff");

    // Preview (helper page): the link leads to the version's preview.
    const href = await page.getByTestId(`preview-${v}`).getAttribute("href");
    expect(href).toMatch(/^\/admin\/instruments\/versions\/\d+\/preview$/);
    if (href === null) throw new Error(`preview-${v} has no href`);
    const res = await page.goto(href);
    expect(res?.status()).toBeLessThan(400);
    await settle(page);
    await shot(page, "instruments-preview");
    await page.goto(`/admin/instruments/${id}`);
    await settle(page);

    // Approve with the committee's note.
    await page.getByTestId(`approve-${v}`).click();
    await page.getByTestId("approve-ok").click();
    await page.getByText("请填写审议意见").first().waitFor();
    await page.getByTestId("approve-note").fill(NOTE);
    await shot(page, "instruments-approve");
    await page.getByTestId("approve-ok").click();
    await expect.poll(() => page.getByTestId(`status-${v}`).innerText()).toBe("已批准");
    const approval = await page.getByTestId(`approval-${v}`).innerText();
    expect(approval).toContain(NOTE);
    expect(approval).toMatch(/\d{4}/);
    expect(await page.getByTestId(`approve-${v}`).count()).toBe(0);
    await shot(page, "instruments-approved");

    // The list shows it as the approved version.
    await page.goto("/admin/instruments");
    await settle(page);
    const row = page.getByTestId("instruments-table").locator("tr", { hasText: originalName.zh });
    expect(await row.innerText()).toMatch(new RegExp(`v${v}[\\s\\S]*已批准[\\s\\S]*v${v}`));
    await shot(page, "instruments-list");
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("a bad file is refused with its problems, and nothing is stored", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInHome(page, "quality");
    await openStudentEvaluation(page);
    const before = await latestVersion(page);
    const bad = structuredClone(original);
    node(bad, "indicators.0").weight = Number(node(bad, "indicators.0").weight) + 0.1;
    delete node(bad, "survey.pages.0.elements.1.title").en;
    await upload(page, "bad.json", bad);
    await page.getByTestId("upload-problems").waitFor();
    const text = await page.getByTestId("upload-problems").innerText();
    expect(text).toContain("未保存");
    expect(text).toContain("indicators");
    expect(text).toContain("survey.pages[0].elements[1].title.en");
    expect(text).toContain("英文");
    await shot(page, "instruments-problems");
    await page.reload();
    await settle(page);
    expect(await latestVersion(page)).toBe(before);

    await page
      .locator("input[type=file]")
      .setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from("{ broken", "utf8") });
    await expect.poll(() => page.getByTestId("upload-problems").innerText()).toContain("不是有效的 JSON");
    await ctx.close();
  });

  it("edits weights in the app with live checking and saves a new draft", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInHome(page, "quality");
    await openStudentEvaluation(page);
    const before = await latestVersion(page);
    await page.getByTestId("edit-in-app").click();
    await page.waitForURL(/\/edit$/);
    await page.getByTestId("editor-json").waitFor();
    // The latest version unchanged: saving would create nothing.
    await expect.poll(() => page.getByTestId("editor-status").getAttribute("data-state"), { timeout: 15_000 }).toBe("ok");
    expect(await page.getByTestId("editor-save").isDisabled()).toBe(true);

    await page.getByRole("tab", { name: "指标权重" }).click();
    const w4 = page.getByTestId("item-weight-q4").locator("input");
    await w4.fill("0.3");
    await expect.poll(() => page.getByTestId("editor-status").getAttribute("data-state"), { timeout: 15_000 }).toBe("problems");
    expect(await page.getByTestId("editor-problems").innerText()).toContain("I2.1");
    await shot(page, "instruments-editor-problems");
    await page.getByTestId("item-weight-q5").locator("input").fill("0.7");
    await page.getByTestId("item-weight-q5").locator("input").blur();
    await expect.poll(() => page.getByTestId("editor-status").getAttribute("data-state"), { timeout: 15_000 }).toBe("ok");
    await expect.poll(() => page.getByTestId("editor-save").isDisabled()).toBe(false);
    await shot(page, "instruments-editor");
    await page.getByTestId("editor-save").click();
    await page.waitForURL(/\/admin\/instruments\/\d+\?v=\d+/);
    await settle(page);
    expect(await latestVersion(page)).toBe(before + 1);
    await expect.poll(() => page.getByTestId("diff").innerText()).toMatch(/q4[\s\S]*0\.5[\s\S]*→[\s\S]*0\.3/);
    await ctx.close();
  });

  it("works on a phone and in English; a unit administrator is refused", async () => {
    const ctx = await newContext(browser, PHONE, "en");
    const page = await ctx.newPage();
    await signInHome(page, "quality");
    await page.goto("/admin/instruments");
    await settle(page);
    expect(await page.getByTestId("instruments-table").innerText()).toContain(originalName.en);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shot(page, "instruments-list-phone");
    await openStudentEvaluation(page, "en");
    await page.getByTestId("diff-card").waitFor();
    await expect.poll(() => page.getByTestId("diff-card").innerText()).toMatch(/Changes from v\d+ to v\d+/);
    await settle(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shot(page, "instruments-detail-phone");
    await page.getByTestId("edit-in-app").click();
    await page.waitForURL(/\/edit$/);
    await expect.poll(() => page.getByTestId("editor-status").getAttribute("data-state"), { timeout: 15_000 }).toBe("ok");
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shot(page, "instruments-editor-phone");
    await ctx.close();

    const ctx2 = await newContext(browser, DESKTOP);
    const p2 = await ctx2.newPage();
    await signInHome(p2, "UA-CS");
    expect(await p2.getByRole("link", { name: "评价工具" }).count()).toBe(0);
    await p2.goto("/admin/instruments");
    expect(await p2.getByTestId("forbidden").count()).toBe(1);
    await ctx2.close();
  });
});
