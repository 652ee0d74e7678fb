// The four attainment files (CSV UTF-8/GBK or XLSX, read by the imports' readTable) and every
// check on them before anything is computed or stored. The same code serves `npm run
// attainment` and the app's imports; each problem names its file, row and column and is
// translated into the user's language by describeIssue.
//
//   requirements  requirement, point [, title]          one row per indicator point (指标点)
//   support       course, objective, point, strength    strength H, M or L (also 高/中/低)
//   assessments   course, item, full_marks, objective, weight
//   scores        course, student, item, score           a missing score counts 0
//
// Headers in Chinese or English, any order, matched like the imports' (NFKC, case, spaces).
import { readTable, ImportFileError, type RawTable } from "../imports/parse";
import { normHeader } from "../imports/layouts";
import { isStorableText } from "../kernel/text";
import { translate } from "../i18n/translate";
import type { Locale, MessageKey } from "../i18n/messages";
import {
  STRENGTHS,
  type AssessmentItem,
  type AttainmentInput,
  type RequirementDef,
  type ScoreRow,
  type Strength,
  type SupportLink,
} from "./compute";

export const ATTAINMENT_FILES = ["requirements", "support", "assessments", "scores"] as const;
export type AttainmentFile = (typeof ATTAINMENT_FILES)[number];
/** The files a model is imported from (the model's own, not the computation's): the four and the survey mapping. */
export type ModelFile = AttainmentFile | "surveyMapping";
/** Where a problem is: a file (or the threshold option), its row (0: the file as a whole) and column header. */
export type AttainmentIssue = {
  file: ModelFile | "threshold" | "model";
  row: number;
  column: string | null;
  code: MessageKey;
  params?: Record<string, string | number>;
};

type Column = { key: string; zh: string; en: string; aliases: string[]; required: boolean };
const col = (key: string, zh: string, en: string, aliases: string[], required = true): Column => ({ key, zh, en, aliases, required });

export const FILE_COLUMNS: Record<ModelFile, Column[]> = {
  requirements: [
    col("requirement", "毕业要求", "Requirement", ["毕业要求编号", "requirement_code"]),
    col("point", "指标点", "Point", ["指标点编号", "indicator_point", "point_code"]),
    col("title", "名称", "Title", ["指标点名称", "说明", "description"], false),
  ],
  support: [
    col("course", "课程", "Course", ["课程代码", "课程编号", "course_code"]),
    col("objective", "课程目标", "Objective", ["课程目标编号", "course_objective"]),
    col("point", "指标点", "Point", ["指标点编号", "indicator_point"]),
    col("strength", "支撑强度", "Strength", ["强度", "支撑程度"]),
  ],
  assessments: [
    col("course", "课程", "Course", ["课程代码", "课程编号", "course_code"]),
    col("item", "考核项", "Item", ["考核项目", "题目", "考核内容"]),
    col("full_marks", "满分", "Full marks", ["分值", "fullmarks", "max_score"]),
    col("objective", "课程目标", "Objective", ["课程目标编号", "course_objective"]),
    col("weight", "权重", "Weight", ["占比"]),
  ],
  scores: [
    col("course", "课程", "Course", ["课程代码", "课程编号", "course_code"]),
    col("student", "学号", "Student", ["学生", "student_number", "学生学号"]),
    col("item", "考核项", "Item", ["考核项目", "题目", "考核内容"]),
    col("score", "得分", "Score", ["成绩", "分数"]),
  ],
  // survey: graduating | alumni | employer (also 应届毕业生/毕业生跟踪/用人单位); exactly one of requirement, objective
  surveyMapping: [
    col("survey", "问卷", "Survey", ["调查", "问卷类型", "source"]),
    col("item", "题目", "Item", ["题目编号", "问卷题目", "question"]),
    col("requirement", "毕业要求", "Requirement", ["毕业要求编号", "requirement_code"], false),
    col("objective", "培养目标", "Objective", ["培养目标编号", "training_objective"], false),
    col("title", "名称", "Title", ["题目名称", "说明", "description"], false),
  ],
};

/**
 * A file's rows as text by column key, with the file's row number and the header each column had.
 * An optional column the file does not have has neither cells nor a header (undefined).
 */
