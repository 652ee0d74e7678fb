import { notFound } from "next/navigation";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { parseId } from "@/server/kernel/ids";
import { ChecklistView } from "./ChecklistView";

export const generateMetadata = pageMetadata("inspectionChecklist");

// A unit's checklist of an inspection: the form to fill in (once), or the answers as submitted.
export default function ChecklistPage({ params }: { params: Promise<{ inspectionId: string; unitId: string }> }) {
  return guardPage("inspectionChecklist", async () => {
    const p = await params;
    return <ChecklistView inspectionId={parseId(p.inspectionId) ?? notFound()} unitId={parseId(p.unitId) ?? notFound()} />;
  });
}
