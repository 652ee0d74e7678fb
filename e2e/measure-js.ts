/**
 * How much JavaScript a student's pages cost, and how soon the answer form can be used.
 *
 *   npm run measure:js                       builds what is missing, starts everything itself
 *   npm run measure:js -- http://127.0.0.1:3000   (or BASE_URL=…) against an app already running
 *
 * 1. The app. Without a URL: `next build` unless .next has a build, a fresh embedded
 *    database with the demo university (server/cli.ts prepare), `next start` on a free port
 *    (the e2e harness's own startApp).
 * 2. The bare page, the yardstick: a throwaway Next.js app written to .data/measure-bare/
 *    (git-ignored, never part of the production app) whose only page renders the demo's
 *    student_evaluation survey with survey-core + survey-react-ui and nothing else (the
 *    survey JSON reaches it the way it reaches the app's form: as data of the server page,
 *    not as code). Built once per version of Next/SurveyJS (a stamp file), started on a
 *    free port, stopped at the end.
 * 3. In Chromium on a phone (390×844), signed in as a student (MEASURE_STUDENT, default
 *    2024020105, with evaluations to do in the demo), with an empty cache each time, the
 *    scripts each page loads are summed, bytes on the wire (gzip, as next start sends them):
 *      home  = /home, once the pending list shows each evaluation's state;
 *      form  = the answer form of the first evaluation to do, once the survey's first page
 *              is on screen (the page's own scripts and the survey bundle it loads);
 *      bare  = the bare page, once the survey's first page is on screen.
 *    Then the answer form again with the CPU slowed 4× (CDP Emulation.setCPUThrottlingRate):
 *    interactive_ms = from the start of navigation until the first question shows an answer
 *    tapped on it: its first option is tapped as soon as it is on screen (and again until it
 *    takes), on whichever form is there, the plain first page the server renders
 *    (server/instruments/plain.ts) or SurveyJS's. It counts only if the answer survives: the
 *    measurement waits for SurveyJS to mount (still at 4×) and fails unless SurveyJS shows that
 *    same option chosen in its first question. The time SurveyJS mounted is printed too.
 *
 * Prints every script, then one line (kB = 1024 bytes, compressed):
 *   respondent-js: home_kb=<n> form_kb=<n> bare_kb=<n> ratio=<form/bare> interactive_ms=<n>
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { startApp } from "./setup/server";

const root = process.cwd();
const kb = (n: number) => Math.round(n / 102.4) / 10;
const SURVEY_PAGE = ".sd-root-modern .sd-body__page";
/** The answer page's plain first page, shown until SurveyJS mounts (app/_student/RespondForm.tsx). */
const PLAIN_PAGE = '[data-testid="plain-form"]';

