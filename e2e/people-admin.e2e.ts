import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DESKTOP, PHONE, settle, signIn, signedInPages, trpc, visit, dataOf, found } from "./browser";
import { SURVEY_PAGE, complete, fillIn } from "./fill";
import { at } from "@/server/shared/indexed";

// Students' personal records and the administration of people, results and comments:
// - a student's record (email, class, enrolments) opens for the system administrator, the
//   quality office and the student's own unit admin only; HR and leaders get no menu entry
//   and are refused;
// - the quality office revokes a role and deactivates a person from the person page, and
//   cannot touch the system administrator's role (the same rule as the people import);
// - HR exports the results it reads as an Excel file;
// - a comment over the form's 500 characters is not cut: the counter shows it and the form
//   refuses it, in Chinese and in English;
// - in English, course names are English wherever they are shown;
// - the response-rate help does not call a count of targets "人数".
const { as, signedOut, problems } = signedInPages({ ignoreConsole: /status of 4\d\d/ });

type PersonRow = { id: number; number: string; name: string; roles: string[]; active: boolean };
async function findPerson(page: Page, q: string, extra: Record<string, unknown> = {}): Promise<PersonRow> {
  const r = await trpc<{ items: PersonRow[] }>(page, "people.list", { page: 1, pageSize: 20, q, ...extra }, "query");
  expect(r.status, JSON.stringify(r.error)).toBe(200);
  const p = dataOf(r).items.find((x) => x.number === q);
  expect(p, q).toBeDefined();
  if (p === undefined) throw new Error(`no person ${q}`);
  return p;
}

const STUDENT = "2024020101"; // 软件工程2401, 计算机与信息工程学院

describe("students' personal records", () => {
  let studentId: number;

  it("HR and leaders have no people menu and are refused a student's record", async () => {
    const quality = await as("quality");
    studentId = (await findPerson(quality, STUDENT)).id;
    for (const number of ["hr", "L0001"]) {
      const page = await as(number);
      const menu = page.locator(".ant-layout-sider .ant-menu");
      await menu.waitFor();
      expect(await menu.getByText("人员", { exact: true }).count(), number).toBe(0);
      const r = await trpc(page, "people.get", { id: studentId }, "query");
      expect([403, 404], number).toContain(r.status);
      const list = await trpc(page, "people.list", { page: 1, pageSize: 20, kind: "student" }, "query");
      expect([403, 404], number).toContain(list.status);
      await page.goto(`/admin/people/${studentId}`);
      await expect.poll(async () => (await page.getByTestId("forbidden").count()) + (await page.getByText("页面不存在").count())).toBe(1);
      expect(await page.content()).not.toContain("软件工程2401");
    }
  });

  it("the quality office and the student's own unit admin open it", async () => {
    for (const number of ["quality", "UA-CS", "admin"]) {
      const page = await as(number);
      await visit(page, `/admin/people/${studentId}`, `person-student-${number}`);
      await expect.poll(() => page.getByTestId("person-name").count()).toBe(1);
      expect(await page.content()).toContain("软件工程2401");
    }
  });
});

describe("revoking a role and deactivating a person", () => {
  it("the quality office revokes a supervisor's role and deactivates a teacher from the person page", async () => {
    const quality = await as("quality");
    const supervisors = await trpc<{ items: PersonRow[] }>(quality, "people.list", { page: 1, pageSize: 50, role: "supervisor" }, "query");
    const target = dataOf(supervisors)
      .items.filter((p) => !["T0002", "T0003"].includes(p.number))
      .at(-1);
    expect(target).toBeDefined();
    if (target === undefined) throw new Error("no supervisor besides T0002 and T0003");
    await visit(quality, `/admin/people/${target.id}`, "person-page-desktop");
    await quality.getByTestId("person-access").click();
    await quality.waitForURL(new RegExp(`/admin/people/${target.id}/access`));
    await settle(quality, "person-access-desktop");
    const grants = quality.getByTestId("grants");
    await expect.poll(() => grants.innerText()).toContain("督导");
    await grants.getByTestId("revoke-supervisor").first().click();
    await quality
      .locator(".ant-popconfirm")
      .getByRole("button", { name: /撤\s*销/ })
      .click();
    await expect.poll(() => grants.innerText(), { timeout: 15_000 }).not.toContain("督导");
    expect((await findPerson(quality, target.number)).roles).not.toContain("supervisor");

    const teacher = await findPerson(quality, "T0071");
    await quality.goto(`/admin/people/${teacher.id}/access`);
    await settle(quality, "person-access-teacher");
    await quality.getByTestId("deactivate").click();
    await quality
      .locator(".ant-popconfirm")
      .getByRole("button", { name: /停\s*用/ })
      .click();
    await expect.poll(() => quality.getByTestId("person-status").innerText(), { timeout: 15_000 }).toContain("停用");
    expect((await findPerson(quality, "T0071")).active).toBe(false);
    // Deactivated: the person can no longer sign in.
    const gone = await signedOut();
    await signIn(gone, "T0071", DEMO_PASSWORD);
    await gone.getByTestId("signin-error").waitFor({ timeout: 15_000 });

    const phone = await as("quality", PHONE);
    await visit(phone, `/admin/people/${teacher.id}/access`, "person-access-phone");
    // Journeys in later files pick teachers from the demo's data: T0071 is made active again.
    const back = await trpc(quality, "people.setActive", { personId: teacher.id, active: true }, "mutation");
    expect(back.status).toBe(200);
  });

  it("the system administrator's role cannot be revoked, nor its holder deactivated (the import's rule)", async () => {
    const quality = await as("quality");
    const admin = await findPerson(quality, "admin");
    await visit(quality, `/admin/people/${admin.id}/access`, "person-access-sysadmin");
    expect(await quality.getByTestId("revoke-sys_admin").isDisabled()).toBe(true);
    expect(await quality.getByTestId("deactivate").isDisabled()).toBe(true);
    const r = await trpc(quality, "people.revokeRole", { personId: admin.id, role: "sys_admin", unitId: null }, "mutation");
    expect(r.status).toBe(403);
    expect(JSON.stringify(r.error)).toContain("系统管理员");
    const d = await trpc(quality, "people.setActive", { personId: admin.id, active: false }, "mutation");
    expect(d.status).toBe(403);
    expect((await findPerson(quality, "admin")).active).toBe(true);
  });

  it("HR cannot revoke or deactivate", async () => {
    const hr = await as("hr");
    const r = await trpc(hr, "people.setActive", { personId: 1, active: false }, "mutation");
    expect(r.status).toBe(403);
  });
});

