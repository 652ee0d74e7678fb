// Import kind: 专业 programmes of a unit.
import { col, text, code, choice, LEVELS } from "../columns";
import { val, checkDuplicates, idsByCode, checkRefs, pick, type Handler, defineImportKind, required } from "../kit";
import { upsertCount } from "../sql";

const validate: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["code"], (r) => val<string>(r, "code") ?? null);
  const unitIds = await idsByCode(
    db,
    "units",
    rows.map((r) => val<string>(r, "unit_code")).filter((c): c is string => !!c),
  );
  checkRefs(ctx, rows, "unit_code", (c) => unitIds.has(c), "unitNotFound");
  return async (tx, progress) => {
    const cols = pick(
      ctx,
      [
        ["code", "text"],
        ["name", "text"],
        ["name_en", "text"],
        ["unit_id", "integer"],
        ["level", "programme_level"],
      ],
      { unit_id: "unit_code" },
    );
    const data = rows.map((r) => ({
      code: val(r, "code"),
      name: val(r, "name"),
      name_en: val(r, "name_en") ?? null,
      unit_id: unitIds.get(required<string>(r, "unit_code")),
      level: val(r, "level") ?? "undergraduate",
    }));
    return upsertCount(
      tx,
      { table: "programmes", cols, key: ["code"], update: cols.map(([n]) => n).filter((n) => n !== "code"), touch: true },
      data,
      progress,
    );
  };
};

export const programmes = defineImportKind({
  kind: "programmes",
  description: {
    zh: "专业，隶属于教学单位（单位须已导入）。",
    en: "Programmes (majors), each belonging to a teaching unit that must already exist.",
  },
  naturalKey: ["code"],
  columns: [
    col(
      "code",
      "专业代码",
      "Code",
      true,
      code(true),
      {
        zh: "专业的唯一代码（如 080902），建议用 Excel 模板以免丢失前导零。",
        en: "Unique programme code (e.g. 080902); use the Excel template so leading zeros are kept.",
      },
      "080902",
      ["代码", "programme code"],
    ),
    col("name", "专业名称", "Name", true, text(true), { zh: "专业中文名称。", en: "Name of the programme (Chinese)." }, "软件工程", [
      "名称",
      "专业",
      "programme name",
    ]),
    col(
      "name_en",
      "英文名称",
      "English name",
      false,
      text(false),
      { zh: "专业英文名称（可选）。", en: "English name (optional)." },
      "Software Engineering",
      ["英文名"],
    ),
    col(
      "unit_code",
      "所属单位代码",
      "Unit code",
      true,
      code(true),
      { zh: "所属教学单位的代码。", en: "Code of the teaching unit the programme belongs to." },
      "A",
      ["单位代码", "学院代码"],
    ),
    col(
      "level",
      "层次",
      "Level",
      false,
      choice(false, LEVELS),
      {
        zh: "专科、本科或研究生（vocational/undergraduate/postgraduate）；留空为本科。",
        en: "vocational, undergraduate or postgraduate (or 专科/本科/研究生); empty means undergraduate.",
      },
      "本科",
      ["培养层次"],
    ),
  ],
  validate,
});
