import { guardPage, pageMetadata } from "../../../../_components/guard";
import { CampaignForm } from "./CampaignForm";

export const generateMetadata = pageMetadata("campaignNew");

export default function NewCampaignPage() {
  return guardPage("campaignNew", () => <CampaignForm />);
}
