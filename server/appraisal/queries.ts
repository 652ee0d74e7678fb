import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { appraisalExemptions, appraisalRuns, appraisalVetoes, persons } from "@/db/schema";
import { col, queryRow, queryRows, type RowOf } from "@/db/query";
import type { UnitScope } from "../access/scope";
import { formativeSql } from "../campaigns/kinds";
import { DomainError } from "../kernel/errors";
import { containsPattern, offsetOf, pageInput, type Page } from "../kernel/paging";
import type { CompositeFigures } from "../scoring/figures";
import { currentPolicy } from "../scoring/policies";
import type { QuotaCheck } from "./band";
import { listAppeals } from "./appeals";
import { rowHistory, versionInForce, versionsOf, type VersionRow } from "./publish";
import { BANDS, rulesOf } from "./rules";
import { idSchema, schoolYearSchema } from "../kernel/ids";
import { parseInput } from "../kernel/validate";

/**
 * What the appraisal pages read. The year's bands come from the version in force (on notice or
 * locked: frozen) when there is one, else from the live bands of the policy in force (HR and the
 * quality office only: teachers see nothing before the notice). Scope: a unit-scoped reader sees
 * the teachers whose college or own unit is in their scope.
 */

/** One teacher's appraisal page for HR and the others (logged in the teacher's view log). */
export const teacherPageInput = z.object({ teacherId: idSchema, schoolYear: schoolYearSchema }).strict();

export const tableInput = pageInput
  .extend({
    schoolYear: schoolYearSchema,
    unitId: idSchema.optional(),
    band: z.enum([...BANDS, "none"]).optional(),
    reason: z.enum(["score", "quota", "veto", "insufficient_evidence", "exempt", "appeal"]).optional(),
    borderline: z.boolean().optional(),
  })
  .strict();

type Source = { kind: "version"; version: VersionRow } | { kind: "live"; policyId: number } | null;

export async function sourceOf(db: DbOrTx, schoolYear: string): Promise<Source> {
  const v = await versionInForce(db, schoolYear);
  if (v) return { kind: "version", version: v };
  const p = await currentPolicy(db, schoolYear);
  return p ? { kind: "live", policyId: p.id } : null;
}

const rowsSql = (s: NonNullable<Source>) =>
  s.kind === "version"
    ? sql`select teacher_id, unit_id, score, se, ci_low, ci_high, band, reason, veto_code, borderline, annual_fail, rank, rank_of, detail
      from appraisal_version_rows where version_id = ${s.version.id}`
    : sql`select teacher_id, unit_id, score, se, ci_low, ci_high, band, reason, veto_code, borderline, annual_fail, rank, rank_of, detail
      from appraisal_results where policy_id = ${s.policyId}`;

const scopeSql = (scope: UnitScope) =>
  scope === "all"
    ? sql`true`
    : sql`(s.unit_id = any(${`{${scope.join(",")}}`}::int[]) or p.unit_id = any(${`{${scope.join(",")}}`}::int[]))`;

export type TableRow = {
  teacherId: number;
  number: string;
  name: string;
  unit: string | null;
  unitId: number | null;
  office: string | null;
  score: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  band: string | null;
  reason: string;
  vetoCode: string | null;
  borderline: boolean;
  annualFail: boolean;
  rank: number | null;
  rankOf: number | null;
  used: string[];
  missing: string[];
  evidence: unknown;
};

/** A result row with its teacher (the `detail` column as the band's store writes it: detailOf). */
const rawRow = {
  teacher_id: col.int,
  number: col.text,
  name: col.text,
  unit: col.text.nullable,
  unit_id: col.int.nullable,
  office: col.text.nullable,
  score: col.num.nullable,
  ci_low: col.num.nullable,
  ci_high: col.num.nullable,
  band: col.text.nullable,
  reason: col.text,
  veto_code: col.text.nullable,
  borderline: col.bool,
  annual_fail: col.bool,
  rank: col.int.nullable,
  rank_of: col.int.nullable,
  detail: col.json<{ groups?: { used: string[]; missing: string[] } | null; evidence?: unknown }>().nullable,
  total: col.int,
};
function toRow(r: RowOf<typeof rawRow>): TableRow {
  const d = r.detail;
  return {
    teacherId: r.teacher_id,
    number: r.number,
    name: r.name,
    unit: r.unit,
    unitId: r.unit_id,
    office: r.office,
    score: r.score,
    ciLow: r.ci_low,
    ciHigh: r.ci_high,
    band: r.band,
    reason: r.reason,
    vetoCode: r.veto_code,
    borderline: r.borderline,
    annualFail: r.annual_fail,
    rank: r.rank,
    rankOf: r.rank_of,
    used: d?.groups?.used ?? [],
    missing: d?.groups?.missing ?? [],
    evidence: d?.evidence ?? null,
  };
}

