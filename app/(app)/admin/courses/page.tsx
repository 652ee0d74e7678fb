import { getTranslations } from "next-intl/server";
import { CoursesList } from "./CoursesList";

export async function generateMetadata() {
  return { title: (await getTranslations("nav"))("courses") };
}

export default function CoursesPage() {
  return <CoursesList />;
}
