import { IMPORT_KINDS } from "@/server/imports/kinds";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { ImportView } from "./ImportView";

export const generateMetadata = pageMetadata("import");

export default function ImportPage() {
  return guardPage("import", () => <ImportView kinds={IMPORT_KINDS} />);
}
