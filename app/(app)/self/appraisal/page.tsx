import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../_components/Forbidden";
import { MyAppraisalView } from "./MyAppraisalView";

export async function generateMetadata() {
  return { title: (await getTranslations("appraisal.page"))("mineTitle") };
}

export default async function MyAppraisalPage() {
  const user = await currentUser();
  if (!hasRole(user, "teacher")) return <Forbidden />;
  return <MyAppraisalView />;
}
