// Column layouts of the files the quality office imports from the academic-affairs
// system each term. One layout per import kind; every column has a key, a Chinese and an
// English header (plus a few aliases), whether it is required, a zod schema for the cell
// and a description in both languages.
//
// Headers are matched case-insensitively, ignoring spaces, "_", "-" and "*", after
// Unicode NFKC normalisation (full-width letters and spaces count as their ASCII forms);
// Chinese and English headers may be mixed in one file, and the key itself (e.g.
// "unit_code") is always accepted.
//
// Cells: text is trimmed and an empty cell means "no value". A required column must be
// present in the header and have a value in every row. An optional column may be left
// out of the file: its database field is then left as it is on update (and takes its
// default on insert); when the column is present, an empty cell clears the field (or sets
// its default, e.g. level = undergraduate).
//
// Natural keys (code, number, term + code, …) make re-importing a file idempotent.
import { z } from "zod";
import { IMPORT_KINDS, ROLES, type ImportKind, type Role } from "@/db/schema";
import { messages, type Locale } from "../i18n/messages";
import { isStorableText } from "../text";

export type Bilingual = { zh: string; en: string };

export type ColumnDef = {
  key: string;
  zh: string;
  en: string;
  aliases: string[];
  required: boolean;
  /** Parses one cell (string or undefined); issues carry a message key of the imports namespace. */
  schema: z.ZodType<unknown, unknown>;
  description: Bilingual;
  example: string;
};

export type Layout = {
  kind: ImportKind;
  description: Bilingual;
  /** Keys of the columns that identify a row (re-importing updates the row with the same key). */
  naturalKey: string[];
  columns: ColumnDef[];
};

/** Header normalisation: NFKC, lower case, without spaces, "_", "-" and "*". */
export function normHeader(s: string): string {
  return s.normalize("NFKC").toLowerCase().replace(/[\s_\-*]/g, "");
}

/** Choice normalisation: NFKC, lower case, without spaces. */
function normChoice(s: string): string {
  return s.normalize("NFKC").toLowerCase().replace(/\s/g, "");
}

// ---------------------------------------------------------------------------------------
// Cell schemas

type Ctx = z.core.$RefinementCtx<string | undefined>;

function fail(ctx: Ctx, code: string, params: Record<string, string | number> = {}): never {
  ctx.issues.push({ code: "custom", message: `imports.cell.${code}`, input: ctx.value, params });
  return z.NEVER;
}

const blankToUndefined = (v: unknown) => {
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim();
  return s === "" ? undefined : s;
};

/**
 * A cell: trimmed, empty → undefined; required cells must not be empty; text that cannot
 * be stored (a NUL, a lone surrogate: server/text.ts) is refused in every kind of cell.
 */
function cell<T>(required: boolean, parse: (s: string, ctx: Ctx) => T) {
  return z.preprocess(blankToUndefined, z.string().optional().transform((s, ctx): T | undefined => {
    if (s === undefined) return required ? fail(ctx, "required") : undefined;
    if (!isStorableText(s)) return fail(ctx, "badText");
    return parse(s, ctx);
  }));
}

const CONTROL = /[\u0000-\u001f\u007f]/;

const text = (required: boolean, max = 200) => cell(required, (s, ctx) => {
  if (s.length > max) return fail(ctx, "tooLong", { max });
  return s;
});

const code = (required: boolean, max = 64) => cell(required, (s, ctx) => {
  if (s.length > max) return fail(ctx, "tooLong", { max });
  if (CONTROL.test(s)) return fail(ctx, "badCode");
  return s;
});

const int = (required: boolean, min: number, max: number) => cell(required, (s, ctx) => {
  // Excel may hand over whole numbers as "2023.0".
  if (!/^[+-]?\d+(\.0+)?$/.test(s)) return fail(ctx, "notInteger");
  const n = Number.parseInt(s, 10);
  if (n < min || n > max) return fail(ctx, "outOfRange", { min, max });
  return n;
});

