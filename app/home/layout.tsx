import { getLocale, getMessages } from "next-intl/server";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentUser } from "@/server/api/server";
import { navFor, studentOnly } from "../_components/pages";
import { StudentShell } from "../_student/StudentShell";
import { StaffChrome } from "./StaffChrome";

export const dynamic = "force-dynamic";

// A student alone gets the light student pages; everyone else the admin shell (loaded
// only for them: StaffChrome.tsx).
export default async function HomeLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/signin");
  if (studentOnly(user)) return <StudentShell>{children}</StudentShell>;
  const [locale, messages] = await Promise.all([getLocale(), getMessages()]);
  return (
    <StaffChrome
      locale={locale}
      messages={messages}
      nav={navFor(user)}
      user={{ name: user.name, number: user.number, roles: [...new Set(user.roles.map((r) => r.role))] }}
    >
      {children}
    </StaffChrome>
  );
}
