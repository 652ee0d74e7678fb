import { notFound } from "next/navigation";
import { serverApi } from "@/server/api/server";
import { guardPage, pageMetadata } from "../../../../../_components/guard";
import { EditorView } from "./EditorView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("instrumentEdit");

export default function EditInstrumentPage({ params }: { params: Promise<{ id: string }> }) {
  return guardPage("instrumentEdit", async () => {
    const id = parseId((await params).id) ?? notFound();
    const latest = (await (await serverApi()).instruments.get({ id })).versions[0]?.id ?? notFound();
    return <EditorView instrumentId={id} versionId={latest} />;
  });
}