const decimal = (required: boolean, min: number, max: number, scale: number) => cell(required, (s, ctx) => {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return fail(ctx, "notNumber");
  const n = Number(s);
  if (n < min || n > max) return fail(ctx, "outOfRange", { min, max });
  const f = 10 ** scale;
  if (Math.abs(Math.round(n * f) - n * f) > 1e-6) return fail(ctx, "tooManyDecimals", { scale });
  return Math.round(n * f) / f;
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const email = () => cell(false, (s, ctx) => {
  if (s.length > 254 || !EMAIL.test(s)) return fail(ctx, "badEmail");
  return s;
});

const PHONE = /^[0-9+\-() ]{3,32}$/;
const phone = () => cell(false, (s, ctx) => {
  if (!PHONE.test(s)) return fail(ctx, "badPhone");
  return s;
});

type Choice<T extends string> = { value: T; zh: string; en: string; aliases?: string[] };

/** One of a fixed set; accepts the value, its Chinese and English names and aliases. */
function choice<T extends string>(required: boolean, choices: Choice<T>[]) {
  const map = new Map<string, T>();
  for (const c of choices) {
    for (const a of [c.value, c.zh, c.en, ...(c.aliases ?? [])]) map.set(normChoice(a), c.value);
  }
  const allowedZh = choices.map((c) => c.zh).join("、");
  const allowedEn = choices.map((c) => c.value).join(", ");
  return cell(required, (s, ctx) => map.get(normChoice(s)) ?? fail(ctx, "badChoice", { allowedZh, allowedEn }));
}

const BOOLS: Choice<"true" | "false">[] = [
  { value: "true", zh: "是", en: "yes", aliases: ["y", "1", "true", "t", "有效", "在职", "在读", "启用"] },
  { value: "false", zh: "否", en: "no", aliases: ["n", "0", "false", "f", "无效", "离职", "停用"] },
];
const bool = () => {
  const c = choice(false, BOOLS);
  return c.transform((v) => (v === undefined ? undefined : v === "true"));
};

/** Separators of list cells: ASCII and full-width comma, 、, semicolons, whitespace. */
export const LIST_SEPARATORS = /[,，、;；\s]+/;

const roleChoices: Choice<Role>[] = ROLES.map((r) => ({
  value: r, zh: messages.zh.common.roles[r], en: messages.en.common.roles[r],
}));
const roleMap = new Map<string, Role>();
for (const c of roleChoices) for (const a of [c.value, c.zh, c.en]) roleMap.set(normChoice(a), c.value);

const roleList = () => cell(false, (s, ctx) => {
  const out: Role[] = [];
  for (const part of s.split(LIST_SEPARATORS)) {
    if (!part) continue;
    const r = roleMap.get(normChoice(part));
    if (!r) {
      return fail(ctx, "badRole", {
        value: part,
        allowedZh: roleChoices.map((c) => c.zh).join("、"),
        allowedEn: roleChoices.map((c) => c.value).join(", "),
      });
    }
    if (!out.includes(r)) out.push(r);
  }
  return out;
});

const numberList = () => cell(false, (s, ctx) => {
  const out: string[] = [];
  for (const part of s.split(LIST_SEPARATORS)) {
    if (!part) continue;
    if (part.length > 64) return fail(ctx, "tooLong", { max: 64 });
    if (out.includes(part)) return fail(ctx, "duplicateInList", { value: part });
    out.push(part);
  }
  return out;
});

export type TermCode = { code: string; schoolYear: string; semester: 1 | 2 | 3 };
const TERM = /^(\d{4})\s*[-–—~至]\s*(\d{4})\s*[-–—]\s*([123])$/;
/** A term code "2026-2027-1": school year and semester 1 (autumn), 2 (spring) or 3 (summer). */
export function parseTermCode(s: string): TermCode | null {
  const m = TERM.exec(s.normalize("NFKC").trim());
  if (!m) return null;
  const y1 = Number(m[1]);
  const y2 = Number(m[2]);
  if (y2 !== y1 + 1 || y1 < 1950 || y1 > 2100) return null;
  const schoolYear = `${y1}-${y2}`;
  const semester = Number(m[3]) as 1 | 2 | 3;
  return { code: `${schoolYear}-${semester}`, schoolYear, semester };
}
const term = () => cell(true, (s, ctx) => parseTermCode(s) ?? fail(ctx, "badTerm"));

// ---------------------------------------------------------------------------------------
// Layouts

function col(
  key: string, zh: string, en: string, required: boolean, schema: z.ZodType<unknown, unknown>,
  description: Bilingual, example: string, aliases: string[] = [],
): ColumnDef {
  return { key, zh, en, aliases, required, schema, description, example };
}

const UNIT_KINDS: Choice<"school" | "college" | "department" | "office">[] = [
  { value: "school", zh: "学校", en: "school" },
  { value: "college", zh: "学院", en: "college" },
  { value: "department", zh: "系部", en: "department", aliases: ["系", "部"] },
  { value: "office", zh: "教研室", en: "office", aliases: ["teaching office", "教研组"] },
];
const LEVELS: Choice<"vocational" | "undergraduate" | "postgraduate">[] = [
  { value: "vocational", zh: "专科", en: "vocational", aliases: ["高职", "高职专科"] },
  { value: "undergraduate", zh: "本科", en: "undergraduate" },
  { value: "postgraduate", zh: "研究生", en: "postgraduate", aliases: ["硕士", "博士"] },
];
const COURSE_TYPES: Choice<"general" | "foundation" | "core" | "elective" | "practice" | "pe">[] = [
  { value: "general", zh: "通识课", en: "general", aliases: ["公共基础课", "通识/公共基础课", "通识", "公共课", "公共必修课"] },
  { value: "foundation", zh: "专业基础课", en: "foundation", aliases: ["学科基础课", "基础课"] },
  { value: "core", zh: "专业核心课", en: "core", aliases: ["核心课", "专业必修课"] },
  { value: "elective", zh: "专业选修课", en: "elective", aliases: ["选修课"] },
  { value: "practice", zh: "实践课", en: "practice", aliases: ["实验课", "实训课", "实践教学"] },
  { value: "pe", zh: "体育课", en: "pe", aliases: ["体育", "physical education"] },
];
const PERSON_KINDS: Choice<"staff" | "student">[] = [
  { value: "staff", zh: "教职工", en: "staff", aliases: ["职工", "教工"] },
  { value: "student", zh: "学生", en: "student" },
];
const GENDERS: Choice<"M" | "F">[] = [
  { value: "M", zh: "男", en: "male", aliases: ["m"] },
  { value: "F", zh: "女", en: "female", aliases: ["f"] },
];
const ENROLMENT_STATUS: Choice<"enrolled" | "withdrawn">[] = [
  { value: "enrolled", zh: "在读", en: "enrolled", aliases: ["选课", "正常", "已选"] },
  { value: "withdrawn", zh: "退课", en: "withdrawn", aliases: ["退选", "已退"] },
];

const YEAR_MIN = 1950;
const YEAR_MAX = 2100;

export const LAYOUTS: Record<ImportKind, Layout> = {
  units: {
    kind: "units",
    description: {
      zh: "教学单位（学校、学院、系部、教研室）组成的组织树。上级单位须已在系统中或在同一文件中。",
      en: "The organisation tree of teaching units (school, colleges, departments, teaching offices). A parent must already exist or be in the same file.",
    },
    naturalKey: ["code"],
    columns: [
      col("code", "单位代码", "Code", true, code(true), { zh: "单位的唯一代码，重复导入时据此更新。", en: "Unique code of the unit; re-imports update the unit with this code." }, "A", ["代码", "编码", "单位编码", "unit code"]),
      col("name", "单位名称", "Name", true, text(true), { zh: "单位中文名称。", en: "Name of the unit (Chinese)." }, "计算机学院", ["名称", "unit name"]),
      col("name_en", "英文名称", "English name", false, text(false), { zh: "单位英文名称（可选）。", en: "English name (optional)." }, "School of Computing", ["英文名"]),
      col("kind", "单位类型", "Kind", true, choice(true, UNIT_KINDS), { zh: "学校、学院、系部或教研室（也可填 school/college/department/office）。", en: "school, college, department or office (or 学校/学院/系部/教研室)." }, "学院", ["类型", "type"]),
      col("parent_code", "上级单位代码", "Parent code", false, code(false), { zh: "上级单位的代码；学校（根）留空。", en: "Code of the parent unit; empty for the school (root)." }, "S", ["上级代码", "上级单位", "parent"]),
    ],
  },
  programmes: {
    kind: "programmes",
    description: {
      zh: "专业，隶属于教学单位（单位须已导入）。",
      en: "Programmes (majors), each belonging to a teaching unit that must already exist.",
    },
    naturalKey: ["code"],
    columns: [
      col("code", "专业代码", "Code", true, code(true), { zh: "专业的唯一代码（如 080902），建议用 Excel 模板以免丢失前导零。", en: "Unique programme code (e.g. 080902); use the Excel template so leading zeros are kept." }, "080902", ["代码", "programme code"]),
      col("name", "专业名称", "Name", true, text(true), { zh: "专业中文名称。", en: "Name of the programme (Chinese)." }, "软件工程", ["名称", "专业", "programme name"]),
      col("name_en", "英文名称", "English name", false, text(false), { zh: "专业英文名称（可选）。", en: "English name (optional)." }, "Software Engineering", ["英文名"]),
      col("unit_code", "所属单位代码", "Unit code", true, code(true), { zh: "所属教学单位的代码。", en: "Code of the teaching unit the programme belongs to." }, "A", ["单位代码", "学院代码"]),
      col("level", "层次", "Level", false, choice(false, LEVELS), { zh: "专科、本科或研究生（vocational/undergraduate/postgraduate）；留空为本科。", en: "vocational, undergraduate or postgraduate (or 专科/本科/研究生); empty means undergraduate." }, "本科", ["培养层次"]),
    ],
  },
  people: {
    kind: "people",
    description: {
      zh: "教职工和学生（按学号/工号）。角色列中的角色只会追加授予，导入不会撤销已有角色；撤销角色请在系统中操作。学生自动获得“学生”角色。系统管理员角色不能通过导入授予，导入也不能更改或停用持有该角色的人（文件中原样列出此人可以）。",
      en: "Staff and students (by staff/student number). Roles in the file are added; an import never removes roles a person already has (remove roles in the app). Students get the Student role automatically. The System administrator role cannot be granted by import, nor can an import change or deactivate anyone holding it (listing them unchanged is fine).",
    },
    naturalKey: ["number"],
    columns: [
      col("number", "学号/工号", "Number", true, code(true, 32), { zh: "学生学号或教职工工号（唯一）。", en: "Student or staff number (unique)." }, "2023001", ["学号", "工号", "工号/学号", "学工号", "编号", "staff number", "student number", "no"]),
      col("name", "姓名", "Name", true, text(true, 100), { zh: "姓名。", en: "Full name." }, "陈同学", ["名字"]),
      col("kind", "人员类别", "Kind", true, choice(true, PERSON_KINDS), { zh: "教职工或学生（staff/student）。", en: "staff or student (or 教职工/学生)." }, "学生", ["类别", "身份", "人员类型"]),
      col("unit_code", "所属单位代码", "Unit code", false, code(false), { zh: "所在教学单位或部门的代码。", en: "Code of the person's unit." }, "A", ["单位代码", "学院代码"]),
      col("programme_code", "专业代码", "Programme code", false, code(false), { zh: "学生所在专业的代码。", en: "Student's programme code." }, "080902", ["专业"]),
      col("class_name", "行政班", "Class", false, text(false, 100), { zh: "学生的行政班。", en: "Student's administrative class." }, "软件2301", ["班级", "class name"]),
      col("admission_year", "入学年份", "Admission year", false, int(false, YEAR_MIN, YEAR_MAX), { zh: "学生入学年份（四位数字）。", en: "Student's year of admission (four digits)." }, "2023", ["入学年级", "年级"]),
      col("title", "职称", "Title", false, text(false, 100), { zh: "教职工职称。", en: "Staff member's professional title." }, "", ["专业技术职务"]),
      col("gender", "性别", "Gender", false, choice(false, GENDERS), { zh: "男或女（M/F）。", en: "M or F (or 男/女)." }, "女", ["sex"]),
      col("email", "电子邮箱", "Email", false, email(), { zh: "电子邮箱。", en: "E-mail address." }, "", ["邮箱", "e-mail", "mail"]),
      col("phone", "手机号", "Phone", false, phone(), { zh: "手机号码。", en: "Mobile phone number." }, "", ["手机", "电话", "联系电话", "mobile"]),
      col("roles", "角色", "Roles", false, roleList(), { zh: "一个或多个角色，用逗号或顿号分隔，如“教师,督导”；可填中文名称或英文键（teacher、supervisor…）。只追加，不撤销。", en: "One or more roles separated by commas, e.g. \"teacher, supervisor\" (role keys or their Chinese names). Roles are only added, never removed." }, "学生", ["role"]),
      col("role_unit_code", "角色所属单位代码", "Role unit code", false, code(false), { zh: "督导、领导干部、教学单位管理员等按单位授予的角色所属单位的代码；督导、领导干部留空表示校级，教学单位管理员必填。", en: "Unit of the unit-scoped roles (supervisor, leader, unit administrator); empty means school level for supervisors and leaders, required for unit administrators." }, "", ["角色单位"]),
      col("active", "是否有效", "Active", false, bool(), { zh: "是或否；填“否”表示停用该账号（离职、毕业等）。留空为是。", en: "yes or no; \"no\" deactivates the account (left, graduated). Empty means yes." }, "是", ["有效", "状态", "在职/在读"]),
    ],
  },
  courses: {
    kind: "courses",
    description: {
      zh: "课程，隶属于开课单位（单位、专业须已导入）。",
      en: "Courses, each belonging to the unit that offers it (units and programmes must already exist).",
    },
    naturalKey: ["code"],
    columns: [
      col("code", "课程代码", "Code", true, code(true), { zh: "课程的唯一代码。", en: "Unique course code." }, "CS101", ["课程号", "课程编号", "代码", "course code"]),
      col("name", "课程名称", "Name", true, text(true), { zh: "课程中文名称。", en: "Name of the course (Chinese)." }, "程序设计基础", ["课程名", "名称", "course name"]),
      col("name_en", "英文名称", "English name", false, text(false), { zh: "课程英文名称（可选）。", en: "English name (optional)." }, "Programming Fundamentals", ["英文名"]),
      col("unit_code", "开课单位代码", "Unit code", true, code(true), { zh: "开课单位的代码。", en: "Code of the unit offering the course." }, "A", ["单位代码", "学院代码"]),
      col("programme_code", "专业代码", "Programme code", false, code(false), { zh: "课程所属专业的代码（可选）。", en: "Programme the course belongs to (optional)." }, "080902", ["专业"]),
      col("type", "课程类型", "Type", false, choice(false, COURSE_TYPES), { zh: "通识课（公共基础课）、专业基础课、专业核心课、专业选修课、实践课或体育课（general/foundation/core/elective/practice/pe）；留空为专业核心课。", en: "general, foundation, core, elective, practice or pe (or their Chinese names); empty means core." }, "专业基础课", ["课程性质", "类型", "课程类别"]),
      col("level", "层次", "Level", false, choice(false, LEVELS), { zh: "专科、本科或研究生；留空为本科。", en: "vocational, undergraduate or postgraduate; empty means undergraduate." }, "本科", ["培养层次"]),
      col("credits", "学分", "Credits", false, decimal(false, 0, 999.9, 1), { zh: "学分，最多一位小数。", en: "Credits, at most one decimal place." }, "3.5"),
      col("hours", "学时", "Hours", false, int(false, 0, 10000), { zh: "总学时。", en: "Total teaching hours." }, "56", ["总学时"]),
    ],
  },
  sections: {
    kind: "sections",
    description: {
      zh: "教学班（某学期开设的课程）及其任课教师。学期不存在时按代码自动创建（第1学期 9月1日–1月20日，第2学期 2月20日–7月10日，第3学期 7月11日–8月31日）。文件中列出的任课教师会替换该教学班原有的任课教师。",
      en: "Sections (a course offered in a term) and their teachers. Missing terms are created from the code (semester 1: 1 Sep – 20 Jan, 2: 20 Feb – 10 Jul, 3: 11 Jul – 31 Aug). A section's teachers are replaced by the list in the file.",
    },
    naturalKey: ["term", "code"],
    columns: [
      col("term", "学期", "Term", true, term(), { zh: "学期代码，格式为 学年-学期，如 2026-2027-1（1 秋季，2 春季，3 夏季）。", en: "Term code: school year and semester, e.g. 2026-2027-1 (1 autumn, 2 spring, 3 summer)." }, "2026-2027-1", ["学期代码", "学年学期", "term code"]),
      col("code", "教学班代码", "Section code", true, code(true), { zh: "教学班代码，在同一学期内唯一。", en: "Section code, unique within the term." }, "CS101-01", ["教学班号", "教学班编号", "课堂号", "选课课号"]),
      col("course_code", "课程代码", "Course code", true, code(true), { zh: "课程代码（课程须已导入）。", en: "Course code (the course must already exist)." }, "CS101", ["课程号", "课程编号"]),
      col("name", "教学班名称", "Name", false, text(false), { zh: "教学班名称（可选）。", en: "Section name (optional)." }, "程序设计基础（1班）", ["名称", "section name"]),
      col("schedule", "上课时间地点", "Schedule", false, text(false, 500), { zh: "上课时间和地点。", en: "Time and place of the classes." }, "周一 3-4节 教A-201", ["上课时间", "上课地点"]),
      col("capacity", "容量", "Capacity", false, int(false, 0, 100000), { zh: "教学班容量（人数上限）。", en: "Capacity (maximum number of students)." }, "60", ["人数上限", "限选人数"]),
      col("teachers", "任课教师工号", "Teachers", false, numberList(), { zh: "一个或多个任课教师的工号，用逗号或顿号分隔；第一个为主讲教师，其余为合作教师。该列存在时，会替换教学班原有的任课教师。", en: "Staff numbers of one or more teachers separated by commas; the first is the lead teacher, the others co-teachers. When the column is present it replaces the section's teachers." }, "T001", ["教师工号", "任课教师", "teacher numbers"]),
    ],
  },
  enrolments: {
    kind: "enrolments",
    description: {
      zh: "学生选课名单：哪位学生在哪个教学班（教学班、学生须已导入）。",
      en: "Enrolments: which student is in which section (sections and students must already exist).",
    },
    naturalKey: ["term", "section_code", "student_number"],
    columns: [
      col("term", "学期", "Term", true, term(), { zh: "学期代码，如 2026-2027-1。", en: "Term code, e.g. 2026-2027-1." }, "2026-2027-1", ["学期代码", "学年学期", "term code"]),
      col("section_code", "教学班代码", "Section code", true, code(true), { zh: "教学班代码。", en: "Section code." }, "CS101-01", ["教学班号", "教学班编号", "课堂号", "选课课号"]),
      col("student_number", "学号", "Student number", true, code(true, 32), { zh: "学生学号（须为学生）。", en: "Student number (must be a student)." }, "2023001", ["学生学号"]),
      col("status", "选课状态", "Status", false, choice(false, ENROLMENT_STATUS), { zh: "在读或退课（enrolled/withdrawn）；留空为在读。", en: "enrolled or withdrawn (or 在读/退课); empty means enrolled." }, "在读", ["状态"]),
    ],
  },
  graduates: {
    kind: "graduates",
    description: {
      zh: "毕业生名单（用于毕业生跟踪调查），按专业和毕业年份分届；届别不存在时自动创建。",
      en: "Graduates (for graduate tracking surveys), grouped by programme and graduation year; missing cohorts are created.",
    },
    naturalKey: ["student_number"],
    columns: [
      col("programme_code", "专业代码", "Programme code", true, code(true), { zh: "毕业专业的代码。", en: "Code of the programme graduated from." }, "080902", ["专业"]),
      col("graduation_year", "毕业年份", "Graduation year", true, int(true, YEAR_MIN, YEAR_MAX), { zh: "毕业年份（四位数字）。", en: "Year of graduation (four digits)." }, "2026", ["届别", "毕业年度", "毕业届别"]),
      col("student_number", "学号", "Student number", true, code(true, 32), { zh: "在校时的学号（唯一）。", en: "Student number while at school (unique)." }, "2022001", ["学生学号"]),
      col("name", "姓名", "Name", true, text(true, 100), { zh: "姓名。", en: "Full name." }, "王同学", ["名字"]),
      col("email", "电子邮箱", "Email", false, email(), { zh: "电子邮箱（发送调查邀请）。", en: "E-mail address (for survey invitations)." }, "wang@example.com", ["邮箱", "e-mail", "mail"]),
      col("phone", "手机号", "Phone", false, phone(), { zh: "手机号码。", en: "Mobile phone number." }, "13800000000", ["手机", "电话", "联系电话", "mobile"]),
      col("wechat", "微信号", "WeChat", false, text(false, 100), { zh: "微信号。", en: "WeChat ID." }, "", ["微信"]),
    ],
  },
  employers: {
    kind: "employers",
    description: {
      zh: "用人单位及其联系人，每行一位联系人。同一用人单位的各行中，单位名称、行业、地区如填写须一致（留空表示沿用其他行的值）。",
      en: "Employers and their contacts, one contact per row. Rows of the same employer must agree on its name, industry and region where filled in (an empty cell takes the value from the other rows).",
    },
    naturalKey: ["code", "contact_name"],
    columns: [
      col("code", "用人单位代码", "Employer code", true, code(true), { zh: "统一社会信用代码或学校自编代码。", en: "Unified social credit code or a code assigned by the school." }, "91110000000000000X", ["统一社会信用代码", "信用代码", "单位代码", "代码", "code"]),
      col("name", "用人单位名称", "Employer name", true, text(true), { zh: "用人单位名称。", en: "Name of the employer." }, "某某科技有限公司", ["单位名称", "名称"]),
      col("industry", "行业", "Industry", false, text(false, 100), { zh: "所属行业。", en: "Industry." }, "信息技术", ["所属行业"]),
      col("region", "地区", "Region", false, text(false, 100), { zh: "所在地区。", en: "Region." }, "北京", ["所在地区", "所在地"]),
      col("contact_name", "联系人姓名", "Contact name", false, text(false, 100), { zh: "联系人姓名；同一单位内唯一。留空则该行只更新单位信息。", en: "Contact's name, unique within the employer; an empty cell means the row only carries employer details." }, "李经理", ["联系人"]),
      col("contact_position", "联系人职务", "Contact position", false, text(false, 100), { zh: "联系人职务。", en: "Contact's position." }, "人力资源部经理", ["职务"]),
      col("contact_email", "联系人邮箱", "Contact email", false, email(), { zh: "联系人电子邮箱（发送调查邀请）。", en: "Contact's e-mail address (for survey invitations)." }, "hr@example.com", ["邮箱", "电子邮箱"]),
      col("contact_phone", "联系人电话", "Contact phone", false, phone(), { zh: "联系人电话。", en: "Contact's phone number." }, "010-12345678", ["电话", "手机", "联系电话"]),
    ],
  },
};

export function getLayout(kind: ImportKind): Layout {
  return LAYOUTS[kind];
}

/** The header text of a column in a language. */
export function headerOf(c: ColumnDef, locale: Locale): string {
  return locale === "en" ? c.en : c.zh;
}

/** Every accepted (normalised) header of a column: key, Chinese, English and aliases. */
export function acceptedHeaders(c: ColumnDef): string[] {
  return [...new Set([c.key, c.zh, c.en, ...c.aliases].map(normHeader))];
}

const headerIndex = new Map<ImportKind, Map<string, ColumnDef>>();
/** Normalised header → column, per kind. Throws at load time if two columns share a header. */
export function headerMap(kind: ImportKind): Map<string, ColumnDef> {
  let m = headerIndex.get(kind);
  if (!m) {
    m = new Map();
    for (const c of LAYOUTS[kind].columns) {
      for (const h of acceptedHeaders(c)) {
        const other = m.get(h);
        if (other && other !== c) throw new Error(`imports: header "${h}" of ${kind} is ambiguous (${other.key}, ${c.key})`);
        m.set(h, c);
      }
    }
    headerIndex.set(kind, m);
  }
  return m;
}

export type LayoutView = {
  kind: ImportKind;
  description: string;
  naturalKey: string[];
  columns: { key: string; header: string; headers: Bilingual; aliases: string[]; required: boolean; description: string; example: string }[];
};

/** A layout for display in one language. */
export function describeLayout(kind: ImportKind, locale: Locale): LayoutView {
  const l = LAYOUTS[kind];
  return {
    kind,
    description: l.description[locale],
    naturalKey: l.naturalKey,
    columns: l.columns.map((c) => ({
      key: c.key, header: headerOf(c, locale), headers: { zh: c.zh, en: c.en }, aliases: c.aliases,
      required: c.required, description: c.description[locale], example: c.example,
    })),
  };
}

export function describeLayouts(locale: Locale): LayoutView[] {
  return IMPORT_KINDS.map((k) => describeLayout(k, locale));
}
