import { guardPage, pageMetadata } from "../../../_components/guard";
import { ViewLogView } from "./ViewLogView";

export const generateMetadata = pageMetadata("viewLog");

// Who looked at which teacher's results: the whole log, for the system administrator (each
// teacher reads their own part on their appraisal page).
export default function ViewLogPage() {
  return guardPage("viewLog", () => <ViewLogView />);
}
