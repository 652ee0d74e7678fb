import { spawnSync } from "node:child_process";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addDays, beijingDate } from "@/server/kernel/time";
import { DESKTOP, PHONE, settle, signInHome, signedInPages, trpc } from "./browser";
import { startApp } from "./setup/server";

// The improvement loop (反馈与持续改进) followed to the end in the browser:
// - the quality office issues a rectification order to a college; the college's unit admin
//   answers it on a phone; the quality office finds the answer short and feeds it back
//   (reopen); the college answers again; the quality office checks the evidence and closes
//   it; the timeline keeps every step with who did it;
// - an order nobody answers is escalated as the clock passes its deadline: a reminder before
//   it, the college's leaders after it, the quality office a week later (time injected: the
//   scheduler's rounds run at later times on a copy of the database, served by a second server).
const { as, signedOut, problems } = signedInPages();

const status = (page: Page) => page.getByTestId("detail-status").innerText();
const events = (page: Page) => page.getByTestId("event").locator("strong").allInnerTexts();

async function step(page: Page, name: string, fields: Record<string, string>) {
  await page.getByTestId(`step-${name}`).click();
  for (const [field, value] of Object.entries(fields)) await page.getByTestId(`field-${field}`).fill(value);
  await page.getByTestId("step-submit").click();
}

describe("the improvement loop", () => {
  it("an order is issued, answered, fed back, answered again, verified and closed, every step on its timeline", async () => {
    const content = `课堂教学秩序检查：部分班级迟到现象较多（e2e ${Date.now()}）`;
    const quality = await as("quality", DESKTOP);
    await quality.goto("/improvement");
    await settle(quality, "loop-orders");
    await quality.getByTestId("new-order").click();
    const form = quality.getByTestId("new-order-form");
    await form.getByTestId("unit-select").click();
    await quality.keyboard.type("计算机与信息工程学院");
    await quality.locator(".ant-select-item-option:visible").filter({ hasText: /^计算机与信息工程学院$/ }).click();
    await form.getByTestId("new-order-content").fill(content);
    const deadline = addDays(beijingDate(new Date()), 30);
    await form.getByTestId("new-order-deadline").click();
    await quality.keyboard.type(deadline);
    await quality.keyboard.press("Enter");
    await quality.locator(".ant-modal-footer .ant-btn-primary").click();
    await expect.poll(() => quality.locator(".ant-modal:visible").count(), { timeout: 15_000 }).toBe(0);

    const list = await trpc<{ items: { id: number; content: string; deadline: string; status: string }[] }>(
      quality, "improvement.list", { page: 1, pageSize: 20, q: "e2e" }, "query");
    expect(list.status, JSON.stringify(list.error)).toBe(200);
    const order = list.data!.items.find((o) => o.content === content);
    expect(order, "the new order is listed").toBeDefined();
    expect(order!.deadline).toBe(deadline);
    expect(order!.status).toBe("issued");

    // The college answers on a phone.
    const college = await as("UA-CS", PHONE);
    await college.goto(`/improvement/${order!.id}`);
    await settle(college, "loop-order-issued-phone");
    expect(await college.getByTestId("detail-content").innerText()).toBe(content);
    await step(college, "answer", { response: "已核实，属实。", measures: "辅导员随堂点名，学院督导抽查。", expectedEffect: "迟到率降至 5% 以下。" });
    await expect.poll(() => status(college), { timeout: 15_000 }).toBe("已答复");

    // The quality office feeds it back: the measures name no owner.
    await quality.goto(`/improvement/${order!.id}`);
    await settle(quality, "loop-order-answered");
    expect(await quality.getByTestId("detail-measures").innerText()).toBe("辅导员随堂点名，学院督导抽查。");
    await step(quality, "reopen", { reason: "措施未落实到责任人，请补充。" });
    await expect.poll(() => status(quality), { timeout: 15_000 }).toBe("重新反馈");

    await college.reload();
    await settle(college, "loop-order-reopened-phone");
    await step(college, "answer", { response: "已补充责任人。", measures: "由各班辅导员负责点名，学院教学办每周汇总。", expectedEffect: "迟到率降至 5% 以下。" });
    await expect.poll(() => status(college), { timeout: 15_000 }).toBe("已答复");
    // The college cannot close its own order.
    expect(await college.getByTestId("step-close").count()).toBe(0);

    await quality.reload();
    await settle(quality, "loop-order-answered-again");
    await step(quality, "verify", { note: "抽查三个班级，点名记录齐全。" });
    await expect.poll(() => status(quality), { timeout: 15_000 }).toBe("核查中");
    await step(quality, "close", { note: "整改到位。" });
    await expect.poll(() => status(quality), { timeout: 15_000 }).toBe("已销号");
    await settle(quality, "loop-order-closed");

    const timeline = await events(quality);
    expect(timeline).toEqual(["下发", "答复", "重新反馈", "答复", "开始核查", "销号"]);
    expect(await quality.getByTestId("event").nth(2).innerText()).toContain("措施未落实到责任人，请补充。");
    expect(problems).toEqual([]);
  });

  describe("an order nobody answers, as the clock passes its deadline (second server, a copy of the database)", () => {
    let spare: Awaited<ReturnType<typeof startApp>>;
    let orderId = 0;
    const content = "期中教学检查：部分课程教学日历未按时提交。";
    beforeAll(async () => {
      const { pgliteDir, env } = inject("spareApp");
      const e: NodeJS.ProcessEnv = { ...process.env, ...env, PGLITE_DIR: pgliteDir, DEMO_SEED: "off", SCHEDULER: "off", NEXT_TELEMETRY_DISABLED: "1" };
      delete e.DATABASE_URL;
      const r = spawnSync(process.execPath, ["--import", "tsx", "e2e/setup/overdue.ts", pgliteDir, content], { env: e, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      orderId = Number(/overdue-order (\d+)/.exec(r.stdout)?.[1]);
      spare = await startApp(e);
    }, 180_000);
    afterAll(() => spare?.stop());

    it("is reminded, then escalated to the college's leaders, then to the quality office, each once", async () => {
      const page = await signedOut(DESKTOP, "zh", spare.base);
      await signInHome(page, "quality");
      await page.goto(`/improvement/${orderId}`);
      await settle(page, "loop-order-escalated");
      expect(await page.getByTestId("detail-content").innerText()).toBe(content);
      expect(await status(page)).toBe("已下发");
      expect(await events(page)).toEqual(["下发", "到期提醒", "逾期上报单位领导", "逾期上报质量办"]);
      expect(problems).toEqual([]);
    });
  });
});
