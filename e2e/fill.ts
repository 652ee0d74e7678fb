// A person's way through a SurveyJS form in the browser: answers every shown question
// (and those an answer reveals), page after page, through the DOM. Shared by the e2e suites.
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { beijingDate } from "@/server/kernel/time";

export const TEXT = "课堂组织有序，讲解清楚，建议多安排讨论。";

/**
 * SurveyJS's page, once SurveyJS has mounted (SurveyFormImpl's data-survey-ready). The answer
 * page shows a plain copy of its first page before that (server/instruments/plain.ts), in
 * SurveyJS's classes: a journey that waits for the form waits for this, not for the copy.
 */
export const SURVEY_PAGE = "[data-survey-ready] .sd-root-modern .sd-body__page";
/** The mounted form (see SURVEY_PAGE), for its buttons. */
const MOUNTED = "[data-survey-ready]";

/** Names of the questions shown on the current page (not the cells of matrices). */
export async function shownQuestions(p: Page): Promise<string[]> {
  return p.evaluate(() =>
    [...document.querySelectorAll("[data-survey-ready] .sd-body__page .sd-question[data-name]")]
      .filter((q) => !q.closest(".sd-table") && (q as HTMLElement).offsetParent !== null)
      .map((q) => {
        const name = q.getAttribute("data-name");
        if (name === null) throw new Error("a question selected by its data-name has none");
        return name;
      }),
  );
}

export async function pickInDropdown(p: Page, dropdown: Locator) {
  // SurveyJS closes an open list when the page moves under it (a question appearing with
  // its animation, a scroll): like a person, open it again if it closed.
  const items = p.locator(".sv-popup .sv-list__item:visible:not(.sv-list__item--disabled)");
  for (let attempt = 0; attempt < 3; attempt++) {
    await dropdown.scrollIntoViewIfNeeded();
    await dropdown.click();
    try {
      await items.first().click({ timeout: 3_000 });
      await p.locator(".sv-popup .sv-list__item:visible").first().waitFor({ state: "hidden" });
      return;
    } catch {
      /* the list closed before the tap */
    }
  }
  throw new Error("could not choose in a dropdown");
}

/** Types a value the input accepts: a number in the middle of min–max, a date within min–max, text within maxlength. */
export async function typeInto(input: Locator) {
  const type = (await input.getAttribute("type")) ?? "text";
  const maxLength = Number((await input.getAttribute("maxlength")) ?? 0);
  if (type === "number") {
    const min = Number((await input.getAttribute("min")) ?? 0);
    const maxAttr = await input.getAttribute("max");
    await input.fill(String(Math.floor((min + (maxAttr === null ? min + 10 : Number(maxAttr))) / 2)));
  } else if (type === "date") {
    const [min, max] = [await input.getAttribute("min"), await input.getAttribute("max")];
    // today as a person in China has it (the forms' max is the Beijing date): after 16:00 UTC
    // the UTC date is yesterday there, and a journey comparing the record with today failed
    let v = beijingDate(new Date());
    if (max && v > max) v = max;
    if (min && v < min) v = min;
    await input.fill(v);
  } else if (type === "email") {
    await input.fill("alumni@example.edu.cn");
  } else {
    await input.fill(maxLength > 0 ? TEXT.slice(0, maxLength) : TEXT);
  }
  await input.evaluate((el) => (el as HTMLElement).blur());
}

export async function answer(p: Page, q: Locator) {
  const has = async (sel: string) => (await q.locator(sel).count()) > 0;
  if (await q.evaluate((el) => el.classList.contains("sd-question--html"))) return; // text, nothing to answer
  if (await has(".sd-matrixdropdown")) {
    // every cell of every row
    const rows = q.locator("tr.sd-table__row");
    for (let r = 0; r < (await rows.count()); r++) {
      const row = rows.nth(r);
      const dropdowns = row.locator(".sd-dropdown");
      for (let i = 0; i < (await dropdowns.count()); i++) await pickInDropdown(p, dropdowns.nth(i));
      const ratings = row.locator(".sd-rating");
      for (let i = 0; i < (await ratings.count()); i++) {
        const items = ratings.nth(i).locator(".sd-rating__item");
        await items.nth(Math.floor((await items.count()) / 2)).click();
      }
      const radios = row.locator(".sd-selectbase").filter({ has: p.locator(".sd-selectbase__item") });
      for (let i = 0; i < (await radios.count()); i++) await radios.nth(i).locator(".sd-selectbase__item label").first().click();
      const inputs = row.locator("input.sd-input, textarea");
      for (let i = 0; i < (await inputs.count()); i++) await typeInto(inputs.nth(i));
    }
  } else if (await has(".sd-matrix__table")) {
    // every row: its first column
    const rows = q.locator("tr.sd-table__row");
    for (let r = 0; r < (await rows.count()); r++) await rows.nth(r).locator("label").first().click();
  } else if (await has(".sd-rating")) {
    // the middle of the scale
    const items = q.locator(".sd-rating__item");
    await items.nth(Math.floor((await items.count()) / 2)).click();
  } else if (await has(".sd-dropdown")) {
    await pickInDropdown(p, q.locator(".sd-dropdown").first());
  } else if (await has(".sd-boolean")) {
    // "yes"
    await q.locator(".sd-boolean__label").last().click();
  } else if (await has(".sd-radio, .sd-checkbox")) {
    // the first option
    await q.locator(".sd-selectbase__item label").first().click();
    const other = q.locator("textarea:visible");
    if (await other.count()) await typeInto(other.first());
  } else if (await has("textarea")) {
    await typeInto(q.locator("textarea").first());
  } else if (await has("input.sd-input")) {
    await typeInto(q.locator("input.sd-input").first());
  } else {
    throw new Error(`the filler does not know question ${await q.getAttribute("data-name")}: ${await q.getAttribute("class")}`);
  }
}

/** Answers every shown question (and those an answer reveals), page after page; stops before Complete. Returns the questions answered. */
export async function fillIn(p: Page): Promise<string[]> {
  const answered: string[] = [];
  for (let pageNo = 0; pageNo < 30; pageNo++) {
    const done = new Set<string>();
    for (let pass = 0; pass < 5; pass++) {
      const todo = (await shownQuestions(p)).filter((n) => !done.has(n));
      if (!todo.length) break;
      for (const name of todo) {
        await answer(p, p.locator(`${SURVEY_PAGE} .sd-question[data-name="${name}"]`).first());
        done.add(name);
        answered.push(name);
      }
    }
    const next = p.locator(`${MOUNTED} .sd-navigation__next-btn:visible`);
    if (!(await next.count())) return answered;
    await next.click();
    const errors = await p.locator(".sd-question--error .sd-error:visible").allInnerTexts();
    expect(errors, "the filled page passes SurveyJS's own checks").toEqual([]);
  }
  throw new Error("more than 30 pages?");
}

/** A navigation button's label (SurveyJS renders them as <input type="button">). */
export async function buttonText(b: Locator) {
  return b.evaluate((el) => (el instanceof HTMLInputElement ? el.value : (el.textContent ?? "")).trim());
}

export async function complete(p: Page) {
  await p.locator(`${MOUNTED} .sd-navigation__complete-btn:visible`).click();
}
