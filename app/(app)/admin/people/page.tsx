import { guardPage, pageMetadata } from "../../../_components/guard";
import { PeopleList } from "./PeopleList";

export const generateMetadata = pageMetadata("people");

export default function PeoplePage() {
  return guardPage("people", () => <PeopleList />);
}
