import { spawnSync } from "node:child_process";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addDays, beijingDate } from "@/server/kernel/time";
import { DESKTOP, PHONE, settle, signInHome, signedInPages, trpc, dataOf } from "./browser";
import { atKey } from "@/server/shared/indexed";
import { startApp } from "./setup/server";

// The improvement loop (反馈与持续改进) followed to the end in the browser:
// - the quality office sets a warning rule (教学质量预警) and approves it; a recompute raises
//   warnings with their evidence; one becomes a rectification order to the teacher's college;
//   the college's unit admin answers it on a phone; the quality office finds the answer short
//   and feeds it back (reopen); the college answers again; the quality office checks the
//   evidence and closes it; the timeline keeps every step with who did it;
// - an order issued by hand reaches the college's list of orders to answer;
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
  it("a warning after a recompute becomes an order; the college answers, is fed back, answers again; the order is verified and closed", async () => {
    const quality = await as("quality", DESKTOP);
    // A rule set: teachers in the school's bottom 5 % by composite, reviewed by the quality office.
    // The demo database is shared with the other journeys (e2e/warnings.e2e.ts adds rules too):
    // this run's rule has its own key and name, and the journey reads only its warnings.
    const key = `loop${Date.now() % 1_000_000}`;
    const name = `综合评价位于全校后 5%（${key}）`;
    await quality.goto("/admin/warnings");
    await settle(quality, "loop-warnings-before");
    await quality.getByRole("tab", { name: "预警规则" }).click();
    await quality.getByTestId("rules-edit").click();
    await quality.getByTestId("rule-add").click();
    const rule = quality.getByTestId("rule-row").last();
    await rule.getByTestId("rule-key").fill(key);
    await rule.getByTestId("rule-name").fill(name);
    await rule.getByTestId("rule-kind").click();
    await quality.locator(".ant-select-item-option:visible").filter({ hasText: "教师综合评价位于全校后若干比例" }).click();
    expect(await rule.locator('input[data-testid="rule-param-share"], [data-testid="rule-param-share"] input').first().inputValue()).toBe(
      "0.05",
    );
    await quality.getByTestId("rules-save").click();
    await quality.getByTestId("rules-approve").click();
    await quality.getByTestId("rules-note").fill("本学年预警规则，经教学质量监控与评估中心审议。");
    await quality.locator(".ant-modal:visible .ant-btn-primary").click();
    await expect.poll(() => quality.getByTestId("rules-approve").count()).toBe(0);

    // A recompute of the year evaluates the rules over the new figures.
    await quality.goto("/admin/results");
    await settle(quality, "loop-results");
    await quality.getByTestId("recompute").click();
    await quality.locator(".ant-message-notice-success").filter({ hasText: "已重新计算" }).waitFor({ timeout: 60_000 });

    await quality.goto("/admin/warnings");
    await settle(quality, "loop-warnings");
    const open = await trpc<{ items: { id: number; rule_key: string; evidence: { n: number; threshold: number } }[]; total: number }>(
      quality,
      "warnings.list",
      { status: "open", ruleKey: key, page: 1, pageSize: 200 },
      "query",
    );
    expect(open.status, JSON.stringify(open.error)).toBe(200);
    expect(dataOf(open).total).toBeGreaterThan(0);
    expect(dataOf(open).items.every((w) => w.rule_key === key && w.evidence.n > 0)).toBe(true);
    // Newest first: this run's warnings head the list.
    const mine = quality.getByTestId("warnings").locator("tr.ant-table-row").filter({ hasText: name });
    await expect.poll(() => mine.count()).toBeGreaterThan(0);
    // The first of them becomes an order.
    await mine.first().getByTestId("warning-convert").click();
    await quality.locator(".ant-popconfirm:visible .ant-btn-primary").click();
    await quality.locator(".ant-message-notice-success").filter({ hasText: "已转为整改通知" }).waitFor({ timeout: 15_000 });
    const converted = await trpc<{ items: { id: number; order_id: number | null }[] }>(
      quality,
      "warnings.list",
      { status: "converted", ruleKey: key, page: 1, pageSize: 50 },
      "query",
    );
    const orderId = dataOf(converted).items[0]?.order_id;
    expect(orderId, "the warning's order").toBeTruthy();
    // Converted, it leaves the open warnings (one open order per subject and rule: server/warnings/warnings.test.ts).
    const left = await trpc<{ total: number }>(quality, "warnings.list", { status: "open", ruleKey: key, page: 1, pageSize: 1 }, "query");
    expect(dataOf(left).total).toBe(dataOf(open).total - 1);

    const order = await trpc<{ unitId: number; source: string; status: string }>(quality, "improvement.detail", { id: orderId }, "query");
    expect(dataOf(order).source).toBe("warning");
    expect(dataOf(order).status).toBe("issued");
    // The order goes to the teacher's teaching office; the unit admin of its college (or
    // department: the units just below the school) answers for it.
    const units = await trpc<{ id: number; code: string; kind: string; parentId: number | null }[]>(
      quality,
      "org.units",
      undefined,
      "query",
    );
    const byId = new Map(dataOf(units).map((u) => [u.id, u]));
    let unit = atKey(byId, dataOf(order).unitId);
    while (unit.parentId !== null && atKey(byId, unit.parentId).kind !== "school") unit = atKey(byId, unit.parentId);
    expect(["college", "department"]).toContain(unit.kind);

    // The teacher's college answers on a phone.
    const college = await as(`UA-${unit.code}`, PHONE);
    await college.goto(`/improvement/${orderId}`);
    await settle(college, "loop-order-issued-phone");
    await step(college, "answer", {
      response: "已与教师面谈，分析了学生评价意见。",
      measures: "安排督导随堂听课，教师参加教学工作坊。",
      expectedEffect: "下学期综合评价回到全校中位以上。",
    });
    await expect.poll(() => status(college), { timeout: 15_000 }).toBe("已答复");

    // The quality office feeds it back: the measures name no owner.
    await quality.goto(`/improvement/${orderId}`);
    await settle(quality, "loop-order-answered");
    expect(await quality.getByTestId("detail-measures").innerText()).toBe("安排督导随堂听课，教师参加教学工作坊。");
    await step(quality, "reopen", { reason: "措施未落实到责任人，请补充。" });
    await expect.poll(() => status(quality), { timeout: 15_000 }).toBe("重新反馈");

    await college.reload();
    await settle(college, "loop-order-reopened-phone");
    await step(college, "answer", {
      response: "已补充责任人。",
      measures: "由系主任负责安排听课，教学办每月跟踪。",
      expectedEffect: "下学期综合评价回到全校中位以上。",
    });
    await expect.poll(() => status(college), { timeout: 15_000 }).toBe("已答复");
    // The college cannot close its own order.
    expect(await college.getByTestId("step-close").count()).toBe(0);

    await quality.reload();
    await settle(quality, "loop-order-answered-again");
    expect(await quality.getByTestId("order-effect").innerText()).toMatch(/n = \d+/);
    await step(quality, "verify", { note: "查看听课记录和工作坊签到。" });
    await expect.poll(() => status(quality), { timeout: 15_000 }).toBe("核查中");
    await quality.getByTestId("step-close").click();
    await quality.getByTestId("field-note").fill("措施到位，下学期复核成效。");
    // Raised from a figure: it is not effective until the next measurement reaches the target,
    // so closing it now takes the quality office's reason.
    await quality.getByTestId("field-overrideReason").fill("下一次评价尚未进行，先行销号，下学期复核成效。");
    await quality.getByTestId("step-submit").click();
    await expect.poll(() => status(quality), { timeout: 15_000 }).toBe("已销号");
    await settle(quality, "loop-order-closed");

    const timeline = await events(quality);
    expect(timeline).toEqual(["下发", "答复", "重新反馈", "答复", "开始核查", "销号"]);
    expect(await quality.getByTestId("event").nth(2).innerText()).toContain("措施未落实到责任人，请补充。");
    expect(problems).toEqual([]);
  });

  it("the quality office issues an order by hand; the college finds it among those it has to answer", async () => {
    const content = `课堂教学秩序检查：部分班级迟到现象较多（e2e ${Date.now()}）`;
    const quality = await as("quality", DESKTOP);
    await quality.goto("/improvement");
    await settle(quality, "loop-orders");
    await quality.getByTestId("new-order").click();
    const form = quality.getByTestId("new-order-form");
    await form.getByTestId("unit-select").click();
    await quality.keyboard.type("计算机与信息工程学院");
    await quality
      .locator(".ant-select-item-option:visible")
      .filter({ hasText: /^计算机与信息工程学院$/ })
      .click();
    await form.getByTestId("new-order-content").fill(content);
    const deadline = addDays(beijingDate(new Date()), 30);
    await form.getByTestId("new-order-deadline").click();
    await quality.keyboard.type(deadline);
    await quality.keyboard.press("Enter");
    await quality.locator(".ant-modal-footer .ant-btn-primary").click();
    await expect.poll(() => quality.locator(".ant-modal:visible").count(), { timeout: 15_000 }).toBe(0);

    const college = await as("UA-CS", PHONE);
    await college.goto("/improvement?toAnswer=1");
    await settle(college, "loop-to-answer-phone");
    const mine = await trpc<{ items: { id: number; content: string; deadline: string; status: string }[] }>(
      college,
      "improvement.list",
      { page: 1, pageSize: 20, q: "e2e", toAnswer: true },
      "query",
    );
    expect(mine.status, JSON.stringify(mine.error)).toBe(200);
    const order = dataOf(mine).items.find((o) => o.content === content);
    expect(order, "the new order is the college's to answer").toBeDefined();
    if (order === undefined) throw new Error("the new order is not the college's");
    expect(order.deadline).toBe(deadline);
    expect(order.status).toBe("issued");
    await expect.poll(() => college.getByTestId(`order-${order.id}`).count()).toBe(1);
    expect(problems).toEqual([]);
  });

  describe("an order nobody answers, as the clock passes its deadline (second server, a copy of the database)", () => {
    let spare: Awaited<ReturnType<typeof startApp>>;
    let orderId = 0;
    const content = "期中教学检查：部分课程教学日历未按时提交。";
    beforeAll(async () => {
      const { pgliteDir, env } = inject("spareApp");
      const e: NodeJS.ProcessEnv = {
        ...process.env,
        ...env,
        PGLITE_DIR: pgliteDir,
        DEMO_SEED: "off",
        SCHEDULER: "off",
        NEXT_TELEMETRY_DISABLED: "1",
      };
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