export type ParsedFile = { rows: { row: number; cells: Record<string, string> }[]; headers: Record<string, string> };

/** An issue; `column` is the header, null (or undefined: a column the file lacks) for the row or file as a whole. */
const issue = (
  file: AttainmentIssue["file"],
  row: number,
  column: string | null | undefined,
  code: MessageKey,
  params?: Record<string, string | number>,
): AttainmentIssue => ({ file, row, column: column ?? null, code, ...(params ? { params } : {}) });

/** Reads one file and matches its header; problems are issues, never thrown. */
export async function readAttainmentFile(
  file: ModelFile,
  bytes: Uint8Array,
  locale: Locale,
): Promise<{ parsed?: ParsedFile; issues: AttainmentIssue[] }> {
  let table: RawTable;
  try {
    table = await readTable(bytes);
  } catch (e) {
    if (e instanceof ImportFileError) return { issues: e.issues.map((i) => issue(file, i.row, i.column, i.code, i.params)) };
    throw e;
  }
  return matchColumns(file, table, locale);
}

export function matchColumns(file: ModelFile, table: RawTable, locale: Locale): { parsed?: ParsedFile; issues: AttainmentIssue[] } {
  const columns = FILE_COLUMNS[file];
  const names = new Map<string, Column>();
  for (const c of columns) for (const n of [c.key, c.zh, c.en, ...c.aliases]) names.set(normHeader(n), c);
  const issues: AttainmentIssue[] = [];
  const index = new Map<string, number>();
  const headers: Record<string, string> = {};
  table.header.forEach((h, i) => {
    if (h === "") return;
    const c = names.get(normHeader(h));
    if (!c) {
      issues.push(
        issue(file, table.headerRow, h, "attainment.file.unknownColumn", {
          column: h,
          expected: columns.map((x) => (locale === "zh" ? x.zh : x.en)).join(locale === "zh" ? "、" : ", "),
        }),
      );
      return;
    }
    if (index.has(c.key)) {
      issues.push(issue(file, table.headerRow, h, "attainment.file.duplicateColumn", { column: h }));
      return;
    }
    index.set(c.key, i);
    headers[c.key] = h;
  });
  for (const c of columns) {
    if (c.required && !index.has(c.key)) {
      const h = locale === "zh" ? c.zh : c.en;
      issues.push(issue(file, table.headerRow, h, "attainment.file.missingColumn", { column: h }));
    }
  }
  if (issues.length) return { issues };
  const rows = table.rows.map((r) => {
    const cells: Record<string, string> = {};
    for (const [k, i] of index) cells[k] = (r.cells[i] ?? "").trim();
    return { row: r.row, cells };
  });
  for (const r of rows) {
    for (const c of columns) {
      const v = r.cells[c.key];
      if (v === undefined) continue;
      if (!isStorableText(v)) issues.push(issue(file, r.row, headers[c.key], "attainment.cell.badText"));
      else if (c.required && v === "") issues.push(issue(file, r.row, headers[c.key], "attainment.cell.required"));
      else if (v.length > 200) issues.push(issue(file, r.row, headers[c.key], "attainment.cell.tooLong", { max: 200 }));
    }
  }
  return { parsed: { rows, headers }, issues };
}

const STRENGTH_WORDS: Record<string, Strength> = { h: "H", m: "M", l: "L", 高: "H", 中: "M", 低: "L", 强: "H", 弱: "L" };
export const parseStrength = (s: string): Strength | null => STRENGTH_WORDS[s.normalize("NFKC").trim().toLowerCase()] ?? null;

/** A decimal number written plainly (no exponent, no thousands separators). */
function parseNumber(s: string): number | null {
  const t = s.normalize("NFKC").trim();
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : null;
}

/** Tolerance of "an objective's weights sum to 1" (weights are written with a few decimals). */
export const WEIGHT_SUM_TOLERANCE = 1e-3;

export type CheckOptions = {
  /** The students of each offering (course → student ids): a score for anyone else is refused. */
  rosters?: Map<string, string[]>;
  /** Course codes the scores and assessments may name (the app: the offering's course). */
  courses?: Set<string>;
  threshold?: number;
  /** Files that could not be read: the checks that need them are left out (their problems are reported already). */
  broken?: ReadonlySet<AttainmentFile>;
};

