import { guardPage, pageMetadata } from "../../../_components/guard";
import { WarningsView } from "./WarningsView";

export const generateMetadata = pageMetadata("warnings");

// 教学质量预警: the quality office's warnings (turned into orders or dismissed) and the rule set
// (versions, approval, a new version).
export default function WarningsPage() {
  return guardPage("warnings", () => <WarningsView />);
}
