// Import kind: 毕业生 graduates by programme cohort (missing cohorts created).
import { sql } from "drizzle-orm";
import { col as dbCol, queryRows } from "@/db/query";
import { col, text, code, int, email, phone, YEAR_MIN, YEAR_MAX } from "../columns";
import { val, checkDuplicates, K, idsByCode, checkRefs, pick, type Handler, defineImportKind, required } from "../kit";
import { atKey } from "@/server/shared/indexed";
import { recordset, upsertCount } from "../sql";

const validate: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["student_number"], (r) => val<string>(r, "student_number") ?? null);
  const progIds = await idsByCode(
    db,
    "programmes",
    rows.map((r) => val<string>(r, "programme_code")).filter((c): c is string => !!c),
  );
  checkRefs(ctx, rows, "programme_code", (c) => progIds.has(c), "programmeNotFound");
  return async (tx, progress) => {
    const cohorts = new Map<string, { programme_id: number; graduation_year: number }>();
    for (const r of rows) {
      const c = {
        programme_id: atKey(progIds, required<string>(r, "programme_code")),
        graduation_year: required<number>(r, "graduation_year"),
      };
      cohorts.set(K(c.programme_id, c.graduation_year), c);
    }
    const cohortRs = recordset(
      [
        ["programme_id", "integer"],
        ["graduation_year", "smallint"],
      ],
      [...cohorts.values()],
    );
    await tx.execute(sql`insert into graduate_cohorts (programme_id, graduation_year)
      select programme_id, graduation_year from ${cohortRs} on conflict do nothing`);
    const found = await queryRows(
      tx,
      { id: dbCol.int, programme_id: dbCol.int, graduation_year: dbCol.int },
      sql`
      select c.id, c.programme_id, c.graduation_year from graduate_cohorts c
      join ${cohortRs} on x.programme_id = c.programme_id and x.graduation_year = c.graduation_year`,
    );
    const cohortIds = new Map(found.map((c) => [K(c.programme_id, c.graduation_year), c.id]));
    const cols = pick(
      ctx,
      [
        ["student_number", "text"],
        ["cohort_id", "integer"],
        ["name", "text"],
        ["email", "text"],
        ["phone", "text"],
        ["wechat", "text"],
      ],
      { cohort_id: "programme_code" },
    );
    const data = rows.map((r) => ({
      student_number: val(r, "student_number"),
      cohort_id: cohortIds.get(K(progIds.get(required<string>(r, "programme_code")), val<number>(r, "graduation_year"))),
      name: val(r, "name"),
      email: val(r, "email") ?? null,
      phone: val(r, "phone") ?? null,
      wechat: val(r, "wechat") ?? null,
    }));
    return upsertCount(
      tx,
      { table: "alumni", cols, key: ["student_number"], update: cols.map(([n]) => n).filter((n) => n !== "student_number"), touch: true },
      data,
      progress,
    );
  };
};

export const graduates = defineImportKind({
  kind: "graduates",
  description: {
    zh: "毕业生名单（用于毕业生跟踪调查），按专业和毕业年份分届；届别不存在时自动创建。",
    en: "Graduates (for graduate tracking surveys), grouped by programme and graduation year; missing cohorts are created.",
  },
  naturalKey: ["student_number"],
  columns: [
    col(
      "programme_code",
      "专业代码",
      "Programme code",
      true,
      code(true),
      { zh: "毕业专业的代码。", en: "Code of the programme graduated from." },
      "080902",
      ["专业"],
    ),
    col(
      "graduation_year",
      "毕业年份",
      "Graduation year",
      true,
      int(true, YEAR_MIN, YEAR_MAX),
      { zh: "毕业年份（四位数字）。", en: "Year of graduation (four digits)." },
      "2026",
      ["届别", "毕业年度", "毕业届别"],
    ),
    col(
      "student_number",
      "学号",
      "Student number",
      true,
      code(true, 32),
      { zh: "在校时的学号（唯一）。", en: "Student number while at school (unique)." },
      "2022001",
      ["学生学号"],
    ),
    col("name", "姓名", "Name", true, text(true, 100), { zh: "姓名。", en: "Full name." }, "王同学", ["名字"]),
    col(
      "email",
      "电子邮箱",
      "Email",
      false,
      email(),
      { zh: "电子邮箱（发送调查邀请）。", en: "E-mail address (for survey invitations)." },
      "wang@example.com",
      ["邮箱", "e-mail", "mail"],
    ),
    col("phone", "手机号", "Phone", false, phone(), { zh: "手机号码。", en: "Mobile phone number." }, "13800000000", [
      "手机",
      "电话",
      "联系电话",
      "mobile",
    ]),
    col("wechat", "微信号", "WeChat", false, text(false, 100), { zh: "微信号。", en: "WeChat ID." }, "", ["微信"]),
  ],
  validate,
});
