import { TRPCError } from "@trpc/server";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { currentUser, serverApi } from "@/server/api/server";
import { INSTRUMENT_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../../../_components/Forbidden";
import { EditorView } from "./EditorView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("instruments"))("title") };
}

export default async function EditInstrumentPage({ params }: { params: Promise<{ id: string }> }) {
  const id = parseId((await params).id) ?? notFound();
  if (!hasRole(await currentUser(), ...INSTRUMENT_VIEW_ROLES)) return <Forbidden />;
  let latest: number | undefined;
  try {
    latest = (await (await serverApi()).instruments.get({ id })).versions[0]?.id;
  } catch (e) {
    if (e instanceof TRPCError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
  if (!latest) notFound();
  return <EditorView instrumentId={id} versionId={latest} />;
}
