// Where students' comments come from: the free-text questions (SurveyJS "comment") of the
// anonymous groups' answers. When a campaign's sealed pool is stored (server/anonymity/pool.ts)
// each answer's comment texts are taken out of it before the response is written, and once the
// whole campaign is stored they are written to student_comments in an order of their own (a
// fresh shuffle), each with a fresh random id and nothing of the response: the response keeps
// no copy, so no join, no position and no shared id ties a comment to its response's scores.
// See server/anonymity/README.md, "Comments".
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import type { CommentMark, MarkKind } from "@/db/schema/comments";
import { planOfVersion } from "../instruments/versions";
import { shuffled } from "../kernel/shuffle";
import { kindsOf, markComment, type MarkLists } from "./marks";

/** The data keys of a version's free-text questions (type "comment"). */
export async function commentKeysOf(db: DbOrTx, versionId: number): Promise<string[]> {
  const plan = await planOfVersion(db, versionId);
  return plan.questions.filter((q) => q.type === "comment" && q.answerable).map((q) => q.name);
}

export type TakenComment = { question: string; text: string };

/** Splits answers into the answers without their free texts and the non-blank texts. Pure. */
export function takeComments(
  keys: readonly string[],
  answers: Record<string, unknown>,
): { answers: Record<string, unknown>; comments: TakenComment[] } {
  if (!keys.some((k) => k in answers)) return { answers, comments: [] };
  const rest: Record<string, unknown> = {};
  const comments: TakenComment[] = [];
  for (const [k, v] of Object.entries(answers)) {
    if (!keys.includes(k)) rest[k] = v;
    else if (typeof v === "string" && v.trim() !== "") comments.push({ question: k, text: v.trim() });
  }
  return { answers: rest, comments };
}

export type NewComment = TakenComment & { targetId: number; raterGroup: string };

/** The school's word list (abusive words). */
export async function wordList(db: DbOrTx): Promise<string[]> {
  return (await queryRows(db, { word: col.text }, sql`select word from comment_words order by word`)).map((r) => r.word);
}

/** Target → the names and numbers of its section's people (teachers and enrolled students), for a campaign. */
export async function sectionPeople(db: DbOrTx, campaignId: number): Promise<Map<number, { names: string[]; numbers: string[] }>> {
  const rows = await queryRows(
    db,
    { target_id: col.int, name: col.text, number: col.text },
    sql`
    select t.id as target_id, p.name, p.number from campaign_targets t
      join section_teachers st on st.section_id = t.section_id join persons p on p.id = st.person_id
    where t.campaign_id = ${campaignId}
    union
    select t.id, p.name, p.number from campaign_targets t
      join enrolments e on e.section_id = t.section_id join persons p on p.id = e.person_id
    where t.campaign_id = ${campaignId}`,
  );
  const out = new Map<number, { names: string[]; numbers: string[] }>();
  for (const r of rows) {
    let entry = out.get(r.target_id);
    if (!entry) out.set(r.target_id, (entry = { names: [], numbers: [] }));
    entry.names.push(r.name);
    entry.numbers.push(r.number);
  }
  return out;
}

const NOBODY = { names: [], numbers: [] };

const BATCH = 500;

/**
 * Writes a campaign's comments, shuffled, each with a random id and its automatic marks.
 * Called inside the transaction that stores the campaign's responses (and by the demo).
 */
export async function storeComments(db: DbOrTx, campaignId: number, list: readonly NewComment[]): Promise<number> {
  if (!list.length) return 0;
  const people = await sectionPeople(db, campaignId);
  const words = await wordList(db);
  const rows = shuffled(list);
  for (let i = 0; i < rows.length; i += BATCH) {
    const values = rows.slice(i, i + BATCH).map((c) => {
      const marks = markComment(c.text, { ...(people.get(c.targetId) ?? NOBODY), words });
      return sql`(${randomUUID()}::uuid, ${campaignId}::int, ${c.targetId}::int, ${c.raterGroup}::rater_group, ${c.question}::text,
        ${c.text}::text, ${JSON.stringify(marks)}::jsonb, ${sqlTextArray(kindsOf(marks))})`;
    });
    await db.execute(sql`insert into student_comments (id, campaign_id, target_id, rater_group, question, original, marks, mark_kinds)
      values ${sql.join(values, sql`, `)}`);
  }
  return rows.length;
}

/** A comparable form of a list of marks (jsonb does not keep an object's key order). */
const markKey = (marks: readonly CommentMark[]) => JSON.stringify(marks.map((m) => [m.kind, m.start, m.end]));

function sqlTextArray(xs: readonly string[]) {
  return xs.length
    ? sql`array[${sql.join(
        xs.map((x) => sql`${x}`),
        sql`, `,
      )}]::text[]`
    : sql`'{}'::text[]`;
}

/**
 * Marks again the comments of the given campaigns (after the word list changed), or of every
 * campaign with comments still pending when none are given. Only rows whose marks change are written.
 */
export async function refreshMarks(db: DbOrTx, campaignIds?: readonly number[]): Promise<number> {
  const ids =
    campaignIds ??
    (
      await queryRows(
        db,
        { id: col.int },
        sql`
    select distinct campaign_id as id from student_comments where decision = 'pending'`,
      )
    ).map((r) => r.id);
  const words = await wordList(db);
  let changed = 0;
  for (const campaignId of ids) {
    const people = await sectionPeople(db, campaignId);
    const rows = await queryRows(
      db,
      { id: col.text, target_id: col.int, original: col.text, marks: col.json<CommentMark[]>() },
      sql`
      select id::text as id, target_id, original, marks from student_comments where campaign_id = ${campaignId}`,
    );
    const updates: { id: string; marks: CommentMark[]; kinds: MarkKind[] }[] = [];
    for (const r of rows) {
      const marks = markComment(r.original, { ...(people.get(r.target_id) ?? NOBODY), words } satisfies MarkLists);
      if (markKey(marks) !== markKey(r.marks)) updates.push({ id: r.id, marks, kinds: kindsOf(marks) });
    }
    for (let i = 0; i < updates.length; i += BATCH) {
      const values = updates
        .slice(i, i + BATCH)
        .map((u) => sql`(${u.id}::uuid, ${JSON.stringify(u.marks)}::jsonb, ${sqlTextArray(u.kinds)})`);
      await db.execute(sql`update student_comments c set marks = v.marks, mark_kinds = v.kinds
        from (values ${sql.join(values, sql`, `)}) as v (id, marks, kinds) where c.id = v.id`);
    }
    changed += updates.length;
  }
  return changed;
}
