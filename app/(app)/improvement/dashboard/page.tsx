import { guardPage, pageMetadata } from "../../../_components/guard";
import { DashboardView } from "./DashboardView";

export const generateMetadata = pageMetadata("improvementDashboard");

// The loop's figures: open, overdue, closed this term, median days to close, reopen rate, by unit and source.
export default function OrdersDashboardPage() {
  return guardPage("improvementDashboard", () => <DashboardView />);
}
