import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { addDays, beijingDate } from "@/server/kernel/time";
import { DESKTOP, PHONE, settle, signedInPages, trpc, visit, dataOf, found } from "./browser";

// The system administrator's view log (/admin/view-log): HR opens a teacher's appraisal page,
// and the log shows that look, found by the teacher, by the viewer and by the day; nobody
// else opens the page (the quality office, HR, the teacher get the 403 page and no menu entry).
// The demo database is shared with the other journeys: counts are taken before and after.
const YEAR = "2025-2026";
const { as, problems } = signedInPages();

const rows = (page: Page) => page.getByTestId("view-log-table").locator("tbody tr.ant-table-row");
type Log = { total: number; items: { at: string; subjectNumber: string; viewerNumber: string | null; what: string }[] };
const logOf = async (page: Page, input: Record<string, unknown>) => {
  const r = await trpc<Log>(page, "appraisal.viewLog", input, "query");
  expect(r.status, JSON.stringify(r.error)).toBe(200);
  return dataOf(r);
};

describe("the view log", () => {
  it("shows HR's look at a teacher's appraisal, found by teacher, viewer and day", async () => {
    const hr = await as("hr");
    const table = await trpc<{ page: { items: { teacherId: number; number: string; name: string }[] } }>(
      hr,
      "appraisal.table",
      { schoolYear: YEAR, pageSize: 50 },
      "query",
    );
    const teacher = found(dataOf(table).page.items, (r) => /^T\d+$/.test(r.number), "a teacher in the appraisal table");
    const admin = await as("admin");
    const before = (await logOf(admin, { q: teacher.number })).total;

    await hr.goto(`/admin/appraisal/${teacher.teacherId}?year=${YEAR}`);
    await hr.getByText(`${teacher.name}（${teacher.number}）`).first().waitFor();
    const today = beijingDate(new Date());

    // the menu leads there; the teacher's search finds the new row on top
    await admin.getByRole("link", { name: "查阅记录", exact: true }).click();
    await admin.waitForURL(/\/admin\/view-log/);
    await expect.poll(() => rows(admin).count()).toBeGreaterThan(0);
    await admin.getByTestId("list-search").locator("input").fill(teacher.number);
    await admin.getByTestId("list-search").locator("input").press("Enter");
    await admin.waitForURL(/q=/);
    await expect.poll(async () => (await logOf(admin, { q: teacher.number })).total).toBe(before + 1);
    await expect.poll(() => rows(admin).first().innerText()).toContain("考核详情页");
    const top = await rows(admin).first().innerText();
    expect(top).toContain(`${teacher.name}（${teacher.number}）`);
    expect(top).toContain("（hr）");
    await settle(admin, "view-log-teacher-zh-desktop");

    // the viewer's search keeps it; another viewer's drops it
    await admin.getByTestId("view-log-viewer").locator("input").fill("hr");
    await admin.getByTestId("view-log-viewer").locator("input").press("Enter");
    await admin.waitForURL(/viewer=hr/);
    await expect.poll(() => rows(admin).first().innerText()).toContain("考核详情页");
    await admin.goto(`/admin/view-log?q=${teacher.number}&viewer=quality&to=${addDays(today, -1)}`);
    await admin.getByTestId("view-log-table").waitFor();
    await expect.poll(() => admin.getByTestId("view-log-table").locator(".ant-empty").count()).toBe(1);

    // the day: today's range has it, a range ending yesterday has none of today's looks
    await visit(admin, `/admin/view-log?q=${teacher.number}&from=${today}&to=${today}`, "view-log-today-zh-desktop");
    await expect.poll(() => rows(admin).count()).toBeGreaterThan(0);
    expect(await admin.getByTestId("view-log-dates").locator("input").first().inputValue()).toBe(today);
    const earlier = await logOf(admin, { q: teacher.number, to: addDays(today, -1) });
    expect(earlier.items.every((r) => beijingDate(new Date(r.at)) < today)).toBe(true);

    // on a phone, and in English
    const phone = await as("admin", PHONE);
    await visit(phone, `/admin/view-log?q=${teacher.number}`, "view-log-zh-phone");
    await expect.poll(() => rows(phone).count()).toBeGreaterThan(0);
    const en = await as("admin", DESKTOP, "en");
    await visit(en, `/admin/view-log?q=${teacher.number}`, "view-log-en-desktop");
    await expect.poll(() => rows(en).first().innerText()).toContain("appraisal page");
  });

  it("is closed to everyone but the system administrator: the 403 page, no menu entry, a refused procedure", async () => {
    for (const [number, size, label] of [
      ["quality", DESKTOP, "quality-desktop"],
      ["hr", PHONE, "hr-phone"],
      ["T0004", DESKTOP, "teacher-desktop"],
    ] as const) {
      const page = await as(number, size);
      expect(await page.getByRole("link", { name: "查阅记录", exact: true }).count()).toBe(0);
      await page.goto("/admin/view-log");
      await page.getByTestId("forbidden").waitFor();
      expect(await page.getByTestId("view-log-table").count()).toBe(0);
      await settle(page, `view-log-forbidden-${label}`);
      // asked outside the page (the context's cookies): a refusal provoked on purpose, not a console error of the page
      expect(
        (await page.request.get(`/api/trpc/appraisal.viewLog?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`)).status(),
      ).toBe(403);
    }
  });

  it("no page error along the way", () => {
    expect(problems).toEqual([]);
  });
});
