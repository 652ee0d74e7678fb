import { PEOPLE_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { UnitsTree } from "./UnitsTree";

export const generateMetadata = pageMetadata("units");

export default function UnitsPage() {
  return guardPage("units", (user) => <UnitsTree seesPeople={hasRole(user, ...PEOPLE_VIEW_ROLES)} />);
}
