import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { campaignTargets, campaigns, raterGroup } from "./campaigns";
import { persons } from "./people";

// Students' free-text comments, reviewed before release (server/comments/). Anonymous side:
// taken out of the answers when a campaign's sealed pool is stored (server/anonymity/pool.ts)
// and written here in an order of their own, each with a fresh random id and NO response id,
// so that nothing shown of a comment (to a reviewer or a teacher) can be joined to the scores
// of the response it came from. The response keeps no copy of the text.
export const COMMENT_DECISIONS = ["pending", "released", "private", "hidden", "escalated"] as const;
export type CommentDecision = (typeof COMMENT_DECISIONS)[number];
export const MARK_KINDS = ["phone", "student_number", "name", "abuse"] as const;
export type MarkKind = (typeof MARK_KINDS)[number];
/** An automatic mark for the reviewer: what it found and where (UTF-16 offsets in the original). */
export type CommentMark = { kind: MarkKind; start: number; end: number };

export const studentComments = pgTable(
  "student_comments",
  {
    id: uuid("id").primaryKey(),
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "restrict" }),
    targetId: integer("target_id")
      .notNull()
      .references(() => campaignTargets.id, { onDelete: "restrict" }),
    raterGroup: raterGroup("rater_group").notNull(),
    /** The question's data key in the instrument (e.g. "suggestions"). */
    question: text("question").notNull(),
    /** What the student wrote: kept, never changed. */
    original: text("original").notNull(),
    /** The edited (redacted) text a reviewer released instead of the original; null: the original. */
    edited: text("edited"),
    decision: text("decision", { enum: COMMENT_DECISIONS }).notNull().default("pending"),
    marks: jsonb("marks").notNull().$type<CommentMark[]>().default([]),
    markKinds: text("mark_kinds").array().notNull().$type<MarkKind[]>().default([]),
  },
  (t) => [index("student_comments_campaign_idx").on(t.campaignId, t.decision), index("student_comments_target_idx").on(t.targetId)],
);

// Every decision on a comment, append-only: who, when, what, and the text released with it. An
// escalation's rectification order links to its decision row (improvement_items.source_ref =
// { kind: "comment", id: <decision id> }).
export const commentDecisions = pgTable(
  "comment_decisions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    commentId: uuid("comment_id")
      .notNull()
      .references(() => studentComments.id, { onDelete: "restrict" }),
    actorId: integer("actor_id")
      .notNull()
      .references(() => persons.id, { onDelete: "restrict" }),
    at: timestamp("at", { withTimezone: true }).notNull(),
    decision: text("decision", { enum: COMMENT_DECISIONS }).notNull(),
    /** The edited text of this decision (a redacted release), or null for the original. */
    text: text("text"),
  },
  (t) => [index("comment_decisions_comment_idx").on(t.commentId)],
);

// The school's list of abusive words (辱骂用语) that mark a comment for the reviewer.
export const commentWords = pgTable("comment_words", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  word: text("word").notNull().unique(),
  createdBy: integer("created_by").references(() => persons.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});
