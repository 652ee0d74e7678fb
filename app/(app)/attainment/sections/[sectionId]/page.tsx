import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { SectionReportView } from "./SectionReportView";

export async function generateMetadata() {
  return { title: (await getTranslations("attainment.report"))("courseTitle") };
}

export default async function SectionAttainmentPage({ params }: { params: Promise<{ sectionId: string }> }) {
  const { sectionId } = await params;
  const id = Number(sectionId);
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  return <SectionReportView sectionId={id} />;
}
