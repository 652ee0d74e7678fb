import { notFound } from "next/navigation";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { ProgrammeReportView } from "./ProgrammeReportView";
import { ATTAINMENT_EDIT_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("programmeAttainment");

export default function ProgrammeAttainmentPage({ params }: { params: Promise<{ programmeId: string }> }) {
  return guardPage("programmeAttainment", async (user) => (
    <ProgrammeReportView
      programmeId={parseId((await params).programmeId) ?? notFound()}
      canEdit={hasRole(user, ...ATTAINMENT_EDIT_ROLES)}
    />
  ));
}
