import { guardPage, pageMetadata } from "../../../_components/guard";
import { CommentCampaignsView } from "./CommentCampaignsView";

export const generateMetadata = pageMetadata("comments");

// Closed campaigns with students' comments to review (the quality office; a unit admin its units').
export default function CommentsPage() {
  return guardPage("comments", () => <CommentCampaignsView />);
}