/**
 * Checks the four parsed files against each other and builds the computation's input; every
 * problem is listed (no input is returned when there is any).
 */
export function checkAttainmentFiles(
  files: Record<AttainmentFile, ParsedFile>,
  opts: CheckOptions = {},
): { input?: AttainmentInput; issues: AttainmentIssue[] } {
  const issues: AttainmentIssue[] = [];
  if (opts.threshold !== undefined) issues.push(...thresholdIssues(opts.threshold));
  const broken = opts.broken ?? new Set<AttainmentFile>();
  const req = checkRequirements(files.requirements, issues);
  const assessments = checkAssessments(files.assessments, issues, opts.courses);
  const support = checkSupport(files.support, req, assessments.objectives, issues, broken);
  // Every indicator point is supported by at least one course objective.
  if (!broken.has("support") && !broken.has("assessments")) {
    const supported = new Set(support.map((s) => s.point));
    for (const [point, at] of req.pointRows) {
      if (!supported.has(point))
        issues.push(issue("requirements", at, files.requirements.headers.point, "attainment.check.unsupportedPoint", { point }));
    }
  }
  const scores = checkScores(files.scores, assessments.items, issues, opts.rosters, broken.has("assessments"));
  if (issues.length) return { issues: sortIssues(issues) };
  return {
    input: { requirements: req.defs, support, assessments: assessments.list, scores, ...(opts.rosters ? { rosters: opts.rosters } : {}) },
    issues,
  };
}

/**
 * A teacher's gradebook for one offering: its assessment items and scores. The course column
 * must name the offering's course, students must be on its roster, and objectives (when the
 * programme's model lists the course's objectives) must be among them.
 */
export function checkGradebookFiles(
  files: { assessments: ParsedFile; scores: ParsedFile },
  opts: { course: string; roster: string[]; objectives?: Set<string>; broken?: ReadonlySet<AttainmentFile> },
): { assessments?: AssessmentItem[]; scores?: ScoreRow[]; issues: AttainmentIssue[] } {
  const issues: AttainmentIssue[] = [];
  const broken = opts.broken ?? new Set<AttainmentFile>();
  const assessments = checkAssessments(files.assessments, issues, new Set([opts.course]));
  if (opts.objectives && !broken.has("assessments")) {
    for (const { row, cells } of files.assessments.rows) {
      if (cells.objective && cells.course === opts.course && !opts.objectives.has(cells.objective)) {
        issues.push(
          issue("assessments", row, files.assessments.headers.objective, "attainment.check.unknownObjective", {
            value: cells.objective,
            course: opts.course,
          }),
        );
      }
    }
  }
  const scores = checkScores(files.scores, assessments.items, issues, new Map([[opts.course, opts.roster]]), broken.has("assessments"));
  if (issues.length) return { issues: sortIssues(issues) };
  return { assessments: assessments.list, scores, issues };
}

export function thresholdIssues(threshold: number): AttainmentIssue[] {
  return Number.isFinite(threshold) && threshold > 0 && threshold <= 1
    ? []
    : [issue("threshold", 0, "threshold", "attainment.check.badThreshold", { value: String(threshold) })];
}

function checkRequirements(f: ParsedFile, issues: AttainmentIssue[]) {
  const defs: RequirementDef[] = [];
  const pointRows = new Map<string, number>();
  const h = f.headers;
  for (const { row, cells } of f.rows) {
    const requirement = cells.requirement;
    const point = cells.point;
    if (!requirement || !point) continue; // reported as required
    const first = pointRows.get(point);
    if (first !== undefined) {
      issues.push(issue("requirements", row, h.point, "attainment.check.duplicate", { value: point, first }));
      continue;
    }
    pointRows.set(point, row);
    let def = defs.find((d) => d.code === requirement);
    if (!def) defs.push((def = { code: requirement, points: [] }));
    def.points.push({ code: point, ...(cells.title ? { title: cells.title } : {}) });
  }
  if (f.rows.length === 0 && f.headers.requirement) issues.push(issue("requirements", 0, null, "attainment.check.noRows"));
  return { defs, pointRows };
}

