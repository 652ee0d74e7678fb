import { notFound } from "next/navigation";
import { APPRAISAL_HR_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { TeacherAppraisalView } from "./TeacherAppraisalView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("teacherAppraisal");

export default function TeacherAppraisalPage({ params }: { params: Promise<{ teacherId: string }> }) {
  return guardPage("teacherAppraisal", async (user) => (
    <TeacherAppraisalView teacherId={parseId((await params).teacherId) ?? notFound()} canHr={hasRole(user, ...APPRAISAL_HR_ROLES)} />
  ));
}
