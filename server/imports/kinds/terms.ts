// Import kind: 学期 terms with the school's own calendar (the sections import creates a missing
// term with standard dates; this sets the real first and last day, before or after).
import { sql } from "drizzle-orm";
import { col as dbCol, queryRows } from "@/db/query";
import { col, date, term, type TermCode } from "../columns";
import { checkDuplicates, defineImportKind, K, val, type Handler, required } from "../kit";
import { recordset, upsertCount } from "../sql";

const validate: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["term"], (r) => val<TermCode>(r, "term")?.code ?? null);
  for (const r of rows) {
    const starts = val<string>(r, "starts_on");
    const ends = val<string>(r, "ends_on");
    if (starts !== undefined && ends !== undefined && ends <= starts) ctx.err(r.row, "ends_on", "termDates", { starts, ends });
  }
  // A term of the same school year and semester under another code is a conflict (as in sections).
  const wanted = rows.map((r) => val<TermCode>(r, "term")).filter((t): t is TermCode => t !== undefined);
  if (wanted.length) {
    const other = await queryRows(
      db,
      { code: dbCol.text, school_year: dbCol.text, semester: dbCol.int },
      sql`
      select t.code, t.school_year, t.semester from terms t
      join ${recordset(
        [
          ["school_year", "text"],
          ["semester", "smallint"],
          ["code", "text"],
        ],
        wanted.map((t) => ({ school_year: t.schoolYear, semester: t.semester, code: t.code })),
      )}
        on x.school_year = t.school_year and x.semester = t.semester and x.code <> t.code`,
    );
    const conflicting = new Map(other.map((t) => [K(t.school_year, t.semester), t.code]));
    for (const r of rows) {
      const t = val<TermCode>(r, "term");
      const code = t && conflicting.get(K(t.schoolYear, t.semester));
      if (t && code) ctx.err(r.row, "term", "termConflict", { code: t.code, other: code });
    }
  }
  return async (tx, progress) => {
    const data = rows.map((r) => {
      const t = required<TermCode>(r, "term");
      return { code: t.code, school_year: t.schoolYear, semester: t.semester, starts_on: val(r, "starts_on"), ends_on: val(r, "ends_on") };
    });
    return upsertCount(
      tx,
      {
        table: "terms",
        cols: [
          ["code", "text"],
          ["school_year", "text"],
          ["semester", "smallint"],
          ["starts_on", "date"],
          ["ends_on", "date"],
        ],
        key: ["code"],
        update: ["starts_on", "ends_on"],
        touch: false,
      },
      data,
      progress,
    );
  };
};

export const terms = defineImportKind({
  kind: "terms",
  description: {
    zh: "学期及其起止日期（校历）。导入教学班时缺少的学期会按标准日期自动创建，可用本文件在之前或之后改为学校实际的起止日期。",
    en: "Terms and their first and last days (the school calendar). The sections import creates a missing term with standard dates; this file sets the school's real dates, before or after.",
  },
  naturalKey: ["term"],
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
      "starts_on",
      "开始日期",
      "Starts on",
      true,
      date(true),
      { zh: "学期第一天，如 2026-09-07。", en: "First day of the term, e.g. 2026-09-07." },
      "2026-09-07",
      ["起始日期", "开学日期", "start date"],
    ),
    col(
      "ends_on",
      "结束日期",
      "Ends on",
      true,
      date(true),
      { zh: "学期最后一天，须晚于开始日期。", en: "Last day of the term, after the first." },
      "2027-01-17",
      ["截止日期", "结束时间", "end date"],
    ),
  ],
  validate,
});
