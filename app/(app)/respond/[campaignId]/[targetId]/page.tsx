import { getTranslations } from "next-intl/server";
import { RespondView } from "./RespondView";

export async function generateMetadata() {
  return { title: (await getTranslations("respond.pending"))("title") };
}

export default async function RespondPage({ params }: { params: Promise<{ campaignId: string; targetId: string }> }) {
  const { campaignId, targetId } = await params;
  return <RespondView campaignId={Number(campaignId)} targetId={Number(targetId)} />;
}