type Script = { url: string; wire: number; raw: number; encoding: string; initial: boolean };

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], cwd: opts.cwd ?? root, env: opts.env ?? process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${r.status}`);
}

// ---- The bare page (a throwaway app) ----

const BARE_DIR = path.join(root, ".data", "measure-bare");

function versionOf(pkg: string): string {
  return (JSON.parse(readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
}

/** Writes the bare app and builds it unless a build of the same versions is there. */
function buildBare() {
  const stamp = `next ${versionOf("next")}, react ${versionOf("react")}, survey ${versionOf("survey-react-ui")}, layout 2`;
  const stampFile = path.join(BARE_DIR, "stamp.txt");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp && existsSync(path.join(BARE_DIR, ".next", "BUILD_ID"))) return;
  rmSync(BARE_DIR, { recursive: true, force: true });
  mkdirSync(path.join(BARE_DIR, "app"), { recursive: true });
  const files: Record<string, string> = {
    // node_modules: the repository's (resolution walks up from .data/measure-bare).
    "package.json": JSON.stringify({ name: "measure-bare", private: true }),
    "next.config.js": `module.exports = { turbopack: { root: ${JSON.stringify(root)} }, outputFileTracingRoot: ${JSON.stringify(root)} };\n`,
    "app/layout.jsx": `export default function Layout({ children }) { return <html lang="zh-CN"><body>{children}</body></html>; }\n`,
    "app/page.jsx": [
      `import { readFileSync } from "node:fs";`,
      `import BareSurvey from "./BareSurvey";`,
      `export const dynamic = "force-dynamic";`,
      `export default function Page() {`,
      `  const file = JSON.parse(readFileSync(${JSON.stringify(path.join(root, "surveys", "student_evaluation.json"))}, "utf8"));`,
      `  return <BareSurvey json={file.survey} />;`,
      `}`,
    ].join("\n"),
    "app/BareSurvey.jsx": [
      `"use client";`,
      `import { useState } from "react";`,
      `import { Model } from "survey-core";`,
      `import { Survey } from "survey-react-ui";`,
      `import "survey-core/survey-core.fontless.css";`,
      `export default function BareSurvey({ json }) {`,
      `  const [model] = useState(() => new Model(json));`,
      `  return <Survey model={model} />;`,
      `}`,
    ].join("\n"),
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(BARE_DIR, f), text);
  console.log("measure-js: building the bare SurveyJS page in .data/measure-bare …");
  run("npx", ["next", "build"], { cwd: BARE_DIR, env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } });
  writeFileSync(stampFile, stamp);
}

/** `next start` of the bare app on a free port. */
async function startBare(): Promise<{ base: string; stop: () => void }> {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const child = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: BARE_DIR,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "ignore",
    detached: true,
  });
  const stop = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
    } catch {
      /* gone */
    }
  };
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ;) {
    try {
      if ((await fetch(base)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error("the bare app did not start");
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { base, stop };
}

// ---- The app (unless a URL is given) ----

async function startOwnApp(): Promise<{ base: string; stop: () => void }> {
  const dataDir = path.join(root, ".data", "measure-js", String(process.pid));
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGLITE_DIR: path.join(dataDir, "pglite"),
    DEMO_SEED: "auto",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? "measure-secret-measure-secret-measure-0000",
  };
  delete env.DATABASE_URL;
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) run("npx", ["next", "build"], { env: { ...env, NODE_ENV: "production" } });
  run(process.execPath, ["--import", "tsx", "server/cli.ts", "prepare"], { env });
  const app = await startApp(env);
  return {
    base: app.base,
    stop: () => {
      app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---- Measuring ----

async function measure(page: Page, url: string, ready: (p: Page) => Promise<unknown>): Promise<Script[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const pending: Promise<Script>[] = [];
  page.on("response", (r) => {
    if (r.request().resourceType() !== "script") return;
    pending.push(
      (async () => {
        const body = await r.body().catch(() => Buffer.alloc(0));
        const headers = await r.allHeaders();
        const sizes = await r
          .request()
          .sizes()
          .catch(() => null);
        return {
          url: r.url(),
          wire: sizes?.responseBodySize || Number(headers["content-length"] ?? 0) || body.length,
          raw: body.length,
          encoding: headers["content-encoding"] ?? "identity",
          initial: false,
        };
      })(),
    );
  });
  const doc = await page.goto(url);
  if (!doc || doc.status() >= 400) throw new Error(`${url}: HTTP ${doc?.status()}`);
  const html = await doc.text();
  await ready(page);
  await page.waitForLoadState("networkidle");
  const out = await Promise.all(pending);
  page.removeAllListeners("response");
  await cdp.detach();
  for (const s of out) s.initial = html.includes(new URL(s.url).pathname);
  return out;
}

const sum = (xs: Script[], k: "wire" | "raw" = "wire") => xs.reduce((n, s) => n + s[k], 0);

function report(title: string, scripts: Script[]) {
  console.log(`\n${title}: ${scripts.length} scripts, ${kb(sum(scripts))} kB wire, ${kb(sum(scripts, "raw"))} kB raw`);
  for (const s of [...scripts].sort((a, b) => b.wire - a.wire)) {
    console.log(
      `  ${kb(s.wire).toFixed(1).padStart(7)} kB wire ${kb(s.raw).toFixed(1).padStart(8)} kB raw  ${s.encoding.padEnd(8)} ` +
        `${s.initial ? "initial" : "lazy   "} ${new URL(s.url).pathname}`,
    );
  }
}

/**
 * Milliseconds from the start of navigation until the form's first question takes an answer,
 * CPU 4× slower. The first option of the first question is tapped (CDP mouse events at its
 * place, no automation script in the page) as soon as it exists, on the plain first page or
 * on SurveyJS's (whichever is on screen), and again every 50 ms until it shows chosen: a tap
 * before hydration is lost on a page whose controls need script, as a person's would be. The
 * time is the page's own clock at the frame the choice shows (SurveyJS: its "selected" class
 * appears, seen by a MutationObserver; the plain page: the native radio's change event, then
 * the next animation frame, the frame that paints it). Both are set up before the page's
 * scripts, through CDP, outside the page's Content-Security-Policy.
 *
 * An answer that SurveyJS would then drop is no answer: after the tap the measurement waits
 * (still at 4×) for SurveyJS's first page and throws unless its first question shows the first
 * option chosen. Returns the time the answer showed and the time SurveyJS's page appeared.
 */
async function interactive(ctx: BrowserContext, url: string): Promise<{ answered: number; mounted: number }> {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const options = ":is(.sd-rating__item, .sd-item__control-label, .sd-selectbase__label)";
  const item = `:is(${SURVEY_PAGE}, ${PLAIN_PAGE}) ${options}`;
  const selected = `${SURVEY_PAGE} :is(.sd-rating__item--selected, .sd-item--checked)`;
  await page.addInitScript(
    ({ selected, surveyPage, plainPage }) => {
      const w = window as unknown as { __tapTaken?: number; __surveyShown?: number };
      new MutationObserver((_, obs) => {
        if (!w.__surveyShown && document.querySelector(surveyPage)) w.__surveyShown = performance.now();
        if (!w.__tapTaken && document.querySelector(selected)) w.__tapTaken = performance.now();
        if (w.__tapTaken && w.__surveyShown) obs.disconnect();
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
      document.addEventListener(
        "change",
        (e) => {
          const t = e.target as HTMLInputElement;
          if (t.type === "radio" && t.checked && t.closest(plainPage))
            requestAnimationFrame(() => {
              w.__tapTaken ??= performance.now();
            });
        },
        true,
      );
    },
    { selected, surveyPage: SURVEY_PAGE, plainPage: PLAIN_PAGE },
  );
  await page.goto(url, { waitUntil: "commit" });
  const probe = `(() => { const w = window; if (w.__tapTaken) return { at: w.__tapTaken };
    const el = [...document.querySelectorAll(${JSON.stringify(item)})].find((e) => e.getClientRects().length > 0); if (!el) return null;
    el.scrollIntoView({ block: "center" }); const b = el.getBoundingClientRect();
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; })()`;
  // SurveyJS's first question: whether its first option is the one chosen, once it is there.
  const kept = `(() => { const w = window; const q = document.querySelector(${JSON.stringify(`${SURVEY_PAGE} .sd-question:not(.sd-question--html)`)});
    const first = q && q.querySelector(${JSON.stringify(`:is(.sd-rating__item, .sd-selectbase__item)`)});
    return w.__surveyShown && first ? { kept: first.matches(".sd-rating__item--selected, .sd-item--checked"), mounted: w.__surveyShown } : null; })()`;
  const evaluate = async <T>(expression: string) =>
    (await cdp.send("Runtime.evaluate", { expression, returnByValue: true }).catch(() => null))?.result.value as T | null | undefined;
  let answered: number | null = null;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline;) {
    if (answered === null) {
      const v = await evaluate<{ at?: number; x?: number; y?: number }>(probe);
      if (v?.at) answered = Math.round(v.at);
      else if (v?.x !== undefined && v.y !== undefined) {
        for (const type of ["mousePressed", "mouseReleased"] as const) {
          await cdp.send("Input.dispatchMouseEvent", { type, x: v.x, y: v.y, button: "left", clickCount: 1 }).catch(() => {});
        }
      }
    } else {
      const k = await evaluate<{ kept: boolean; mounted: number }>(kept);
      if (k) {
        await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
        await page.close();
        if (!k.kept) throw new Error(`${url}: the answer tapped at ${answered} ms was lost when SurveyJS mounted`);
        return { answered, mounted: Math.round(k.mounted) };
      }
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`${url}: ${answered === null ? "the form never took an answer" : "SurveyJS never mounted"}`);
}

async function main() {
  const given = process.argv[2] ?? process.env.BASE_URL;
  buildBare();
  const app = given ? { base: given.replace(/\/$/, ""), stop: () => {} } : await startOwnApp();
  const bare = await startBare();
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: "zh-CN" };
    const ctx = await browser.newContext({ ...phone, baseURL: app.base });
    const signin = await ctx.newPage();
    await signin.goto("/signin");
    await signin.locator("#number").fill(process.env.MEASURE_STUDENT ?? "2024020105");
    await signin.locator("#password").fill(process.env.MEASURE_PASSWORD ?? "Demo@2026");
    await signin.locator("button[type=submit]").click();
    await signin.waitForURL(/\/home/);
    // The first visit obtains this device's anonymous tokens; the measured visits come after.
    await signin
      .locator('[data-status="todo"]')
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(() => {
        throw new Error("no evaluation to do on this device for this student (a fresh database, or MEASURE_STUDENT=…)");
      });
    const formPath = await signin.locator('[data-status="todo"] a[href^="/respond/"]').first().getAttribute("href");
    await signin.close();
    if (formPath === null) throw new Error("the student's evaluation link has no href");

    const home = await measure(await ctx.newPage(), "/home", (p) => p.locator("[data-status]").first().waitFor());
    const form = await measure(await ctx.newPage(), formPath, (p) => p.locator(SURVEY_PAGE).waitFor({ timeout: 60_000 }));
    const bareCtx = await browser.newContext({ ...phone });
    const barePage = await measure(await bareCtx.newPage(), bare.base + "/", (p) => p.locator(SURVEY_PAGE).waitFor({ timeout: 60_000 }));
    const ms = await interactive(ctx, formPath);
    const bareMs = await interactive(bareCtx, bare.base + "/");
    await bareCtx.close();

    report("/home (student)", home);
    report(`${formPath} (student's answer form)`, form);
    report("bare SurveyJS page (.data/measure-bare)", barePage);
    console.log(`\nencodings: ${[...new Set([...home, ...form, ...barePage].map((s) => s.encoding))].join(",")}`);
    console.log(
      `interactive (CPU 4x slower): form answered at ${ms.answered} ms (SurveyJS mounted at ${ms.mounted} ms, the answer kept), ` +
        `bare page answered at ${bareMs.answered} ms (mounted at ${bareMs.mounted} ms)`,
    );
    console.log(
      `form: initial ${kb(sum(form.filter((s) => s.initial)))} kB + loaded by the page ${kb(sum(form.filter((s) => !s.initial)))} kB`,
    );
    const [h, f, b] = [kb(sum(home)), kb(sum(form)), kb(sum(barePage))];
    console.log(
      `respondent-js: home_kb=${h} form_kb=${f} bare_kb=${b} ratio=${(sum(form) / sum(barePage)).toFixed(2)} interactive_ms=${ms.answered}`,
    );
    await ctx.close();
  } finally {
    await browser.close();
    bare.stop();
    app.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
