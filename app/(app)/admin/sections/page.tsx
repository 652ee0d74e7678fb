import { guardPage, pageMetadata } from "../../../_components/guard";
import { SectionsList } from "./SectionsList";

export const generateMetadata = pageMetadata("sections");

export default function SectionsPage() {
  return guardPage("sections", () => <SectionsList />);
}
