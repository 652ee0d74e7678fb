// Import kind: 教学单位 units: the organisation tree (parents before children, no cycles).
import { sql } from "drizzle-orm";
import { col as dbCol, queryRows } from "@/db/query";
import { col, text, code, choice, UNIT_KINDS } from "../columns";
import { type Row, val, bad, short, checkDuplicates, pick, type Handler, tally, stateOf, defineImportKind, required } from "../kit";
import { atKey } from "@/server/shared/indexed";
import { upsertReturning, type UpsertSpec } from "../sql";

const validate: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["code"], (r) => val<string>(r, "code") ?? null);
  const all = await queryRows(
    db,
    { id: dbCol.int, code: dbCol.text, parent_code: dbCol.text.nullable },
    sql`select u.id, u.code, p.code as parent_code from units u left join units p on p.id = u.parent_id`,
  );
  const inDb = new Map(all.map((u) => [u.code, u]));
  const inFile = new Map<string, Row>();
  for (const r of rows) {
    const c = val<string>(r, "code");
    if (c !== undefined && !inFile.has(c)) inFile.set(c, r);
  }
  const hasParent = ctx.has("parent_code");
  if (hasParent) {
    for (const r of rows) {
      const code = val<string>(r, "code");
      const parent = val<string>(r, "parent_code");
      if (parent === undefined) continue;
      if (parent === code) ctx.err(r.row, "parent_code", "parentSelf");
      else if (!inFile.has(parent) && !inDb.has(parent)) ctx.err(r.row, "parent_code", "unitNotFound", { code: short(parent) });
    }
    // Cycles through the tree as it would be after the import.
    const parentOf = (code: string): string | null | undefined => {
      const r = inFile.get(code);
      if (r) return bad(r, "parent_code") ? null : (val<string>(r, "parent_code") ?? null);
      return inDb.get(code)?.parent_code;
    };
    for (const [code, r] of inFile) {
      let p = parentOf(code);
      for (let steps = 0; p && steps <= inFile.size + inDb.size; steps++) {
        if (p === code) {
          if (val<string>(r, "parent_code") !== code) ctx.err(r.row, "parent_code", "parentCycle", { code: short(code) });
          break;
        }
        p = parentOf(p);
      }
    }
  }

  return async (tx, progress) => {
    // Parents in the file are written before their children: by depth within the file.
    const depth = new Map<string, number>();
    const depthOf = (code: string, guard = 0): number => {
      const known = depth.get(code);
      if (known !== undefined) return known;
      const parent = hasParent ? val<string>(atKey(inFile, code), "parent_code") : undefined;
      const d = parent && inFile.has(parent) && guard < inFile.size ? depthOf(parent, guard + 1) + 1 : 0;
      depth.set(code, d);
      return d;
    };
    const layers: Row[][] = [];
    for (const r of rows) (layers[depthOf(required<string>(r, "code"))] ??= []).push(r);
    const ids = new Map<string, number>(all.map((u) => [u.code, u.id]));
    const cols = pick(
      ctx,
      [
        ["code", "text"],
        ["name", "text"],
        ["name_en", "text"],
        ["kind", "unit_kind"],
        ["parent_id", "integer"],
      ],
      { parent_id: "parent_code" },
    );
    const spec: UpsertSpec = { table: "units", cols, key: ["code"], update: cols.map(([n]) => n).filter((n) => n !== "code"), touch: true };
    const states: ("ins" | "upd" | "same")[] = [];
    let done = 0;
    for (const layer of layers) {
      if (!layer) continue;
      const data = layer.map((r) => {
        const parent = val<string>(r, "parent_code");
        return {
          code: val(r, "code"),
          name: val(r, "name"),
          name_en: val(r, "name_en") ?? null,
          kind: val(r, "kind"),
          parent_id: parent === undefined ? null : ids.get(parent),
        };
      });
      const ret = await upsertReturning(tx, spec, data, { id: dbCol.int, code: dbCol.text });
      const byCode = new Map(ret.map((x) => [x.code, x]));
      for (const x of ret) ids.set(x.code, x.id);
      for (const r of layer) states.push(stateOf(byCode.get(required<string>(r, "code"))));
      done += layer.length;
      await progress(done);
    }
    return tally(states);
  };
};

export const units = defineImportKind({
  kind: "units",
  description: {
    zh: "教学单位（学校、学院、系部、教研室）组成的组织树。上级单位须已在系统中或在同一文件中。",
    en: "The organisation tree of teaching units (school, colleges, departments, teaching offices). A parent must already exist or be in the same file.",
  },
  naturalKey: ["code"],
  columns: [
    col(
      "code",
      "单位代码",
      "Code",
      true,
      code(true),
      { zh: "单位的唯一代码，重复导入时据此更新。", en: "Unique code of the unit; re-imports update the unit with this code." },
      "A",
      ["代码", "编码", "单位编码", "unit code"],
    ),
    col("name", "单位名称", "Name", true, text(true), { zh: "单位中文名称。", en: "Name of the unit (Chinese)." }, "计算机学院", [
      "名称",
      "unit name",
    ]),
    col(
      "name_en",
      "英文名称",
      "English name",
      false,
      text(false),
      { zh: "单位英文名称（可选）。", en: "English name (optional)." },
      "School of Computing",
      ["英文名"],
    ),
    col(
      "kind",
      "单位类型",
      "Kind",
      true,
      choice(true, UNIT_KINDS),
      {
        zh: "学校、学院、系部或教研室（也可填 school/college/department/office）。",
        en: "school, college, department or office (or 学校/学院/系部/教研室).",
      },
      "学院",
      ["类型", "type"],
    ),
    col(
      "parent_code",
      "上级单位代码",
      "Parent code",
      false,
      code(false),
      { zh: "上级单位的代码；学校（根）留空。", en: "Code of the parent unit; empty for the school (root)." },
      "S",
      ["上级代码", "上级单位", "parent"],
    ),
  ],
  validate,
});
