/**
 * How much JavaScript the respondent form costs. Run against a running app (next start):
 *
 *   node --import tsx e2e/measure-js.ts http://127.0.0.1:3000      (or BASE_URL=… node --import tsx e2e/measure-js.ts)
 *
 * Signs in as the quality office (quality / Demo@2026), then loads with an empty cache
 * (a) /home and (b) the preview of an approved instrument version (student_evaluation if
 * there is one) in Chromium, and sums the scripts each page loads:
 *   - compressed: the bytes on the wire (Chromium's encoded body size; Content-Length as a fallback);
 *   - uncompressed: the bodies as decoded.
 * On the preview, scripts named in the page's HTML are "initial"; scripts fetched later by
 * the page's code are "lazy" — the survey bundle (survey-core, survey-react-ui), loaded
 * through next/dynamic. A script counts as survey code if it contains "sd-root-modern"
 * (a class name in survey-core's class table).
 *
 * Stylesheets are listed too (survey-core's CSS should appear on the preview only).
 * Prints details, then one line:
 *   respondent-js: initial_kb=<n> survey_lazy_kb=<n> total_kb=<n> home_kb=<n>
 * (compressed kB, 1 kB = 1024 bytes).
 */
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";

const base = (process.argv[2] ?? process.env.BASE_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const SURVEY_MARKER = "sd-root-modern";
const kb = (n: number) => Math.round(n / 102.4) / 10;

type Script = { url: string; wire: number; raw: number; encoding: string; initial: boolean; survey: boolean; css?: boolean };

/** Stylesheets seen per page (reported, not counted in the line). */
const styles = new Map<string, Script[]>();

async function measure(page: Page, path: string, ready: (p: Page) => Promise<unknown>): Promise<Script[]> {
  // An empty cache: every byte the page needs comes over the network.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const pending: Promise<Script>[] = [];
  page.on("response", (r) => {
    const type = r.request().resourceType();
    if (type !== "script" && type !== "stylesheet") return;
    pending.push((async () => {
      const body = await r.body().catch(() => Buffer.alloc(0));
      const headers = await r.allHeaders();
      const sizes = await r.request().sizes().catch(() => null);
      return {
        url: r.url(),
        // Chromium's encoded (compressed) body size; Content-Length, or the body itself, if it could not tell.
        wire: sizes?.responseBodySize || Number(headers["content-length"] ?? 0) || body.length,
        raw: body.length, encoding: headers["content-encoding"] ?? "identity",
        initial: false, survey: body.includes(SURVEY_MARKER), css: type === "stylesheet",
      };
    })());
  });
  const doc = await page.goto(base + path);
  if (!doc || doc.status() >= 400) throw new Error(`${path}: HTTP ${doc?.status()}`);
  const html = await doc.text();
  await ready(page);
  await page.waitForLoadState("networkidle");
  const all = await Promise.all(pending);
  page.removeAllListeners("response");
  await cdp.detach();
  styles.set(path, all.filter((s) => s.css));
  const out = all.filter((s) => !s.css);
  for (const s of out) s.initial = html.includes(new URL(s.url).pathname);
  return out;
}

function report(title: string, scripts: Script[]) {
  console.log(`\n${title}: ${scripts.length} scripts`);
  for (const s of [...scripts].sort((a, b) => b.raw - a.raw)) {
    console.log(`  ${kb(s.wire).toFixed(1).padStart(7)} kB wire ${kb(s.raw).toFixed(1).padStart(8)} kB raw  ${s.encoding.padEnd(8)} `
      + `${s.initial ? "initial" : "lazy   "} ${s.survey ? "survey " : "       "} ${new URL(s.url).pathname}`);
  }
}

const sum = (xs: Script[], k: "wire" | "raw") => xs.reduce((n, s) => n + s[k], 0);

async function main() {
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "zh-CN" });
    const signin = await ctx.newPage();
    await signin.goto(`${base}/signin`);
    await signin.locator("#number").fill(process.env.MEASURE_USER ?? "quality");
    await signin.locator("#password").fill(process.env.MEASURE_PASSWORD ?? "Demo@2026");
    await signin.locator("button[type=submit]").click();
    await signin.waitForURL(/\/home/);
    const list = await signin.evaluate(async () => (await (await fetch("/api/trpc/instruments.list")).json()).result?.data?.json) as
      { key: string; approved: { id: number } | null }[] | undefined;
    const target = list?.find((r) => r.key === "student_evaluation" && r.approved) ?? list?.find((r) => r.approved);
    if (!target?.approved) throw new Error("no approved instrument version to preview (is the library imported?)");
    await signin.close();

    const home = await measure(await ctx.newPage(), "/home", (p) => p.getByTestId("user-menu").waitFor());
    const preview = await measure(await ctx.newPage(), `/admin/instruments/versions/${target.approved.id}/preview`,
      (p) => p.locator(".sd-root-modern .sd-body__page").waitFor({ timeout: 60_000 }));

    report("/home", home);
    report(`/admin/instruments/versions/${target.approved.id}/preview (${target.key})`, preview);
    const initial = preview.filter((s) => s.initial);
    const lazy = preview.filter((s) => !s.initial);
    const lazySurvey = lazy.filter((s) => s.survey);
    for (const [p, css] of styles) {
      console.log(`css ${p}: ${css.map((s) => `${kb(s.wire)} kB wire/${kb(s.raw)} kB raw${s.survey ? " (survey)" : ""}`).join(", ") || "none"}`);
    }
    const encodings = [...new Set([...home, ...preview].map((s) => s.encoding))].join(",");
    console.log(`\nencoding of scripts: ${encodings} (next start compresses with gzip unless compress: false)`);
    console.log(`uncompressed: initial=${kb(sum(initial, "raw"))} kB lazy=${kb(sum(lazy, "raw"))} kB (survey code ${kb(sum(lazySurvey, "raw"))} kB) `
      + `home=${kb(sum(home, "raw"))} kB; survey code in /home: ${home.some((s) => s.survey) ? "YES" : "none"}, `
      + `in the preview's initial scripts: ${initial.some((s) => s.survey) ? "YES" : "none"}`);
    console.log(`respondent-js: initial_kb=${kb(sum(initial, "wire"))} survey_lazy_kb=${kb(sum(lazy, "wire"))} `
      + `total_kb=${kb(sum(preview, "wire"))} home_kb=${kb(sum(home, "wire"))}`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
