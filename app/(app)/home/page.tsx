import { getTranslations } from "next-intl/server";
import { serverApi } from "@/server/api/server";
import { HomeView } from "./HomeView";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("home") };
}

export default async function HomePage() {
  const api = await serverApi();
  const [user, home] = await Promise.all([api.me.whoami(), api.me.home()]);
  return <HomeView user={user} home={home} />;
}
