import { notFound } from "next/navigation";
import { parseId } from "@/server/kernel/ids";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { CommentReviewView } from "./CommentReviewView";

export const generateMetadata = pageMetadata("commentReview");

export default function CommentReviewPage({ params }: { params: Promise<{ campaignId: string }> }) {
  return guardPage("commentReview", async () => {
    const campaignId = parseId((await params).campaignId) ?? notFound();
    return <CommentReviewView campaignId={campaignId} />;
  });
}
