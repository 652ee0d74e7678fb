import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { PEOPLE_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { UnitsTree } from "./UnitsTree";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("units") };
}

export default async function UnitsPage() {
  return <UnitsTree seesPeople={hasRole(await currentUser(), ...PEOPLE_VIEW_ROLES)} />;
}
