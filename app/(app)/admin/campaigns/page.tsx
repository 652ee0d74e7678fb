import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { hasRole } from "@/server/access/scope";
import { CAMPAIGN_MANAGE_ROLES } from "@/server/campaigns/kinds";
import { Forbidden } from "../../../_components/Forbidden";
import { CampaignsList } from "./CampaignsList";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("campaigns") };
}

export default async function CampaignsPage() {
  if (!hasRole(await currentUser(), ...CAMPAIGN_MANAGE_ROLES)) return <Forbidden />;
  return <CampaignsList />;
}
