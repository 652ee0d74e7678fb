import type { ReactNode } from "react";
import { guardPage } from "../../../_components/guard";

// People's records: the system administrator, the quality office and unit admins only (HR and
// leaders read results, not records).
export default function PeopleLayout({ children }: { children: ReactNode }) {
  return guardPage("people", () => children);
}
