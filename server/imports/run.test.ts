import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, one, queryRows, queryValue, type RowSpec } from "@/db/query";
import type { ImportKind } from "./kinds";
import { freshSchool, type School } from "../test/fixtures";
import { runImport, type ImportProgress } from "./run";
import { csvBytes, xlsxBytes } from "./testing";
import { at, atKey } from "@/server/shared/indexed";

let db: Db;
let s: School;

beforeEach(async () => {
  ({ db, s } = await freshSchool());
});

const imp = (
  kind: ImportKind,
  rows: (string | number)[][],
  opts: { locale?: "zh" | "en"; fileName?: string; progress?: ImportProgress[] } = {},
) => {
  const { progress } = opts;
  return runImport(
    db,
    { kind, fileName: opts.fileName ?? `${kind}.csv`, bytes: csvBytes(rows), actorId: s.people.quality.id, locale: opts.locale },
    progress
      ? (p) => {
          progress.push(p);
        }
      : undefined,
  );
};

const q = <S extends RowSpec>(spec: S, statement: ReturnType<typeof sql>) => queryRows(db, spec, statement);
const count = (table: string) => queryValue(db, col.int, sql`select count(*)::int as n from ${sql.raw(table)}`);
/** updated_at as text (microseconds) by natural key. */
const stamps = async (table: string, key = "code") =>
  new Map(
    (await q({ k: col.text, t: col.text }, sql`select ${sql.raw(key)} as k, updated_at::text as t from ${sql.raw(table)}`)).map((r) => [
      r.k,
      r.t,
    ]),
  );

describe("units", () => {
  const file = [
    ["单位代码", "单位名称", "英文名称", "单位类型", "上级单位代码"],
    ["C1", "机械学院", "School of Mechanics", "学院", "S"],
    ["C1-1", "机械设计教研室", "", "教研室", "C1"],
    ["D9", "基础部", "", "department", "S"],
    ["C1-2", "制造教研室", "", "office", "C1"],
  ];

  it("imports, re-imports idempotently, and updates only a changed row", async () => {
    const progress: ImportProgress[] = [];
    const r1 = await imp("units", file, { progress });
    expect(r1).toMatchObject({ ok: true, total: 4, inserted: 4, updated: 0, unchanged: 0, errorCount: 0 });
    expect(progress.map((p) => p.status)).toEqual(expect.arrayContaining(["parsing", "validating", "writing"]));
    const tree = await q(
      { code: col.text, parent: col.text.nullable, kind: col.text },
      sql`
      select u.code, p.code as parent, u.kind from units u left join units p on p.id = u.parent_id where u.code like 'C1%' or u.code = 'D9' order by u.code`,
    );
    expect(tree).toEqual([
      { code: "C1", parent: "S", kind: "college" },
      { code: "C1-1", parent: "C1", kind: "office" },
      { code: "C1-2", parent: "C1", kind: "office" },
      { code: "D9", parent: "S", kind: "department" },
    ]);

    const before = await stamps("units");
    const r2 = await imp("units", file);
    expect(r2).toMatchObject({ ok: true, inserted: 0, updated: 0, unchanged: 4 });
    expect(await stamps("units")).toEqual(before);

    const changed = file.map((r) => [...r]);
    at(changed, 3)[1] = "公共基础部";
    const r3 = await imp("units", changed);
    expect(r3).toMatchObject({ ok: true, inserted: 0, updated: 1, unchanged: 3 });
    const after = await stamps("units");
    for (const [code, t] of before) {
      if (code === "D9") expect(t < atKey(after, code)).toBe(true);
      else expect(after.get(code), code).toBe(t);
    }
  });

  it("accepts a parent that appears later in the file, and refuses cycles and unknown parents", async () => {
    const ok = await imp("units", [
      ["code", "name", "kind", "parent_code"],
      ["X1", "x1", "office", "X"],
      ["X", "x", "college", "S"],
    ]);
    expect(ok).toMatchObject({ ok: true, inserted: 2 });
    const bad = await imp(
      "units",
      [
        ["code", "name", "kind", "parent_code"],
        ["P", "p", "college", "Q"],
        ["Q", "q", "college", "P"],
        ["R", "r", "college", "NOPE"],
        ["Z", "z", "college", "Z"],
      ],
      { locale: "en" },
    );
    expect(bad.ok).toBe(false);
    expect(bad.errors.map((e) => [e.row, e.column])).toEqual([
      [2, "parent_code"],
      [3, "parent_code"],
      [4, "parent_code"],
      [5, "parent_code"],
    ]);
    expect(bad.errors[2]?.reason).toContain("NOPE");
    expect(bad.errors[3]?.reason).toBe("A unit cannot be its own parent.");
    expect(await count("units")).toBe(6);
  });
});

