import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Role } from "@/db/schema";
import { ROLES } from "@/db/schema/enums";
import type { SessionUser } from "@/server/auth/users";
import { mayOpen, navFor, PAGES, type PageKey } from "./pages";

const APP = path.join(process.cwd(), "app");
const user = (...roles: Role[]): SessionUser => ({
  id: 1,
  number: "x",
  name: "x",
  kind: "staff",
  unitId: null,
  roles: roles.map((role) => ({ role, unitId: null })),
});

/** The folder of a path's page files: app/(app)/<path>, except /home (app/home, outside the admin shell's layout). */
const folderOf = (p: string) => (p === "/home" ? path.join(APP, "home") : path.join(APP, "(app)", ...p.split("/").filter(Boolean)));

// The shells' layouts: they sign in and draw the shell (the admin shell, or the student's for /home).
const SHELLS = [path.join(APP, "(app)", "layout.tsx"), path.join(APP, "home", "layout.tsx")];

function pageFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? pageFiles(path.join(dir, e.name)) : /^(page|layout)\.tsx$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

describe("the pages table", () => {
  it("has a page or an area layout for every entry, which guards with that entry", () => {
    for (const [key, p] of Object.entries(PAGES)) {
      const files = ["page.tsx", "layout.tsx"]
        .map((f) => path.join(folderOf(p.path), f))
        .filter((f) => existsSync(f) && !SHELLS.includes(f));
      expect(files, `${key}: no page.tsx or layout.tsx in ${folderOf(p.path)}`).not.toEqual([]);
      for (const f of files) expect(readFileSync(f, "utf8"), f).toContain(`guardPage("${key}"`);
    }
  });

  it("has an entry for every page and layout of the signed-in app (the (app) layout itself only signs in and draws the shell)", () => {
    const byFolder = new Map(Object.entries(PAGES).map(([key, p]) => [folderOf(p.path), key]));
    const files = pageFiles(path.join(APP, "(app)")).filter((f) => !SHELLS.includes(f));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const key = byFolder.get(path.dirname(f));
      expect(key, `${path.relative(APP, f)} has no entry in app/_components/pages.ts`).toBeDefined();
      expect(readFileSync(f, "utf8"), f).toContain(`guardPage("${key}"`);
    }
  });

  it("gives each role the menu it had before the table (same entries), the comment pages to reviewers and teachers, the view log to the system administrator, and the orders to those who answer or follow them", () => {
    const before: Record<Role, string[]> = {
      student: ["home"],
      info_officer: ["home"],
      supervisor: ["home"],
      teacher: ["home", "myAppraisal", "myComments", "attainment", "improvement"],
      leader: ["home", "results", "appraisal", "units", "programmes", "courses", "sections", "attainment", "improvement"],
      unit_admin: [
        "home",
        "campaigns",
        "comments",
        "results",
        "appraisal",
        "units",
        "programmes",
        "courses",
        "sections",
        "people",
        "attainment",
        "improvement",
        "myInspections",
      ],
      quality_admin: [
        "home",
        "campaigns",
        "comments",
        "results",
        "appraisal",
        "units",
        "programmes",
        "courses",
        "sections",
        "people",
        "import",
        "instruments",
        "policies",
        "attainment",
        "improvement",
        "warnings",
        "inspections",
      ],
      hr: ["home", "results", "appraisal", "units", "programmes", "courses", "sections", "policies"],
      sys_admin: [
        "home",
        "results",
        "units",
        "programmes",
        "courses",
        "sections",
        "people",
        "import",
        "instruments",
        "policies",
        "attainment",
        "viewLog",
        "improvement",
      ],
    };
    for (const role of ROLES)
      expect(
        navFor(user(role))
          .map((n) => n.key)
          .sort(),
        role,
      ).toEqual([...before[role]].sort());
  });

  it("shows in the menu exactly the entries the guard opens", () => {
    for (const role of ROLES) {
      const u = user(role);
      const menu = new Set(navFor(u).map((n) => n.key));
      for (const [key, p] of Object.entries(PAGES) as [PageKey, (typeof PAGES)[PageKey]][]) {
        if ("nav" in p) expect(menu.has(key), `${role} ${key}`).toBe(mayOpen(u, key));
      }
    }
  });

  it("closes a page to whoever lacks a role of an area above it", () => {
    expect(mayOpen(null, "home")).toBe(false);
    expect(mayOpen(user("student"), "home")).toBe(true);
    // people's records: not HR nor leaders, though the admin area is open to them
    expect(mayOpen(user("hr"), "units")).toBe(true);
    expect(mayOpen(user("hr"), "person")).toBe(false);
    expect(mayOpen(user("leader"), "people")).toBe(false);
    // a unit admin reads a person's record but does not manage their access
    expect(mayOpen(user("unit_admin"), "person")).toBe(true);
    expect(mayOpen(user("unit_admin"), "personAccess")).toBe(false);
    expect(mayOpen(user("quality_admin"), "personAccess")).toBe(true);
    // a teacher holds no role of the admin area
    expect(mayOpen(user("teacher"), "campaigns")).toBe(false);
    expect(mayOpen(user("teacher"), "myResult")).toBe(true);
    expect(mayOpen(user("teacher", "unit_admin"), "campaign")).toBe(true);
    // the whole view log: the system administrator only
    expect(ROLES.filter((r) => mayOpen(user(r), "viewLog"))).toEqual(["sys_admin"]);
    // inspections: the quality office runs them, a unit admin fills in their unit's checklist
    expect(ROLES.filter((r) => mayOpen(user(r), "inspection"))).toEqual(["quality_admin"]);
    expect(ROLES.filter((r) => mayOpen(user(r), "inspectionChecklist"))).toEqual(["unit_admin"]);
  });
});
