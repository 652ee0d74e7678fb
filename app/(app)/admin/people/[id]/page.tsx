import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";
import { currentUser, serverApi } from "@/server/api/server";
import { PEOPLE_MANAGE_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../../_components/Forbidden";
import { PersonView } from "./PersonView";
import { parseId } from "@/server/kernel/ids";

export default async function PersonPage({ params }: { params: Promise<{ id: string }> }) {
  const id = parseId((await params).id) ?? notFound();
  const api = await serverApi();
  try {
    const user = await currentUser();
    return <PersonView person={await api.people.get({ id })} canSetPassword={hasRole(user, "sys_admin")} canManage={hasRole(user, ...PEOPLE_MANAGE_ROLES)} />;
  } catch (e) {
    if (e instanceof TRPCError && e.code === "NOT_FOUND") notFound();
    if (e instanceof TRPCError && e.code === "FORBIDDEN") return <Forbidden />;
    throw e;
  }
}
