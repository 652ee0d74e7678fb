import { POLICY_APPROVE_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { PoliciesView } from "./PoliciesView";

export const generateMetadata = pageMetadata("policies");

export default function PoliciesPage() {
  return guardPage("policies", (user) => <PoliciesView canApprove={hasRole(user, ...POLICY_APPROVE_ROLES)} />);
}
