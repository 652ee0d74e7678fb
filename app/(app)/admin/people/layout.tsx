import type { ReactNode } from "react";
import { currentUser } from "@/server/api/server";
import { PEOPLE_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../_components/Forbidden";

// People's records: the system administrator, the quality office and unit admins only (HR and
// leaders read results, not records).
export default async function PeopleLayout({ children }: { children: ReactNode }) {
  if (!hasRole(await currentUser(), ...PEOPLE_VIEW_ROLES)) return <Forbidden />;
  return children;
}
