import http from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { STATUS_PATH, startingHandler } from "@/server/demo/page";
import { freePort } from "./setup/server";
import { Progress } from "@/server/demo/progress";
import { DESKTOP, PHONE, launch, newContext, shot } from "./browser";

// The page `npm run demo` serves on the app's port while it prepares the data and builds the
// app: what it is doing and how far it is, kept current, under its own strict
// Content-Security-Policy; then, when the launcher hands the port to the app, the browser
// lands on the sign-in page by itself. The launcher's server is the one here (startingHandler),
// fed the lines a real start prints; the app is a stand-in that answers /signin.
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

function serve(port: number, handler: http.RequestListener): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A browser on the port (newContext: its Content-Security-Policy violations fail the test too). */
async function open(port: number, size: typeof DESKTOP | typeof PHONE, locale: "zh" | "en") {
  const ctx = await newContext(browser, size, locale, `http://127.0.0.1:${port}`);
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // expected: the document answers 503 (Service Unavailable, Retry-After) on purpose, and the
    // page's probes are refused for the moment the port has nobody (the handover); nothing else
    if (m.type() === "error" && !/status of 503|ERR_CONNECTION_REFUSED/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  const res = await page.goto("/");
  if (res === null) throw new Error("the start page answered no document");
  return { ctx, page, problems, res };
}

const percent = (page: Page) => page.locator("#percent").innerText();
const stateOf = (page: Page, step: string) => page.locator(`li[data-step="${step}"]`).getAttribute("data-state");

describe("the starting page of npm run demo", () => {
  it("shows each step and an estimate, kept current, then hands over to the sign-in page", async () => {
    const port = await freePort();
    const start = Date.now();
    const progress = new Progress(start);
    progress.dataLine("Opening the embedded database in .data/pglite and applying migrations…", start);
    progress.buildLine("  Creating an optimized production build ...", start);
    let placeholder = await serve(
      port,
      startingHandler(() => progress.snapshot(Date.now())),
    );

    const { ctx, page, problems, res } = await open(port, DESKTOP, "zh");
    expect(res.status()).toBe(503);
    const csp = res.headers()["content-security-policy"];
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(await page.locator("h1").innerText()).toBe("正在启动");
    expect(await page.locator("li[data-step]").count()).toBe(6);
    expect(await stateOf(page, "compile")).toBe("running");
    expect(await stateOf(page, "database")).toBe("running");
    const first = await percent(page);
    expect(first).toMatch(/^约 \d+%$/);
    await shot(page, "starting-zh-desktop");

    // the seed goes on: the page follows without a reload
    progress.dataLine("Seeding the demo university (示范大学)…", Date.now());
    progress.dataLine(
      'Demo campaign "计算机与信息工程学院 2026-2027-1 学期期末学生评教": 44 targets, 2373 raters; making signing keys…',
      Date.now(),
    );
    await expect.poll(() => stateOf(page, "demo"), { timeout: 5_000 }).toBe("running");
    await expect.poll(() => stateOf(page, "database")).toBe("done");
    expect(await page.locator('li[data-step="demo"] .detail').innerText()).toContain("学期期末学生评教 · 44");
    await expect.poll(() => page.locator("#line").innerText()).toMatch(/已用 \d+ 秒，约还需 \d+ 秒/);
    await shot(page, "starting-seeding-zh-desktop");

    // the launcher hands the port to the app: a moment of nothing, then the app
    await close(placeholder);
    await new Promise((r) => setTimeout(r, 1500));
    const app = await serve(port, (req, res) => {
      if (req.url === "/") {
        res.writeHead(307, { Location: "/signin" });
        res.end();
        return;
      }
      if (req.url === "/favicon.ico") {
        res.writeHead(204);
        res.end();
        return;
      }
      if (req.url?.startsWith("/signin")) {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        res.end(
          '<!doctype html><html lang="zh-CN"><title>登录</title><form><input id="number"><input id="password" type="password"></form></html>',
        );
        return;
      }
      res.writeHead(404);
      res.end();
    });
    await page.waitForURL(/\/signin$/, { timeout: 15_000 });
    expect(await page.locator("#password").count()).toBe(1);
    expect(problems).toEqual([]);
    await ctx.close();
    await close(app);

    // a phone, in English (the language chosen in the app: its cookie)
    placeholder = await serve(
      port,
      startingHandler(() => progress.snapshot(Date.now())),
    );
    const phone = await open(port, PHONE, "en");
    expect(await phone.page.locator("h1").innerText()).toBe("Starting");
    expect(await percent(phone.page)).toMatch(/^about \d+%$/);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(phone.page, "starting-en-phone");
    expect(phone.problems).toEqual([]);
    await phone.ctx.close();
    const zhPhone = await open(port, PHONE, "zh");
    await shot(zhPhone.page, "starting-zh-phone");
    await zhPhone.ctx.close();

    // requests of the app meanwhile: a short answer saying so, not the page
    const api = await fetch(`http://127.0.0.1:${port}/api/submit`, { method: "POST", body: "{}" });
    expect(api.status).toBe(503);
    expect(api.headers.get("retry-after")).toBe("5");
    expect(z.object({ error: z.string() }).parse(await api.json()).error).toContain("正在启动");
    const status: unknown = await (await fetch(`http://127.0.0.1:${port}${STATUS_PATH}`)).json();
    expect(status).toMatchObject({ starting: true, state: "running" });
    await close(placeholder);
  });

  it("says so when the start fails, naming what failed", async () => {
    const port = await freePort();
    const progress = new Progress(Date.now());
    progress.buildLine("  Creating an optimized production build ...", Date.now());
    const server = await serve(
      port,
      startingHandler(() => progress.snapshot(Date.now())),
    );
    const { ctx, page, problems } = await open(port, DESKTOP, "zh");
    progress.buildDone(false, Date.now(), "next build 以代码 1 退出");
    await expect.poll(() => page.locator("#line").innerText(), { timeout: 5_000 }).toContain("启动失败：next build 以代码 1 退出");
    expect(await stateOf(page, "compile")).toBe("failed");
    await shot(page, "starting-failed-zh-desktop");
    expect(problems).toEqual([]);
    await ctx.close();
    await close(server);
  });
});
