import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { PROVISIONAL_RESULTS_ROLES, RESULTS_VIEW_ROLES, SCORING_ADMIN_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { CAMPAIGN_MANAGE_ROLES } from "@/server/campaigns/kinds";
import { Forbidden } from "../../../_components/Forbidden";
import { ResultsView } from "./ResultsView";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("results") };
}

export default async function ResultsPage() {
  const user = await currentUser();
  if (!hasRole(user, ...RESULTS_VIEW_ROLES)) return <Forbidden />;
  return <ResultsView canAdmin={hasRole(user, ...SCORING_ADMIN_ROLES)} canPublish={hasRole(user, ...CAMPAIGN_MANAGE_ROLES)}
    seesProvisional={hasRole(user, ...PROVISIONAL_RESULTS_ROLES)} />;
}
