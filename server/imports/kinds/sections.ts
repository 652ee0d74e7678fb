// Import kind: 教学班 sections of a term and their teachers (missing terms created).
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col as dbCol, queryRows } from "@/db/query";
import { col, text, code, int, numberList, term, type TermCode, termDates } from "../columns";
import {
  type Row,
  Ctx,
  val,
  short,
  checkDuplicates,
  K,
  idsByCode,
  personsByNumber,
  checkRefs,
  pick,
  type Handler,
  tally,
  stateOf,
  defineImportKind,
  required,
} from "../kit";
import { atKey } from "@/server/shared/indexed";
import { recordset, textArray, upsertReturning, type UpsertSpec } from "../sql";

/** Checks the file's term codes against existing terms; returns those to create. */
async function checkTerms(ctx: Ctx, db: DbOrTx, rows: Row[]): Promise<TermCode[]> {
  const wanted = new Map<string, TermCode>();
  for (const r of rows) {
    const t = val<TermCode>(r, "term");
    if (t) wanted.set(t.code, t);
  }
  if (!wanted.size) return [];
  const existing = await queryRows(
    db,
    { code: dbCol.text, school_year: dbCol.text, semester: dbCol.int },
    sql`
    select t.code, t.school_year, t.semester from terms t
    where t.code in ${textArray(wanted.keys())}
       or (t.school_year, t.semester) in (select school_year, semester from ${recordset(
         [
           ["school_year", "text"],
           ["semester", "smallint"],
         ],
         [...wanted.values()].map((t) => ({ school_year: t.schoolYear, semester: t.semester })),
       )})`,
  );
  const byCode = new Set(existing.map((t) => t.code));
  const byYear = new Map(existing.map((t) => [K(t.school_year, t.semester), t.code]));
  const conflicting = new Map<string, string>();
  const create: TermCode[] = [];
  for (const t of wanted.values()) {
    if (byCode.has(t.code)) continue;
    const other = byYear.get(K(t.schoolYear, t.semester));
    if (other) conflicting.set(t.code, other);
    else create.push(t);
  }
  for (const r of rows) {
    const t = val<TermCode>(r, "term");
    const other = t === undefined ? undefined : conflicting.get(t.code);
    if (t && other !== undefined) ctx.err(r.row, "term", "termConflict", { code: t.code, other });
  }
  return create;
}

async function termIds(db: DbOrTx, codes: Iterable<string>) {
  const rows = await queryRows(db, { id: dbCol.int, code: dbCol.text }, sql`select id, code from terms where code in ${textArray(codes)}`);
  return new Map(rows.map((t) => [t.code, t.id]));
}

const validate: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["term", "code"], (r) => K(val<TermCode>(r, "term")?.code, val<string>(r, "code")));
  const newTerms = await checkTerms(ctx, db, rows);
  const courseIds = await idsByCode(
    db,
    "courses",
    rows.map((r) => val<string>(r, "course_code")).filter((c): c is string => !!c),
  );
  checkRefs(ctx, rows, "course_code", (c) => courseIds.has(c), "courseNotFound");
  const hasTeachers = ctx.has("teachers");
  const teachers = await personsByNumber(
    db,
    rows.flatMap((r) => val<string[]>(r, "teachers") ?? []),
  );
  for (const r of rows) {
    for (const n of val<string[]>(r, "teachers") ?? []) {
      const p = teachers.get(n);
      if (!p) ctx.err(r.row, "teachers", "personNotFound", { number: short(n) });
      else if (p.kind !== "staff") ctx.err(r.row, "teachers", "notStaff", { number: short(n) });
    }
  }

  return async (tx, progress) => {
    if (newTerms.length) {
      await tx.execute(sql`insert into terms (code, school_year, semester, starts_on, ends_on)
        select code, school_year, semester, starts_on, ends_on
        from ${recordset(
          [
            ["code", "text"],
            ["school_year", "text"],
            ["semester", "smallint"],
            ["starts_on", "date"],
            ["ends_on", "date"],
          ],
          newTerms.map((t) => ({ code: t.code, school_year: t.schoolYear, semester: t.semester, ...mapDates(t) })),
        )}
        on conflict do nothing`);
    }
    const terms = await termIds(
      tx,
      rows.map((r) => required<TermCode>(r, "term").code),
    );
    const cols = pick(
      ctx,
      [
        ["term_id", "integer"],
        ["code", "text"],
        ["course_id", "integer"],
        ["name", "text"],
        ["schedule", "text"],
        ["capacity", "integer"],
      ],
      { term_id: "term", course_id: "course_code" },
    );
    const data = rows.map((r) => ({
      term_id: terms.get(required<TermCode>(r, "term").code),
      code: val(r, "code"),
      course_id: courseIds.get(required<string>(r, "course_code")),
      name: val(r, "name") ?? null,
      schedule: val(r, "schedule") ?? null,
      capacity: val(r, "capacity") ?? null,
    }));
    const spec: UpsertSpec = {
      table: "sections",
      cols,
      key: ["term_id", "code"],
      update: cols.map(([n]) => n).filter((n) => n !== "term_id" && n !== "code"),
      touch: true,
    };
    const ret = await upsertReturning(tx, spec, data, { term_id: dbCol.int, code: dbCol.text }, progress);
    const changed = new Map(ret.map((x) => [K(x.term_id, x.code), x]));
    const teachersChanged = new Set<number>();
    const sectionIds = new Map<string, number>();
    if (hasTeachers) {
      const idRows = await queryRows(
        tx,
        { id: dbCol.int, term_id: dbCol.int, code: dbCol.text },
        sql`
        select s.id, s.term_id, s.code from sections s
        join ${recordset(
          [
            ["term_id", "integer"],
            ["code", "text"],
          ],
          data.map((d) => ({ term_id: d.term_id, code: d.code })),
        )}
          on s.term_id = x.term_id and s.code = x.code`,
      );
      for (const s of idRows) sectionIds.set(K(s.term_id, s.code), s.id);
      // The file's list replaces each section's teachers: first lead, the others co.
      const wanted = rows.flatMap((r) => {
        const sectionId = atKey(sectionIds, K(terms.get(required<TermCode>(r, "term").code), val<string>(r, "code")));
        return (val<string[]>(r, "teachers") ?? []).map((n, i) => ({
          section_id: sectionId,
          person_id: atKey(teachers, n).id,
          role: i === 0 ? "lead" : "co",
        }));
      });
      const removed = await queryRows(
        tx,
        { section_id: dbCol.int },
        sql`
        delete from section_teachers st
        where st.section_id in (select (jsonb_array_elements_text(${JSON.stringify([...sectionIds.values()])}::jsonb))::int)
          and (st.section_id, st.person_id) not in (select section_id, person_id from ${recordset(
            [
              ["section_id", "integer"],
              ["person_id", "integer"],
            ],
            wanted,
          )})
        returning st.section_id`,
      );
      for (const x of removed) teachersChanged.add(x.section_id);
      const added = await upsertReturning(
        tx,
        {
          table: "section_teachers",
          cols: [
            ["section_id", "integer"],
            ["person_id", "integer"],
            ["role", "section_teacher_role"],
          ],
          key: ["section_id", "person_id"],
          update: ["role"],
          touch: false,
        },
        wanted,
        { section_id: dbCol.int },
      );
      for (const x of added) teachersChanged.add(x.section_id);
    }
    return tally(
      rows.map((r) => {
        const key = K(terms.get(required<TermCode>(r, "term").code), val<string>(r, "code"));
        const s = stateOf(changed.get(key));
        return s === "same" && teachersChanged.has(sectionIds.get(key) ?? -1) ? "upd" : s;
      }),
    );
  };
};

