import { guardPage, pageMetadata } from "../../../_components/guard";
import { CoursesList } from "./CoursesList";

export const generateMetadata = pageMetadata("courses");

export default function CoursesPage() {
  return guardPage("courses", () => <CoursesList />);
}
