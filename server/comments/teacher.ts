// What a teacher reads of their students' comments: the released ones (the edited text where a
// reviewer redacted it), of published campaigns, per section and question, in the comments'
// own random order, and nothing else: no score, no count per response, no grouping by response.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { anonymousMinimum } from "../campaigns/rates";
import { planOfVersion } from "../instruments/versions";

export type TeacherCommentGroup = {
  campaignId: number;
  campaignName: string;
  targetId: number;
  courseCode: string | null;
  courseName: string | null;
  courseNameEn: string | null;
  sectionCode: string | null;
  questions: { question: string; title: { zh: string; en: string } | null; texts: string[] }[];
};

/** The released comments on a teacher's targets in published campaigns, newest campaign first. */
export async function releasedCommentsOf(db: DbOrTx, teacherId: number): Promise<TeacherCommentGroup[]> {
  const campaigns = await queryRows(
    db,
    { id: col.int, name: col.text },
    sql`
    select c.id, c.name from campaigns c
    where c.state = 'published' and exists (select 1 from student_comments sc join campaign_targets t on t.id = sc.target_id
      where sc.campaign_id = c.id and t.teacher_id = ${teacherId} and sc.decision = 'released')
    order by c.closes_at desc, c.id desc`,
  );
  const out: TeacherCommentGroup[] = [];
  for (const c of campaigns) {
    const min = await anonymousMinimum(db, c.id);
    const rows = await queryRows(
      db,
      {
        target_id: col.int,
        question: col.text,
        text: col.text,
        course_code: col.text.nullable,
        course_name: col.text.nullable,
        course_name_en: col.text.nullable,
        section_code: col.text.nullable,
        version_id: col.int.nullable,
      },
      sql`
      select sc.target_id, sc.question, coalesce(sc.edited, sc.original) as text, co.code as course_code, co.name as course_name,
        co.name_en as course_name_en, s.code as section_code, ci.instrument_version_id as version_id
      from student_comments sc
      join campaign_targets t on t.id = sc.target_id
      left join sections s on s.id = t.section_id left join courses co on co.id = s.course_id
      left join campaign_instruments ci on ci.campaign_id = sc.campaign_id and ci.rater_group = sc.rater_group
      where sc.campaign_id = ${c.id} and t.teacher_id = ${teacherId} and sc.decision = 'released'
        and (select count(*) from responses r where r.target_id = sc.target_id and r.rater_group = sc.rater_group and not r.declined) >= ${min}
      order by co.code nulls last, s.code nulls last, sc.target_id, sc.question, sc.id`,
    );
    const byTarget = new Map<number, TeacherCommentGroup>();
    for (const r of rows) {
      let g = byTarget.get(r.target_id);
      if (!g) {
        g = {
          campaignId: c.id,
          campaignName: c.name,
          targetId: r.target_id,
          courseCode: r.course_code,
          courseName: r.course_name,
          courseNameEn: r.course_name_en,
          sectionCode: r.section_code,
          questions: [],
        };
        byTarget.set(r.target_id, g);
      }
      let q = g.questions.find((x) => x.question === r.question);
      if (!q) {
        const title =
          r.version_id === null
            ? null
            : ((await planOfVersion(db, r.version_id)).questions.find((x) => x.name === r.question)?.title ?? null);
        q = { question: r.question, title, texts: [] };
        g.questions.push(q);
      }
      q.texts.push(r.text);
    }
    out.push(...byTarget.values());
  }
  return out;
}