describe("programmes and courses", () => {
  it("imports programmes and courses with Chinese choices", async () => {
    const p = await imp("programmes", [
      ["专业代码", "专业名称", "所属单位代码", "层次"],
      ["080901", "计算机科学与技术", "A", "本科"],
      ["510201", "计算机应用技术", "A", "专科"],
    ]);
    expect(p).toMatchObject({ ok: true, inserted: 2 });
    const c = await imp("courses", [
      ["课程代码", "课程名称", "开课单位代码", "专业代码", "课程类型", "学分", "学时"],
      ["CS201", "数据结构", "A", "080901", "专业基础课", "3.5", "56"],
      ["PE101", "体育", "S", "", "体育课", "1", "32"],
      ["GE101", "大学语文", "S", "", "公共基础课", "2", ""],
    ]);
    expect(c).toMatchObject({ ok: true, inserted: 3, updated: 0 });
    const rows = await q(
      { code: col.text, type: col.text, credits: col.text, hours: col.int.nullable, programme: col.text.nullable },
      sql`
      select c.code, c.type, c.credits::text as credits, c.hours, p.code as programme from courses c left join programmes p on p.id = c.programme_id
      where c.code in ('CS201', 'PE101', 'GE101') order by c.code`,
    );
    expect(rows).toEqual([
      { code: "CS201", type: "foundation", credits: "3.5", hours: 56, programme: "080901" },
      { code: "GE101", type: "general", credits: "2.0", hours: null, programme: null },
      { code: "PE101", type: "pe", credits: "1.0", hours: 32, programme: null },
    ]);
    // Re-import, and a column left out of the file does not touch existing data.
    expect(
      await imp("courses", [
        ["code", "name", "unit_code"],
        ["CS201", "数据结构", "A"],
      ]),
    ).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    expect((await q({ hours: col.int }, sql`select hours from courses where code = 'CS201'`))[0]?.hours).toBe(56);
  });

  it("reports unknown unit and programme codes", async () => {
    const r = await imp("courses", [
      ["code", "name", "unit_code", "programme_code"],
      ["X1", "x", "NOPE", ""],
      ["X2", "y", "A", "999999"],
    ]);
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [2, "unit_code"],
      [3, "programme_code"],
    ]);
  });
});

