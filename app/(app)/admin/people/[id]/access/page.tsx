import { TRPCError } from "@trpc/server";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { currentUser, serverApi } from "@/server/api/server";
import { PEOPLE_MANAGE_ROLES, UNGRANTABLE_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../../../_components/Forbidden";
import { AccessView } from "./AccessView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("admin.access"))("link") };
}

// Revoking a role and deactivating a person (server/people/manage.ts): the roles that grant roles.
export default async function PersonAccessPage({ params }: { params: Promise<{ id: string }> }) {
  const id = parseId((await params).id) ?? notFound();
  const user = await currentUser();
  if (!hasRole(user, ...PEOPLE_MANAGE_ROLES)) return <Forbidden />;
  try {
    const person = await (await serverApi()).people.get({ id });
    return <AccessView person={person} self={user!.id === person.id} ungrantable={[...UNGRANTABLE_ROLES]} />;
  } catch (e) {
    if (e instanceof TRPCError && e.code === "NOT_FOUND") notFound();
    if (e instanceof TRPCError && e.code === "FORBIDDEN") return <Forbidden />;
    throw e;
  }
}
