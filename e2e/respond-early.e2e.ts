import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page, Route } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS, PHONE, signedInPages, trpc, dataOf, found } from "./browser";
import { SURVEY_PAGE, complete, fillIn } from "./fill";
import { at } from "@/server/shared/indexed";

// Answering before SurveyJS has loaded: the answer page shows its first page as plain HTML
// (server/instruments/plain.ts) until SurveyJS mounts. On a slow phone a student answers
// there; here SurveyJS's code is held back (page.route) while they do. What they tapped
// survives the swap, the swap moves nothing on the screen, a tap on the copy's "next" is
// carried out once SurveyJS is there (validated as SurveyJS does), and the evaluation is
// submitted and counted once.

type Pending = { campaignId: number; targets: { targetId: number; courseName: string }[] }[];
type Rates = { total: { answered: number } };

const { as, problems } = signedInPages();
const DESKTOP_1280 = { viewport: { width: 1280, height: 800 } };
// Students no other journey uses (their tokens are obtained here).
const [STUDENT, STUDENT_DESKTOP] = ["2024020115", "2024020116"];

const PLAIN = '[data-testid="plain-form"]';
const CHUNKS = "**/_next/static/chunks/**";

/**
 * Opens a page of the context whose scripts that carry SurveyJS ("sd-root-modern": survey-core
 * and survey-react-ui) are held until release() (one route handler, removed by release once its calls are done). The
 * answer page imports SurveyJS with its own scripts, so the page is not hydrated meanwhile:
 * the plain copy alone is there, as on a phone still downloading.
 */
async function heldPage(from: Page): Promise<{ page: Page; release: () => Promise<void>; held: () => number }> {
  const page = await from.context().newPage();
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  let open!: () => void;
  const gate = new Promise<void>((res) => {
    open = res;
  });
  let held = 0;
  const handler = async (route: Route) => {
    const response = await route.fetch();
    const body = await response.body();
    // Scripts only: the stylesheets (SurveyJS's among them) block rendering, and a phone has them early.
    if (route.request().resourceType() === "script" && body.includes("sd-root-modern")) {
      held++;
      await gate;
    }
    await route.fulfill({ response, body });
  };
  await page.route(CHUNKS, handler);
  return {
    page,
    held: () => held,
    // The held calls go on once the gate opens; the route goes only when they are done
    // (removing it under a running call makes that call's fulfill fail: "Route is already handled").
    release: async () => {
      open();
      await page.unrouteAll({ behavior: "wait" });
    },
  };
}

