// Import kind: 人员 staff and students with their roles (roles only added; the system administrator protected).
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { ROLES, type Role } from "@/db/schema";
import { UNGRANTABLE_ROLES } from "../../access/roles";
import { translate } from "../../i18n/translate";
import { col as dbCol, queryRows, type Decoder } from "@/db/query";
import { col, text, code, int, email, phone, bool, roleList, choice, PERSON_KINDS, GENDERS, YEAR_MIN, YEAR_MAX } from "../columns";
import {
  type Row,
  type Params,
  Ctx,
  val,
  bad,
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
import { textArray, upsertReturning, type ColSpec, type UpsertSpec } from "../sql";

const UNIT_ROLES: Role[] = ["supervisor", "leader", "unit_admin"];
const STUDENT_ROLES: Role[] = ["student", "info_officer"];
const NOT_IMPORTABLE: Role[] = [...UNGRANTABLE_ROLES];

/**
 * An import cannot change anyone holding a role it could not grant (NOT_IMPORTABLE, the
 * app's UNGRANTABLE_ROLES: the system administrator; the people pages keep the same rule): a row for such a person that would change any written column,
 * deactivate them or add a role is refused at that column. A row repeating what is stored
 * passes (an export of all staff lists them too).
 */
async function checkProtectedPeople(
  ctx: Ctx,
  db: DbOrTx,
  rows: Row[],
  cols: ColSpec[],
  record: (r: Row) => Record<string, unknown>,
  grantsOf: (r: Row) => { role: Role; unitId: number | null }[],
  roleNames: (role: Role) => Params,
) {
  const numbers = rows.map((r) => val<string>(r, "number")).filter((n): n is string => n !== undefined);
  if (!numbers.length) return;
  const names = cols.map(([n]) => n).filter((n) => n !== "number");
  // The compared columns vary with the file; their values are compared as text, as read.
  const asRead: Decoder<unknown> = (v) => v;
  const compared: Record<string, Decoder<unknown>> = Object.fromEntries(names.map((n) => [n, asRead]));
  const spec = Object.assign({}, compared, {
    id: dbCol.int,
    number: dbCol.text,
    protected_role: dbCol.oneOf(ROLES),
    grants: dbCol.json<{ role: Role; unit_id: number | null }[]>(),
  });
  const found = await queryRows(
    db,
    spec,
    sql`
    select p.id, p.number, ${sql.raw(names.map((n) => `p."${n}"`).join(", "))},
      (select g.role from role_grants g where g.person_id = p.id and g.role::text in ${textArray(NOT_IMPORTABLE)} order by g.role limit 1) as protected_role,
      (select coalesce(jsonb_agg(jsonb_build_object('role', g.role, 'unit_id', g.unit_id)), '[]'::jsonb) from role_grants g where g.person_id = p.id) as grants
    from persons p
    where p.number in ${textArray(numbers)}
      and exists (select 1 from role_grants g where g.person_id = p.id and g.role::text in ${textArray(NOT_IMPORTABLE)})`,
  );
  if (!found.length) return;
  const byNumber = new Map(found.map((p) => [p.number, p]));
  const fileKey: Record<string, string> = { unit_id: "unit_code", programme_id: "programme_code" };
  const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null) || (a != null && b != null && String(a) === String(b));
  for (const r of rows) {
    const p = byNumber.get(val<string>(r, "number") ?? "");
    if (!p) continue;
    const params = { number: p.number, ...roleNames(p.protected_role) };
    const rec = record(r);
    for (const n of names) {
      const key = fileKey[n] ?? n;
      if (bad(r, key) || same(rec[n], p[n])) continue;
      ctx.err(r.row, key, "protectedPerson", params);
    }
    const held = (p.grants ?? []).map((g) => K(g.role, g.unit_id));
    if (!bad(r, "roles", "role_unit_code") && grantsOf(r).some((g) => !held.includes(K(g.role, g.unitId)))) {
      ctx.err(r.row, "roles", "protectedPerson", params);
    }
  }
}