describe("people", () => {
  const file = [
    [
      "学号/工号",
      "姓名",
      "人员类别",
      "所属单位代码",
      "专业代码",
      "行政班",
      "入学年份",
      "职称",
      "性别",
      "电子邮箱",
      "角色",
      "角色所属单位代码",
    ],
    ["T100", "王老师", "教职工", "A1", "", "", "", "副教授", "男", "wang@example.com", "教师,督导", "A"],
    ["T101", "赵老师", "staff", "B", "", "", "", "讲师", "F", "", "teacher", ""],
    ["2024001", "孙同学", "学生", "A", "080902", "软件2401", "2024", "", "女", "", "", ""],
    ["2024002", "钱同学", "student", "A", "080902", "软件2401", "2024", "", "M", "", "学生信息员", ""],
  ];

  it("imports people and adds role grants; re-import changes nothing", async () => {
    const r = await imp("people", file);
    expect(r).toMatchObject({ ok: true, total: 4, inserted: 4, updated: 0, unchanged: 0 });
    const grants = await q(
      { number: col.text, role: col.text, unit: col.text.nullable },
      sql`
      select p.number, g.role, u.code as unit from role_grants g join persons p on p.id = g.person_id left join units u on u.id = g.unit_id
      where p.number in ('T100', 'T101', '2024001', '2024002') order by p.number, g.role`,
    );
    expect(grants).toEqual([
      { number: "2024001", role: "student", unit: null },
      { number: "2024002", role: "student", unit: null },
      { number: "2024002", role: "info_officer", unit: null },
      { number: "T100", role: "teacher", unit: null },
      { number: "T100", role: "supervisor", unit: "A" },
      { number: "T101", role: "teacher", unit: null },
    ]);
    const [p] = await q(
      { gender: col.text, admission_year: col.int, programme: col.text, class_name: col.text },
      sql`
      select p.gender, p.admission_year, g.code as programme, p.class_name from persons p join programmes g on g.id = p.programme_id where p.number = '2024001'`,
    );
    expect(p).toEqual({ gender: "F", admission_year: 2024, programme: "080902", class_name: "软件2401" });

    const before = await stamps("persons", "number");
    const grantCount = await count("role_grants");
    expect(await imp("people", file)).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
    expect(await stamps("persons", "number")).toEqual(before);
    expect(await count("role_grants")).toBe(grantCount);
  });

  it("counts a person as updated when only a role was added, and never removes roles", async () => {
    await imp("people", file);
    const withRole = file.map((r) => [...r]);
    at(withRole, 2)[10] = "教师、领导干部"; // T101 becomes a school-level leader too
    expect(await imp("people", withRole)).toMatchObject({ inserted: 0, updated: 1, unchanged: 3 });
    const withoutRoles = file.map((r) => [...r]);
    at(withoutRoles, 1)[10] = "";
    at(withoutRoles, 1)[11] = "";
    expect(await imp("people", withoutRoles)).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
    const roles = await q(
      { role: col.text },
      sql`select g.role from role_grants g join persons p on p.id = g.person_id where p.number = 'T100' order by g.role`,
    );
    expect(roles.map((r) => r.role).sort()).toEqual(["supervisor", "teacher"]);
  });

  it("a bad file reports every problem with file, row, column and reason, and writes nothing", async () => {
    const bad = file.map((r) => [...r]);
    bad.push(["2024003", "李同学", "学生", "A", "080902", "软件2401", "2024", "", "", "", "", ""]);
    at(bad, 2)[3] = "NOPE"; // row 3: unknown unit code
    at(bad, 4)[6] = "20x4"; // row 5: bad admission year
    const before = { persons: await count("persons"), grants: await count("role_grants") };
    const r = await imp("people", bad, { fileName: "人员.csv" });
    expect(r.ok).toBe(false);
    expect(r.errorCount).toBe(2);
    expect(r.errors).toEqual([
      { file: "人员.csv", row: 3, column: "所属单位代码", reason: "单位代码“NOPE”不存在（系统中和本文件中都没有）。" },
      { file: "人员.csv", row: 5, column: "入学年份", reason: "“20x4”不是整数。" },
    ]);
    expect({ persons: await count("persons"), grants: await count("role_grants") }).toEqual(before);

    const en = await imp("people", bad, { locale: "en" });
    expect(en.errors.map((e) => e.reason)).toEqual([
      'Unit code "NOPE" does not exist (neither in the system nor in this file).',
      '"20x4" is not a whole number.',
    ]);
  });

  it("checks roles against the kind of person and the role unit", async () => {
    const r = await imp(
      "people",
      [
        ["number", "name", "kind", "roles", "role_unit_code"],
        ["X1", "a", "staff", "sys_admin", ""],
        ["X2", "b", "student", "teacher", ""],
        ["X3", "c", "staff", "unit_admin", ""],
        ["X4", "d", "staff", "teacher", "A"],
        ["X5", "e", "staff", "校长", ""],
        ["X5", "f", "staff", "", ""],
      ],
      { locale: "en" },
    );
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [2, "roles"],
      [3, "roles"],
      [4, "role_unit_code"],
      [5, "role_unit_code"],
      [6, "roles"],
      [7, "number"],
    ]);
    expect(r.errors[5]?.reason).toBe("Repeats row 6.");
  });

  it("imports an XLSX file with English headers", async () => {
    const bytes = await xlsxBytes([
      ["Number", "Name", "Kind", "Unit code", "Admission year", "Active"],
      [2025001, { richText: [{ text: "吴" }, { text: "同学" }] }, "student", "B", 2025, "是"],
      ["T900", "周老师", "staff", "B", null, "否"],
    ]);
    const r = await runImport(db, { kind: "people", fileName: "people.xlsx", bytes, actorId: null });
    expect(r).toMatchObject({ ok: true, inserted: 2 });
    const rows = await q(
      { number: col.text, name: col.text, active: col.bool, admission_year: col.int.nullable },
      sql`
      select number, name, active, admission_year from persons where number in ('2025001', 'T900') order by number`,
    );
    expect(rows).toEqual([
      { number: "2025001", name: "吴同学", active: true, admission_year: 2025 },
      { number: "T900", name: "周老师", active: false, admission_year: null },
    ]);
  });
});

