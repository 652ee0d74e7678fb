import { notFound } from "next/navigation";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { parseId } from "@/server/kernel/ids";
import { InspectionView } from "./InspectionView";

export const generateMetadata = pageMetadata("inspection");

// One inspection for the quality office: progress per unit, each unit's checklist, the problems and their orders.
export default function InspectionPage({ params }: { params: Promise<{ id: string }> }) {
  return guardPage("inspection", async () => <InspectionView id={parseId((await params).id) ?? notFound()} />);
}
