import "server-only";
import type { Role } from "@/db/schema";
import {
  BROWSE_ROLE_LIST,
  APPRAISAL_VIEW_ROLES,
  ATTAINMENT_EDIT_ROLES,
  ATTAINMENT_PAGE_ROLES,
  IMPORT_ROLE_LIST,
  INSTRUMENT_VIEW_ROLES,
  PEOPLE_MANAGE_ROLES,
  PEOPLE_VIEW_ROLES,
  POLICY_VIEW_ROLES,
  RESULTS_VIEW_ROLES,
  TEACHER_ROLES,
  COMMENT_REVIEW_ROLES,
  ORDER_PAGE_ROLES,
  ORDER_VIEW_ROLES,
  VIEW_LOG_ROLES,
  WARNING_ROLES,
  INSPECTION_FILL_ROLES,
  INSPECTION_RUN_ROLES,
} from "@/server/access/roles";
import type { SessionUser } from "@/server/auth/users";
import { CAMPAIGN_MANAGE_ROLES } from "@/server/campaigns/kinds";
import type { MessageKey } from "@/server/i18n/messages";
import type { NavIcon } from "./navIcons";

/**
 * The pages of the signed-in app, with who may open them and their place in the menu: one
 * table read by the page guard (guard.tsx: every page.tsx and the area layouts), the menu
 * (navFor) and the pages' titles. A page's path is its folder under app/(app) (app/home for
 * /home), with [param] segments as in the folder names; pages.test.ts checks that every
 * entry has its file and every page file guards itself with its entry.
 *
 * Roles nest by path: a page opens only for a user who holds one of its roles AND one of the
 * roles of every entry whose path is a prefix of its own (an area such as /admin, whose layout
 * guards with the same entry). The menu shows exactly the entries the guard would let in.
 *
 * SIGNED_IN: any signed-in user; the page's procedures decide what they see (an observer's
 * assignment, an information officer's report, a teacher's self-evaluation).
 */
export const SIGNED_IN = "signed-in";

export type NavGroup = "work" | "org" | "setup";
/** The menu's groups in order; a divider separates them. Within a group, the table's order. */
export const NAV_GROUPS: readonly NavGroup[] = ["work", "org", "setup"];

export type PageDef = {
  path: string;
  roles: readonly Role[] | typeof SIGNED_IN;
  /** The browser tab's title (and the menu's label unless nav.label says otherwise). */
  title: MessageKey;
  nav?: { icon: NavIcon; group: NavGroup; label?: MessageKey };
};

