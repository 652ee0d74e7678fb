import { getTranslations } from "next-intl/server";
import { currentUser } from "@/server/api/server";
import { INSTRUMENT_VIEW_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../_components/Forbidden";
import { InstrumentsList } from "./InstrumentsList";

export async function generateMetadata() {
  return { title: (await getTranslations("instruments"))("title") };
}

export default async function InstrumentsPage() {
  if (!hasRole(await currentUser(), ...INSTRUMENT_VIEW_ROLES)) return <Forbidden />;
  return <InstrumentsList />;
}
