import { notFound } from "next/navigation";
import { serverApi } from "@/server/api/server";
import { INSTRUMENT_APPROVE_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { InstrumentView } from "./InstrumentView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("instrument");

export default function InstrumentPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ v?: string }>;
}) {
  return guardPage("instrument", async (user) => {
    const id = parseId((await params).id) ?? notFound();
    await (await serverApi()).instruments.get({ id });
    const v = parseId((await searchParams).v) ?? undefined;
    return <InstrumentView id={id} initialVersionId={v} canApprove={hasRole(user, ...INSTRUMENT_APPROVE_ROLES)} />;
  });
}
