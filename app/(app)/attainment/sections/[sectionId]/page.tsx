import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { SectionReportView } from "./SectionReportView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("attainment.report"))("courseTitle") };
}

export default async function SectionAttainmentPage({ params }: { params: Promise<{ sectionId: string }> }) {
  const { sectionId } = await params;
  const id = parseId(sectionId) ?? notFound();
  return <SectionReportView sectionId={id} />;
}
