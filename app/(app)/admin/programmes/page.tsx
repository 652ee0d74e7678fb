import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { PEOPLE_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { ProgrammesList } from "./ProgrammesList";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("programmes") };
}

export default async function ProgrammesPage() {
  return <ProgrammesList seesPeople={hasRole(await currentUser(), ...PEOPLE_VIEW_ROLES)} />;
}