type ItemKey = string;
const itemKey = (course: string, item: string): ItemKey => JSON.stringify([course, item]);
const objKey = (course: string, objective: string) => JSON.stringify([course, objective]);

function checkAssessments(f: ParsedFile, issues: AttainmentIssue[], courses?: Set<string>) {
  const h = f.headers;
  const items = new Map<ItemKey, { item: AssessmentItem; row: number }>();
  const objectives = new Map<string, { course: string; objective: string; sum: number; firstRow: number; rows: number[] }>();
  const list: AssessmentItem[] = [];
  for (const { row, cells } of f.rows) {
    const { course, item, objective } = cells;
    if (!course || !item || !objective || !cells.full_marks || !cells.weight) continue;
    let ok = true;
    if (courses && !courses.has(course)) {
      issues.push(issue("assessments", row, h.course, "attainment.check.unknownCourse", { value: course }));
      ok = false;
    }
    const full = parseNumber(cells.full_marks);
    if (full === null || full <= 0) {
      issues.push(issue("assessments", row, h.full_marks, "attainment.check.badFullMarks", { value: cells.full_marks }));
      ok = false;
    }
    const weight = parseNumber(cells.weight);
    if (weight === null || weight <= 0 || weight > 1) {
      issues.push(issue("assessments", row, h.weight, "attainment.check.badWeight", { value: cells.weight }));
      ok = false;
    }
    const k = itemKey(course, item);
    const first = items.get(k);
    if (first !== undefined) {
      issues.push(issue("assessments", row, h.item, "attainment.check.duplicate", { value: `${course} ${item}`, first: first.row }));
      continue;
    }
    if (!ok || full === null || weight === null) continue;
    const a: AssessmentItem = { course, item, fullMarks: full, objective, weight };
    items.set(k, { item: a, row });
    list.push(a);
    const ok2 = objKey(course, objective);
    const o = objectives.get(ok2) ?? { course, objective, sum: 0, firstRow: row, rows: [] };
    objectives.set(ok2, o);
    o.sum += weight;
    o.rows.push(row);
  }
  for (const o of objectives.values()) {
    if (Math.abs(o.sum - 1) > WEIGHT_SUM_TOLERANCE) {
      issues.push(
        issue("assessments", o.firstRow, h.weight, "attainment.check.weightSum", {
          course: o.course,
          objective: o.objective,
          sum: +o.sum.toFixed(6),
          rows: o.rows.join(", "),
        }),
      );
    }
  }
  if (f.rows.length === 0 && f.headers.course) issues.push(issue("assessments", 0, null, "attainment.check.noRows"));
  return { items, objectives, list };
}

function checkSupport(
  f: ParsedFile,
  req: { pointRows: Map<string, number> },
  objectives: Map<string, unknown>,
  issues: AttainmentIssue[],
  broken: ReadonlySet<AttainmentFile>,
): SupportLink[] {
  const h = f.headers;
  const seen = new Map<string, number>();
  const links: SupportLink[] = [];
  for (const { row, cells } of f.rows) {
    const { course, objective, point } = cells;
    if (!course || !objective || !point || !cells.strength) continue;
    let ok = true;
    const strength = parseStrength(cells.strength);
    if (!strength) {
      issues.push(
        issue("support", row, h.strength, "attainment.check.badStrength", { value: cells.strength, allowed: STRENGTHS.join("/") }),
      );
      ok = false;
    }
    if (!req.pointRows.has(point) && !broken.has("requirements")) {
      issues.push(issue("support", row, h.point, "attainment.check.unknownPoint", { value: point }));
      ok = false;
    }
    if (!objectives.has(objKey(course, objective)) && !broken.has("assessments")) {
      issues.push(issue("support", row, h.objective, "attainment.check.objectiveWithoutItems", { course, objective }));
      ok = false;
    }
    const k = JSON.stringify([course, objective, point]);
    const first = seen.get(k);
    if (first !== undefined) {
      issues.push(issue("support", row, h.point, "attainment.check.duplicate", { value: `${course} ${objective} → ${point}`, first }));
      continue;
    }
    seen.set(k, row);
    if (ok && strength) links.push({ course, objective, point, strength });
  }
  return links;
}

