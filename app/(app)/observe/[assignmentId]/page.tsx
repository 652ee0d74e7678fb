import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ObserveView } from "./ObserveView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("respond.observe"))("title") };
}

export default async function ObservePage({ params }: { params: Promise<{ assignmentId: string }> }) {
  const { assignmentId } = await params;
  return <ObserveView assignmentId={parseId(assignmentId) ?? notFound()} />;
}
