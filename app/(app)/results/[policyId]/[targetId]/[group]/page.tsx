import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { currentUser } from "@/server/api/server";
import { hasRole } from "@/server/access/scope";
import { Forbidden } from "../../../../../_components/Forbidden";
import { TargetResultView } from "../../../../../_components/results/TargetResultView";
import { parseId } from "@/server/kernel/ids";

export async function generateMetadata() {
  return { title: (await getTranslations("results"))("mine.title") };
}

// A teacher's own result (published campaigns, reported figures only: the server checks).
export default async function MyResultPage({ params }: { params: Promise<{ policyId: string; targetId: string; group: string }> }) {
  if (!hasRole(await currentUser(), "teacher")) return <Forbidden />;
  const p = await params;
  const policyId = parseId(p.policyId) ?? notFound(), targetId = parseId(p.targetId) ?? notFound();
  if (!/^[a-z]{3,12}$/.test(p.group)) notFound();
  return <TargetResultView policyId={policyId} targetId={targetId} group={p.group} mine />;
}
