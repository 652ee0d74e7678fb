import { notFound } from "next/navigation";
import { serverApi } from "@/server/api/server";
import { PEOPLE_MANAGE_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { PersonView } from "./PersonView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("person");

export default function PersonPage({ params }: { params: Promise<{ id: string }> }) {
  return guardPage("person", async (user) => {
    const id = parseId((await params).id) ?? notFound();
    const person = await (await serverApi()).people.get({ id });
    return <PersonView person={person} canSetPassword={hasRole(user, "sys_admin")} canManage={hasRole(user, ...PEOPLE_MANAGE_ROLES)} />;
  });
}
