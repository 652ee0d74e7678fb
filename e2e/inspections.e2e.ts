import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { addDays, beijingDate } from "@/server/kernel/time";
import { DESKTOP, PHONE, settle, signedInPages, trpc, dataOf } from "./browser";
import { complete, fillIn, SURVEY_PAGE } from "./fill";

// 期中教学检查 followed through in the browser:
// - the quality office starts an inspection (a deadline in the past is refused in Chinese and
//   nothing is made; then a good one), every college must fill in the checklist;
// - the unit admin of 计算机与信息工程学院 fills it in on a phone, with one item not conforming
//   and its problem written down; a second submission is refused;
// - the quality office sees the college submitted, the completion rate and the problem, and turns
//   the problem into a rectification order (source 教学检查, linked back to the checklist);
// - the college finds the order in its list to answer, and the order links to its checklist.
// The demo database is shared with the other journeys: this run's inspection has its own name.
const { as, problems } = signedInPages({ ignoreConsole: /status of 4\d\d/ });

async function pickDate(page: Page, testid: string, day: string) {
  const input = page.getByTestId(testid);
  await input.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(day);
  await page.keyboard.press("Enter");
}

describe("teaching inspections", () => {
  it("the quality office starts one, a college fills it in on a phone with a problem, the problem becomes the college's order", async () => {
    const key = `e2e${Date.now() % 1_000_000}`;
    const name = `期中教学检查（${key}）`;
    const today = beijingDate(new Date());

    const quality = await as("quality", DESKTOP);
    await quality.goto("/admin/inspections");
    await settle(quality, "inspections-list");
    await quality.getByTestId("inspection-new").click();
    const form = quality.getByTestId("inspection-form");
    await expect.poll(() => form.locator("input[type=checkbox]:checked").count()).toBeGreaterThan(1);
    await form.getByTestId("inspection-name").fill(name);
    await settle(quality, "inspections-new");

    // A deadline in the past: refused in the user's language, the form stays open, nothing is made.
    await pickDate(quality, "inspection-deadline", addDays(today, -1));
    await quality.locator("#inspection-submit").click();
    await quality.locator(".ant-message-notice-error").filter({ hasText: "早于今天" }).waitFor({ timeout: 15_000 });
    expect(await quality.locator(".ant-modal:visible").count()).toBe(1);
    const none = await trpc<{ name: string }[]>(quality, "inspections.list", undefined, "query");
    expect(dataOf(none).some((i) => i.name === name)).toBe(false);

    await pickDate(quality, "inspection-deadline", addDays(today, 14));
    await quality.locator("#inspection-submit").click();
    await quality.waitForURL(/\/admin\/inspections\/\d+$/, { timeout: 30_000 });
    const inspectionId = Number(/\/admin\/inspections\/(\d+)$/.exec(quality.url())?.[1]);
    expect(await quality.getByTestId("inspection-title").innerText()).toBe(name);
    const statuses = () => quality.getByTestId("unit-status").allInnerTexts();
    await expect.poll(async () => (await statuses()).length).toBeGreaterThan(1);
    expect(new Set(await statuses())).toEqual(new Set(["未开始"]));
    await settle(quality, "inspection-started");

    // The college's unit admin fills it in on a phone: everything conforms but the examinations.
    const college = await as("UA-CS", PHONE);
    await college.goto("/inspections");
    await settle(college, "inspections-mine-phone");
    const card = college.getByTestId("my-inspection").filter({ hasText: name });
    expect(await card.getByTestId("my-inspection-status").innerText()).toBe("未开始");
    await card.getByTestId("my-inspection-open").click();
    await college.waitForURL(new RegExp(`/inspections/${inspectionId}/\\d+$`));
    const unitId = Number(/\/(\d+)$/.exec(college.url())?.[1]);
    await college.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await settle(college, "inspection-checklist-phone");
    await fillIn(college);
    const exams = college.locator('[data-name="exams"]');
    await exams.locator(".sd-selectbase__item").filter({ hasText: "不符合" }).locator("label").click();
    const problem = "《数据结构》期末试卷未经教研室审核即付印。";
    await college.locator('[data-name="exams_problem"] textarea').fill(problem);
    await settle(college, "inspection-checklist-problem-phone");
    await complete(college);
    await college.getByTestId("checklist-submitted").waitFor({ timeout: 30_000 });
    expect(await college.getByTestId("checklist-status").innerText()).toBe("已提交");
    await settle(college, "inspection-submitted-phone");
    // Submitting twice is refused, in the user's language, and changes nothing.
    const again = await trpc(college, "inspections.submit", { inspectionId, unitId, answers: { exams: "conform" } }, "mutation");
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.error)).toContain("不能重复提交");

    // The quality office sees the college submitted and its problem, and turns it into an order.
    await quality.reload();
    await expect.poll(async () => (await statuses()).filter((s) => s === "已提交").length).toBe(1);
    expect(await quality.getByTestId("inspection-completion").innerText()).toMatch(/1\/\d+/);
    const row = quality.getByTestId("inspection-problems").locator("tr.ant-table-row").filter({ hasText: problem });
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain("不符合");
    await settle(quality, "inspection-problem");
    await row.getByTestId("problem-convert").click();
    await quality.locator(".ant-popconfirm:visible .ant-btn-primary").click();
    await quality.locator(".ant-message-notice-success").filter({ hasText: "已转为整改通知" }).waitFor({ timeout: 15_000 });
    await row.getByTestId("problem-order").waitFor();
    const orderId = Number(/\/improvement\/(\d+)$/.exec((await row.getByTestId("problem-order").getAttribute("href")) ?? "")?.[1]);
    expect(orderId).toBeGreaterThan(0);
    await settle(quality, "inspection-converted");
    const order = await trpc<{ source: string; unitId: number; status: string; content: string }>(
      quality,
      "improvement.detail",
      { id: orderId },
      "query",
    );
    expect(order.data).toMatchObject({ source: "inspection", unitId, status: "issued" });
    expect(dataOf(order).content).toContain(problem);

    // The college finds it in its list to answer, and the order links back to the checklist.
    await college.goto("/improvement?toAnswer=1");
    await settle(college, "inspection-order-to-answer-phone");
    await expect.poll(() => college.getByTestId(`order-${orderId}`).count()).toBe(1);
    await college.goto(`/improvement/${orderId}`);
    await settle(college, "inspection-order-phone");
    expect(await college.getByTestId("detail-status").innerText()).toBe("已下发");
    await college.getByTestId("order-evidence").click();
    await college.waitForURL(new RegExp(`/inspections/${inspectionId}/${unitId}$`));
    await college.getByTestId("checklist-submitted").waitFor();

    // Closed to a teacher: no menu entry, and the page answers 403.
    const teacher = await as("T0001", DESKTOP);
    expect(await teacher.locator('a[href="/admin/inspections"], a[href="/inspections"]').count()).toBe(0);
    await teacher.goto(`/inspections/${inspectionId}/${unitId}`);
    await teacher.getByText("403").first().waitFor();
    expect(problems).toEqual([]);
  });
});
