import { guardPage, pageMetadata } from "../../_components/guard";
import { MyInspectionsView } from "./MyInspectionsView";

export const generateMetadata = pageMetadata("myInspections");

// 本单位教学检查: a unit admin's checklists to fill in (not submitted first) and those submitted.
export default function MyInspectionsPage() {
  return guardPage("myInspections", () => <MyInspectionsView />);
}
