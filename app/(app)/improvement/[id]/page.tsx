import { notFound } from "next/navigation";
import { serverApi } from "@/server/api/server";
import { parseId } from "@/server/kernel/ids";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { mayOpen } from "../../../_components/pages";
import { OrderView } from "./OrderView";

export const generateMetadata = pageMetadata("improvementOrder");

// One order with its timeline and the steps the caller may take; an order outside the
// caller's reach is a 404 or the forbidden page (the guard maps the procedure's refusal).
export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const id = parseId((await params).id) ?? notFound();
  return guardPage("improvementOrder", async (user) => {
    await (await serverApi()).improvement.detail({ id });
    // Where an inspection's problem links to: the quality office's inspection page, or the unit's checklist.
    const inspectionLink = mayOpen(user, "inspection") ? "quality" : mayOpen(user, "inspectionChecklist") ? "unit" : null;
    return <OrderView id={id} inspectionLink={inspectionLink} />;
  });
}
