import { guardPage, pageMetadata } from "../../../_components/guard";
import { CampaignsList } from "./CampaignsList";

export const generateMetadata = pageMetadata("campaigns");

export default function CampaignsPage() {
  return guardPage("campaigns", () => <CampaignsList />);
}
