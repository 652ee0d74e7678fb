import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentUser } from "@/server/api/server";
import { StudentShell } from "../_student/StudentShell";

export const dynamic = "force-dynamic";

// The answer form is a student's page: the light layout, whoever opens it.
export default async function RespondLayout({ children }: { children: ReactNode }) {
  if (!(await currentUser())) redirect("/signin");
  return <StudentShell>{children}</StudentShell>;
}
