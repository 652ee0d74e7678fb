import { guardPage, pageMetadata } from "../../../_components/guard";
import { InstrumentsList } from "./InstrumentsList";

export const generateMetadata = pageMetadata("instruments");

export default function InstrumentsPage() {
  return guardPage("instruments", () => <InstrumentsList />);
}
