import { getTranslations } from "next-intl/server";
import { UnitsTree } from "./UnitsTree";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("units") };
}

export default function UnitsPage() {
  return <UnitsTree />;
}
