import { notFound } from "next/navigation";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { ProgrammeReportView } from "./ProgrammeReportView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("programmeAttainment");

export default function ProgrammeAttainmentPage({ params }: { params: Promise<{ programmeId: string }> }) {
  return guardPage("programmeAttainment", async () => (
    <ProgrammeReportView programmeId={parseId((await params).programmeId) ?? notFound()} />
  ));
}
