import { getTranslations } from "next-intl/server";
import { ProgrammesList } from "./ProgrammesList";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("programmes") };
}

export default function ProgrammesPage() {
  return <ProgrammesList />;
}
