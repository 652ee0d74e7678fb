import { getTranslations } from "next-intl/server";
import { SectionsList } from "./SectionsList";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("sections") };
}

export default function SectionsPage() {
  return <SectionsList />;
}
