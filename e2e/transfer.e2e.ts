import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, launch, newContext, shot, signInHome, trpc, dataOf, found } from "./browser";
import { SURVEY_PAGE, complete, fillIn } from "./fill";
import { at } from "@/server/shared/indexed";

// Changing device: a student who opened their list on a phone moves their evaluations to a
// computer with a transfer code (the server sees ciphertext only) and finishes there; the
// phone's copy of a token already used is refused as a duplicate. An alumnus who opened their
// link on one device answers on another (opening does not use the link up).

type Pending = { campaignId: number; targets: { targetId: number; courseName: string }[] }[];

let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

async function open(size: typeof DESKTOP | typeof PHONE): Promise<Page> {
  const ctx = await newContext(browser, size);
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return page;
}

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
});

// A student of the demo class no other journey signs in as (their tokens are not obtained yet).
const STUDENT = "2024020108";

describe("a student moves their evaluations to another device", () => {
  let phone: Page;
  let computer: Page;
  let campaign: Pending[number];
  const statuses = (p: Page) =>
    p
      .locator(`[data-testid="campaign-${campaign.campaignId}"] [data-status]`)
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));

  it("the phone obtains the tokens; the computer sees them started elsewhere, then takes them with the code", async () => {
    phone = await open(PHONE);
    await signInHome(phone, STUDENT);
    const pending = await trpc<Pending>(phone, "respond.pending", undefined, "query");
    expect(pending.status).toBe(200);
    campaign = at(dataOf(pending), 0);
    await expect.poll(() => statuses(phone), { timeout: 30_000 }).toEqual(campaign.targets.map(() => "todo"));

    computer = await open(DESKTOP);
    await signInHome(computer, STUDENT);
    await expect.poll(() => statuses(computer), { timeout: 30_000 }).toEqual(campaign.targets.map(() => "elsewhere"));

    await phone.getByTestId("transfer-send").click();
    const code = (await phone.getByTestId("transfer-code").innerText()).trim();
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    await shot(phone, "transfer-code-phone");

    // A wrong code is refused in words; the right one brings every evaluation over.
    await computer.getByTestId("transfer-input").fill("not-a-code");
    await computer.getByTestId("transfer-receive").click();
    await computer.getByText("转移码格式不正确").waitFor();
    await computer.getByTestId("transfer-input").fill(code);
    await computer.getByTestId("transfer-receive").click();
    await computer.getByText(/已接收 \d+ 门课程的匿名凭证/).waitFor({ timeout: 30_000 });
    const all = dataOf(await trpc<Pending>(phone, "respond.pending", undefined, "query")).flatMap((c) => c.targets).length;
    expect(await computer.getByTestId("transfer-note").innerText()).toContain(`已接收 ${all} 门课程`);
    await expect.poll(() => statuses(computer), { timeout: 30_000 }).toEqual(campaign.targets.map(() => "todo"));
    await shot(computer, "transfer-received-desktop");

    // The code works once.
    const again = await open(DESKTOP);
    await signInHome(again, STUDENT);
    await again.getByTestId("transfer-input").fill(code);
    await again.getByTestId("transfer-receive").click();
    await again.getByText("转移码无效、已使用或已过期").waitFor({ timeout: 30_000 });
  });

  it("the computer finishes an evaluation; the phone's copy of that token is refused as a duplicate", async () => {
    const first = at(campaign.targets, 0);
    await computer.locator(`[data-testid="target-${first.targetId}"] a`).click();
    await computer.waitForURL(/\/respond\//);
    await computer.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await fillIn(computer);
    await complete(computer);
    // As a student would: the confirmation first (leaving at once could cut the submission off).
    await computer.getByTestId("respond-done").waitFor({ timeout: 30_000 });
    await computer.goto("/home");
    await expect.poll(async () => (await statuses(computer))[0], { timeout: 30_000 }).toBe("submitted");

    const sent = await phone.evaluate(async (targetId) => {
      const req = indexedDB.open("tqe-respond", 1);
      const db: IDBDatabase = await new Promise((res, rej) => {
        req.onsuccess = () => res(req.result);
        req.onerror = () => rej(req.error ?? new Error("indexedDB.open failed"));
      });
      const rec = await new Promise<{ token: string; signature: string }>((res) => {
        const g = db.transaction("tokens").objectStore("tokens").get(targetId);
        g.onsuccess = () => res(g.result as { token: string; signature: string });
      });
      const r = await fetch("/api/submit", {
        method: "POST",
        credentials: "omit",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ targetId, token: rec.token, signature: rec.signature, answers: {}, declined: true, locale: "zh" }),
      });
      return { status: r.status, body: (await r.json()) as unknown };
    }, first.targetId);
    expect(sent).toEqual({ status: 200, body: { status: "duplicate" } });
  });

  it("no page error along the way", () => {
    expect(problems).toEqual([]);
  });
});

describe("an alumnus opens the link on one device and answers on another", () => {
  it("opening uses nothing; the other device answers; then the link says it was used", async () => {
    const quality = await open(DESKTOP);
    await signInHome(quality, "quality");
    const list = await trpc<{ id: number; kind: string }[]>(quality, "campaigns.list", undefined, "query");
    const wave = found(dataOf(list), (c) => c.kind === "graduate_tracking", "a graduate tracking wave");
    const csv = await quality.evaluate(async (id) => (await fetch(`/api/campaigns/${id}/invitations`)).text(), wave.id);
    const links = csv
      .split(/\r?\n/)
      .map((l) => l.match(/https?:\/\/\S+?\/i\/[A-Za-z0-9_-]{43}/)?.[0])
      .filter(Boolean) as string[];
    const path = new URL(at(links, links.length - 1)).pathname; // not the link the respond journey uses

    const phone = await open(PHONE);
    await phone.goto(path);
    await phone.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await shot(phone, "invitation-opened-phone");

    const computer = await open(DESKTOP);
    await computer.goto(path);
    await computer.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await fillIn(computer);
    await complete(computer);
    await computer.getByText("已提交，感谢您的参与").waitFor({ timeout: 30_000 });

    await phone.reload();
    await phone.getByText("该邀请链接已被使用").waitFor({ timeout: 30_000 });
    expect(await phone.locator(".sd-root-modern").count()).toBe(0);
  });
});
