import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, launch, newContext, shot, signInHome } from "./browser";
import { at } from "@/server/shared/indexed";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

// The demo teacher's 软件需求工程 (SE3101) has the 2024 intake of 软件工程; seats 01–30 of class 01
// exist in every demo (classes hold 33–34). Students without a score count 0.
const STUDENTS = Array.from({ length: 30 }, (_, i) => `20240201${String(i + 1).padStart(2, "0")}`);
const ASSESSMENTS =
  "\uFEFF课程,考核项,满分,课程目标,权重\nSE3101,需求文档,20,CO1,0.4\nSE3101,期末一,50,CO1,0.6\nSE3101,建模作业,30,CO2,1\nSE3101,期末二,50,CO3,1\n";
const scoreLines = STUDENTS.flatMap((s, i) => [
  `SE3101,${s},需求文档,${12 + (i % 8)}`,
  `SE3101,${s},期末一,${30 + (i % 18)}`,
  `SE3101,${s},建模作业,${18 + (i % 12)}`,
  `SE3101,${s},期末二,${28 + (i % 20)}`,
]);
const GOOD = ["\uFEFF课程,学号,考核项,得分", ...scoreLines].join("\n");
// Row 3 (the second data row): 55 above the full marks of 50; the last row: a student not in the section.
const BAD = [
  "\uFEFF课程,学号,考核项,得分",
  at(scoreLines, 0),
  at(scoreLines, 1).replace(/,\d+$/, ",55"),
  ...scoreLines.slice(2),
  "SE3101,2099000001,期末二,40",
].join("\n");

async function uploadGradebook(page: Page, scores: string) {
  const inputs = page.locator("input[type=file]");
  await inputs.nth(0).setInputFiles({ name: "考核项.csv", mimeType: "text/csv", buffer: Buffer.from(ASSESSMENTS, "utf8") });
  await inputs.nth(1).setInputFiles({ name: "成绩.csv", mimeType: "text/csv", buffer: Buffer.from(scores, "utf8") });
  await page.getByTestId("gradebook-upload").click();
  await expect
    .poll(async () => (await page.getByTestId("gradebook-ok").count()) + (await page.getByTestId("gradebook-refused").count()), {
      timeout: 30_000,
    })
    .toBe(1);
}

describe("OBE attainment", () => {
  it("a teacher imports a gradebook with a bad row (refused, with row and column), then the fixed file, and sees the course report", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInHome(page, "T0001");
    await page.goto("/attainment");
    await page
      .getByTestId("attainment-sections")
      .getByRole("link", { name: /软件需求工程/ })
      .first()
      .click();
    await page.waitForURL(/\/attainment\/sections\/\d+/);

    await uploadGradebook(page, BAD);
    const refused = await page.getByTestId("gradebook-refused").innerText();
    expect(refused).toContain("未导入任何数据");
    const issues = await page.getByTestId("gradebook-issues").innerText();
    expect(issues).toContain("成绩文件");
    expect(issues).toMatch(/\b3\b\s+得分/);
    expect(issues).toContain("超出范围（0–50）");
    expect(issues).toContain("2099000001");
    expect(issues).toContain(String(scoreLines.length + 2)); // the last row: the header, 120 score rows, then this one
    await shot(page, "attainment-gradebook-refused");

    await page.reload();
    await uploadGradebook(page, GOOD);
    expect(await page.getByTestId("gradebook-ok").innerText()).toContain(`已导入 4 个考核项、${scoreLines.length} 条成绩`);
    await page.getByTestId("objectives-chart").locator("svg").waitFor();
    const table = await page.getByTestId("objectives-table").innerText();
    expect(table).toMatch(/CO1[\s\S]*CO2[\s\S]*CO3/);
    expect(table).toMatch(/n=\d+/);
    await page.getByTestId("distribution-chart").locator("svg").waitFor();
    await shot(page, "attainment-course-report");
    const reportUrl = page.url();
    await ctx.close();

    const phone = await newContext(browser, PHONE);
    const p2 = await phone.newPage();
    await signInHome(p2, "T0001");
    await p2.goto(reportUrl);
    await p2.getByTestId("objectives-chart").locator("svg").waitFor();
    expect(await p2.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(p2, "attainment-course-report-phone");
    await phone.close();
  });

  it("the programme lead sees the requirement radar, drills down to an item, and downloads the Word report", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInHome(page, "UA-CS");
    await page.goto("/attainment");
    await page
      .getByTestId("attainment-programmes")
      .getByRole("link", { name: /080902/ })
      .click();
    await page.waitForURL(/\/attainment\/programmes\/\d+/);
    await page.getByTestId("requirements-radar").locator("svg").waitFor();
    const requirements = await page.getByTestId("requirements-table").innerText();
    expect(requirements).toContain("GR12");
    // the survey-based value beside the direct one, with its n
    expect(requirements).toContain("间接评价");
    expect(requirements).toMatch(/0\.\d{3}\s*n=\d+/);
    await page.getByTestId("requirements-trend").locator("svg").waitFor();
    expect(await page.getByTestId("training-objectives").innerText()).toMatch(/PO1[\s\S]*PO5/);
    await page.getByTestId("req-GR1").click();
    const detail = page.getByTestId("requirement-detail");
    await detail.waitFor();
    expect(await detail.innerText()).toContain("1.1");
    expect(await detail.getByTestId("indirect-items").innerText()).toContain("应届毕业生");
    await detail.locator(".ant-table-row-expand-icon").first().click();
    const items = detail.getByTestId("objective-items").first();
    await items.waitFor();
    expect(await items.innerText()).toMatch(/期末第\d题|作业\d|报告\d|需求文档|期末一/);
    const shortfalls = await page.getByTestId("shortfalls").innerText();
    expect(shortfalls).toMatch(/毕业要求|指标点|课程目标/);
    // each shortfall raised an order
    expect(shortfalls).toMatch(/#\d+/);
    await shot(page, "attainment-programme-report");

    const download = page.waitForEvent("download");
    await page.getByTestId("programme-docx").click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/毕业要求达成情况评价报告-080902.*\.docx$/);
    const stream = await file.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
    expect(bytes.includes(Buffer.from("word/media/"))).toBe(true);
    const programmeUrl = page.url();
    // the programme's unit admin may recompute the year; the system administrator reads the
    // same report without an action the server would refuse
    expect(await page.getByTestId("programme-compute").count()).toBe(1);
    await ctx.close();
    const sys = await newContext(browser, DESKTOP);
    const sp = await sys.newPage();
    await signInHome(sp, "admin");
    await sp.goto(programmeUrl);
    await sp.getByTestId("requirements-table").waitFor();
    expect(await sp.getByTestId("programme-docx").count()).toBe(1);
    expect(await sp.getByTestId("programme-compute").count()).toBe(0);
    await sys.close();

    const phone = await newContext(browser, PHONE);
    const p2 = await phone.newPage();
    await signInHome(p2, "UA-CS");
    await p2.goto("/attainment");
    await p2.getByTestId("attainment-programmes").waitFor();
    await shot(p2, "attainment-home-phone");
    await p2.goto(programmeUrl);
    await p2.getByTestId("requirements-radar").locator("svg").waitFor();
    await p2.getByTestId("requirements-trend").locator("svg").waitFor();
    await p2.getByTestId("req-GR1").click();
    await p2.getByTestId("requirement-detail").waitFor();
    // nothing wider than the phone: the page does not scroll sideways (wide tables scroll inside their box)
    expect(await p2.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(p2, "attainment-programme-report-phone");
    await phone.close();
  });
});
