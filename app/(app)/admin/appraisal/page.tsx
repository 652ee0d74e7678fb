import { APPRAISAL_APPROVE_ROLES, APPRAISAL_HR_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { AppraisalView } from "./AppraisalView";

export const generateMetadata = pageMetadata("appraisal");

export default function AppraisalPage() {
  return guardPage("appraisal", (user) => (
    <AppraisalView canHr={hasRole(user, ...APPRAISAL_HR_ROLES)} canApprove={hasRole(user, ...APPRAISAL_APPROVE_ROLES)} />
  ));
}
