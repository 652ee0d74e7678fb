import { PROVISIONAL_RESULTS_ROLES, SCORING_ADMIN_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { CAMPAIGN_MANAGE_ROLES } from "@/server/campaigns/kinds";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { ResultsView } from "./ResultsView";

export const generateMetadata = pageMetadata("results");

export default function ResultsPage() {
  return guardPage("results", (user) => (
    <ResultsView
      canAdmin={hasRole(user, ...SCORING_ADMIN_ROLES)}
      canPublish={hasRole(user, ...CAMPAIGN_MANAGE_ROLES)}
      seesProvisional={hasRole(user, ...PROVISIONAL_RESULTS_ROLES)}
    />
  ));
}
