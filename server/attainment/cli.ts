/**
 * OBE attainment on the command line, with the code the app uses (server/attainment):
 *
 *   npm run attainment -- --requirements <file> --support <file> --assessments <file> --scores <file>
 *                         [--threshold 0.7] [--method item_ratio|weighted_marks] [--course min|weighted_mean]
 *                         [--strengths H=3,M=2,L=1] [--locale zh|en] --output <attainment.json>
 *
 * Files are CSV (UTF-8 or GBK) or XLSX (server/attainment/files.ts). Any problem (a bad cell, an
 * unknown course, item, point or student, weights of an objective not summing to 1, a strength
 * other than H/M/L, an unsupported point, a threshold outside (0, 1]) is printed with its file,
 * row and column in the chosen language, and the command exits with 1 without writing anything.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { toLocale, type Locale } from "../i18n/messages";
import {
  attainmentDocument,
  computeAttainment,
  COURSE_AGGREGATES,
  DEFAULT_STRENGTH_VALUES,
  DEFAULT_THRESHOLD,
  OBJECTIVE_METHODS,
  type AttainmentParams,
  type CourseAggregate,
  type ObjectiveMethod,
  type StrengthValues,
} from "./compute";
import { ATTAINMENT_FILES, describeIssue, loadAttainmentFiles, type AttainmentFile } from "./files";
import { at } from "@/server/shared/indexed";

const USAGE =
  "usage: npm run attainment -- --requirements <file> --support <file> --assessments <file> --scores <file> [--threshold 0.7] [--method item_ratio|weighted_marks] [--course min|weighted_mean] [--strengths H=3,M=2,L=1] [--locale zh|en] --output <attainment.json>";

export type CliIo = { out: (s: string) => void; err: (s: string) => void };

function parseStrengths(s: string | undefined): StrengthValues | null {
  if (s === undefined) return DEFAULT_STRENGTH_VALUES;
  const out: Partial<StrengthValues> = {};
  for (const part of s.split(",")) {
    const m = /^\s*([HML])\s*=\s*(\d+(?:\.\d+)?)\s*$/i.exec(part);
    if (!m || Number(m[2]) <= 0) return null;
    out[at(m, 1).toUpperCase() as keyof StrengthValues] = Number(m[2]);
  }
  return out.H !== undefined && out.M !== undefined && out.L !== undefined ? (out as StrengthValues) : null;
}

/** Runs the command; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        requirements: { type: "string" },
        support: { type: "string" },
        assessments: { type: "string" },
        scores: { type: "string" },
        threshold: { type: "string" },
        method: { type: "string" },
        course: { type: "string" },
        strengths: { type: "string" },
        locale: { type: "string" },
        output: { type: "string" },
      },
      strict: true,
    }));
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const locale: Locale = toLocale(values.locale);
  const missing = [...ATTAINMENT_FILES, "output"].filter((k) => !values[k]);
  const output = values.output;
  const method = (values.method ?? "item_ratio") as ObjectiveMethod;
  const courseAggregate = (values.course ?? "min") as CourseAggregate;
  const strengthValues = parseStrengths(values.strengths);
  if (missing.length || !output || !OBJECTIVE_METHODS.includes(method) || !COURSE_AGGREGATES.includes(courseAggregate) || !strengthValues) {
    io.err(USAGE);
    return 2;
  }
  const threshold =
    values.threshold === undefined ? DEFAULT_THRESHOLD : /^\s*[\d.]+\s*$/.test(values.threshold) ? Number(values.threshold) : NaN;
  const bytes = {} as Record<AttainmentFile, Uint8Array>;
  for (const f of ATTAINMENT_FILES) {
    const file = values[f];
    if (!file) {
      io.err(USAGE); // none is missing: checked above
      return 2;
    }
    try {
      bytes[f] = readFileSync(file);
    } catch (e) {
      io.err(`${f}: ${(e as Error).message}`);
      return 1;
    }
  }
  const { input, issues } = await loadAttainmentFiles(bytes, locale, { threshold });
  if (!input) {
    for (const i of issues) io.err(describeIssue(locale, i));
    return 1;
  }
  const params: AttainmentParams = { threshold, method, courseAggregate, strengthValues };
  const doc = attainmentDocument(computeAttainment(input, params));
  writeFileSync(output, JSON.stringify(doc, null, 2) + "\n");
  const short = doc.requirements.filter((r) => !r.attained).length;
  io.out(
    `attainment: objectives=${doc.objectives.length} courses=${doc.courses.length} points=${doc.points.length} requirements=${doc.requirements.length} below_threshold=${short} → ${values.output}`,
  );
  return 0;
}

if (process.argv[1] && /attainment[\\/]cli\.ts$/.test(process.argv[1])) {
  void runCli(process.argv.slice(2), { out: (s) => console.log(s), err: (s) => console.error(s) }).then((code) => process.exit(code));
}