describe("HR exports the results it reads", () => {
  it("downloads an Excel file of the published results from the results page", async () => {
    const hr = await as("hr");
    await visit(hr, "/admin/results", "results-hr-export");
    const link = hr.getByTestId("results-xlsx");
    await link.waitFor();
    const href = await link.getAttribute("href");
    expect(href).toMatch(/^\/api\/scoring\/results\?/);
    if (href === null) throw new Error("the results link has no href");
    const res = await hr.evaluate(async (h) => {
      const r = await fetch(h);
      const b = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, type: r.headers.get("content-type"), size: b.length, magic: String.fromCharCode(...b.subarray(0, 2)) };
    }, href);
    expect(res.status).toBe(200);
    expect(res.type).toContain("spreadsheetml");
    expect(res.magic).toBe("PK");
    expect(res.size).toBeGreaterThan(4000);
    const phone = await as("hr", PHONE);
    await visit(phone, "/admin/results", "results-hr-export-phone");
  });
});

describe("comments longer than the form allows", () => {
  for (const locale of ["zh", "en"] as const) {
    it(`are not cut, and the form shows the counter and refuses them (${locale})`, async () => {
      // Students no other file uses (transfer.e2e.ts takes 2024020108's tokens on its own devices).
      const student = await as(locale === "zh" ? "2024020113" : "2024020114", PHONE, locale);
      const pending = await trpc<{ campaignId: number; targets: { targetId: number }[] }[]>(student, "respond.pending", undefined, "query");
      const c = found(dataOf(pending), (x) => x.targets.length > 0, "a pending campaign with targets");
      await student.goto("/home");
      await student.locator(`[data-testid="target-${at(c.targets, 0).targetId}"] a`).click();
      await student.waitForURL(/\/respond\//);
      await student.locator(SURVEY_PAGE).waitFor({ timeout: 30_000 });
      await fillIn(student);
      const q = student.locator('.sd-question[data-name="strengths"]');
      const area = q.locator("textarea");
      const long = "很".repeat(520);
      await area.fill(long);
      await area.evaluate((el) => (el as HTMLElement).blur());
      expect((await area.inputValue()).length).toBe(520);
      await expect.poll(() => q.locator(".sd-remaining-character-counter").innerText()).toContain("520/500");
      await complete(student);
      const error = q.locator(".sd-error");
      await expect.poll(() => error.count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await error.first().innerText()).toContain(locale === "zh" ? "最多 500 字" : "at most 500");
      expect(await student.locator(SURVEY_PAGE).count()).toBe(1);
      await settle(student, `respond-comment-too-long-${locale}`);
      await area.fill("很".repeat(500));
      await area.evaluate((el) => (el as HTMLElement).blur());
      await expect.poll(() => q.locator(".sd-remaining-character-counter").innerText()).toContain("500/500");
      await expect.poll(() => error.count()).toBe(0);
    });
  }
});

describe("course names in English", () => {
  it("are English on every page that names a course (student, teacher, office)", async () => {
    const student = await as("2024020101", DESKTOP, "en");
    await expect.poll(() => student.getByTestId("studying").innerText()).toContain("Software Requirements Engineering");
    expect(await student.getByTestId("studying").innerText()).not.toContain("软件需求工程");
    await settle(student, "home-student-en");
    const teacher = await as("T0001", PHONE, "en");
    await expect.poll(() => teacher.getByTestId("teaching").innerText()).toContain("Software Requirements Engineering");
    await settle(teacher, "home-teacher-en-phone");
    const body = await teacher.locator("main").innerText();
    expect(body).not.toContain("软件需求工程");
    const quality = await as("quality", DESKTOP, "en");
    await visit(quality, "/admin/sections?q=SE3101", "sections-en");
    await expect.poll(() => quality.getByTestId("sections-table").innerText()).toContain("Software Requirements Engineering");
    const person = await findPerson(quality, "T0001");
    await visit(quality, `/admin/people/${person.id}`, "person-teacher-en");
    expect(await quality.locator("main").innerText()).not.toContain("软件需求工程");
  });
});

describe("the response-rate help", () => {
  it("counts targets, not people", async () => {
    const quality = await as("quality");
    const list = await trpc<{ id: number; kind: string; state: string }[]>(quality, "campaigns.list", undefined, "query");
    const eot = found(dataOf(list), (c) => c.kind === "end_of_term" && c.state === "open", "an open end-of-term campaign");
    await quality.goto(`/admin/campaigns/${eot.id}?tab=rates`);
    const rates = quality.getByTestId("rates");
    await rates.waitFor();
    await settle(quality, "campaign-rates-help");
    const text = await rates.innerText();
    expect(text).toContain("已领取凭证");
    expect(text).not.toMatch(/人数/);
  });

  it("no page error along the way", () => {
    expect(problems).toEqual([]);
  });
});
