import { guardPage, pageMetadata } from "../../../_components/guard";
import { MyAppraisalView } from "./MyAppraisalView";

export const generateMetadata = pageMetadata("myAppraisal");

export default function MyAppraisalPage() {
  return guardPage("myAppraisal", () => <MyAppraisalView />);
}
