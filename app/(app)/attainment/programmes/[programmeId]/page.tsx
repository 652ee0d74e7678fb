import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { ProgrammeReportView } from "./ProgrammeReportView";

export async function generateMetadata() {
  return { title: (await getTranslations("attainment.report"))("programmeTitle") };
}

export default async function ProgrammeAttainmentPage({ params }: { params: Promise<{ programmeId: string }> }) {
  const { programmeId } = await params;
  const id = Number(programmeId);
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  return <ProgrammeReportView programmeId={id} />;
}