export async function yearTable(db: DbOrTx, scope: UnitScope, raw: z.input<typeof tableInput>) {
  const input = parseInput(tableInput, raw);
  const source = await sourceOf(db, input.schoolYear);
  const empty = { items: [], total: 0, page: input.page, pageSize: input.pageSize };
  if (!source) return { source: null, version: null, page: empty as Page<TableRow> };
  const conds = [scopeSql(scope)];
  if (input.unitId) conds.push(sql`s.unit_id = ${input.unitId}`);
  if (input.band === "none") conds.push(sql`s.band is null`);
  else if (input.band) conds.push(sql`s.band = ${input.band}`);
  if (input.reason) conds.push(sql`s.reason = ${input.reason}`);
  if (input.borderline !== undefined) conds.push(sql`s.borderline = ${input.borderline}`);
  if (input.q) conds.push(sql`(p.name like ${containsPattern(input.q)} or p.number like ${containsPattern(input.q)})`);
  const rows = await queryRows(
    db,
    rawRow,
    sql`
    with s as (${rowsSql(source)})
    select s.*, p.number, p.name, u.name as unit, o.name as office, count(*) over () as total
    from s join persons p on p.id = s.teacher_id left join units u on u.id = s.unit_id
      left join units o on o.id = p.unit_id and o.kind = 'office'
    where ${sql.join(conds, sql` and `)}
    order by s.score desc nulls last, p.number
    limit ${input.pageSize} offset ${offsetOf(input)}`,
  );
  return {
    source: source.kind,
    version: source.kind === "version" ? publicVersion(source.version) : null,
    page: { items: rows.map(toRow), total: rows[0]?.total ?? 0, page: input.page, pageSize: input.pageSize } as Page<TableRow>,
  };
}

export function publicVersion(v: VersionRow) {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    reason: v.reason,
    noticeFrom: v.noticeFrom,
    noticeUntil: v.noticeUntil,
    createdAt: v.createdAt,
    approvedAt: v.approvedAt,
    lockedAt: v.lockedAt,
    policyId: v.policyId,
  };
}

/** Bands per unit (the chart) and the quota check of every scope, with the moved teachers' names. */
export async function yearSummary(db: DbOrTx, scope: UnitScope, schoolYear: string) {
  const source = await sourceOf(db, schoolYear);
  if (!source) return { source: null, units: [], quota: [], versions: [] };
  const units = await queryRows(
    db,
    { unit_id: col.int.nullable, unit: col.text.nullable, band: col.text.nullable, n: col.int },
    sql`
    with s as (${rowsSql(source)})
    select s.unit_id, u.name as unit, s.band, count(*)::int as n
    from s join persons p on p.id = s.teacher_id left join units u on u.id = s.unit_id
    where ${scopeSql(scope)} group by 1, 2, 3 order by 2, 3`,
  );
  let quota: QuotaCheck[];
  if (source.kind === "version") quota = source.version.quota as QuotaCheck[];
  else {
    const [run] = await db.select().from(appraisalRuns).where(eq(appraisalRuns.policyId, source.policyId));
    quota = (run?.quota ?? []) as QuotaCheck[];
  }
  if (scope !== "all") quota = quota.filter((q) => q.unitId !== null && scope.includes(q.unitId));
  const ids = [...new Set(quota.flatMap((q) => [...q.moved, ...q.cappedMoved]))];
  const names =
    ids.length === 0
      ? new Map<number, string>()
      : new Map(
          (
            await db.select({ id: persons.id, name: persons.name, number: persons.number }).from(persons).where(inArray(persons.id, ids))
          ).map((p) => [p.id, `${p.name}（${p.number}）`]),
        );
  const unitNames = new Map(units.map((u) => [u.unit_id, u.unit]));
  return {
    source: source.kind,
    units: units.map((u) => ({ unitId: u.unit_id, unit: u.unit, band: u.band, n: u.n })),
    quota: quota.map((q) => ({
      ...q,
      unit: q.unitId === null ? null : (unitNames.get(q.unitId) ?? null),
      movedNames: q.moved.map((id) => names.get(id) ?? String(id)),
      cappedNames: q.cappedMoved.map((id) => names.get(id) ?? String(id)),
    })),
    versions: (await versionsOf(db, schoolYear)).map(publicVersion),
  };
}

