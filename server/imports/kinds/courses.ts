// Import kind: 课程 courses of a unit.
import { col, text, code, int, decimal, choice, LEVELS, COURSE_TYPES } from "../columns";
import { val, checkDuplicates, idsByCode, checkRefs, pick, type Handler, defineImportKind, required } from "../kit";
import { upsertCount } from "../sql";

const validate: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["code"], (r) => val<string>(r, "code") ?? null);
  const unitIds = await idsByCode(
    db,
    "units",
    rows.map((r) => val<string>(r, "unit_code")).filter((c): c is string => !!c),
  );
  const progIds = await idsByCode(
    db,
    "programmes",
    rows.map((r) => val<string>(r, "programme_code")).filter((c): c is string => !!c),
  );
  checkRefs(ctx, rows, "unit_code", (c) => unitIds.has(c), "unitNotFound");
  checkRefs(ctx, rows, "programme_code", (c) => progIds.has(c), "programmeNotFound");
  return async (tx, progress) => {
    const cols = pick(
      ctx,
      [
        ["code", "text"],
        ["name", "text"],
        ["name_en", "text"],
        ["unit_id", "integer"],
        ["programme_id", "integer"],
        ["type", "course_type"],
        ["level", "programme_level"],
        ["credits", "numeric(4,1)"],
        ["hours", "smallint"],
      ],
      { unit_id: "unit_code", programme_id: "programme_code" },
    );
    const data = rows.map((r) => {
      const prog = val<string>(r, "programme_code");
      return {
        code: val(r, "code"),
        name: val(r, "name"),
        name_en: val(r, "name_en") ?? null,
        unit_id: unitIds.get(required<string>(r, "unit_code")),
        programme_id: prog === undefined ? null : progIds.get(prog),
        type: val(r, "type") ?? "core",
        level: val(r, "level") ?? "undergraduate",
        credits: val(r, "credits") ?? null,
        hours: val(r, "hours") ?? null,
      };
    });
    return upsertCount(
      tx,
      { table: "courses", cols, key: ["code"], update: cols.map(([n]) => n).filter((n) => n !== "code"), touch: true },
      data,
      progress,
    );
  };
};

export const courses = defineImportKind({
  kind: "courses",
  description: {
    zh: "课程，隶属于开课单位（单位、专业须已导入）。",
    en: "Courses, each belonging to the unit that offers it (units and programmes must already exist).",
  },
  naturalKey: ["code"],
  columns: [
    col("code", "课程代码", "Code", true, code(true), { zh: "课程的唯一代码。", en: "Unique course code." }, "CS101", [
      "课程号",
      "课程编号",
      "代码",
      "course code",
    ]),
    col("name", "课程名称", "Name", true, text(true), { zh: "课程中文名称。", en: "Name of the course (Chinese)." }, "程序设计基础", [
      "课程名",
      "名称",
      "course name",
    ]),
    col(
      "name_en",
      "英文名称",
      "English name",
      false,
      text(false),
      { zh: "课程英文名称（可选）。", en: "English name (optional)." },
      "Programming Fundamentals",
      ["英文名"],
    ),
    col(
      "unit_code",
      "开课单位代码",
      "Unit code",
      true,
      code(true),
      { zh: "开课单位的代码。", en: "Code of the unit offering the course." },
      "A",
      ["单位代码", "学院代码"],
    ),
    col(
      "programme_code",
      "专业代码",
      "Programme code",
      false,
      code(false),
      { zh: "课程所属专业的代码（可选）。", en: "Programme the course belongs to (optional)." },
      "080902",
      ["专业"],
    ),
    col(
      "type",
      "课程类型",
      "Type",
      false,
      choice(false, COURSE_TYPES),
      {
        zh: "通识课（公共基础课）、专业基础课、专业核心课、专业选修课、实践课或体育课（general/foundation/core/elective/practice/pe）；留空为专业核心课。",
        en: "general, foundation, core, elective, practice or pe (or their Chinese names); empty means core.",
      },
      "专业基础课",
      ["课程性质", "类型", "课程类别"],
    ),
    col(
      "level",
      "层次",
      "Level",
      false,
      choice(false, LEVELS),
      { zh: "专科、本科或研究生；留空为本科。", en: "vocational, undergraduate or postgraduate; empty means undergraduate." },
      "本科",
      ["培养层次"],
    ),
    col(
      "credits",
      "学分",
      "Credits",
      false,
      decimal(false, 0, 999.9, 1),
      { zh: "学分，最多一位小数。", en: "Credits, at most one decimal place." },
      "3.5",
    ),
    col("hours", "学时", "Hours", false, int(false, 0, 10000), { zh: "总学时。", en: "Total teaching hours." }, "56", ["总学时"]),
  ],
  validate,
});
