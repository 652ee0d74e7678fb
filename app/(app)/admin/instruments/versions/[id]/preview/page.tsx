import { notFound } from "next/navigation";
import { serverApi } from "@/server/api/server";
import { guardPage, pageMetadata } from "../../../../../../_components/guard";
import { PreviewView } from "./PreviewView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("versionPreview");

// A version's form exactly as respondents will see it (the version stored in the
// database, not the surveys/ files); completing it asks the server for its verdict.
export default function PreviewPage({ params }: { params: Promise<{ id: string }> }) {
  return guardPage("versionPreview", async () => {
    const id = parseId((await params).id) ?? notFound();
    const v = await (await serverApi()).instruments.version({ id });
    return (
      <PreviewView
        version={{
          id: v.id,
          version: v.version,
          status: v.status,
          instrumentId: v.instrument.id,
          name: v.file.name ?? { zh: v.instrument.name, en: v.instrument.nameEn ?? v.instrument.name },
          survey: v.file.survey,
        }}
      />
    );
  });
}
