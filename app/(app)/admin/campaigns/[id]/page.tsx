import { notFound } from "next/navigation";
import { serverApi } from "@/server/api/server";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { CampaignView } from "./CampaignView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("campaign");

export default function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  return guardPage("campaign", async () => {
    const id = parseId((await params).id) ?? notFound();
    return <CampaignView id={id} initial={await (await serverApi()).campaigns.detail({ id })} />;
  });
}