describe("people holding a role an import cannot grant", () => {
  // The system administrator's role cannot be granted by import, so an import cannot
  // deactivate, rename or otherwise change its holder either (the quality office imports).
  const header = ["学号/工号", "姓名", "人员类别", "所属单位代码", "角色", "是否有效"];
  const snapshot = async () =>
    q(
      {
        number: col.text,
        name: col.text,
        kind: col.text,
        active: col.bool,
        unit_id: col.int.nullable,
        updated_at: col.text,
        roles: col.array(col.text),
      },
      sql`select p.number, p.name, p.kind::text, p.active, p.unit_id, p.updated_at::text,
    coalesce((select array_agg(g.role::text order by g.role) from role_grants g where g.person_id = p.id), '{}') as roles
    from persons p order by p.number`,
    );

  it("refuses to deactivate the system administrator, naming the row and column, and writes nothing", async () => {
    const before = await snapshot();
    const r = await imp(
      "people",
      [header, ["T001", "张老师（新）", "教职工", "A1", "教师", "是"], ["admin", "系统管理员", "教职工", "S", "", "否"]],
      { fileName: "人员.csv" },
    );
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      {
        file: "人员.csv",
        row: 3,
        column: "是否有效",
        reason: "“admin”持有“系统管理员”角色，导入不能授予该角色，因此也不能更改或停用此人；请由系统管理员在系统中修改。",
      },
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses any change to them (name, unit, a new role), in the user's language", async () => {
    const before = await snapshot();
    const r = await imp("people", [header, ["admin", "管理员甲", "教职工", "A", "督导", ""]], { locale: "en" });
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [2, "姓名"],
      [2, "所属单位代码"],
      [2, "角色"],
    ]);
    expect(r.errors[0]?.reason).toBe(
      '"admin" holds the role System administrator, which an import cannot grant, so an import cannot change or deactivate them either; the system administrator changes it in the app.',
    );
    expect(await snapshot()).toEqual(before);
  });

  it("lets a file through that lists them unchanged (an HR export of all staff)", async () => {
    const r = await imp("people", [
      header,
      ["admin", "系统管理员", "教职工", "S", "", "是"],
      ["T001", "张老师", "教职工", "A1", "教师", ""],
    ]);
    expect(r).toMatchObject({ ok: true, unchanged: 2 });
  });
});

describe("text that cannot be stored, in cells", () => {
  it("a NUL in a cell is reported with row and column, and nothing is written", async () => {
    const before = await count("persons");
    const r = await imp("people", [
      ["学号/工号", "姓名", "人员类别"],
      ["T300", "王\u0000老师", "教职工"],
      ["T301", "李老师", "教职工"],
    ]);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [2, "姓名", "单元格中含有无法保存的字符（空字符 NUL 或不成对的代理项），请删除后重新导入。"],
    ]);
    expect(await count("persons")).toBe(before);
  });

  it("likewise past the first 64 KB of a CSV without BOM (the binary sniff looks no further)", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [`T${3000 + i}`, i === 2999 ? "周\u0000老师" : "周老师".repeat(4), "staff"]);
    const r = await runImport(db, {
      kind: "people",
      fileName: "people.csv",
      bytes: csvBytes([["Number", "Name", "Kind"], ...rows], { bom: false }),
      actorId: null,
      locale: "en",
    });
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([[3001, "Name"]]);
    expect(r.errors[0]?.reason).toContain("cannot be stored");
    // (Lone surrogates cannot come out of a file: decoding bytes never makes one.)
  });
});

