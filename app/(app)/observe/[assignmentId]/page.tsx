import { getTranslations } from "next-intl/server";
import { ObserveView } from "./ObserveView";

export async function generateMetadata() {
  return { title: (await getTranslations("respond.observe"))("title") };
}

export default async function ObservePage({ params }: { params: Promise<{ assignmentId: string }> }) {
  const { assignmentId } = await params;
  return <ObserveView assignmentId={Number(assignmentId)} />;
}
