import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP, PHONE, baseURL, launch, newContext, shot, signIn, signInHome } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe("signing in", () => {
  it("a student signs in on a phone and sees this term's courses", async () => {
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    await page.goto("/");
    await page.waitForURL(/\/signin/);
    await shot(page, "signin-phone");
    await signInHome(page, "2024020101");
    await expect.poll(() => page.getByText("王蓉悦，您好").count()).toBe(1);
    const courses = page.getByTestId("studying").locator("li");
    expect(await courses.count()).toBe(6);
    expect(await page.getByTestId("studying").innerText()).toContain("软件需求工程");
    // No admin menu for a student, and the admin pages refuse.
    expect(await page.getByRole("link", { name: "数据导入" }).count()).toBe(0);
    await shot(page, "home-student-phone");
    await page.goto("/admin/people");
    expect(await page.getByTestId("forbidden").count()).toBe(1);
    await ctx.close();
  });

  it("a wrong password gets a generic error, and repeated failures are throttled", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signIn(page, "T0010", "wrong-password");
    const error = page.getByTestId("signin-error");
    await error.waitFor();
    expect(await error.innerText()).toContain("账号或密码错误");
    await signIn(page, "NOSUCHUSER", "wrong-password");
    await error.waitFor();
    expect(await error.innerText()).toContain("账号或密码错误");
    for (let i = 0; i < 4; i++) {
      await signIn(page, "T0010", "wrong-password");
      await page.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
    }
    await expect.poll(async () => error.innerText()).toContain("登录失败次数过多");
    await shot(page, "signin-throttled");
    expect(page.url()).toContain("/signin");
    await ctx.close();
  });

  it("switches to English and back", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await page.goto("/signin");
    await page.getByRole("button", { name: "English" }).click();
    await expect.poll(() => page.getByText("Use your staff or student number").count()).toBe(1);
    await signInHome(page, "T0001");
    await expect.poll(() => page.getByText("Sections I teach this term").count()).toBe(1);
    await shot(page, "home-teacher-en");
    await page.getByRole("button", { name: "中文" }).click();
    await expect.poll(() => page.getByText("本学期我任教的教学班").count()).toBe(1);
    await ctx.close();
  });

  it("signs in and out on the port it is served from, not on localhost:3000 (APP_URL unset)", async () => {
    const base = new URL(baseURL());
    expect(base.port).not.toBe("3000");
    expect(process.env.APP_URL ?? "").toBe("");
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    // next-auth's own answers name the request's origin.
    const providers = (await (await fetch(`${base.origin}/api/auth/providers`)).json()) as {
      credentials: { signinUrl: string; callbackUrl: string };
    };
    expect(new URL(providers.credentials.callbackUrl).origin).toBe(base.origin);
    await signInHome(page, "T0011");
    expect(new URL(page.url()).origin).toBe(base.origin);
    // The menu opens once the page has hydrated: a click that came before it is tried again.
    for (let i = 0; i < 10 && !(await page.getByText("退出登录").isVisible()); i++) {
      await page.locator(".ant-layout-header .ant-avatar").click();
      await page
        .getByText("退出登录")
        .waitFor({ timeout: 3_000 })
        .catch(() => undefined);
    }
    await page.getByText("退出登录").click();
    await page.waitForURL((u) => u.pathname === "/signin", { timeout: 30_000 });
    expect(new URL(page.url()).origin).toBe(base.origin);
    await page.locator("#number").waitFor();
    await shot(page, "signout-own-port");
    // A callback to another site is not followed: sign-in lands on the app's own home.
    await page.goto("/signin?callbackUrl=%2F%5Cevil.example.com%2F");
    await page.locator("#number").fill("T0011");
    await page.locator("#password").fill("Demo@2026");
    await page.locator("button[type=submit]").click();
    await page.waitForURL(/\/home/, { timeout: 30_000 });
    expect(new URL(page.url()).origin).toBe(base.origin);
    await ctx.close();
  });

  it("answers the browser's own /favicon.ico request with the app's icon", async () => {
    // Chromium asks for /favicon.ico on its own (not only through <link rel=icon>); a 404
    // there is a console error on whatever page happened to trigger it
    const res = await fetch(`${baseURL()}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });

  it("shows a 404 page for unknown pages and refuses cross-site state changes", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const res = await page.goto("/no-such-page");
    expect(res?.status()).toBe(404);
    expect(await page.getByRole("heading", { name: "页面不存在" }).count()).toBe(1);
    await ctx.close();
    const forged = await fetch(`${baseURL()}/api/trpc/me.whoami`, {
      method: "POST",
      headers: { origin: "http://evil.example.com", "content-type": "application/json" },
      body: "{}",
    });
    expect(forged.status).toBe(403);
  });
});