describe("terms", () => {
  const file = [
    ["学期", "开始日期", "结束日期"],
    ["2026-2027-1", "2026-09-07", "2027-01-17"],
    ["2026-2027-2", "2027/2/27", "2027年7月9日"],
  ];
  const calendar = () =>
    q(
      { code: col.text, starts_on: col.text, ends_on: col.text, is_current: col.bool },
      sql`
    select code, starts_on::text, ends_on::text, is_current from terms order by code`,
    );

  it("sets the calendar of existing terms, creates new ones, and is idempotent", async () => {
    expect(await imp("terms", file)).toMatchObject({ ok: true, inserted: 1, updated: 1, unchanged: 0 });
    expect(await calendar()).toEqual([
      { code: "2026-2027-1", starts_on: "2026-09-07", ends_on: "2027-01-17", is_current: true },
      { code: "2026-2027-2", starts_on: "2027-02-27", ends_on: "2027-07-09", is_current: false },
    ]);
    expect(await imp("terms", file)).toMatchObject({ ok: true, inserted: 0, updated: 0, unchanged: 2 });
  });

  it("reports bad dates, a last day not after the first, repeats and a term under another code, and writes nothing", async () => {
    await db.execute(
      sql`insert into terms (code, school_year, semester, starts_on, ends_on) values ('2027-2028-1-old', '2027-2028', 1, '2027-09-01', '2028-01-20')`,
    );
    const r = await imp(
      "terms",
      [
        ["term", "starts_on", "ends_on"],
        ["2026-2027-1", "2026-02-30", "2027-01-17"],
        ["2026-2027-2", "2027-07-09", "2027-02-27"],
        ["2026-2027-1", "2026-09-07", "2027-01-17"],
        ["2027-2028-1", "2027-09-06", "2028-01-16"],
      ],
      { locale: "en" },
    );
    expect(r.errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [2, "starts_on", '"2026-02-30" is not a date; use e.g. 2026-09-07.'],
      [3, "ends_on", "The last day 2027-02-27 must come after the first day 2027-07-09."],
      [4, "term", "Repeats row 2."],
      [5, "term", expect.stringContaining("2027-2028-1-old")],
    ]);
    expect((await calendar()).find((t) => t.code === "2026-2027-1")).toMatchObject({ starts_on: "2026-09-01", ends_on: "2027-01-20" });
  });
});

