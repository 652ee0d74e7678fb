import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, launch, newContext, shot, signInHome, trpc, dataOf, found } from "./browser";
import { SURVEY_PAGE, complete, fillIn } from "./fill";
import { at } from "@/server/shared/indexed";

// Anonymous collection from the respondent's side, on the demo's open campaigns:
// a student on a phone completes two evaluations, declines one, and sees "3 of N done"
// (kept on the device); a second device is told the evaluations were started elsewhere;
// the quality office sees the response rate move by exactly that; an alumnus answers
// through a personal link, which then stops working.

type Pending = { campaignId: number; name: string; targets: { targetId: number; courseName: string; teacherName: string }[] }[];
type Rates = { total: { eligible: number; started: number; answered: number; declined: number; rate: number | null } };

let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

async function open(size: typeof DESKTOP | typeof PHONE, locale: "zh" | "en" = "zh"): Promise<Page> {
  const ctx = await newContext(browser, size, locale);
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

// Not the demo's listed student (2024020101): the sign-in and tour journeys open that one's
// home page, which obtains its tokens on their browser, and this journey needs a student whose
// tokens nobody has obtained yet, whatever order the files run in. Same class, same sections.
const STUDENT = "2024020107";

describe("a student evaluates their courses anonymously", () => {
  let student: Page;
  let quality: Page;
  let campaign: Pending[number];
  let before: Rates;

  const card = () => student.locator(`[data-testid="campaign-${campaign.campaignId}"]`);
  const progress = () => card().locator('[data-testid="progress"]').innerText();
  const statuses = () =>
    card()
      .locator("[data-status]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));

  it("sees the pending list with progress and gets all tokens at once", async () => {
    // The office's figures before the student comes (opening the list obtains the tokens).
    quality = await open(DESKTOP);
    await signInHome(quality, "quality");
    const list = await trpc<{ id: number; kind: string; state: string }[]>(quality, "campaigns.list", undefined, "query");
    expect(list.status, JSON.stringify(list.error)).toBe(200);
    const eot = found(dataOf(list), (c) => c.kind === "end_of_term" && c.state === "open", "an open end-of-term campaign");
    expect(eot).toBeDefined();
    const r = await trpc<Rates>(quality, "campaigns.rates", { campaignId: eot.id, by: "unit" }, "query");
    expect(r.status, JSON.stringify(r.error)).toBe(200);
    before = dataOf(r);

    student = await open(PHONE);
    await signInHome(student, STUDENT);
    const pending = await trpc<Pending>(student, "respond.pending", undefined, "query");
    expect(pending.status).toBe(200);
    campaign = found(dataOf(pending), (c) => c.campaignId === eot.id, "the student's end-of-term campaign");
    expect(campaign.targets.length).toBeGreaterThanOrEqual(3);

    await expect.poll(statuses, { timeout: 30_000 }).toEqual(campaign.targets.map(() => "todo"));
    expect(await progress()).toContain(`已完成 0/${campaign.targets.length}`);
    await shot(student, "respond-pending-phone");
  });

  it("the home and the form are light: no UI kit, tRPC client or message catalogue, the home within 150 kB", async () => {
    // What each library leaves in its code whatever the minifier does (strings it uses).
    const MARKERS = {
      "Ant Design": "__cssinjs_instance__",
      "tRPC client": "TRPCClientError",
      "react-query": "No QueryClient set",
      "next-intl in the browser": "MISSING_MESSAGE",
    };
    const load = async (path: string, ready: (p: Page) => Promise<unknown>) => {
      const p = await student.context().newPage();
      const cdp = await student.context().newCDPSession(p);
      await cdp.send("Network.enable");
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
      const scripts: Promise<{ url: string; body: string; wire: number }>[] = [];
      p.on("response", (r) => {
        if (r.request().resourceType() !== "script") return;
        scripts.push(
          (async () => ({ url: r.url(), body: await r.text().catch(() => ""), wire: (await r.request().sizes()).responseBodySize }))(),
        );
      });
      const doc = await p.goto(path);
      await ready(p);
      await p.waitForLoadState("networkidle");
      if (doc === null) throw new Error(`${path} answered no document`);
      const out = { html: await doc.text(), scripts: await Promise.all(scripts) };
      await p.close();
      return out;
    };
    const home = await load("/home", (p) =>
      p.locator(`[data-testid="campaign-${campaign.campaignId}"] [data-status="todo"]`).first().waitFor(),
    );
    const form = await load(`/respond/${campaign.campaignId}/${at(campaign.targets, 0).targetId}`, (p) =>
      p.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 }),
    );
    for (const [label, page] of [
      ["home", home],
      ["form", form],
    ] as const) {
      for (const [lib, marker] of Object.entries(MARKERS)) {
        expect(
          page.scripts.filter((x) => x.body.includes(marker)).map((x) => x.url),
          `${lib} on the ${label}`,
        ).toEqual([]);
      }
      // The admin catalogue is not handed to the page either (admin.searchPlaceholder).
      expect(page.html.includes("输入名称、代码或姓名搜索"), `the message catalogue in the ${label}'s HTML`).toBe(false);
    }
    const homeKb = home.scripts.reduce((n, x) => n + x.wire, 0) / 1024;
    expect(homeKb, "the student's home: kB of JavaScript over the wire").toBeLessThanOrEqual(150);
  });

  it("completes two evaluations, the second from the 'next' button", async () => {
    await card()
      .locator(`[data-testid="target-${at(campaign.targets, 0).targetId}"] a`)
      .click();
    await student.waitForURL(/\/respond\//);
    await student.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await expect.poll(() => student.getByTestId("respond-course").innerText()).toBe(at(campaign.targets, 0).courseName);
    await shot(student, "respond-form-phone");
    await fillIn(student);
    await complete(student);
    await student.getByText("继续评价下一门").waitFor({ timeout: 30_000 });
    await shot(student, "respond-done-phone");
    await student.getByText("继续评价下一门").click();
    await expect
      .poll(() => student.getByTestId("respond-course").innerText(), { timeout: 30_000 })
      .toBe(at(campaign.targets, 1).courseName);
    await student.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await fillIn(student);
    await complete(student);
    await student.getByTestId("respond-done").waitFor({ timeout: 30_000 });
  });

  it("declines a third, which counts as done; progress survives a reload", async () => {
    await student.goto("/home");
    const third = card().locator(`[data-testid="target-${at(campaign.targets, 2).targetId}"]`);
    await third.getByRole("button", { name: "不评价" }).click();
    await student.getByRole("dialog").getByRole("button", { name: "确定不评价" }).click();
    await expect.poll(() => third.getAttribute("data-status"), { timeout: 30_000 }).toBe("declined");
    await student.reload();
    await expect.poll(progress, { timeout: 30_000 }).toContain(`已完成 3/${campaign.targets.length}`);
    expect(await progress()).toContain("不评价 1");
    const s = await statuses();
    expect(s.slice(0, 3)).toEqual(["submitted", "submitted", "declined"]);
    await shot(student, "respond-progress-phone");
  });

  it("the same evaluation cannot be sent twice, and another device is told it was started elsewhere", async () => {
    // A second submission with the same token is acknowledged as a duplicate, never stored twice.
    const again = await student.evaluate(async (targetId) => {
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
    }, at(campaign.targets, 2).targetId);
    expect(again).toEqual({ status: 200, body: { status: "duplicate" } });

    const other = await open(DESKTOP);
    await signInHome(other, STUDENT);
    const otherCard = other.locator(`[data-testid="campaign-${campaign.campaignId}"]`);
    await expect
      .poll(() => otherCard.locator("[data-status]").evaluateAll((els) => els.map((e) => e.getAttribute("data-status"))), {
        timeout: 30_000,
      })
      .toEqual(campaign.targets.map(() => "elsewhere"));
    await otherCard.getByText("已在其他设备或浏览器上领取").first().waitFor();
    await shot(other, "respond-elsewhere-desktop");
  });

  it("the quality office sees the rate move by exactly three (answers and the decline wait sealed until the close, counted as answered)", async () => {
    const r = await trpc<Rates>(quality, "campaigns.rates", { campaignId: campaign.campaignId, by: "unit" }, "query");
    expect(dataOf(r).total.answered).toBe(before.total.answered + 3);
    expect(dataOf(r).total.declined).toBe(before.total.declined);
    expect(dataOf(r).total.eligible).toBe(before.total.eligible);
    expect(dataOf(r).total.started).toBe(before.total.started + campaign.targets.length);
  });

  it("the teacher of a running campaign sees no counts, only a rate once enough have answered, and evaluates themselves once", async () => {
    const teacher = await open(PHONE);
    await signInHome(teacher, "T0001"); // 赵强 teaches 软件需求工程, the first course the student evaluated
    const rates = teacher.locator(`[data-testid="rates-${campaign.campaignId}"]`);
    await rates.waitFor({ timeout: 30_000 });
    const text = await rates.innerText();
    expect(text).toContain("软件需求工程");
    // One answer so far: below the minimum of raters, so neither a count nor a rate.
    expect(text).not.toMatch(/已评|不评价 \d|放弃评价 \d/);
    expect(text).toContain("至少 5 人作答后显示");
    expect(text).not.toContain(STUDENT);
    const fromApi = await trpc<{ campaignId: number; rows: Record<string, unknown>[] }[]>(teacher, "me.sectionRates", undefined, "query");
    for (const row of found(dataOf(fromApi), (c) => c.campaignId === campaign.campaignId, "the campaign's rates").rows) {
      expect(row.answered ?? null).toBeNull();
      expect(row.declined ?? null).toBeNull();
      expect(row.started ?? null).toBeNull();
    }
    const direct = await trpc<{ rows: Record<string, unknown>[] }>(
      teacher,
      "campaigns.rates",
      { campaignId: campaign.campaignId },
      "query",
    );
    for (const row of dataOf(direct).rows) expect(row.declined ?? null).toBeNull();
    const self = teacher.getByTestId("self-evaluations");
    await self.waitFor();
    await shot(teacher, "teacher-home-phone");
    await self.getByRole("button", { name: "去自评" }).first().click();
    await teacher.waitForURL(/\/self\//);
    await teacher.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await fillIn(teacher);
    await complete(teacher);
    await teacher.getByText("自评已提交").waitFor({ timeout: 30_000 });
    await teacher.goto("/home");
    await expect
      .poll(async () => (await teacher.getByTestId("self-evaluations").innerText()).includes("已提交"), { timeout: 30_000 })
      .toBe(true);
  });

  // After the office's count of obtained tokens above: these two students obtain theirs too.
  it("the student's home and form on a desktop (Chinese) and on a phone in English", async () => {
    for (const [number, size, locale, label] of [
      ["2024020111", DESKTOP, "zh", "desktop"],
      ["2024020112", PHONE, "en", "phone-en"],
    ] as const) {
      const p = await open(size, locale);
      await signInHome(p, number);
      await p.locator('[data-status="todo"]').first().waitFor({ timeout: 30_000 });
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, "the home is no wider than the screen").toBeLessThanOrEqual(0);
      await shot(p, `respond-home-${label}`);
      await p.locator('[data-status="todo"] a').first().click();
      await p.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
      await shot(p, `respond-form-${label}`);
      await p.context().close();
    }
  });

  it("no page error along the way", () => {
    expect(problems).toEqual([]);
  });
});

describe("an alumnus answers through a personal link", () => {
  it("the link works once, then says it was used", async () => {
    const quality = await open(DESKTOP);
    await signInHome(quality, "quality");
    const list = await trpc<{ id: number; kind: string }[]>(quality, "campaigns.list", undefined, "query");
    expect(list.status, JSON.stringify(list.error)).toBe(200);
    const wave = found(dataOf(list), (c) => c.kind === "graduate_tracking", "a graduate tracking wave");
    expect(wave).toBeDefined();
    const csv = await quality.evaluate(async (id) => (await fetch(`/api/campaigns/${id}/invitations`)).text(), wave.id);
    const link = csv
      .split(/\r?\n/)
      .map((l) => l.match(/https?:\/\/\S+?\/i\/[A-Za-z0-9_-]{43}/)?.[0])
      .find(Boolean);
    expect(link).toBeDefined();
    if (link === undefined) throw new Error("no invitation link in the export");
    const path = new URL(link).pathname;

    const alumnus = await open(PHONE);
    await alumnus.goto(path);
    await alumnus.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await shot(alumnus, "invitation-form-phone");
    await fillIn(alumnus);
    await complete(alumnus);
    await alumnus.getByText("已提交，感谢您的参与").waitFor({ timeout: 30_000 });
    await shot(alumnus, "invitation-thanks-phone");

    // The same browser later: thanked again. Anyone else with the link: used up.
    await alumnus.reload();
    await alumnus.getByText("已提交，感谢您的参与").waitFor({ timeout: 30_000 });
    const stranger = await open(DESKTOP);
    await stranger.goto(path);
    await stranger.getByText("该邀请链接已被使用").waitFor({ timeout: 30_000 });
    expect(await stranger.locator(".sd-root-modern").count()).toBe(0);
    await shot(stranger, "invitation-used-desktop");
    // A made-up link is refused.
    await stranger.goto(`/i/${"A".repeat(43)}`);
    await stranger.getByText("邀请链接无效").waitFor({ timeout: 30_000 });
  });
});
