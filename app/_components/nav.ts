import "server-only";
import { APPRAISAL_VIEW_ROLES, ATTAINMENT_VIEW_ROLES, BROWSE_ROLE_LIST, IMPORT_ROLE_LIST, INSTRUMENT_VIEW_ROLES, PEOPLE_VIEW_ROLES, POLICY_VIEW_ROLES, RESULTS_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import type { SessionUser } from "@/server/auth/users";
import { CAMPAIGN_MANAGE_ROLES } from "@/server/campaigns/kinds";
import type { NavKey } from "./AppShell";

/** The admin shell's menu entries this user may use. */
export function navFor(user: SessionUser): NavKey[] {
  const nav: NavKey[] = ["home"];
  if (hasRole(user, ...CAMPAIGN_MANAGE_ROLES)) nav.push("campaigns");
  if (hasRole(user, ...RESULTS_VIEW_ROLES)) nav.push("results");
  if (hasRole(user, ...APPRAISAL_VIEW_ROLES)) nav.push("appraisal");
  if (hasRole(user, "teacher")) nav.push("myAppraisal");
  if (hasRole(user, ...BROWSE_ROLE_LIST)) nav.push("units", "programmes", "courses", "sections");
  if (hasRole(user, ...PEOPLE_VIEW_ROLES)) nav.push("people");
  if (hasRole(user, ...IMPORT_ROLE_LIST)) nav.push("import");
  if (hasRole(user, ...INSTRUMENT_VIEW_ROLES)) nav.push("instruments");
  if (hasRole(user, ...POLICY_VIEW_ROLES)) nav.push("policies");
  if (hasRole(user, "teacher", ...ATTAINMENT_VIEW_ROLES)) nav.push("attainment");
  return nav;
}

/**
 * Whether the user gets the student's light pages (app/_student) rather than the admin shell:
 * someone whose only role is student. Anyone with another role as well (an information
 * officer, a teacher who studies) gets the admin shell, whose home has the same list.
 */
export function studentOnly(user: SessionUser): boolean {
  return user.roles.length > 0 && user.roles.every((r) => r.role === "student");
}