function mapDates(t: TermCode) {
  const d = termDates(t);
  return { starts_on: d.startsOn, ends_on: d.endsOn };
}

export const sections = defineImportKind({
  kind: "sections",
  description: {
    zh: "教学班（某学期开设的课程）及其任课教师。学期不存在时按代码自动创建（第1学期 9月1日–1月20日，第2学期 2月20日–7月10日，第3学期 7月11日–8月31日）。文件中列出的任课教师会替换该教学班原有的任课教师。",
    en: "Sections (a course offered in a term) and their teachers. Missing terms are created from the code (semester 1: 1 Sep – 20 Jan, 2: 20 Feb – 10 Jul, 3: 11 Jul – 31 Aug). A section's teachers are replaced by the list in the file.",
  },
  naturalKey: ["term", "code"],
  columns: [
    col(
      "term",
      "学期",
      "Term",
      true,
      term(),
      {
        zh: "学期代码，格式为 学年-学期，如 2026-2027-1（1 秋季，2 春季，3 夏季）。",
        en: "Term code: school year and semester, e.g. 2026-2027-1 (1 autumn, 2 spring, 3 summer).",
      },
      "2026-2027-1",
      ["学期代码", "学年学期", "term code"],
    ),
    col(
      "code",
      "教学班代码",
      "Section code",
      true,
      code(true),
      { zh: "教学班代码，在同一学期内唯一。", en: "Section code, unique within the term." },
      "CS101-01",
      ["教学班号", "教学班编号", "课堂号", "选课课号"],
    ),
    col(
      "course_code",
      "课程代码",
      "Course code",
      true,
      code(true),
      { zh: "课程代码（课程须已导入）。", en: "Course code (the course must already exist)." },
      "CS101",
      ["课程号", "课程编号"],
    ),
    col(
      "name",
      "教学班名称",
      "Name",
      false,
      text(false),
      { zh: "教学班名称（可选）。", en: "Section name (optional)." },
      "程序设计基础（1班）",
      ["名称", "section name"],
    ),
    col(
      "schedule",
      "上课时间地点",
      "Schedule",
      false,
      text(false, 500),
      { zh: "上课时间和地点。", en: "Time and place of the classes." },
      "周一 3-4节 教A-201",
      ["上课时间", "上课地点"],
    ),
    col(
      "capacity",
      "容量",
      "Capacity",
      false,
      int(false, 0, 100000),
      { zh: "教学班容量（人数上限）。", en: "Capacity (maximum number of students)." },
      "60",
      ["人数上限", "限选人数"],
    ),
    col(
      "teachers",
      "任课教师工号",
      "Teachers",
      false,
      numberList(),
      {
        zh: "一个或多个任课教师的工号，用逗号或顿号分隔；第一个为主讲教师，其余为合作教师。该列存在时，会替换教学班原有的任课教师。",
        en: "Staff numbers of one or more teachers separated by commas; the first is the lead teacher, the others co-teachers. When the column is present it replaces the section's teachers.",
      },
      "T001",
      ["教师工号", "任课教师", "teacher numbers"],
    ),
  ],
  validate,
});