function checkScores(
  f: ParsedFile,
  items: Map<ItemKey, { item: AssessmentItem }>,
  issues: AttainmentIssue[],
  rosters?: Map<string, string[]>,
  itemsUnknown = false,
): ScoreRow[] {
  const h = f.headers;
  const courses = new Set([...items.values()].map((i) => i.item.course));
  const rosterSets = rosters ? new Map([...rosters].map(([c, s]) => [c, new Set(s)])) : null;
  const seen = new Map<string, number>();
  const out: ScoreRow[] = [];
  for (const { row, cells } of f.rows) {
    const { course, student, item } = cells;
    if (!course || !student || !item || !cells.score) continue;
    const score = parseNumber(cells.score);
    if (score === null) {
      issues.push(issue("scores", row, h.score, "attainment.check.notNumber", { value: cells.score }));
      continue;
    }
    if (itemsUnknown) continue;
    if (!courses.has(course)) {
      issues.push(issue("scores", row, h.course, "attainment.check.unknownCourse", { value: course }));
      continue;
    }
    const it = items.get(itemKey(course, item))?.item;
    if (!it) {
      issues.push(issue("scores", row, h.item, "attainment.check.unknownItem", { value: item, course }));
      continue;
    }
    if (rosterSets && !rosterSets.get(course)?.has(student)) {
      issues.push(issue("scores", row, h.student, "attainment.check.unknownStudent", { value: student, course }));
      continue;
    }
    if (score < 0 || score > it.fullMarks) {
      issues.push(issue("scores", row, h.score, "attainment.check.scoreOutOfRange", { value: cells.score, full: it.fullMarks }));
      continue;
    }
    const k = JSON.stringify([course, student, item]);
    const first = seen.get(k);
    if (first !== undefined) {
      issues.push(issue("scores", row, h.item, "attainment.check.duplicate", { value: `${student} ${item}`, first }));
      continue;
    }
    seen.set(k, row);
    out.push({ course, student, item, score });
  }
  return out;
}

const FILE_ORDER: Record<AttainmentIssue["file"], number> = {
  model: 0,
  threshold: 0,
  requirements: 1,
  support: 2,
  assessments: 3,
  scores: 4,
  surveyMapping: 5,
};
export function sortIssues(list: AttainmentIssue[]): AttainmentIssue[] {
  return [...list].sort((a, b) => FILE_ORDER[a.file] - FILE_ORDER[b.file] || a.row - b.row);
}

/** Reads and checks the four files (bytes by file); nothing is computed when any problem is found. */
export async function loadAttainmentFiles(
  bytes: Record<AttainmentFile, Uint8Array>,
  locale: Locale,
  opts: CheckOptions = {},
): Promise<{ input?: AttainmentInput; issues: AttainmentIssue[] }> {
  const issues: AttainmentIssue[] = [];
  const parsed = {} as Record<AttainmentFile, ParsedFile>;
  for (const file of ATTAINMENT_FILES) {
    const r = await readAttainmentFile(file, bytes[file], locale);
    issues.push(...r.issues);
    if (r.parsed) parsed[file] = r.parsed;
  }
  if (opts.threshold !== undefined) issues.push(...thresholdIssues(opts.threshold));
  const broken = new Set(ATTAINMENT_FILES.filter((f) => !parsed[f]));
  for (const f of broken) parsed[f] = { rows: [], headers: {} };
  const checked = checkAttainmentFiles(parsed, { ...opts, threshold: undefined, broken });
  const all = sortIssues([...issues, ...checked.issues]);
  return all.length ? { issues: all } : { input: checked.input, issues: [] };
}

/** One line per problem in the user's language: file, row, column, reason. */
export function describeIssue(locale: Locale, i: AttainmentIssue): string {
  const where = translate(locale, "attainment.where", {
    file: translate(locale, `attainment.files.${i.file}`),
    row: i.row,
    column: i.column ?? "",
    hasRow: i.row > 0 ? "yes" : "no",
    hasColumn: i.column ? "yes" : "no",
  });
  return `${where}${translate(locale, i.code, i.params)}`;
}
