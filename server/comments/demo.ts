// The demo's students' comments: last term's imported end-of-term campaign (published, from the
// "previous system") gets the comments its students would have written, stored as the close
// stores them (storeComments: shuffled, random ids, marked), all pending review; and the
// school's word list gets a few abusive words. Deterministic; skipped once any comment exists.
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { col, queryRow, queryRows } from "@/db/query";
import { commentWords } from "@/db/schema";
import { DEMO_HISTORY_CAMPAIGN } from "../scoring/demo";
import { rng } from "../scoring/simulate";
import { storeComments, type NewComment } from "./store";
import { at } from "@/server/shared/indexed";

export const DEMO_WORDS = ["垃圾", "废物", "滚蛋"];

const STRENGTHS = [
  "讲解清楚，例题丰富，收获很大。",
  "老师备课认真，课堂节奏合适。",
  "课堂互动多，能调动大家的积极性。",
  "作业批改及时，反馈很具体。",
  "理论联系实际，案例很有启发。",
];
const SUGGESTIONS = [
  "作业量有点大，希望能多留答疑时间。",
  "希望课件能提前发到群里。",
  "希望多讲一些实际项目的内容。",
  "板书字有点小，后排看不清。",
  "语速可以再慢一点。",
];

export async function seedDemoComments(db: Db, log: (line: string) => void) {
  if (await queryRow(db, { id: col.text }, sql`select id::text as id from student_comments limit 1`)) return;
  const campaign = await queryRow(db, { id: col.int }, sql`select id from campaigns where name = ${DEMO_HISTORY_CAMPAIGN}`);
  if (!campaign) return;
  const quality = await queryRow(db, { id: col.int }, sql`select id from persons where number = 'quality'`);
  await db
    .insert(commentWords)
    .values(DEMO_WORDS.map((word) => ({ word, createdBy: quality?.id ?? null, createdAt: new Date("2026-09-01T00:00:00Z") })))
    .onConflictDoNothing();
  const targets = await queryRows(
    db,
    { id: col.int, teacher: col.text, student: col.text.nullable, n: col.int },
    sql`
    select t.id, p.name as teacher,
      (select sp.number from enrolments e join persons sp on sp.id = e.person_id where e.section_id = t.section_id order by sp.number limit 1) as student,
      (select count(*)::int from responses r where r.target_id = t.id and r.rater_group = 'student' and not r.declined) as n
    from campaign_targets t join persons p on p.id = t.teacher_id join sections s on s.id = t.section_id
    where t.campaign_id = ${campaign.id} order by s.code, t.id`,
  );
  const random = rng(20270110);
  const pick = <T>(xs: readonly T[]) => at(xs, Math.floor(random() * xs.length));
  const list: NewComment[] = [];
  targets.forEach((t, i) => {
    if (t.n === 0) return;
    const add = (question: string, text: string) => list.push({ targetId: t.id, raterGroup: "student", question, text });
    for (let k = 0; k < 2 + Math.floor(random() * 3); k++) add("strengths", pick(STRENGTHS));
    for (let k = 0; k < 1 + Math.floor(random() * 3); k++) add("suggestions", pick(SUGGESTIONS));
    add("strengths", `${t.teacher}老师讲课很有激情，谢谢老师！`);
    if (i % 3 === 0) add("suggestions", "课后有问题不知道找谁，可以加我微信或打电话 13812345678 一起讨论。");
    if (i % 4 === 0 && t.student) add("suggestions", `我是${t.student}，期中成绩好像登记错了。`);
    if (i % 5 === 0) add("suggestions", "这门课的实验课安排简直是垃圾，浪费时间。");
  });
  const n = await storeComments(db, campaign.id, list);
  log(`Demo comments: ${n} students' comments of last term, pending review.`);
}
