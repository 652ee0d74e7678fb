import { serverApi } from "@/server/api/server";
import { guardPage, pageMetadata } from "../_components/guard";
import { studentOnly } from "../_components/pages";
import { StudentHome } from "../_student/StudentHome";
import { StaffHome } from "./StaffChrome";

export const generateMetadata = pageMetadata("home");

export default function HomePage() {
  return guardPage("home", async (me) => {
    if (studentOnly(me)) return <StudentHome />;
    const api = await serverApi();
    const [user, home] = await Promise.all([api.me.whoami(), api.me.home()]);
    return <StaffHome user={user} home={home} />;
  });
}