const validate: Handler = async (ctx, db, rows) => {
  checkDuplicates(ctx, rows, ["number"], (r) => val<string>(r, "number") ?? null);
  const unitCodes = rows.flatMap((r) => [val<string>(r, "unit_code"), val<string>(r, "role_unit_code")]).filter((c): c is string => !!c);
  const unitIds = await idsByCode(db, "units", unitCodes);
  const progIds = await idsByCode(
    db,
    "programmes",
    rows.map((r) => val<string>(r, "programme_code")).filter((c): c is string => !!c),
  );
  checkRefs(ctx, rows, "unit_code", (c) => unitIds.has(c), "unitNotFound");
  checkRefs(ctx, rows, "programme_code", (c) => progIds.has(c), "programmeNotFound");
  checkRefs(ctx, rows, "role_unit_code", (c) => unitIds.has(c), "unitNotFound");
  const roleNames = (role: Role) => ({
    role,
    roleZh: translate("zh", `common.roles.${role}`),
    roleEn: translate("en", `common.roles.${role}`),
  });
  for (const r of rows) {
    const roles = val<Role[]>(r, "roles") ?? [];
    const kind = val<"staff" | "student">(r, "kind");
    for (const role of roles) {
      if (NOT_IMPORTABLE.includes(role)) ctx.err(r.row, "roles", "roleNotImportable", roleNames(role));
      else if (kind === "staff" && STUDENT_ROLES.includes(role)) ctx.err(r.row, "roles", "roleNeedsStudent", roleNames(role));
      else if (kind === "student" && !STUDENT_ROLES.includes(role)) ctx.err(r.row, "roles", "roleNeedsStaff", roleNames(role));
    }
    const roleUnit = val<string>(r, "role_unit_code");
    if (roles.includes("unit_admin") && roleUnit === undefined && !bad(r, "role_unit_code")) {
      ctx.err(r.row, "role_unit_code", "roleNeedsUnit", roleNames("unit_admin"));
    }
    if (roleUnit !== undefined && !bad(r, "roles") && !roles.some((x) => UNIT_ROLES.includes(x))) {
      ctx.err(r.row, "role_unit_code", "roleUnitUnused");
    }
  }

  // The columns written (those in the file) and each row's record, as the writer stores them.
  const cols = pick(
    ctx,
    [
      ["number", "text"],
      ["name", "text"],
      ["kind", "person_kind"],
      ["unit_id", "integer"],
      ["programme_id", "integer"],
      ["class_name", "text"],
      ["admission_year", "smallint"],
      ["title", "text"],
      ["gender", "text"],
      ["email", "text"],
      ["phone", "text"],
      ["active", "boolean"],
    ],
    { unit_id: "unit_code", programme_id: "programme_code" },
  );
  const record = (r: Row): Record<string, unknown> => {
    const unit = val<string>(r, "unit_code");
    const prog = val<string>(r, "programme_code");
    return {
      number: val(r, "number"),
      name: val(r, "name"),
      kind: val(r, "kind"),
      unit_id: unit === undefined ? null : unitIds.get(unit),
      programme_id: prog === undefined ? null : progIds.get(prog),
      class_name: val(r, "class_name") ?? null,
      admission_year: val(r, "admission_year") ?? null,
      title: val(r, "title") ?? null,
      gender: val(r, "gender") ?? null,
      email: val(r, "email") ?? null,
      phone: val(r, "phone") ?? null,
      active: val(r, "active") ?? true,
    };
  };
  /** The role grants a row asks for (students always get the student role). */
  const grantsOf = (r: Row): { role: Role; unitId: number | null }[] => {
    const roles = [...(val<Role[]>(r, "roles") ?? [])];
    if (val(r, "kind") === "student" && !roles.includes("student")) roles.push("student");
    const roleUnit = val<string>(r, "role_unit_code");
    return roles.map((role) => ({
      role,
      unitId: UNIT_ROLES.includes(role) && roleUnit !== undefined ? (unitIds.get(roleUnit) ?? null) : null,
    }));
  };
  await checkProtectedPeople(ctx, db, rows, cols, record, grantsOf, roleNames);

  return async (tx, progress) => {
    const data = rows.map(record);
    const spec: UpsertSpec = {
      table: "persons",
      cols,
      key: ["number"],
      update: cols.map(([n]) => n).filter((n) => n !== "number"),
      touch: true,
    };
    const ret = await upsertReturning(tx, spec, data, { number: dbCol.text }, progress);
    const changed = new Map(ret.map((x) => [x.number, x]));
    const ids = await personsByNumber(
      tx,
      rows.map((r) => required<string>(r, "number")),
    );

    // Role grants are only added.
    const grants: { person_id: number; role: Role; unit_id: number | null }[] = [];
    for (const r of rows) {
      const personId = atKey(ids, required<string>(r, "number")).id;
      for (const g of grantsOf(r)) grants.push({ person_id: personId, role: g.role, unit_id: g.unitId });
    }
    const granted = await upsertReturning(
      tx,
      {
        table: "role_grants",
        cols: [
          ["person_id", "integer"],
          ["role", "role"],
          ["unit_id", "integer"],
        ],
        key: { constraint: "role_grants_uq" },
        update: [],
        touch: false,
      },
      grants,
      { person_id: dbCol.int },
    );
    const gotRole = new Set(granted.map((g) => g.person_id));
    return tally(
      rows.map((r) => {
        const number = required<string>(r, "number");
        const s = stateOf(changed.get(number));
        return s === "same" && gotRole.has(atKey(ids, number).id) ? "upd" : s;
      }),
    );
  };
};

