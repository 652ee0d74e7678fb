// The columns of import files: the cell schemas (trimmed text, codes, numbers, choices, lists,
// term codes) every kind's layout is written with, header normalisation and the layout types.
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
import { ROLES, type Role } from "@/db/schema";
import { messages, type Locale } from "../i18n/messages";
import { isStorableText } from "../kernel/text";

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
  kind: string;
  description: Bilingual;
  /** Keys of the columns that identify a row (re-importing updates the row with the same key). */
  naturalKey: string[];
  columns: ColumnDef[];
};

/** Header normalisation: NFKC, lower case, without spaces, "_", "-" and "*". */
export function normHeader(s: string): string {
  return s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_\-*]/g, "");
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
 * be stored (a NUL, a lone surrogate: server/kernel/text.ts) is refused in every kind of cell.
 */
function cell<T>(required: boolean, parse: (s: string, ctx: Ctx) => T) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((s, ctx): T | undefined => {
        if (s === undefined) return required ? fail(ctx, "required") : undefined;
        if (!isStorableText(s)) return fail(ctx, "badText");
        return parse(s, ctx);
      }),
  );
}

const CONTROL = /[\u0000-\u001f\u007f]/;

export const text = (required: boolean, max = 200) =>
  cell(required, (s, ctx) => {
    if (s.length > max) return fail(ctx, "tooLong", { max });
    return s;
  });

export const code = (required: boolean, max = 64) =>
  cell(required, (s, ctx) => {
    if (s.length > max) return fail(ctx, "tooLong", { max });
    if (CONTROL.test(s)) return fail(ctx, "badCode");
    return s;
  });

export const int = (required: boolean, min: number, max: number) =>
  cell(required, (s, ctx) => {
    // Excel may hand over whole numbers as "2023.0".
    if (!/^[+-]?\d+(\.0+)?$/.test(s)) return fail(ctx, "notInteger");
    const n = Number.parseInt(s, 10);
    if (n < min || n > max) return fail(ctx, "outOfRange", { min, max });
    return n;
  });

export const decimal = (required: boolean, min: number, max: number, scale: number) =>
  cell(required, (s, ctx) => {
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return fail(ctx, "notNumber");
    const n = Number(s);
    if (n < min || n > max) return fail(ctx, "outOfRange", { min, max });
    const f = 10 ** scale;
    if (Math.abs(Math.round(n * f) - n * f) > 1e-6) return fail(ctx, "tooManyDecimals", { scale });
    return Math.round(n * f) / f;
  });

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const email = () =>
  cell(false, (s, ctx) => {
    if (s.length > 254 || !EMAIL.test(s)) return fail(ctx, "badEmail");
    return s;
  });

const PHONE = /^[0-9+\-() ]{3,32}$/;
export const phone = () =>
  cell(false, (s, ctx) => {
    if (!PHONE.test(s)) return fail(ctx, "badPhone");
    return s;
  });

export type Choice<T extends string> = { value: T; zh: string; en: string; aliases?: string[] };

