import { notFound } from "next/navigation";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { SectionReportView } from "./SectionReportView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("sectionAttainment");

export default function SectionAttainmentPage({ params }: { params: Promise<{ sectionId: string }> }) {
  return guardPage("sectionAttainment", async () => <SectionReportView sectionId={parseId((await params).sectionId) ?? notFound()} />);
}