export const people = defineImportKind({
  kind: "people",
  description: {
    zh: "教职工和学生（按学号/工号）。角色列中的角色只会追加授予，导入不会撤销已有角色；撤销角色请在系统中操作。学生自动获得“学生”角色。系统管理员角色不能通过导入授予，导入也不能更改或停用持有该角色的人（文件中原样列出此人可以）。",
    en: "Staff and students (by staff/student number). Roles in the file are added; an import never removes roles a person already has (remove roles in the app). Students get the Student role automatically. The System administrator role cannot be granted by import, nor can an import change or deactivate anyone holding it (listing them unchanged is fine).",
  },
  naturalKey: ["number"],
  columns: [
    col(
      "number",
      "学号/工号",
      "Number",
      true,
      code(true, 32),
      { zh: "学生学号或教职工工号（唯一）。", en: "Student or staff number (unique)." },
      "2023001",
      ["学号", "工号", "工号/学号", "学工号", "编号", "staff number", "student number", "no"],
    ),
    col("name", "姓名", "Name", true, text(true, 100), { zh: "姓名。", en: "Full name." }, "陈同学", ["名字"]),
    col(
      "kind",
      "人员类别",
      "Kind",
      true,
      choice(true, PERSON_KINDS),
      { zh: "教职工或学生（staff/student）。", en: "staff or student (or 教职工/学生)." },
      "学生",
      ["类别", "身份", "人员类型"],
    ),
    col(
      "unit_code",
      "所属单位代码",
      "Unit code",
      false,
      code(false),
      { zh: "所在教学单位或部门的代码。", en: "Code of the person's unit." },
      "A",
      ["单位代码", "学院代码"],
    ),
    col(
      "programme_code",
      "专业代码",
      "Programme code",
      false,
      code(false),
      { zh: "学生所在专业的代码。", en: "Student's programme code." },
      "080902",
      ["专业"],
    ),
    col(
      "class_name",
      "行政班",
      "Class",
      false,
      text(false, 100),
      { zh: "学生的行政班。", en: "Student's administrative class." },
      "软件2301",
      ["班级", "class name"],
    ),
    col(
      "admission_year",
      "入学年份",
      "Admission year",
      false,
      int(false, YEAR_MIN, YEAR_MAX),
      { zh: "学生入学年份（四位数字）。", en: "Student's year of admission (four digits)." },
      "2023",
      ["入学年级", "年级"],
    ),
    col("title", "职称", "Title", false, text(false, 100), { zh: "教职工职称。", en: "Staff member's professional title." }, "", [
      "专业技术职务",
    ]),
    col("gender", "性别", "Gender", false, choice(false, GENDERS), { zh: "男或女（M/F）。", en: "M or F (or 男/女)." }, "女", ["sex"]),
    col("email", "电子邮箱", "Email", false, email(), { zh: "电子邮箱。", en: "E-mail address." }, "", ["邮箱", "e-mail", "mail"]),
    col("phone", "手机号", "Phone", false, phone(), { zh: "手机号码。", en: "Mobile phone number." }, "", [
      "手机",
      "电话",
      "联系电话",
      "mobile",
    ]),
    col(
      "roles",
      "角色",
      "Roles",
      false,
      roleList(),
      {
        zh: "一个或多个角色，用逗号或顿号分隔，如“教师,督导”；可填中文名称或英文键（teacher、supervisor…）。只追加，不撤销。",
        en: 'One or more roles separated by commas, e.g. "teacher, supervisor" (role keys or their Chinese names). Roles are only added, never removed.',
      },
      "学生",
      ["role"],
    ),
    col(
      "role_unit_code",
      "角色所属单位代码",
      "Role unit code",
      false,
      code(false),
      {
        zh: "督导、领导干部、教学单位管理员等按单位授予的角色所属单位的代码；督导、领导干部留空表示校级，教学单位管理员必填。",
        en: "Unit of the unit-scoped roles (supervisor, leader, unit administrator); empty means school level for supervisors and leaders, required for unit administrators.",
      },
      "",
      ["角色单位"],
    ),
    col(
      "active",
      "是否有效",
      "Active",
      false,
      bool(),
      {
        zh: "是或否；填“否”表示停用该账号（离职、毕业等）。留空为是。",
        en: 'yes or no; "no" deactivates the account (left, graduated). Empty means yes.',
      },
      "是",
      ["有效", "状态", "在职/在读"],
    ),
  ],
  validate,
});