/** One of a fixed set; accepts the value, its Chinese and English names and aliases. */
export function choice<T extends string>(required: boolean, choices: Choice<T>[]) {
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
export const bool = () => {
  const c = choice(false, BOOLS);
  return c.transform((v) => (v === undefined ? undefined : v === "true"));
};

/** Separators of list cells: ASCII and full-width comma, 、, semicolons, whitespace. */
export const LIST_SEPARATORS = /[,，、;；\s]+/;

const roleChoices: Choice<Role>[] = ROLES.map((r) => ({
  value: r,
  zh: messages.zh.common.roles[r],
  en: messages.en.common.roles[r],
}));
const roleMap = new Map<string, Role>();
for (const c of roleChoices) for (const a of [c.value, c.zh, c.en]) roleMap.set(normChoice(a), c.value);

export const roleList = () =>
  cell(false, (s, ctx) => {
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

export const numberList = () =>
  cell(false, (s, ctx) => {
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
export const term = () => cell(true, (s, ctx) => parseTermCode(s) ?? fail(ctx, "badTerm"));

const DATE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;
/** A calendar day: 2026-09-01, 2026/9/1, 2026.9.1 or 2026年9月1日 (an Excel date cell is read as 2026-09-01); as YYYY-MM-DD. */
export const date = (required: boolean) =>
  cell(required, (s, ctx) => {
    const m = DATE.exec(s.normalize("NFKC").replace(/\s/g, ""));
    if (!m) return fail(ctx, "badDate");
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (y < 1950 || y > 2100 || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return fail(ctx, "badDate");
    return `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  });

// ---------------------------------------------------------------------------------------
// Columns and the choices several kinds share

export function col(
  key: string,
  zh: string,
  en: string,
  required: boolean,
  schema: z.ZodType<unknown, unknown>,
  description: Bilingual,
  example: string,
  aliases: string[] = [],
): ColumnDef {
  return { key, zh, en, aliases, required, schema, description, example };
}

export const UNIT_KINDS: Choice<"school" | "college" | "department" | "office">[] = [
  { value: "school", zh: "学校", en: "school" },
  { value: "college", zh: "学院", en: "college" },
  { value: "department", zh: "系部", en: "department", aliases: ["系", "部"] },
  { value: "office", zh: "教研室", en: "office", aliases: ["teaching office", "教研组"] },
];
export const LEVELS: Choice<"vocational" | "undergraduate" | "postgraduate">[] = [
  { value: "vocational", zh: "专科", en: "vocational", aliases: ["高职", "高职专科"] },
  { value: "undergraduate", zh: "本科", en: "undergraduate" },
  { value: "postgraduate", zh: "研究生", en: "postgraduate", aliases: ["硕士", "博士"] },
];
export const COURSE_TYPES: Choice<"general" | "foundation" | "core" | "elective" | "practice" | "pe">[] = [
  { value: "general", zh: "通识课", en: "general", aliases: ["公共基础课", "通识/公共基础课", "通识", "公共课", "公共必修课"] },
  { value: "foundation", zh: "专业基础课", en: "foundation", aliases: ["学科基础课", "基础课"] },
  { value: "core", zh: "专业核心课", en: "core", aliases: ["核心课", "专业必修课"] },
  { value: "elective", zh: "专业选修课", en: "elective", aliases: ["选修课"] },
  { value: "practice", zh: "实践课", en: "practice", aliases: ["实验课", "实训课", "实践教学"] },
  { value: "pe", zh: "体育课", en: "pe", aliases: ["体育", "physical education"] },
];
export const PERSON_KINDS: Choice<"staff" | "student">[] = [
  { value: "staff", zh: "教职工", en: "staff", aliases: ["职工", "教工"] },
  { value: "student", zh: "学生", en: "student" },
];
export const GENDERS: Choice<"M" | "F">[] = [
  { value: "M", zh: "男", en: "male", aliases: ["m"] },
  { value: "F", zh: "女", en: "female", aliases: ["f"] },
];
export const ENROLMENT_STATUS: Choice<"enrolled" | "withdrawn">[] = [
  { value: "enrolled", zh: "在读", en: "enrolled", aliases: ["选课", "正常", "已选"] },
  { value: "withdrawn", zh: "退课", en: "withdrawn", aliases: ["退选", "已退"] },
];

export const YEAR_MIN = 1950;
export const YEAR_MAX = 2100;

/** Every accepted (normalised) header of a column: key, Chinese, English and aliases. */
export function acceptedHeadersOf(c: ColumnDef): string[] {
  return [...new Set([c.key, c.zh, c.en, ...c.aliases].map(normHeader))];
}

/** The header text of a column in a language. */
export function headerOf(c: ColumnDef, locale: Locale): string {
  return locale === "en" ? c.en : c.zh;
}

/** Term dates by semester: 1 = 1 Sep – 20 Jan, 2 = 20 Feb – 10 Jul, 3 = 11 Jul – 31 Aug. */
export function termDates(t: TermCode): { startsOn: string; endsOn: string } {
  const [y1, y2] = t.schoolYear.split("-");
  if (t.semester === 1) return { startsOn: `${y1}-09-01`, endsOn: `${y2}-01-20` };
  if (t.semester === 2) return { startsOn: `${y2}-02-20`, endsOn: `${y2}-07-10` };
  return { startsOn: `${y2}-07-11`, endsOn: `${y2}-08-31` };
}
