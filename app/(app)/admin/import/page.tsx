import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { IMPORT_ROLE_LIST } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../_components/Forbidden";
import { IMPORT_KINDS } from "@/server/imports/kinds";
import { ImportView } from "./ImportView";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("import") };
}

export default async function ImportPage() {
  if (!hasRole(await currentUser(), ...IMPORT_ROLE_LIST)) return <Forbidden />;
  return <ImportView kinds={IMPORT_KINDS} />;
}