/** One teacher's row of a year from a source, or null. */
async function rowOf(db: DbOrTx, source: NonNullable<Source>, teacherId: number): Promise<TableRow | null> {
  const r = await queryRow(
    db,
    rawRow,
    sql`
    with s as (${rowsSql(source)})
    select s.*, p.number, p.name, u.name as unit, o.name as office, 1 as total
    from s join persons p on p.id = s.teacher_id left join units u on u.id = s.unit_id left join units o on o.id = p.unit_id and o.kind = 'office'
    where s.teacher_id = ${teacherId}`,
  );
  return r ? toRow(r) : null;
}

/**
 * A teacher's appraisal page: the year's row, the composite's breakdown (rater groups with weight,
 * n, response rate and 95 % interval; sections), the history over years, vetoes, exemptions,
 * appeals and the row in every version. `teacherView`: the teacher's own (only what is on notice).
 */
export async function teacherAppraisal(db: DbOrTx, p: { teacherId: number; schoolYear: string; scope: UnitScope; teacherView: boolean }) {
  const [person] = await db
    .select({ id: persons.id, number: persons.number, name: persons.name, unitId: persons.unitId })
    .from(persons)
    .where(eq(persons.id, p.teacherId));
  if (!person) throw new DomainError("NOT_FOUND", "errors.notFound");
  const source = p.teacherView
    ? await versionInForce(db, p.schoolYear).then((v) => (v ? { kind: "version" as const, version: v } : null))
    : await sourceOf(db, p.schoolYear);
  const row = source ? await rowOf(db, source, p.teacherId) : null;
  if (!p.teacherView && p.scope !== "all") {
    const inScope = (row?.unitId != null && p.scope.includes(row.unitId)) || (person.unitId != null && p.scope.includes(person.unitId));
    if (!inScope) throw new DomainError("FORBIDDEN", "appraisal.errors.outOfScope");
  }
  const policyId = source?.kind === "version" ? source.version.policyId : source?.kind === "live" ? source.policyId : null;
  const comp =
    policyId === null
      ? undefined
      : await queryRow(
          db,
          { composite: col.json<CompositeFigures>().nullable },
          sql`
    select composite from teacher_composites where policy_id = ${policyId} and teacher_id = ${p.teacherId} and term_id is null`,
        );
  const composite = comp?.composite ?? null;
  const sections =
    policyId === null
      ? []
      : await queryRows(
          db,
          {
            term: col.text.nullable,
            section: col.text.nullable,
            course: col.text.nullable,
            g: col.text,
            n: col.int,
            eligible: col.int.nullable,
            mean: col.num.nullable,
            ci_low: col.num.nullable,
            ci_high: col.num.nullable,
            response_rate: col.num.nullable,
          },
          sql`
    select tm.code as term, s.code as section, co.name as course, r.rater_group::text as g, r.n, r.eligible, r.trimmed_mean as mean, r.ci_low, r.ci_high, r.response_rate
    from target_results r join campaign_targets t on t.id = r.target_id join campaigns c on c.id = t.campaign_id
      left join terms tm on tm.id = c.term_id left join sections s on s.id = t.section_id left join courses co on co.id = s.course_id
    where r.policy_id = ${policyId} and t.teacher_id = ${p.teacherId} and r.reported and r.rater_group <> 'self'
      and c.state in ('closed', 'published') and not ${formativeSql()}
    order by tm.code, s.code, r.rater_group`,
        );
  // per rater group: n, eligible (response rate), weight used, the pooled figure and its interval
  const groups = composite
    ? composite.parts.flatMap((pt) =>
        Object.entries(pt.groups).map(([g, x]) => {
          const mine = sections.filter((s) => s.g === g);
          const eligible = mine.reduce((a, s) => a + (s.eligible ?? 0), 0);
          const n = x.n;
          const se = x.se ?? null;
          return {
            courseType: pt.courseType,
            group: g,
            weight: (pt.used as Record<string, number>)[g] ?? 0,
            n,
            score: x.score,
            responseRate: eligible > 0 ? n / eligible : null,
            ci95: se === null ? null : [Math.max(0, x.score - 1.959963984540054 * se), Math.min(100, x.score + 1.959963984540054 * se)],
          };
        }),
      )
    : [];
  const history = await queryRows(
    db,
    {
      school_year: col.text,
      score: col.num.nullable,
      band: col.text.nullable,
      reason: col.text.nullable,
      version: col.int.nullable,
    },
    sql`
    with cur as (select distinct on (school_year) id, school_year from scoring_policies where status = 'approved' order by school_year, version desc),
    v as (select id, school_year, version from appraisal_versions where status in ('notice', 'locked'))
    select cur.school_year,
      coalesce(vr.score, ${p.teacherView ? sql`null` : sql`ar.score`}) as score,
      ${p.teacherView ? sql`vr.band` : sql`coalesce(vr.band, ar.band)`} as band,
      ${p.teacherView ? sql`vr.reason` : sql`coalesce(vr.reason, ar.reason)`} as reason, v.version
    from cur left join v on v.school_year = cur.school_year
      left join appraisal_version_rows vr on vr.version_id = v.id and vr.teacher_id = ${p.teacherId}
      left join appraisal_results ar on ar.policy_id = cur.id and ar.teacher_id = ${p.teacherId}
    where vr.teacher_id is not null ${p.teacherView ? sql`` : sql`or ar.teacher_id is not null`}
    order by cur.school_year`,
  );
  const vetoes = await db
    .select()
    .from(appraisalVetoes)
    .where(and(eq(appraisalVetoes.teacherId, p.teacherId), eq(appraisalVetoes.schoolYear, p.schoolYear)));
  const exemptions = await db
    .select({ kind: appraisalExemptions.kind, note: appraisalExemptions.note, recordedAt: appraisalExemptions.recordedAt })
    .from(appraisalExemptions)
    .where(
      and(
        eq(appraisalExemptions.teacherId, p.teacherId),
        eq(appraisalExemptions.schoolYear, p.schoolYear),
        isNull(appraisalExemptions.revokedAt),
      ),
    );
  return {
    teacher: { id: person.id, number: person.number, name: person.name },
    schoolYear: p.schoolYear,
    published: source?.kind === "version" ? publicVersion(source.version) : null,
    row,
    composite: composite
      ? { score: composite.score, se: composite.se ?? null, missing: composite.missing, renormalised: composite.renormalised }
      : null,
    groups,
    sections: sections.map((s) => ({
      term: s.term,
      section: s.section,
      course: s.course,
      group: s.g,
      n: s.n,
      responseRate: s.response_rate,
      mean: s.mean,
      ci95: s.ci_low === null ? null : [s.ci_low, s.ci_high ?? 0],
    })),
    history: history.map((h) => ({ schoolYear: h.school_year, score: h.score, band: h.band, reason: h.reason, version: h.version })),
    vetoes: vetoes.map((v) => ({
      id: v.id,
      code: v.code,
      reason: v.reason,
      documentNo: v.documentNo,
      decidedOn: v.decidedOn,
      months: v.months,
      recordedAt: v.recordedAt,
      revokedAt: v.revokedAt,
      revokeReason: v.revokeReason,
    })),
    exemptions,
    appeals: await listAppeals(db, { teacherId: p.teacherId, schoolYear: p.schoolYear }),
    versions: (await rowHistory(db, p.schoolYear, p.teacherId)).filter(
      (v) => !p.teacherView || (v.status !== "draft" && v.status !== "pending"),
    ),
  };
}

/** School years with an approved scoring policy, latest first, with the appraisal rules in force. */
export async function appraisalYears(db: DbOrTx) {
  const rows = await queryRows(
    db,
    { school_year: col.text },
    sql`
    select distinct school_year from scoring_policies where status = 'approved' order by school_year desc`,
  );
  const out = [];
  for (const r of rows) {
    const p = await currentPolicy(db, r.school_year);
    if (p) out.push({ schoolYear: r.school_year, policyVersion: p.version, rules: rulesOf(p.policy) });
  }
  return out;
}
