import { notFound } from "next/navigation";
import { serverApi } from "@/server/api/server";
import { parseId } from "@/server/kernel/ids";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { OrderView } from "./OrderView";

export const generateMetadata = pageMetadata("improvementOrder");

// One order with its timeline and the steps the caller may take; an order outside the
// caller's reach is a 404 or the forbidden page (the guard maps the procedure's refusal).
export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const id = parseId((await params).id) ?? notFound();
  return guardPage("improvementOrder", async () => {
    await (await serverApi()).improvement.detail({ id });
    return <OrderView id={id} />;
  });
}
