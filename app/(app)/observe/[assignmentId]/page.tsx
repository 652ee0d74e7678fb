import { notFound } from "next/navigation";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { ObserveView } from "./ObserveView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("observe");

export default function ObservePage({ params }: { params: Promise<{ assignmentId: string }> }) {
  return guardPage("observe", async () => <ObserveView assignmentId={parseId((await params).assignmentId) ?? notFound()} />);
}
