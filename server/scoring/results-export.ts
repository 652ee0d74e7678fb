import type { PassThrough } from "node:stream";
import type { DbOrTx } from "@/db/client";
import { PROVISIONAL_RESULTS_ROLES, RESULTS_VIEW_ROLES } from "../access/roles";
import { hasRole, unitScope, type UnitScope } from "../access/scope";
import { logViews } from "../appraisal/views";
import { recordAudit } from "../kernel/audit";
import type { SessionUser } from "../auth/users";
import { DomainError } from "../kernel/errors";
import type { GroupKey, Locale, MessageKey } from "../i18n/messages";
import { translate } from "../i18n/translate";
import { localName } from "@/server/shared/i18n/names";
import { xlsxStream, type Cell } from "./export";
import { getPolicy } from "./policies";
import { listComposites, listTargetResults, type ResultsView } from "./results";

/**
 * The results a reader sees on the results pages, as an Excel workbook (`targets`: every
 * target × rater group; `teachers`: the composites of the school year and of each term): the
 * same functions, scope and view as the pages (results.ts), so the file holds what that reader
 * may read and nothing more (a unit's readers their units; provisional figures for the quality
 * office only, marked; below the minimum of raters only n). Streamed through the app's one XLSX
 * writer (export.ts xlsxStream), a page of rows at a time. Who: RESULTS_VIEW_ROLES; audited, and
 * each teacher in the file logged in their view log ("results.export").
 * Response-level data stays in the quality office's export (export.ts).
 */

const PAGE = 200;
const round = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(d)));

/** Logs the teachers of a page of rows before the rows go out (each teacher once per file). */
type LogTeachers = (ids: readonly (number | null)[]) => Promise<void>;

async function* targetRows(
  db: DbOrTx,
  scope: UnitScope,
  view: ResultsView,
  policyId: number,
  locale: Locale,
  logTeachers: LogTeachers,
): AsyncGenerator<Cell[]> {
  const t = (k: MessageKey) => translate(locale, k);
  for (let page = 1; ; page++) {
    const r = await listTargetResults(db, scope, { policyId, page, pageSize: PAGE, sort: "course" }, view);
    await logTeachers(r.items.map((x) => x.teacherId));
    for (const x of r.items) {
      const shown = x.reported;
      const status = x.provisional
        ? t("results.export.provisional")
        : !x.reported
          ? t(x.n === 0 ? "results.export.noResponses" : "results.export.tooFew")
          : x.pending
            ? t("results.export.pending")
            : "";
      yield [
        x.term,
        x.campaign,
        x.courseCode,
        localName(locale, x.courseName, x.courseNameEn) || x.targetLabel,
        x.sectionCode,
        x.teacherNumber,
        x.teacherName,
        localName(locale, x.unitName, x.unitNameEn) || null,
        t(`campaigns.raterGroups.${x.raterGroup as GroupKey<"campaigns.raterGroups">}`),
        x.n,
        x.eligible,
        round(x.responseRate, 3),
        shown ? round(x.mean) : null,
        shown ? round(x.trimmedMean) : null,
        shown ? round(x.median) : null,
        shown ? round(x.sd) : null,
        shown && x.ci95 ? round(x.ci95.low) : null,
        shown && x.ci95 ? round(x.ci95.high) : null,
        shown ? round(x.reliability, 3) : null,
        shown ? round(x.ebScore) : null,
        shown && x.norm ? round(x.norm.percentileRank, 1) : null,
        status,
      ];
    }
    if (page * PAGE >= r.total) return;
  }
}

async function* compositeRows(
  db: DbOrTx,
  scope: UnitScope,
  view: ResultsView,
  policyId: number,
  locale: Locale,
  logTeachers: LogTeachers,
): AsyncGenerator<Cell[]> {
  const t = (k: MessageKey) => translate(locale, k);
  const first = await listComposites(db, scope, { policyId, period: "year", pageSize: 1 }, view);
  const periods: ("year" | number)[] = ["year", ...first.terms.map((x) => x.id)];
  for (const period of periods) {
    for (let page = 1; ; page++) {
      const r = await listComposites(db, scope, { policyId, period, page, pageSize: PAGE }, view);
      await logTeachers(r.items.map((c) => c.teacherId));
      for (const c of r.items) {
        yield [
          c.term ?? c.schoolYear,
          c.teacherNumber,
          c.teacherName,
          localName(locale, c.unitName, c.unitNameEn) || null,
          round(c.score),
          round(c.reliability, 3),
          c.norm ? round(c.norm.percentileRank, 1) : null,
          c.ranks.college,
          c.ranks.collegeOf,
          c.ranks.school,
          c.ranks.schoolOf,
          c.missing.map((g) => t(`campaigns.raterGroups.${g}`)).join("、"),
          r.provisional ? t("results.export.provisional") : "",
        ];
      }
      if (page * PAGE >= r.total) break;
    }
  }
}

const TARGET_COLUMNS = [
  "term",
  "campaign",
  "courseCode",
  "course",
  "section",
  "teacherNumber",
  "teacher",
  "unit",
  "group",
  "n",
  "eligible",
  "responseRate",
  "mean",
  "trimmedMean",
  "median",
  "sd",
  "ciLow",
  "ciHigh",
  "reliability",
  "eb",
  "percentile",
  "status",
] as const;
const COMPOSITE_COLUMNS = [
  "period",
  "teacherNumber",
  "teacher",
  "unit",
  "score",
  "reliability",
  "percentile",
  "collegeRank",
  "collegeOf",
  "schoolRank",
  "schoolOf",
  "missing",
  "status",
] as const;

/** The workbook of a policy's results as `actor` reads them, and its file name; refused to anyone who does not read results. */
export async function resultsWorkbook(
  db: DbOrTx,
  now: () => Date,
  actor: SessionUser,
  policyId: number,
  locale: Locale,
): Promise<{ stream: PassThrough; name: string }> {
  if (!hasRole(actor, ...RESULTS_VIEW_ROLES)) throw new DomainError("FORBIDDEN", "errors.forbidden");
  const policy = await getPolicy(db, policyId);
  const scope = await unitScope(db, actor, RESULTS_VIEW_ROLES);
  const view: ResultsView = { provisional: hasRole(actor, ...PROVISIONAL_RESULTS_ROLES) };
  await recordAudit(db, {
    actorId: actor.id,
    action: "scoring.results.export",
    subject: `policy ${policyId}`,
    detail: { schoolYear: policy.schoolYear, scope },
  });
  const col = (k: GroupKey<"results.export.columns">) => translate(locale, `results.export.columns.${k}`);
  // every teacher whose figures go into the file gets a row in their view log (as for the appraisal export)
  const logged = new Set<number>();
  const role = RESULTS_VIEW_ROLES.find((r) => hasRole(actor, r)) ?? "staff";
  const logTeachers: LogTeachers = async (ids) => {
    const fresh = [...new Set(ids)].filter((id): id is number => id !== null && !logged.has(id));
    fresh.forEach((id) => logged.add(id));
    if (fresh.length) await logViews(db, now, fresh, actor, role, "results.export");
  };
  const stream = xlsxStream([
    {
      name: translate(locale, "results.export.targetsSheet"),
      header: TARGET_COLUMNS.map(col),
      rows: targetRows(db, scope, view, policyId, locale, logTeachers),
    },
    {
      name: translate(locale, "results.export.teachersSheet"),
      header: COMPOSITE_COLUMNS.map(col),
      rows: compositeRows(db, scope, view, policyId, locale, logTeachers),
    },
  ]);
  return { stream, name: `${policy.schoolYear} ${translate(locale, "results.export.fileName")}` };
}
