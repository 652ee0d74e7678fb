import { guardPage, pageMetadata } from "../../_components/guard";
import { AttainmentHome } from "./AttainmentHome";

export const generateMetadata = pageMetadata("attainment");

export default function AttainmentPage() {
  return guardPage("attainment", () => <AttainmentHome />);
}
