// The school's list of abusive words (辱骂用语) that mark comments for reviewers: the quality
// office edits it; each change is audited and marks again the comments still under review.
import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryRow, one } from "@/db/query";
import { commentWords } from "@/db/schema";
import type { SessionUser } from "../auth/users";
import { parseInput } from "../kernel/validate";
import { recordAudit } from "../kernel/audit";
import { DomainError } from "../kernel/errors";
import { idSchema } from "../kernel/ids";
import { refreshMarks } from "./store";

export const WORD_MAX = 40;

export const addWordInput = z.object({ word: z.string().trim().min(1).max(WORD_MAX) }).strict();
export const removeWordInput = z.object({ id: idSchema }).strict();

export async function listWords(db: DbOrTx) {
  return db
    .select({ id: commentWords.id, word: commentWords.word, createdAt: commentWords.createdAt })
    .from(commentWords)
    .orderBy(asc(commentWords.word));
}

/** Adds a word (the same word again, in any case, is refused); returns it and how many comments' marks changed. */
export async function addWord(db: DbOrTx, now: Date, actor: SessionUser, raw: z.input<typeof addWordInput>) {
  const { word } = parseInput(addWordInput, raw);
  return db.transaction(async (tx) => {
    const dup = await queryRow(tx, { id: col.int }, sql`select id from comment_words where lower(word) = lower(${word})`);
    if (dup) throw new DomainError("CONFLICT", "comments.errors.wordExists", { word });
    const row = one(await tx.insert(commentWords).values({ word, createdBy: actor.id, createdAt: now }).returning());
    await recordAudit(tx, { actorId: actor.id, action: "comments.word.add", subject: `comment_word ${row.id}`, detail: { word } });
    return { id: row.id, word, remarked: await refreshMarks(tx) };
  });
}

export async function removeWord(db: DbOrTx, actor: SessionUser, raw: z.input<typeof removeWordInput>) {
  const { id } = parseInput(removeWordInput, raw);
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(commentWords).where(eq(commentWords.id, id)).returning();
    if (!row) throw new DomainError("NOT_FOUND", "comments.errors.wordNotFound");
    await recordAudit(tx, { actorId: actor.id, action: "comments.word.remove", subject: `comment_word ${id}`, detail: { word: row.word } });
    return { id, remarked: await refreshMarks(tx) };
  });
}
