import type { ReactNode } from "react";
import { currentUser } from "@/server/api/server";
import { BROWSE_ROLE_LIST } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../_components/Forbidden";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!hasRole(user, ...BROWSE_ROLE_LIST)) return <Forbidden />;
  return children;
}
