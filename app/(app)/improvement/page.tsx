import { ORDER_ISSUE_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { guardPage, pageMetadata } from "../../_components/guard";
import { OrdersView } from "./OrdersView";

export const generateMetadata = pageMetadata("improvement");

// Rectification orders: the quality office's list of every order, a unit's list of its own
// (with "to answer"), a teacher's list of the orders they are responsible for.
export default function ImprovementPage() {
  return guardPage("improvement", (user) => (
    <OrdersView canIssue={hasRole(user, ...ORDER_ISSUE_ROLES)} quality={hasRole(user, "quality_admin")} />
  ));
}
