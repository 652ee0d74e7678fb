import { COMMENT_WORDS_ROLES } from "@/server/access/roles";
import { hasRole } from "@/server/access/scope";
import { guardPage, pageMetadata } from "../../../../_components/guard";
import { WordsView } from "./WordsView";

export const generateMetadata = pageMetadata("commentWords");

// The abusive-word list: reviewers read it, the quality office edits it.
export default function CommentWordsPage() {
  return guardPage("commentWords", (user) => <WordsView canEdit={hasRole(user, ...COMMENT_WORDS_ROLES)} />);
}
