import { describe, expect, it } from "vitest";
import { DESKTOP, PHONE, settle, signedInPages, trpc, visit, dataOf } from "./browser";

// 教学质量预警 (/admin/warnings): the quality office's rule set and warnings. An impossible
// threshold is refused in Chinese; a new version of the rules is approved on the page; a
// recompute raises its warnings with their evidence; one is turned into an order, which
// shows the figure before. Nobody but the quality office opens the page.
// The demo database is shared with the other journeys: the rule key is this run's own.
const { as, problems } = signedInPages();

describe("warning rules", () => {
  it("a rule set approved on the page raises warnings after a recompute; one becomes an order with its figure", async () => {
    const quality = await as("quality", DESKTOP);
    await quality.goto("/home");
    // asked outside the page (the context's cookies): a refusal provoked on purpose, not a console error of the page
    const bad = await quality.request.post("/api/trpc/warnings.createRules", {
      headers: { origin: new URL(quality.url()).origin },
      data: { json: { rules: [{ key: "bad", name: "不可能", kind: "composite_below", params: { threshold: 150 } }] } },
    });
    expect(bad.status()).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("不可能达到");
    const key = `e2e${Date.now() % 1_000_000}`;
    const name = `综合得分预警 ${key}`;
    const made = await trpc<{ id: number; version: number }>(
      quality,
      "warnings.createRules",
      { rules: [{ key, name, kind: "composite_below", params: { threshold: 100 } }] },
      "mutation",
    );
    expect(made.status, JSON.stringify(made.error)).toBe(200);

    // the menu leads to the page; the draft is approved there with a note
    await quality.getByRole("link", { name: "教学质量预警", exact: true }).click();
    await quality.waitForURL(/\/admin\/warnings/);
    await quality.getByRole("tab", { name: "预警规则" }).click();
    const row = quality
      .getByTestId("rule-versions")
      .locator("tr.ant-table-row")
      .filter({ hasText: `v${dataOf(made).version}` });
    await row.getByTestId("rules-approve").click();
    await quality.getByTestId("rules-note").fill("质量办审定（e2e）");
    await quality.locator(".ant-modal-footer .ant-btn-primary").click();
    await expect.poll(() => row.innerText()).toContain("生效中");
    // the version's state in words, not the stored code
    expect(await row.innerText()).toContain("已批准");
    expect(await row.innerText()).not.toContain("approved");
    await settle(quality, "warnings-rules-zh-desktop");

    // a recompute of every year with a policy evaluates the rules in force
    for (const schoolYear of ["2025-2026", "2026-2027"]) await trpc(quality, "scoring.recompute", { schoolYear }, "mutation");
    type Warnings = { total: number; items: { id: number; rule_key: string }[] };
    const open = await trpc<Warnings>(quality, "warnings.list", { status: "open", ruleKey: key, pageSize: 200 }, "query");
    expect(dataOf(open).total).toBeGreaterThan(0);

    await quality.reload();
    const warnings = quality.getByTestId("warnings").locator("tr.ant-table-row").filter({ hasText: name });
    await expect.poll(() => warnings.count()).toBeGreaterThan(0);
    expect(await warnings.first().getByTestId("warning-evidence").innerText()).toMatch(/教师综合评价: [\d.]+ \(n = \d+\)/);
    await settle(quality, "warnings-list-zh-desktop");
    await warnings.first().getByTestId("warning-convert").click();
    await quality.locator(".ant-popconfirm .ant-btn-primary").click();
    await expect
      .poll(async () => dataOf(await trpc<Warnings>(quality, "warnings.list", { status: "converted", ruleKey: key }, "query")).total)
      .toBe(1);
    await quality.locator(".ant-segmented").getByText("已转整改", { exact: true }).click();
    const link = quality.getByTestId("warnings").locator("tr.ant-table-row").filter({ hasText: name }).getByTestId("warning-order");
    await link.click();
    await quality.waitForURL(/\/improvement\/\d+/);
    await expect.poll(() => quality.getByTestId("order-effect").innerText()).toContain("整改前");
    expect(await quality.getByTestId("detail-content").innerText()).toContain(name);
    await settle(quality, "warnings-order-zh-desktop");

    const phone = await as("quality", PHONE);
    await visit(phone, "/admin/warnings", "warnings-list-zh-phone");
  });

  it("is closed to everyone but the quality office", async () => {
    for (const [number, size, label] of [
      ["hr", DESKTOP, "hr-desktop"],
      ["T0004", PHONE, "teacher-phone"],
    ] as const) {
      const page = await as(number, size);
      expect(await page.getByRole("link", { name: "教学质量预警", exact: true }).count()).toBe(0);
      await page.goto("/admin/warnings");
      await page.getByTestId("forbidden").waitFor();
      await settle(page, `warnings-forbidden-${label}`);
    }
  });

  it("no page error along the way", () => {
    expect(problems).toEqual([]);
  });
});
