import { RATER_GROUPS } from "@/db/schema/campaigns";
import { courseType, programmeLevel } from "@/db/schema/org";
import { DomainError } from "../kernel/errors";
import type { RaterGroup } from "../campaigns/kinds";
import { NA_VALUE, type InstrumentFile } from "../instruments/format";
import { ImportFileError, readTable } from "../imports/parse";
import { isStorableText } from "../kernel/text";
import type { GroupKey, Locale } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { compileScoring, type ScoringModel } from "./score";
import { at, atKey } from "@/server/shared/indexed";

/**
 * The long format of responses: one row per answered scored item of one
 * response, anonymised (a response is a number within its campaign; no person, no date).
 * What `exportResponses` writes, what `npm run scores` and the import of past terms read.
 *
 * Required columns, in this order:
 *   campaign            the campaign's name (a label: rows with the same label are one campaign)
 *   instrument_version  <instrument key>@<version>, e.g. student_evaluation@1
 *   section             the section's code (教学班代码), empty for tracking targets
 *   teacher             the teacher's staff number (工号), empty for tracking targets
 *   rater_group         student | peer | supervisor | leader | self | alumni | employer
 *   response            the response's number within the campaign (any text: rows with the same
 *                       campaign, target, rater group and response are one response)
 *   question            the scored item: the question's name, or question/row for a matrix row
 *   value               the option's value as the instrument has it (e.g. 0.8 or 4), or na (无法评估)
 * Optional context columns (the export writes them all; without them every target is in one
 * unit, of course type core, level undergraduate, and N is unknown):
 *   term                term code, e.g. 2025-2026-2 (campaigns without a term: empty)
 *   unit                code of the college of the section's course (reliability and norm groups)
 *   course_type         general | foundation | core | elective | practice | pe
 *   level               vocational | undergraduate | postgraduate
 *   teacher_unit        code of the teacher's college; teacher_office: of their teaching office
 *   eligible            eligible raters of the target in this rater group (for the response rate
 *                       and the finite-population correction); the same on every row of a target
 *   target              tracking targets: cohort:<programme code>/<graduation year> or employer:<code>
 *                       (a cohort rated by the student group: the graduating survey of that class)
 * Cells may be quoted; a value Excel would treat as a formula is exported with a leading ',
 * which readers drop. Files are CSV (UTF-8, with or without BOM, or GBK) or XLSX (first sheet).
 */

export const LONG_COLUMNS = [
  "campaign",
  "instrument_version",
  "section",
  "teacher",
  "rater_group",
  "response",
  "question",
  "value",
] as const;
export const CONTEXT_COLUMNS = ["term", "unit", "course_type", "level", "teacher_unit", "teacher_office", "eligible", "target"] as const;
export const ALL_COLUMNS = [...LONG_COLUMNS, ...CONTEXT_COLUMNS] as const;
type Column = (typeof ALL_COLUMNS)[number];

export type Problem = { row: number; column: string | null; message: string };
const MAX_PROBLEMS = 50;

export class LongFormatError extends DomainError {
  constructor(
    readonly problems: Problem[],
    total: number,
  ) {
    super("BAD_REQUEST", "scoring.longFormat.invalid", { count: total }, problems);
    this.name = "LongFormatError";
  }
}

export type LongTable = { header: string[]; rows: { row: number; cells: string[] }[] };

/** Reads a CSV or XLSX file as the import does, up to maxBytes and without its row limit. */
export async function readLongTable(bytes: Uint8Array, locale: Locale = "zh", maxBytes = Infinity): Promise<LongTable> {
  try {
    const table = await readTable(bytes, { maxBytes, maxRows: Infinity });
    return { header: table.header.map((c) => c.toLowerCase()), rows: table.rows };
  } catch (e) {
    if (!(e instanceof ImportFileError)) throw e;
    throw new LongFormatError(
      e.issues.map((i) => ({ row: i.row, column: i.column, message: translate(locale, i.code, { row: i.row, ...i.params }) })),
      e.issues.length,
    );
  }
}

export type LongResponse = { response: string; answers: Record<string, unknown> };
export type LongGroup = { group: RaterGroup; versionLabel: string; eligible: number | null; responses: LongResponse[] };
export type LongTarget = {
  campaign: string;
  section: string;
  teacher: string;
  target: string;
  term: string;
  unit: string;
  courseType: string;
  level: string;
  teacherUnit: string;
  teacherOffice: string;
  groups: LongGroup[];
};
export type LongData = { targets: LongTarget[]; versionLabels: string[]; rows: number; columns: Column[] };

