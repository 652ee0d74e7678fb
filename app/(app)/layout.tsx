import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentUser } from "@/server/api/server";
import { BROWSE_ROLE_LIST, IMPORT_ROLE_LIST } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { APPRAISAL_VIEW_ROLES, ATTAINMENT_VIEW_ROLES, INSTRUMENT_VIEW_ROLES, PEOPLE_VIEW_ROLES, POLICY_VIEW_ROLES, RESULTS_VIEW_ROLES } from "@/server/access/roles";
import { CAMPAIGN_MANAGE_ROLES } from "@/server/campaigns/kinds";
import { AppShell, type NavKey } from "../_components/AppShell";
import { SessionKeepAlive } from "../_components/SessionKeepAlive";

export const dynamic = "force-dynamic";

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/signin");
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
  return (
    <AppShell user={{ name: user.name, number: user.number, roles: [...new Set(user.roles.map((r) => r.role))] }} nav={nav}>
      <SessionKeepAlive />
      {children}
    </AppShell>
  );
}
