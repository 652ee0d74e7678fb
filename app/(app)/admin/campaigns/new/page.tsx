import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { hasRole } from "@/server/access/scope";
import { CAMPAIGN_MANAGE_ROLES } from "@/server/campaigns/kinds";
import { Forbidden } from "../../../../_components/Forbidden";
import { CampaignForm } from "./CampaignForm";

export async function generateMetadata() {
  return { title: (await getTranslations("campaigns"))("admin.form.title") };
}

export default async function NewCampaignPage() {
  if (!hasRole(await currentUser(), ...CAMPAIGN_MANAGE_ROLES)) return <Forbidden />;
  return <CampaignForm />;
}
