import { notFound } from "next/navigation";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { ReportView } from "./ReportView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("report");

export default function ReportPage({ params }: { params: Promise<{ campaignId: string }> }) {
  return guardPage("report", async () => <ReportView campaignId={parseId((await params).campaignId) ?? notFound()} />);
}
