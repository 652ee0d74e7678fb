import { guardPage, pageMetadata } from "../../../_components/guard";
import { InspectionsView } from "./InspectionsView";

export const generateMetadata = pageMetadata("inspections");

// 教学检查: the quality office's inspections (progress per inspection) and the form that starts one.
export default function InspectionsPage() {
  return guardPage("inspections", () => <InspectionsView />);
}
