import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ReportView } from "./ReportView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("respond.report"))("title") };
}

export default async function ReportPage({ params }: { params: Promise<{ campaignId: string }> }) {
  const { campaignId } = await params;
  return <ReportView campaignId={parseId(campaignId) ?? notFound()} />;
}
