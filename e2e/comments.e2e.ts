import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, launch, newContext, settle, signInHome, trpc, visit, watch, dataOf, found } from "./browser";
import { at } from "@/server/shared/indexed";

// Students' comments of a closed demo campaign (last term's, imported and published, with its
// comments pending review) are reviewed by the quality office with the keyboard (the demo's one
// unit admin, of the computing college, has none to review: last term's demo sections are the
// school-wide courses of other units, and a unit admin reviews its own units' courses only):
// one released, one redacted (edited, then released), one hidden, one escalated into a
// rectification order. The teacher then reads exactly the released ones (the redacted text, not
// its original) on their own page; a teacher cannot decide on comments (403 in Chinese).
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

type Item = {
  id: string;
  original: string;
  edited: string | null;
  decision: string;
  teacherNumber: string | null;
  sectionCode: string | null;
};
const REDACTED = "老师讲课很有激情，谢谢老师！【姓名已删除】";

async function as(number: string, size = DESKTOP, locale: "zh" | "en" = "zh") {
  const ctx = await newContext(browser, size, locale);
  const page = await ctx.newPage();
  const problems = watch(page);
  await signInHome(page, number);
  return { ctx, page, problems };
}

const texts = (page: Page) => page.getByTestId("comment-text").allTextContents();

describe("comments", () => {
  it("the quality office reviews a closed campaign's comments with the keyboard and the teacher reads exactly the released ones", async () => {
    const { ctx, page, problems } = await as("quality");
    await visit(page, "/admin/comments", "comments-campaigns-zh-desktop");
    const campaigns = await trpc<{ id: number; counts: { total: number; pending: number } }[]>(
      page,
      "comments.campaigns",
      undefined,
      "query",
    );
    expect(dataOf(campaigns).length).toBe(1);
    const campaign = at(dataOf(campaigns), 0);
    const campaignId = campaign.id;
    expect(campaign.counts.pending).toBeGreaterThan(10);
    await page.getByTestId("review-link").first().click();
    await page.waitForURL(new RegExp(`/admin/comments/${campaignId}$`));
    await settle(page, "comments-review-zh-desktop");
    expect(await page.getByTestId("comment").count()).toBeGreaterThan(4);
    expect(await page.locator("mark[data-mark]").count()).toBeGreaterThan(0);

    // the first target's comments head the page (pending first); take four of one section
    const listed = await trpc<{ items: Item[] }>(
      page,
      "comments.list",
      { campaignId, decision: "pending", page: 1, pageSize: 50 },
      "query",
    );
    const first = dataOf(listed).items.slice(0, 4);
    expect(new Set(first.map((i) => i.sectionCode)).size).toBe(1);
    const [toRelease, toRedact, toHide, toEscalate] = [at(first, 0), at(first, 1), at(first, 2), at(first, 3)];
    const teacher = toRelease.teacherNumber;
    if (teacher === null) throw new Error("the first pending comment's teacher has no number");
    expect((await texts(page)).slice(0, 4)).toEqual(first.map((i) => i.original));

    // r: release the focused one; it leaves the pending list and the next is focused
    await page.keyboard.press("r");
    await expect.poll(async () => (await texts(page))[0]).toBe(toRedact.original);
    // e: edit (redact), then release the edited text
    await page.keyboard.press("e");
    await page.getByTestId("edit-text").fill(REDACTED);
    await settle(page, "comments-edit-zh-desktop");
    await page.getByTestId("save-release").click();
    await expect.poll(async () => (await texts(page))[0]).toBe(toHide.original);
    // h: hide; f: escalate into a finding
    await page.keyboard.press("h");
    await expect.poll(async () => (await texts(page))[0]).toBe(toEscalate.original);
    await page.keyboard.press("f");
    await expect.poll(async () => (await texts(page))[0]).not.toBe(toEscalate.original);

    const all = await trpc<{ items: Item[] }>(page, "comments.list", { campaignId, page: 1, pageSize: 50 }, "query");
    const decided = (x: Item) => found(dataOf(all).items, (i) => i.id === x.id, `comment ${x.id}`);
    expect(decided(toRelease)).toMatchObject({ decision: "released", edited: null });
    expect(decided(toRedact)).toMatchObject({ decision: "released", edited: REDACTED });
    expect(decided(toHide).decision).toBe("hidden");
    expect(decided(toEscalate).decision).toBe("escalated");
    const history = await trpc<{ decision: string; order_id: number | null }[]>(
      page,
      "comments.history",
      { campaignId, id: toEscalate.id },
      "query",
    );
    const latest = at(dataOf(history), 0);
    expect(latest.decision).toBe("escalated");
    expect(latest.order_id).toBeGreaterThan(0);

    // bulk: select two on the page and keep them private
    await page.getByTestId("select").nth(0).click();
    await page.getByTestId("select").nth(1).click();
    expect(await page.getByTestId("selected-count").textContent()).toContain("2");
    await settle(page, "comments-bulk-zh-desktop");
    await page.keyboard.press("p");
    await expect.poll(() => page.getByTestId("selected-count").textContent()).toContain("0");
    await visit(page, "/admin/comments/words", "comments-words-zh-desktop");
    expect(await page.getByTestId("word-list").textContent()).toContain("垃圾");
    expect(problems).toEqual([]);
    await ctx.close();

    // the teacher: exactly the released texts, the redacted one instead of its original
    const t = await as(teacher);
    await visit(t.page, "/self/comments", "comments-mine-zh-desktop");
    const mine = (await t.page.getByTestId("my-comment").allTextContents()).sort();
    const released = [toRelease.original, REDACTED].sort();
    // the two private ones may be of the same teacher: they are not released either
    expect(mine).toEqual(released);
    // a teacher cannot decide on comments: refused in their language, nothing changes
    const logged = t.problems.length;
    const refused = await trpc(t.page, "comments.decide", { campaignId, ids: [toHide.id], decision: "released" }, "mutation");
    expect(refused.status).toBe(403);
    // the browser logs the refusal provoked here ("Failed to load resource: … 403"): that one only is expected
    await expect.poll(() => t.problems.length).toBe(logged + 1);
    expect(t.problems.splice(logged)).toEqual([expect.stringContaining("status of 403")]);
    expect(JSON.stringify(refused.error)).toContain("没有权限");
    const phone = await newContext(browser, PHONE, "zh");
    const pp = await phone.newPage();
    await signInHome(pp, teacher);
    await visit(pp, "/self/comments", "comments-mine-zh-phone");
    expect(t.problems).toEqual([]);
    await phone.close();
    await t.ctx.close();
  });

  it("the review pages fit a phone, in Chinese and English", async () => {
    const { ctx, page, problems } = await as("quality", PHONE, "en");
    await visit(page, "/admin/comments", "comments-campaigns-en-phone");
    await page.getByTestId("review-link").first().click();
    await page.waitForURL(/\/admin\/comments\/\d+$/);
    await settle(page, "comments-review-en-phone");
    await ctx.close();
    const zh = await as("quality", PHONE, "zh");
    await visit(zh.page, "/admin/comments", "comments-campaigns-zh-phone");
    await zh.page.getByTestId("review-link").first().click();
    await zh.page.waitForURL(/\/admin\/comments\/\d+$/);
    await settle(zh.page, "comments-review-zh-phone");
    await visit(zh.page, "/admin/comments/words", "comments-words-zh-phone");
    expect([...problems, ...zh.problems]).toEqual([]);
    await zh.ctx.close();
  });
});
