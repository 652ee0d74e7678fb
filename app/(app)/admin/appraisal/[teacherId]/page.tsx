import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { currentUser } from "@/server/api/server";
import { APPRAISAL_HR_ROLES, APPRAISAL_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../../_components/Forbidden";
import { TeacherAppraisalView } from "./TeacherAppraisalView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("appraisal.page"))("title") };
}

export default async function TeacherAppraisalPage({ params }: { params: Promise<{ teacherId: string }> }) {
  const user = await currentUser();
  if (!hasRole(user, ...APPRAISAL_VIEW_ROLES)) return <Forbidden />;
  const { teacherId } = await params;
  return <TeacherAppraisalView teacherId={parseId(teacherId) ?? notFound()} canHr={hasRole(user, ...APPRAISAL_HR_ROLES)} />;
}