/** What is on the screen (not the whole page: a full-page picture resizes the viewport), to set the copy beside the form. */
async function view(p: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** Each question's box and the navigation button's, in page coordinates, on the copy or on SurveyJS's form. */
async function layout(p: Page, which: "plain" | "survey") {
  return p.evaluate(
    ({ which, plain, survey }) => {
      const root = document.querySelector(which === "plain" ? plain : survey.replace(/ \.sd-body__page$/, ""));
      if (root === null) throw new Error(`no ${which} form on the page`);
      const questions = [...root.querySelectorAll(which === "plain" ? "[data-plain-question]" : ".sd-body__page .sd-question[data-name]")];
      const box = (el: Element | null) => {
        if (!el) return null;
        const r = el.getBoundingClientRect();
        return [Math.round(r.left), Math.round(r.top + window.scrollY), Math.round(r.width), Math.round(r.height)];
      };
      const name = (q: Element) => q.getAttribute(which === "plain" ? "data-plain-question" : "data-name");
      return {
        questions: Object.fromEntries(questions.map((q) => [String(name(q)), box(q)] as const)),
        titles: Object.fromEntries(questions.map((q) => [String(name(q)), box(q.querySelector(".sd-question__title"))] as const)),
        nav: box(root.querySelector(".sd-navigation__next-btn, .sd-navigation__complete-btn")),
        scrollY: Math.round(window.scrollY),
      };
    },
    { which, plain: PLAIN, survey: SURVEY_PAGE },
  );
}

/** Taps an option of a question on the plain copy (the n-th label, as a person would). */
async function tapOnCopy(p: Page, question: string, n: number) {
  await p.locator(`${PLAIN} [data-plain-question="${question}"] .sd-selectbase__label`).nth(n).click();
}

/** The option SurveyJS shows chosen in a question, by its text. */
async function chosenInSurvey(p: Page, question: string) {
  return p.locator(`${SURVEY_PAGE} .sd-question[data-name="${question}"] .sd-item--checked .sd-item__control-label`).innerText();
}

async function openCopy(from: Page, targetId: number, campaignId: number) {
  const h = await heldPage(from);
  // Not "load": the page's scripts are held, so it does not load until release().
  await h.page.goto(`/respond/${campaignId}/${targetId}`, { waitUntil: "commit" });
  await h.page.locator(`${PLAIN} [data-plain-question]`).first().waitFor({ timeout: 30_000 });
  await expect.poll(h.held, { timeout: 30_000 }).toBeGreaterThan(0);
  expect(await h.page.locator("[data-survey-ready]").count(), "SurveyJS has not mounted").toBe(0);
  return h;
}

/** Checks that the mounted form lies exactly where the copy was (1 px), and that nothing scrolled. */
async function expectSameLayout(p: Page, before: Awaited<ReturnType<typeof layout>>) {
  // SurveyJS adapts its layout to the width in the frames after it mounts: compare once settled.
  await p.waitForTimeout(500);
  const after = await layout(p, "survey");
  expect(after.scrollY, "the swap scrolled the page").toBe(before.scrollY);
  const close = (a: number[] | null, b: number[] | null, what: string) => {
    expect(a && b, what).toBeTruthy();
    if (a === null || b === null) throw new Error(`${what}: a box is missing`);
    a.forEach((v, i) =>
      expect(Math.abs(v - at(b, i)), `${what}: ${JSON.stringify(b)} on the copy, ${JSON.stringify(a)} on SurveyJS`).toBeLessThanOrEqual(1),
    );
  };
  expect(Object.keys(after.questions)).toEqual(Object.keys(before.questions));
  for (const q of Object.keys(before.questions)) {
    close(after.questions[q] ?? null, before.questions[q] ?? null, `question ${q}`);
    close(after.titles[q] ?? null, before.titles[q] ?? null, `title of ${q}`);
  }
  close(after.nav, before.nav, "the navigation button");
}

describe("a student answers before SurveyJS has loaded", () => {
  let student: Page;
  let quality: Page;
  let campaign: Pending[number];
  let eotId: number;
  const answered = async () => {
    const r = await trpc<Rates>(quality, "campaigns.rates", { campaignId: eotId, by: "unit" }, "query");
    expect(r.status, JSON.stringify(r.error)).toBe(200);
    return dataOf(r).total.answered;
  };
  const statuses = () =>
    student
      .locator(`[data-testid="campaign-${campaign.campaignId}"] [data-status]`)
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));

  it("the answers given on the copy survive the swap, which moves nothing; the evaluation is submitted and counted once", async () => {
    quality = await as("quality");
    const list = await trpc<{ id: number; kind: string; state: string }[]>(quality, "campaigns.list", undefined, "query");
    eotId = found(dataOf(list), (c) => c.kind === "end_of_term" && c.state === "open", "an open end-of-term campaign").id;

    student = await as(STUDENT, PHONE);
    const pending = await trpc<Pending>(student, "respond.pending", undefined, "query");
    campaign = found(dataOf(pending), (c) => c.campaignId === eotId, "the student's end-of-term campaign");
    expect(campaign.targets.length).toBeGreaterThanOrEqual(3);
    await expect.poll(statuses, { timeout: 30_000 }).toEqual(campaign.targets.map(() => "todo"));
    const before = await answered();

    const { page, release } = await openCopy(student, at(campaign.targets, 0).targetId, campaign.campaignId);
    // Every question of the first page but the last, on the copy: the n-th option of the n-th (mod 5).
    const names = await page.locator(`${PLAIN} [data-plain-question]`).evaluateAll((els) =>
      els.map((e) => {
        const name = e.getAttribute("data-plain-question");
        if (name === null) throw new Error("a plain question without its name");
        return name;
      }),
    );
    expect(names.length).toBeGreaterThan(3);
    const labels: Record<string, string> = {};
    for (const [i, q] of names.slice(0, -1).entries()) {
      await tapOnCopy(page, q, i % 5);
      labels[q] = (
        await page
          .locator(`${PLAIN} [data-plain-question="${q}"] .sd-selectbase__label`)
          .nth(i % 5)
          .innerText()
      ).trim();
    }
    // Halfway down the page, where a student would be when SurveyJS arrives.
    await page.evaluate(() => window.scrollTo(0, Math.round(document.documentElement.scrollHeight / 3)));
    await page.waitForTimeout(200);
    const copy = await layout(page, "plain");
    expect(copy.scrollY).toBeGreaterThan(0);
    await view(page, "respond-early-copy-phone");

    await release();
    await page.locator(SURVEY_PAGE).waitFor({ timeout: 60_000 });
    expect(await page.locator(PLAIN).isHidden(), "the copy hides once SurveyJS shows").toBe(true);
    await expectSameLayout(page, copy);
    await view(page, "respond-early-mounted-phone");
    for (const q of names.slice(0, -1)) expect((await chosenInSurvey(page, q)).trim(), `answer to ${q}`).toBe(labels[q]);

    // SurveyJS carries on from there: the last question, the second page, complete.
    await page
      .locator(`${SURVEY_PAGE} .sd-question[data-name="${names.at(-1)}"] .sd-selectbase__item label`)
      .first()
      .click();
    await page.locator("[data-survey-ready] .sd-navigation__next-btn:visible").click();
    await fillIn(page);
    await complete(page);
    await page.getByTestId("respond-done").waitFor({ timeout: 30_000 });
    await page.close();

    await student.reload();
    await expect.poll(async () => (await statuses())[0], { timeout: 30_000 }).toBe("submitted");
    await expect.poll(answered).toBe(before + 1);
  });

  it("a tap on the copy's 'next' shows as pending and is carried out when SurveyJS mounts, after SurveyJS's checks", async () => {
    const before = await answered();

    // Everything answered: the tap takes the student to the second page, with the answers kept.
    const { page, release } = await openCopy(student, at(campaign.targets, 1).targetId, campaign.campaignId);
    const names = await page.locator(`${PLAIN} [data-plain-question]`).evaluateAll((els) =>
      els.map((e) => {
        const name = e.getAttribute("data-plain-question");
        if (name === null) throw new Error("a plain question without its name");
        return name;
      }),
    );
    for (const q of names) await tapOnCopy(page, q, 1);
    const next = page.locator(`${PLAIN} .tqe-plain__nav`);
    await next.click();
    expect(await page.locator(`${PLAIN} input[data-plain-nav-request="next"]`).isChecked(), "the tap is kept").toBe(true);
    expect(await next.locator(".sd-btn").evaluate((b) => getComputedStyle(b).opacity), "the button shows the tap pending").toBe("0.6");
    await view(page, "respond-early-next-pending-phone");
    await release();
    await page.locator(SURVEY_PAGE).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator(`${SURVEY_PAGE} .sd-question[data-name="strengths"]`).count(), { timeout: 30_000 }).toBe(1);
    await page.locator("[data-survey-ready] .sd-navigation__prev-btn:visible").click();
    for (const q of names) {
      const second = (
        await page.locator(`${SURVEY_PAGE} .sd-question[data-name="${q}"] .sd-item__control-label`).nth(1).innerText()
      ).trim();
      expect((await chosenInSurvey(page, q)).trim(), `answer to ${q}`).toBe(second);
    }
    await page.locator("[data-survey-ready] .sd-navigation__next-btn:visible").click();
    await fillIn(page);
    await complete(page);
    await page.getByTestId("respond-done").waitFor({ timeout: 30_000 });
    await page.close();
    await expect.poll(answered).toBe(before + 1);

    // One answer missing: SurveyJS shows its error there and stays on the first page.
    const held = await openCopy(student, at(campaign.targets, 2).targetId, campaign.campaignId);
    for (const q of names.slice(0, -1)) await tapOnCopy(held.page, q, 0);
    await held.page.locator(`${PLAIN} .tqe-plain__nav`).click();
    await held.release();
    await held.page.locator(SURVEY_PAGE).waitFor({ timeout: 60_000 });
    const error = held.page.locator(`${SURVEY_PAGE} .sd-question--error`);
    await expect.poll(() => error.evaluateAll((els) => els.map((e) => e.getAttribute("data-name")))).toEqual([names.at(-1)]);
    expect(await held.page.locator(`${SURVEY_PAGE} .sd-question[data-name="strengths"]`).count(), "still the first page").toBe(0);
    await held.page.close();
    await expect.poll(answered).toBe(before + 1);
  });

  it("on a desktop screen too, the form takes the copy's place exactly", async () => {
    const desk = await as(STUDENT_DESKTOP, DESKTOP_1280);
    const pending = await trpc<Pending>(desk, "respond.pending", undefined, "query");
    const c = found(dataOf(pending), (x) => x.campaignId === eotId, "the student's end-of-term campaign");
    await expect
      .poll(
        () =>
          desk
            .locator(`[data-testid="campaign-${c.campaignId}"] [data-status]`)
            .evaluateAll((els) => els.map((e) => e.getAttribute("data-status"))),
        { timeout: 30_000 },
      )
      .toEqual(c.targets.map(() => "todo"));
    const { page, release } = await openCopy(desk, at(c.targets, 0).targetId, c.campaignId);
    await tapOnCopy(page, "q1", 0);
    await page.evaluate(() => window.scrollTo(0, 300));
    await page.waitForTimeout(200);
    const copy = await layout(page, "plain");
    await view(page, "respond-early-copy-desktop");
    await release();
    await page.locator(SURVEY_PAGE).waitFor({ timeout: 60_000 });
    await expectSameLayout(page, copy);
    await view(page, "respond-early-mounted-desktop");
    await page.close();
  });

  it("no page error along the way", () => {
    expect(problems).toEqual([]);
  });
});
