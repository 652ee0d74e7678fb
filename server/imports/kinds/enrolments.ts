// Import kind: 选课 enrolments: student × section.
import { sql } from "drizzle-orm";
import { col as dbCol, queryRows } from "@/db/query";
import { col, code, term, choice, ENROLMENT_STATUS, type TermCode } from "../columns";
import { val, short, checkDuplicates, K, personsByNumber, type Handler, defineImportKind, required } from "../kit";
import { atKey } from "@/server/shared/indexed";
import { recordset, upsertCount, type ColSpec } from "../sql";

const validate: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["term", "section_code", "student_number"], (r) =>
    K(val<TermCode>(r, "term")?.code, val<string>(r, "section_code"), val<string>(r, "student_number")),
  );
  const pairs = new Map<string, { term: string; code: string }>();
  for (const r of rows) {
    const t = val<TermCode>(r, "term");
    const c = val<string>(r, "section_code");
    if (t && c !== undefined) pairs.set(K(t.code, c), { term: t.code, code: c });
  }
  const sectionIds = new Map<string, number>();
  if (pairs.size) {
    const found = await queryRows(
      db,
      { id: dbCol.int, term: dbCol.text, code: dbCol.text },
      sql`
      select s.id, t.code as term, s.code from sections s join terms t on t.id = s.term_id
      join ${recordset(
        [
          ["term", "text"],
          ["code", "text"],
        ],
        [...pairs.values()],
      )} on x.term = t.code and x.code = s.code`,
    );
    for (const s of found) sectionIds.set(K(s.term, s.code), s.id);
  }
  const students = await personsByNumber(
    db,
    rows.map((r) => val<string>(r, "student_number")).filter((c): c is string => !!c),
  );
  for (const r of rows) {
    const t = val<TermCode>(r, "term");
    const c = val<string>(r, "section_code");
    if (t && c !== undefined && !sectionIds.has(K(t.code, c)))
      ctx.err(r.row, "section_code", "sectionNotFound", { term: t.code, code: short(c) });
    const n = val<string>(r, "student_number");
    if (n === undefined) continue;
    const p = students.get(n);
    if (!p) ctx.err(r.row, "student_number", "personNotFound", { number: short(n) });
    else if (p.kind !== "student") ctx.err(r.row, "student_number", "notStudent", { number: short(n) });
  }
  return async (tx, progress) => {
    const hasStatus = ctx.has("status");
    const cols: ColSpec[] = [["section_id", "integer"], ["person_id", "integer"], ...(hasStatus ? [["status", "text"] as const] : [])];
    const data = rows.map((r) => ({
      section_id: sectionIds.get(K(required<TermCode>(r, "term").code, val<string>(r, "section_code"))),
      person_id: atKey(students, required<string>(r, "student_number")).id,
      status: val(r, "status") ?? "enrolled",
    }));
    return upsertCount(
      tx,
      { table: "enrolments", cols, key: ["section_id", "person_id"], update: hasStatus ? ["status"] : [], touch: false },
      data,
      progress,
    );
  };
};

export const enrolments = defineImportKind({
  kind: "enrolments",
  description: {
    zh: "学生选课名单：哪位学生在哪个教学班（教学班、学生须已导入）。",
    en: "Enrolments: which student is in which section (sections and students must already exist).",
  },
  naturalKey: ["term", "section_code", "student_number"],
  columns: [
    col("term", "学期", "Term", true, term(), { zh: "学期代码，如 2026-2027-1。", en: "Term code, e.g. 2026-2027-1." }, "2026-2027-1", [
      "学期代码",
      "学年学期",
      "term code",
    ]),
    col("section_code", "教学班代码", "Section code", true, code(true), { zh: "教学班代码。", en: "Section code." }, "CS101-01", [
      "教学班号",
      "教学班编号",
      "课堂号",
      "选课课号",
    ]),
    col(
      "student_number",
      "学号",
      "Student number",
      true,
      code(true, 32),
      { zh: "学生学号（须为学生）。", en: "Student number (must be a student)." },
      "2023001",
      ["学生学号"],
    ),
    col(
      "status",
      "选课状态",
      "Status",
      false,
      choice(false, ENROLMENT_STATUS),
      { zh: "在读或退课（enrolled/withdrawn）；留空为在读。", en: "enrolled or withdrawn (or 在读/退课); empty means enrolled." },
      "在读",
      ["状态"],
    ),
  ],
  validate,
});
