import { notFound } from "next/navigation";
import { guardPage, pageMetadata } from "../../../../../_components/guard";
import { ModelEditorView } from "./ModelEditorView";
import { ATTAINMENT_APPROVE_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("programmeModel");

export default function ProgrammeModelPage({ params }: { params: Promise<{ programmeId: string }> }) {
  return guardPage("programmeModel", async (user) => (
    <ModelEditorView
      programmeId={parseId((await params).programmeId) ?? notFound()}
      canApprove={hasRole(user, ...ATTAINMENT_APPROVE_ROLES)}
    />
  ));
}
