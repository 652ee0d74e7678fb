import { z } from "zod";
import {
  decideComments,
  decideInput,
  commentHistory,
  COMMENT_REVIEW_ROLES,
  COMMENT_WORDS_ROLES,
  historyInput,
  listForReview,
  listInput,
  reviewCampaigns,
  reviewFilters,
} from "../../comments/review";
import { releasedCommentsOf } from "../../comments/teacher";
import { addWord, addWordInput, listWords, removeWord, removeWordInput } from "../../comments/words";
import { idSchema } from "../../kernel/ids";
import { roleProcedure, router } from "../trpc";

// Students' comments: the review (app/(app)/admin/comments, the quality office and unit admins),
// the word list (the quality office) and a teacher's released comments (app/(app)/self/comments).
// Thin: server/comments checks scope, the campaign's state and the minimum of raters.
const reviewer = roleProcedure(...COMMENT_REVIEW_ROLES);
const words = roleProcedure(...COMMENT_WORDS_ROLES);
const teacher = roleProcedure("teacher");

export const commentsRouter = router({
  campaigns: reviewer.query(({ ctx }) => reviewCampaigns(ctx.db, ctx.user)),
  filters: reviewer
    .input(z.object({ campaignId: idSchema }).strict())
    .query(({ ctx, input }) => reviewFilters(ctx.db, ctx.user, input.campaignId)),
  list: reviewer.input(listInput).query(({ ctx, input }) => listForReview(ctx.db, ctx.now, ctx.user, input)),
  history: reviewer.input(historyInput).query(({ ctx, input }) => commentHistory(ctx.db, ctx.user, input)),
  decide: reviewer.input(decideInput).mutation(({ ctx, input }) => decideComments(ctx.db, ctx.now(), ctx.user, input)),
  words: router({
    list: reviewer.query(({ ctx }) => listWords(ctx.db)),
    add: words.input(addWordInput).mutation(({ ctx, input }) => addWord(ctx.db, ctx.now(), ctx.user, input)),
    remove: words.input(removeWordInput).mutation(({ ctx, input }) => removeWord(ctx.db, ctx.user, input)),
  }),
  /** The teacher's own released comments (published campaigns). */
  mine: teacher.query(({ ctx }) => releasedCommentsOf(ctx.db, ctx.user.id)),
});
