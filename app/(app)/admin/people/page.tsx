import { getTranslations } from "next-intl/server";
import { PeopleList } from "./PeopleList";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("people") };
}

export default function PeoplePage() {
  return <PeopleList />;
}
