import { TRPCError } from "@trpc/server";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { currentUser, serverApi } from "@/server/api/server";
import { INSTRUMENT_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../../../../_components/Forbidden";
import { PreviewView } from "./PreviewView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("respond.preview"))("title") };
}

// A version's form exactly as respondents will see it (the version stored in the
// database, not the surveys/ files); completing it asks the server for its verdict.
export default async function PreviewPage({ params }: { params: Promise<{ id: string }> }) {
  const id = parseId((await params).id) ?? notFound();
  if (!hasRole(await currentUser(), ...INSTRUMENT_VIEW_ROLES)) return <Forbidden />;
  let v;
  try {
    v = await (await serverApi()).instruments.version({ id });
  } catch (e) {
    if (e instanceof TRPCError && e.code === "NOT_FOUND") notFound();
    if (e instanceof TRPCError && e.code === "FORBIDDEN") return <Forbidden />;
    throw e;
  }
  return (
    <PreviewView version={{
      id: v.id,
      version: v.version,
      status: v.status,
      instrumentId: v.instrument.id,
      name: v.file.name ?? { zh: v.instrument.name, en: v.instrument.nameEn ?? v.instrument.name },
      survey: v.file.survey,
    }} />
  );
}
