import { PEOPLE_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { ProgrammesList } from "./ProgrammesList";

export const generateMetadata = pageMetadata("programmes");

export default function ProgrammesPage() {
  return guardPage("programmes", (user) => <ProgrammesList seesPeople={hasRole(user, ...PEOPLE_VIEW_ROLES)} />);
}
