import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { ProgrammeReportView } from "./ProgrammeReportView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("attainment.report"))("programmeTitle") };
}

export default async function ProgrammeAttainmentPage({ params }: { params: Promise<{ programmeId: string }> }) {
  const { programmeId } = await params;
  const id = parseId(programmeId) ?? notFound();
  return <ProgrammeReportView programmeId={id} />;
}
