import { getTranslations } from "next-intl/server";
import { currentUser, serverApi } from "@/server/api/server";
import { studentOnly } from "../_components/nav";
import { StudentHome } from "../_student/StudentHome";
import { StaffHome } from "./StaffChrome";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("home") };
}

export default async function HomePage() {
  const me = await currentUser();
  if (me && studentOnly(me)) return <StudentHome />;
  const api = await serverApi();
  const [user, home] = await Promise.all([api.me.whoami(), api.me.home()]);
  return <StaffHome user={user} home={home} />;
}
