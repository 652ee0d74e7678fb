import { notFound } from "next/navigation";
import { guardPage, pageMetadata } from "../../../_components/guard";
import { SelfView } from "./SelfView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("selfEvaluation");

export default function SelfPage({ params }: { params: Promise<{ targetId: string }> }) {
  return guardPage("selfEvaluation", async () => <SelfView targetId={parseId((await params).targetId) ?? notFound()} />);
}
