import { notFound } from "next/navigation";
import { serverApi } from "@/server/api/server";
import { UNGRANTABLE_ROLES } from "@/server/access/roles";
import { guardPage, pageMetadata } from "../../../../../_components/guard";
import { AccessView } from "./AccessView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("personAccess");

// Revoking a role and deactivating a person (server/people/manage.ts): the roles that grant roles.
export default function PersonAccessPage({ params }: { params: Promise<{ id: string }> }) {
  return guardPage("personAccess", async (user) => {
    const id = parseId((await params).id) ?? notFound();
    const person = await (await serverApi()).people.get({ id });
    return <AccessView person={person} self={user.id === person.id} ungrantable={[...UNGRANTABLE_ROLES]} />;
  });
}
