import { notFound } from "next/navigation";
import { guardPage, pageMetadata } from "../../../../../_components/guard";
import { TargetResultView } from "../../../../../_components/results/TargetResultView";
import { parseId } from "@/server/kernel/ids";

export const generateMetadata = pageMetadata("myResult");

// A teacher's own result (published campaigns, reported figures only: the server checks).
export default function MyResultPage({ params }: { params: Promise<{ policyId: string; targetId: string; group: string }> }) {
  return guardPage("myResult", async () => {
    const p = await params;
    const policyId = parseId(p.policyId) ?? notFound(),
      targetId = parseId(p.targetId) ?? notFound();
    if (!/^[a-z]{3,12}$/.test(p.group)) notFound();
    return <TargetResultView policyId={policyId} targetId={targetId} group={p.group} mine />;
  });
}
