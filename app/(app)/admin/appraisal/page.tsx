import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { APPRAISAL_APPROVE_ROLES, APPRAISAL_HR_ROLES, APPRAISAL_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../_components/Forbidden";
import { AppraisalView } from "./AppraisalView";

export async function generateMetadata() {
  return { title: (await getTranslations("appraisal.page"))("title") };
}

export default async function AppraisalPage() {
  const user = await currentUser();
  if (!hasRole(user, ...APPRAISAL_VIEW_ROLES)) return <Forbidden />;
  return <AppraisalView canHr={hasRole(user, ...APPRAISAL_HR_ROLES)} canApprove={hasRole(user, ...APPRAISAL_APPROVE_ROLES)} />;
}