export const PAGES = {
  home: { path: "/home", roles: SIGNED_IN, title: "nav.home", nav: { icon: "home", group: "work" } },

  // Areas: their layouts guard every page below them.
  admin: { path: "/admin", roles: BROWSE_ROLE_LIST, title: "common.appName" },
  people: { path: "/admin/people", roles: PEOPLE_VIEW_ROLES, title: "nav.people", nav: { icon: "team", group: "org" } },

  campaigns: { path: "/admin/campaigns", roles: CAMPAIGN_MANAGE_ROLES, title: "nav.campaigns", nav: { icon: "schedule", group: "work" } },
  campaignNew: { path: "/admin/campaigns/new", roles: CAMPAIGN_MANAGE_ROLES, title: "campaigns.admin.form.title" },
  campaign: { path: "/admin/campaigns/[id]", roles: CAMPAIGN_MANAGE_ROLES, title: "nav.campaigns" },
  results: { path: "/admin/results", roles: RESULTS_VIEW_ROLES, title: "nav.results", nav: { icon: "barChart", group: "work" } },
  targetResult: { path: "/admin/results/[policyId]/[targetId]/[group]", roles: RESULTS_VIEW_ROLES, title: "nav.results" },
  appraisal: {
    path: "/admin/appraisal",
    roles: APPRAISAL_VIEW_ROLES,
    title: "appraisal.page.title",
    nav: { icon: "trophy", group: "work" },
  },
  teacherAppraisal: { path: "/admin/appraisal/[teacherId]", roles: APPRAISAL_VIEW_ROLES, title: "appraisal.page.title" },
  myAppraisal: { path: "/self/appraisal", roles: TEACHER_ROLES, title: "appraisal.page.mineTitle", nav: { icon: "trophy", group: "work" } },
  comments: { path: "/admin/comments", roles: COMMENT_REVIEW_ROLES, title: "comments.title", nav: { icon: "message", group: "work" } },
  commentReview: { path: "/admin/comments/[campaignId]", roles: COMMENT_REVIEW_ROLES, title: "comments.title" },
  commentWords: { path: "/admin/comments/words", roles: COMMENT_REVIEW_ROLES, title: "comments.words.title" },
  myComments: { path: "/self/comments", roles: TEACHER_ROLES, title: "comments.mine.title", nav: { icon: "message", group: "work" } },
  myResult: { path: "/results/[policyId]/[targetId]/[group]", roles: TEACHER_ROLES, title: "results.mine.title" },
  attainment: { path: "/attainment", roles: ATTAINMENT_PAGE_ROLES, title: "nav.attainment", nav: { icon: "aim", group: "work" } },
  programmeAttainment: {
    path: "/attainment/programmes/[programmeId]",
    roles: ATTAINMENT_PAGE_ROLES,
    title: "attainment.report.programmeTitle",
  },
  programmeModel: {
    path: "/attainment/programmes/[programmeId]/model",
    roles: ATTAINMENT_EDIT_ROLES,
    title: "attainment.editor.title",
  },
  sectionAttainment: { path: "/attainment/sections/[sectionId]", roles: ATTAINMENT_PAGE_ROLES, title: "attainment.report.courseTitle" },
  improvement: { path: "/improvement", roles: ORDER_PAGE_ROLES, title: "nav.improvement", nav: { icon: "audit", group: "work" } },
  improvementDashboard: { path: "/improvement/dashboard", roles: ORDER_VIEW_ROLES, title: "improvement.page.dashboard" },
  improvementOrder: { path: "/improvement/[id]", roles: ORDER_PAGE_ROLES, title: "improvement.page.detail" },
  warnings: { path: "/admin/warnings", roles: WARNING_ROLES, title: "improvement.warnings.title", nav: { icon: "alert", group: "work" } },
  inspections: {
    path: "/admin/inspections",
    roles: INSPECTION_RUN_ROLES,
    title: "inspections.title",
    nav: { icon: "fileSearch", group: "work" },
  },
  inspection: { path: "/admin/inspections/[id]", roles: INSPECTION_RUN_ROLES, title: "inspections.title" },
  myInspections: {
    path: "/inspections",
    roles: INSPECTION_FILL_ROLES,
    title: "inspections.mineTitle",
    nav: { icon: "fileSearch", group: "work" },
  },
  inspectionChecklist: { path: "/inspections/[inspectionId]/[unitId]", roles: INSPECTION_FILL_ROLES, title: "inspections.mineTitle" },
  selfEvaluation: { path: "/self/[targetId]", roles: SIGNED_IN, title: "respond.self.title" },
  observe: { path: "/observe/[assignmentId]", roles: SIGNED_IN, title: "respond.observe.title" },
  report: { path: "/report/[campaignId]", roles: SIGNED_IN, title: "respond.report.title" },

  units: { path: "/admin/units", roles: BROWSE_ROLE_LIST, title: "nav.units", nav: { icon: "apartment", group: "org" } },
  programmes: { path: "/admin/programmes", roles: BROWSE_ROLE_LIST, title: "nav.programmes", nav: { icon: "read", group: "org" } },
  courses: { path: "/admin/courses", roles: BROWSE_ROLE_LIST, title: "nav.courses", nav: { icon: "book", group: "org" } },
  sections: { path: "/admin/sections", roles: BROWSE_ROLE_LIST, title: "nav.sections", nav: { icon: "unorderedList", group: "org" } },
  person: { path: "/admin/people/[id]", roles: PEOPLE_VIEW_ROLES, title: "nav.people" },
  personAccess: { path: "/admin/people/[id]/access", roles: PEOPLE_MANAGE_ROLES, title: "admin.access.link" },
  import: { path: "/admin/import", roles: IMPORT_ROLE_LIST, title: "nav.import", nav: { icon: "cloudUpload", group: "org" } },

  instruments: {
    path: "/admin/instruments",
    roles: INSTRUMENT_VIEW_ROLES,
    title: "instruments.title",
    nav: { icon: "form", group: "setup" },
  },
  instrument: { path: "/admin/instruments/[id]", roles: INSTRUMENT_VIEW_ROLES, title: "instruments.title" },
  instrumentEdit: { path: "/admin/instruments/[id]/edit", roles: INSTRUMENT_VIEW_ROLES, title: "instruments.title" },
  versionPreview: { path: "/admin/instruments/versions/[id]/preview", roles: INSTRUMENT_VIEW_ROLES, title: "respond.preview.title" },
  policies: { path: "/admin/policies", roles: POLICY_VIEW_ROLES, title: "nav.policies", nav: { icon: "sliders", group: "setup" } },
  viewLog: { path: "/admin/view-log", roles: VIEW_LOG_ROLES, title: "appraisal.viewLog.title", nav: { icon: "audit", group: "setup" } },
} as const satisfies Record<string, PageDef>;

export type PageKey = keyof typeof PAGES;
const ENTRIES = Object.entries(PAGES) as [PageKey, PageDef][];

const segments = (path: string) => path.split("/").filter(Boolean);
const isPrefix = (outer: string, inner: string) => {
  const o = segments(outer),
    i = segments(inner);
  return o.length <= i.length && o.every((s, k) => s === i[k]);
};

/** The entries a page's guard checks: the page's own and those of the areas above it. */
export function guardsOf(key: PageKey): PageDef[] {
  const own = PAGES[key];
  return ENTRIES.filter(([, p]) => isPrefix(p.path, own.path)).map(([, p]) => p);
}

/** Whether the user may open the page: signed in, and one of the roles of the page and of every area above it. */
export function mayOpen(user: SessionUser | null, key: PageKey): boolean {
  if (!user) return false;
  return guardsOf(key).every((p) => p.roles === SIGNED_IN || user.roles.some((g) => (p.roles as readonly Role[]).includes(g.role)));
}

/** One entry of the menu, as the shell (a client component) gets it. */
export type NavItem = { key: PageKey; href: string; label: MessageKey; icon: NavIcon; group: NavGroup };

/** The menu this user gets: the entries with a place in it that the guard would open for them. */
export function navFor(user: SessionUser): NavItem[] {
  const items: NavItem[] = [];
  for (const group of NAV_GROUPS) {
    for (const [key, p] of ENTRIES) {
      if (p.nav?.group !== group || !mayOpen(user, key)) continue;
      items.push({ key, href: p.path, label: p.nav.label ?? p.title, icon: p.nav.icon, group });
    }
  }
  return items;
}

/**
 * Whether the user gets the student's light pages (app/_student) rather than the admin shell:
 * someone whose only role is student. Anyone with another role as well (an information
 * officer, a teacher who studies) gets the admin shell, whose home has the same list.
 */
export function studentOnly(user: SessionUser): boolean {
  return user.roles.length > 0 && user.roles.every((r) => r.role === "student");
}