describe("sections", () => {
  const file = [
    ["学期", "教学班代码", "课程代码", "教学班名称", "上课时间地点", "容量", "任课教师工号"],
    ["2027-2028-2", "CS101-01", "CS101", "程序设计1班", "周一 1-2节", "60", "T001"],
    ["2027-2028-2", "CS101-02", "CS101", "程序设计2班", "", "", "T001,T002"],
    ["2026-2027-1", "EN101-01", "EN101", "", "", "", "T002"],
  ];

  it("creates missing terms, replaces teachers, and is idempotent", async () => {
    const r = await imp("sections", file);
    expect(r).toMatchObject({ ok: true, inserted: 2, updated: 0, unchanged: 1 }); // EN101-01 exists, same teacher
    const [term] = await q(
      { school_year: col.text, semester: col.int, starts_on: col.text, ends_on: col.text },
      sql`
      select school_year, semester, starts_on::text, ends_on::text from terms where code = '2027-2028-2'`,
    );
    expect(term).toEqual({ school_year: "2027-2028", semester: 2, starts_on: "2028-02-20", ends_on: "2028-07-10" });
    const teachers = async () =>
      q(
        { section: col.text, number: col.text, role: col.text },
        sql`
      select s.code as section, p.number, st.role from section_teachers st join sections s on s.id = st.section_id
      join persons p on p.id = st.person_id join terms t on t.id = s.term_id where t.code = '2027-2028-2' order by s.code, p.number`,
      );
    expect(await teachers()).toEqual([
      { section: "CS101-01", number: "T001", role: "lead" },
      { section: "CS101-02", number: "T001", role: "lead" },
      { section: "CS101-02", number: "T002", role: "co" },
    ]);

    const before = await stamps("sections", "code || '@' || term_id");
    expect(await imp("sections", file)).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(await stamps("sections", "code || '@' || term_id")).toEqual(before);

    const changed = file.map((r) => [...r]);
    at(changed, 1)[6] = "T002"; // CS101-01: another teacher
    at(changed, 2)[6] = "T002、T001"; // CS101-02: lead and co swapped
    expect(await imp("sections", changed)).toMatchObject({ inserted: 0, updated: 2, unchanged: 1 });
    expect(await teachers()).toEqual([
      { section: "CS101-01", number: "T002", role: "lead" },
      { section: "CS101-02", number: "T001", role: "co" },
      { section: "CS101-02", number: "T002", role: "lead" },
    ]);
    // Teacher changes leave the section row (and its updated_at) alone.
    expect(await stamps("sections", "code || '@' || term_id")).toEqual(before);
  });

  it("reports unknown courses, teachers and students as teachers, and bad terms", async () => {
    const r = await imp(
      "sections",
      [
        ["term", "code", "course_code", "teachers"],
        ["2026-2027-1", "N1", "NOPE", "T001"],
        ["2026-2027-1", "N2", "CS101", "T999, 2023001"],
        ["2026-2027", "N3", "CS101", ""],
        ["2026-2027-1", "N1", "CS101", ""],
      ],
      { locale: "en" },
    );
    expect(r.errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [2, "course_code", 'Course code "NOPE" does not exist.'],
      [3, "teachers", 'Number "T999" does not exist.'],
      [3, "teachers", '"2023001" is not a staff member.'],
      [4, "term", expect.stringContaining("is not a term code")],
      [5, "code", "Repeats row 2."],
    ]);
    expect(await count("sections")).toBe(2);
  });
});

describe("enrolments", () => {
  it("imports enrolments, updates status, and reports unknown students, staff and sections", async () => {
    await imp("people", [
      ["number", "name", "kind", "unit_code"],
      ["2024101", "甲", "学生", "A"],
      ["2024102", "乙", "学生", "A"],
    ]);
    const file = [
      ["学期", "教学班代码", "学号"],
      ["2026-2027-1", "CS101-01", "2024101"],
      ["2026-2027-1", "CS101-01", "2024102"],
      ["2026-2027-1", "CS101-01", "2023001"],
    ];
    expect(await imp("enrolments", file)).toMatchObject({ ok: true, inserted: 2, updated: 0, unchanged: 1 });
    expect(await imp("enrolments", file)).toMatchObject({ ok: true, inserted: 0, updated: 0, unchanged: 3 });
    const withStatus = [
      ["学期", "教学班代码", "学号", "选课状态"],
      ["2026-2027-1", "CS101-01", "2024101", "退课"],
      ["2026-2027-1", "CS101-01", "2024102", ""],
    ];
    expect(await imp("enrolments", withStatus)).toMatchObject({ ok: true, inserted: 0, updated: 1, unchanged: 1 });
    const e = one(
      await q({ status: col.text }, sql`select e.status from enrolments e join persons p on p.id = e.person_id where p.number = '2024101'`),
    );
    expect(e.status).toBe("withdrawn");

    const before = await count("enrolments");
    const bad = await imp(
      "enrolments",
      [
        ["term", "section_code", "student_number"],
        ["2026-2027-1", "CS101-01", "2099999"],
        ["2026-2027-1", "CS101-01", "T001"],
        ["2026-2027-1", "NOPE-01", "2024101"],
        ["2026-2027-1", "EN101-01", "2024101"],
      ],
      { locale: "en" },
    );
    expect(bad.errors.map((x) => [x.row, x.column, x.reason])).toEqual([
      [2, "student_number", 'Number "2099999" does not exist.'],
      [3, "student_number", '"T001" is not a student.'],
      [4, "section_code", 'Term 2026-2027-1 has no section "NOPE-01".'],
    ]);
    expect(await count("enrolments")).toBe(before);
  });
});