export function parseVersionLabel(label: string): { key: string; version: number } | null {
  const m = /^([a-z][a-z0-9_]*)@([1-9][0-9]{0,5})$/.exec(label);
  return m ? { key: at(m, 1), version: Number(m[2]) } : null;
}

const unquoteFormula = (s: string) => (/^'[=+\-@]/.test(s) ? s.slice(1) : s);

/**
 * Checks a long table against the instruments (label → file: the instrument of each
 * instrument_version) and groups it into targets, rater groups and responses. Every problem
 * is collected (the first 50 reported, with row and column); any problem refuses the whole file.
 */
export function parseLongFormat(
  table: LongTable,
  instrumentFor: (label: string) => InstrumentFile | null,
  locale: Locale = "zh",
): LongData {
  const problems: Problem[] = [];
  let total = 0;
  const add = (row: number, column: string | null, code: GroupKey<"scoring.longFormat">, params?: Record<string, string | number>) => {
    total++;
    if (problems.length < MAX_PROBLEMS) problems.push({ row, column, message: translate(locale, `scoring.longFormat.${code}`, params) });
  };
  const index = new Map<string, number>();
  table.header.forEach((h, i) => {
    if (!(ALL_COLUMNS as readonly string[]).includes(h))
      add(1, h, "unknownColumn", { column: h || `#${i + 1}`, known: ALL_COLUMNS.join(", ") });
    else if (index.has(h)) add(1, h, "duplicateColumn", { column: h });
    else index.set(h, i);
  });
  for (const c of LONG_COLUMNS) if (!index.has(c)) add(1, c, "missingColumn", { column: c });
  if (total > 0) throw new LongFormatError(problems, total);

  const cell = (cells: string[], c: Column) => {
    const i = index.get(c);
    return i === undefined ? "" : unquoteFormula((cells[i] ?? "").trim());
  };
  const models = new Map<string, { model: ScoringModel; items: Map<string, ScoringModel["items"][number]> } | null>();
  const modelFor = (label: string) => {
    if (models.has(label)) return atKey(models, label);
    const file = instrumentFor(label);
    let entry = null;
    if (file) {
      const model = compileScoring(file);
      entry = { model, items: new Map(model.items.map((it) => [it.row === null ? it.question : `${it.question}/${it.row}`, it])) };
    }
    models.set(label, entry);
    return entry;
  };

  const targets = new Map<string, LongTarget>();
  const responses = new Map<string, { target: LongTarget; group: LongGroup; r: LongResponse; seen: Set<string> }>();
  const types = courseType.enumValues as readonly string[];
  const levels = programmeLevel.enumValues as readonly string[];
  const contextCols = ["term", "unit", "course_type", "level", "teacher_unit", "teacher_office"] as const;

  for (const { row, cells } of table.rows) {
    const v = Object.fromEntries(ALL_COLUMNS.map((c) => [c, cell(cells, c)])) as Record<Column, string>;
    const unstorable = ALL_COLUMNS.find((c) => !isStorableText(v[c]));
    if (unstorable) {
      add(row, unstorable, "badText", { column: unstorable });
      continue;
    }
    let ok = true;
    for (const c of ["campaign", "instrument_version", "rater_group", "response", "question", "value"] as const) {
      if (v[c] === "") {
        add(row, c, "required", { column: c });
        ok = false;
      }
    }
    if (!ok) continue;
    if (!(RATER_GROUPS as readonly string[]).includes(v.rater_group)) {
      add(row, "rater_group", "badGroup", { value: v.rater_group });
      continue;
    }
    if (!parseVersionLabel(v.instrument_version)) {
      add(row, "instrument_version", "badVersion", { value: v.instrument_version });
      continue;
    }
    const m = modelFor(v.instrument_version);
    if (!m) {
      add(row, "instrument_version", "unknownVersion", { value: v.instrument_version });
      continue;
    }
    if ((v.section === "") !== (v.teacher === "")) {
      add(row, v.section === "" ? "section" : "teacher", "sectionTeacher");
      continue;
    }
    if (v.section === "" && !/^(cohort:[^/]+\/\d{4}|employer:.+)$/.test(v.target)) {
      add(row, "target", "noTarget", { value: v.target });
      continue;
    }
    if (v.course_type !== "" && !types.includes(v.course_type)) {
      add(row, "course_type", "badCourseType", { value: v.course_type });
      continue;
    }
    if (v.level !== "" && !levels.includes(v.level)) {
      add(row, "level", "badLevel", { value: v.level });
      continue;
    }
    if (v.term !== "" && !/^\d{4}-\d{4}-[123]$/.test(v.term)) {
      add(row, "term", "badTerm", { value: v.term });
      continue;
    }
    let eligible: number | null = null;
    if (v.eligible !== "") {
      if (!/^\d{1,7}$/.test(v.eligible)) {
        add(row, "eligible", "badEligible", { value: v.eligible });
        continue;
      }
      eligible = Number(v.eligible);
    }
    const item = m.items.get(v.question);
    if (!item) {
      add(row, "question", "unknownQuestion", { question: v.question, instrument: v.instrument_version });
      continue;
    }
    let value: number | string;
    const x = Number(v.value);
    if (v.value === NA_VALUE && item.hasNa) value = NA_VALUE;
    else if (/^-?\d+(\.\d+)?$/.test(v.value) && item.scale.includes(x)) value = x;
    else {
      add(row, "value", "valueOutsideScale", {
        question: v.question,
        value: v.value,
        allowed: [...item.scale.map(String), ...(item.hasNa ? [NA_VALUE] : [])].join(", "),
      });
      continue;
    }

    const tkey = [v.campaign, v.section, v.teacher, v.target].join("\u0001");
    let t = targets.get(tkey);
    if (!t) {
      t = {
        campaign: v.campaign,
        section: v.section,
        teacher: v.teacher,
        target: v.section === "" ? v.target : "",
        term: v.term,
        unit: v.unit,
        courseType: v.course_type,
        level: v.level,
        teacherUnit: v.teacher_unit,
        teacherOffice: v.teacher_office,
        groups: [],
      };
      targets.set(tkey, t);
    } else {
      const known = {
        term: t.term,
        unit: t.unit,
        course_type: t.courseType,
        level: t.level,
        teacher_unit: t.teacherUnit,
        teacher_office: t.teacherOffice,
      };
      const clash = contextCols.find((c) => v[c] !== known[c]);
      if (clash) {
        add(row, clash, "contextClash", { column: clash, value: v[clash] });
        continue;
      }
    }
    let g = t.groups.find((x) => x.group === v.rater_group);
    if (!g) {
      g = { group: v.rater_group as RaterGroup, versionLabel: v.instrument_version, eligible, responses: [] };
      t.groups.push(g);
    } else if (g.versionLabel !== v.instrument_version) {
      add(row, "instrument_version", "versionClash", { value: v.instrument_version, other: g.versionLabel });
      continue;
    } else if (g.eligible !== eligible) {
      add(row, "eligible", "eligibleClash", { value: v.eligible, other: String(g.eligible ?? "") });
      continue;
    }
    const rkey = `${tkey}\u0001${v.rater_group}\u0001${v.response}`;
    let r = responses.get(rkey);
    if (!r) {
      const lr: LongResponse = { response: v.response, answers: {} };
      g.responses.push(lr);
      responses.set(rkey, (r = { target: t, group: g, r: lr, seen: new Set() }));
    }
    if (r.seen.has(v.question)) {
      add(row, "question", "duplicateAnswer", { question: v.question, response: v.response });
      continue;
    }
    r.seen.add(v.question);
    if (item.row === null) r.r.answers[item.question] = value;
    else r.r.answers[item.question] = { ...(r.r.answers[item.question] as Record<string, unknown> | undefined), [item.row]: value };
  }
  if (total > 0) throw new LongFormatError(problems, total);
  if (targets.size === 0) throw new LongFormatError([{ row: 0, column: null, message: translate(locale, "scoring.longFormat.empty") }], 1);
  // one campaign is one term
  const termOf = new Map<string, string>();
  for (const t of targets.values()) {
    const seen = termOf.get(t.campaign);
    if (seen === undefined) termOf.set(t.campaign, t.term);
    else if (seen !== t.term) {
      throw new LongFormatError(
        [{ row: 0, column: "term", message: translate(locale, "scoring.longFormat.campaignTerms", { campaign: t.campaign }) }],
        1,
      );
    }
  }
  return {
    targets: [...targets.values()],
    rows: table.rows.length,
    versionLabels: [...new Set([...targets.values()].flatMap((t) => t.groups.map((g) => g.versionLabel)))].sort(),
    columns: ALL_COLUMNS.filter((c) => index.has(c)),
  };
}
