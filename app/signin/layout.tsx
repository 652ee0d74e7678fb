import type { ReactNode } from "react";
import { AdminRoot } from "../_components/AdminRoot";

export default function SignInLayout({ children }: { children: ReactNode }) {
  return <AdminRoot>{children}</AdminRoot>;
}