describe("graduates", () => {
  it("creates cohorts and upserts alumni by student number", async () => {
    const file = [
      ["专业代码", "毕业年份", "学号", "姓名", "电子邮箱", "手机号", "微信号"],
      ["080902", "2026", "2022001", "王同学", "wang@example.com", "13800000000", "wx1"],
      ["080902", "2026", "2022002", "李同学", "", "", ""],
      ["050201", "2025", "2021001", "赵同学", "zhao@example.com", "", ""],
    ];
    expect(await imp("graduates", file)).toMatchObject({ ok: true, inserted: 3 });
    expect(await count("graduate_cohorts")).toBe(2);
    const before = await stamps("alumni", "student_number");
    expect(await imp("graduates", file)).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(await stamps("alumni", "student_number")).toEqual(before);
    const moved = file.map((r) => [...r]);
    at(moved, 2)[1] = "2027"; // new cohort for that row
    expect(await imp("graduates", moved)).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    expect(await count("graduate_cohorts")).toBe(3);
    const bad = await imp("graduates", [
      ["programme_code", "graduation_year", "student_number", "name", "email"],
      ["999", "2026", "X", "x", "not-an-email"],
    ]);
    expect(bad.errors.map((e) => [e.row, e.column])).toEqual([
      [2, "programme_code"],
      [2, "email"],
    ]);
  });
});

describe("employers", () => {
  const file = [
    ["用人单位代码", "用人单位名称", "行业", "地区", "联系人姓名", "联系人职务", "联系人邮箱", "联系人电话"],
    ["E1", "甲公司", "信息技术", "北京", "李经理", "人力资源部经理", "li@e1.com", ""],
    ["E1", "甲公司", "", "", "张主管", "", "zhang@e1.com", ""],
    ["E2", "乙公司", "制造业", "上海", "", "", "", ""],
  ];

  it("upserts employers from any of their rows and one contact per row", async () => {
    expect(await imp("employers", file)).toMatchObject({ ok: true, inserted: 3, updated: 0, unchanged: 0 });
    expect(
      await q(
        { code: col.text, name: col.text, industry: col.text.nullable, region: col.text.nullable },
        sql`select code, name, industry, region from employers order by code`,
      ),
    ).toEqual([
      { code: "E1", name: "甲公司", industry: "信息技术", region: "北京" },
      { code: "E2", name: "乙公司", industry: "制造业", region: "上海" },
    ]);
    expect(await count("employer_contacts")).toBe(2);
    expect(await imp("employers", file)).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    const changed = file.map((r) => [...r]);
    at(changed, 1)[3] = "天津"; // employer field on its first row
    at(changed, 2)[7] = "13900000000"; // a contact's phone
    expect(await imp("employers", changed)).toMatchObject({ inserted: 0, updated: 2, unchanged: 1 });
  });

  it("requires the rows of an employer to agree", async () => {
    const bad = file.map((r) => [...r]);
    at(bad, 2)[3] = "上海";
    bad.push(["E2", "乙公司", "", "", "", "经理", "", ""]);
    const r = await imp("employers", bad, { locale: "en" });
    expect(r.errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [3, "地区", '"上海" differs from "北京" given for the same employer in row 2.'],
      [5, "联系人职务", "Contact details are given without a contact name."],
    ]);
    expect(await count("employers")).toBe(0);
  });
});

describe("file problems through runImport", () => {
  it("reports header problems on row 1 and writes nothing", async () => {
    const r = await imp("units", [
      ["code", "名字", "kind", "备注"],
      ["Q", "q", "学院", ""],
    ]);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [1, "名字"],
      [1, "备注"],
      [1, "单位名称"],
    ]);
    expect(r.errors[0]?.reason).toContain("无法识别的列“名字”");
  });

  it("caps the stored errors but keeps the full count", async () => {
    const rows: string[][] = [["code", "name", "kind"]];
    for (let i = 0; i < 1500; i++) rows.push([`U${i}`, "", "学院"]);
    const r = await imp("units", rows);
    expect(r.errorCount).toBe(1500);
    expect(r.errors).toHaveLength(1000);
    expect(r.errors[0]).toMatchObject({ row: 2, column: "name" });
  });
});
