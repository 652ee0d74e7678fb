import { TRPCError } from "@trpc/server";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { currentUser, serverApi } from "@/server/api/server";
import { hasRole } from "@/server/access/scope";
import { CAMPAIGN_MANAGE_ROLES } from "@/server/campaigns/kinds";
import { Forbidden } from "../../../../_components/Forbidden";
import { CampaignView } from "./CampaignView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("campaigns") };
}

export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const id = parseId((await params).id) ?? notFound();
  if (!hasRole(await currentUser(), ...CAMPAIGN_MANAGE_ROLES)) return <Forbidden />;
  let initial;
  try {
    initial = await (await serverApi()).campaigns.detail({ id });
  } catch (e) {
    if (e instanceof TRPCError && e.code === "NOT_FOUND") notFound();
    if (e instanceof TRPCError && e.code === "FORBIDDEN") return <Forbidden />;
    throw e;
  }
  return <CampaignView id={id} initial={initial} />;
}
