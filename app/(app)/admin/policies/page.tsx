import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { POLICY_APPROVE_ROLES, POLICY_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../_components/Forbidden";
import { PoliciesView } from "./PoliciesView";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("policies") };
}

export default async function PoliciesPage() {
  const user = await currentUser();
  if (!hasRole(user, ...POLICY_VIEW_ROLES)) return <Forbidden />;
  return <PoliciesView canApprove={hasRole(user, ...POLICY_APPROVE_ROLES)} />;
}
