import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { SelfView } from "./SelfView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("respond.self"))("title") };
}

export default async function SelfPage({ params }: { params: Promise<{ targetId: string }> }) {
  const { targetId } = await params;
  return <SelfView targetId={parseId(targetId) ?? notFound()} />;
}
