import type { ReactNode } from "react";
import { guardPage } from "../../_components/guard";

export default function AdminLayout({ children }: { children: ReactNode }) {
  return guardPage("admin", () => children);
}
