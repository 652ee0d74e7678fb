import { guardPage, pageMetadata } from "../../../_components/guard";
import { MyCommentsView } from "./MyCommentsView";

export const generateMetadata = pageMetadata("myComments");

// A teacher's released students' comments (published campaigns), apart from any score.
export default function MyCommentsPage() {
  return guardPage("myComments", () => <MyCommentsView />);
}
