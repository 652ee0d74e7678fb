import { TRPCError } from "@trpc/server";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { currentUser, serverApi } from "@/server/api/server";
import { INSTRUMENT_APPROVE_ROLES, INSTRUMENT_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../../_components/Forbidden";
import { InstrumentView } from "./InstrumentView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("instruments"))("title") };
}

export default async function InstrumentPage({ params, searchParams }: {
  params: Promise<{ id: string }>; searchParams: Promise<{ v?: string }>;
}) {
  const id = parseId((await params).id) ?? notFound();
  const user = await currentUser();
  if (!hasRole(user, ...INSTRUMENT_VIEW_ROLES)) return <Forbidden />;
  try {
    await (await serverApi()).instruments.get({ id });
  } catch (e) {
    if (e instanceof TRPCError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
  const v = parseId((await searchParams).v) ?? undefined;
  return <InstrumentView id={id} initialVersionId={v}
    canApprove={hasRole(user, ...INSTRUMENT_APPROVE_ROLES)} />;
}
