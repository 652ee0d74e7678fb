import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentUser } from "@/server/api/server";
import { AdminRoot } from "../_components/AdminRoot";
import { AppShell } from "../_components/AppShell";
import { navFor } from "../_components/pages";
import { SessionKeepAlive } from "../_components/SessionKeepAlive";

export const dynamic = "force-dynamic";

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return (
    <AdminRoot>
      <AppShell user={{ name: user.name, number: user.number, roles: [...new Set(user.roles.map((r) => r.role))] }} nav={navFor(user)}>
        <SessionKeepAlive />
        {children}
      </AppShell>
    </AdminRoot>
  );
}
