import { getTranslations } from "next-intl/server";
import { AttainmentHome } from "./AttainmentHome";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("attainment") };
}

export default function AttainmentPage() {
  return <AttainmentHome />;
}
