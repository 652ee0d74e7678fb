import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";

export const DEMO_PASSWORD = "Demo@2026";
export const ARTIFACTS = path.join(process.cwd(), "e2e", "artifacts");

export const DESKTOP = { viewport: { width: 1366, height: 860 } };
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

export function baseURL(): string {
  return inject("baseURL");
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-quic",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

/**
 * Content-Security-Policy violations Chromium reported on any page of any context made by
 * newContext. e2e/setup/csp.ts fails every test that leaves one behind; a test that
 * provokes violations on purpose takes them with takeCspViolations().
 */
const cspViolations: string[] = [];
export function takeCspViolations(): string[] {
  return cspViolations.splice(0);
}

export async function newContext(
  browser: Browser,
  size: typeof DESKTOP | typeof PHONE = DESKTOP,
  locale: "zh" | "en" = "zh",
  base = baseURL(),
): Promise<BrowserContext> {
  const ctx = await browser.newContext({ ...size, baseURL: base, locale: locale === "zh" ? "zh-CN" : "en-US" });
  ctx.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${m.page()?.url() ?? "?"}: ${m.text()}`);
  });
  if (locale === "en") await ctx.addCookies([{ name: "NEXT_LOCALE", value: "en", url: base }]);
  return ctx;
}

export async function signIn(page: Page, number: string, password = DEMO_PASSWORD) {
  await page.goto("/signin");
  await page.locator("#number").fill(number);
  await page.locator("#password").fill(password);
  await page.locator("button[type=submit]").click();
}

/** Signs in and waits for the home page. */
export async function signInHome(page: Page, number: string, password = DEMO_PASSWORD) {
  await signIn(page, number, password);
  await page.waitForURL(/\/home/);
}

export async function shot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** tRPC over HTTP from inside the page (same origin, with the session cookie). */
export async function trpc<T>(
  p: Page,
  proc: string,
  input: unknown,
  kind: "query" | "mutation",
): Promise<{ status: number; data?: T; error?: Record<string, unknown> }> {
  return p.evaluate(
    async ({ proc, input, kind }) => {
      const body = JSON.stringify({ json: input });
      const res =
        kind === "query"
          ? await fetch(`/api/trpc/${proc}${input === undefined ? "" : `?input=${encodeURIComponent(body)}`}`)
          : await fetch(`/api/trpc/${proc}`, { method: "POST", headers: { "content-type": "application/json" }, body });
      const j = (await res.json()) as { result?: { data?: { json?: T } }; error?: { json?: Record<string, unknown> } };
      return { status: res.status, data: j.result?.data?.json, error: j.error?.json };
    },
    { proc, input, kind },
  );
}

/** The data of a tRPC call that must have answered with some: throws, with the status and error, when it has none. */
export function dataOf<T>(r: { status: number; data?: T; error?: Record<string, unknown> }): T {
  if (r.data === undefined) throw new Error(`the call answered no data (status ${r.status}): ${JSON.stringify(r.error ?? null)}`);
  return r.data;
}

/** The match of a pattern the test needs to match: throws, with the text, when it does not. */
export function matched(pattern: RegExp, text: string): RegExpExecArray {
  const m = pattern.exec(text);
  if (m === null) throw new Error(`${JSON.stringify(text)} does not match ${pattern}`);
  return m;
}

/** The first item that matches, which the test needs: throws, naming what, when there is none. */
export function found<T>(items: readonly T[], match: (item: T) => boolean, what: string): T {
  const item = items.find(match);
  if (item === undefined) throw new Error(`not found: ${what}`);
  return item;
}

/** Collects script errors and console errors (hydration mismatches included) of a page. */
export function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}${m.location().url ? ` (${m.location().url})` : ""}`);
  });
  return problems;
}

/** Waits for a page to settle (network idle, no spinner), checks nothing is wider than the screen, takes its picture. */
export async function settle(page: Page, name: string) {
  await page.waitForLoadState("networkidle");
  await expect.poll(() => page.locator(".ant-spin-spinning").count(), { timeout: 15_000 }).toBe(0);
  // Against the size the context was made with: on a phone (isMobile) a page wider than the
  // screen widens the layout viewport, so window.innerWidth grows with it and hides the overflow.
  const width = page.viewportSize()?.width ?? (await page.evaluate(() => window.innerWidth));
  const overflow = (await page.evaluate(() => document.documentElement.scrollWidth)) - width;
  expect(overflow, `${page.url()} is wider than the screen`).toBeLessThanOrEqual(0);
  await shot(page, name);
}

/** Opens a path (below 400) and settles it. */
export async function visit(page: Page, path: string, name: string) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBeLessThan(400);
  await settle(page, name);
}

/**
 * A journey file's browser and sign-ins: launches one browser for the file and closes it (and
 * every context) after; `as(number, size, locale)` signs a new context in and collects its page
 * errors and console errors into `problems` (a journey ends by expecting none); `signedOut(size)`
 * gives a page of a new context that has not signed in (on another server when given its base URL). Console errors matching `ignoreConsole`
 * (e.g. a refusal the journey provokes on purpose) are not collected.
 */
export function signedInPages(options: { ignoreConsole?: RegExp } = {}) {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });
  async function signedOut(size: typeof DESKTOP | typeof PHONE = DESKTOP, locale: "zh" | "en" = "zh", base = baseURL()): Promise<Page> {
    if (!browser) throw new Error("signedInPages: a page before the browser started");
    const ctx = await newContext(browser, size, locale, base);
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !options.ignoreConsole?.test(m.text()))
        problems.push(`console: ${m.text()}${m.location().url ? ` (${m.location().url})` : ""}`);
    });
    return page;
  }
  async function as(number: string, size: typeof DESKTOP | typeof PHONE = DESKTOP, locale: "zh" | "en" = "zh"): Promise<Page> {
    const page = await signedOut(size, locale);
    await signInHome(page, number);
    return page;
  }
  return { as, signedOut, problems };
}
