import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { col, queryOne, queryRow, queryRows, queryValue, type RowOf } from "@/db/query";
import { storeBands } from "../appraisal/store";
import { baseEnv } from "../kernel/env";
import { DomainError } from "../kernel/errors";
import { beijingWallClockSql, schoolYearSql } from "../kernel/time";
import { computeFigures, FIGURES_VERSION, type Figures, type TargetInput } from "./figures";
import type { RaterGroup, ScoringPolicy } from "./policy";
import { perRule, QUALITY_RULE_IDS, QUALITY_RULES, type PerRule } from "@/server/shared/scoring/quality";
import { FIGURE_COLUMNS, figureValues, itemShapes, type ItemShape } from "./rows";
import { evaluateWarnings, type EvaluationResult } from "../warnings/warnings";
import { unitCollegesSql } from "../org/tree";
import { arrayLiteral, foldTallies, scoringModelOfVersion } from "./store";
import { at } from "@/server/shared/indexed";
import { formativeSql } from "../campaigns/kinds";

/**
 * The recompute of a school year under one policy: the database does the
 * work that grows with the responses, JavaScript the arithmetic per target.
 *
 *   scope     the campaigns of the school year (their term's, or by their opening date for
 *             campaigns without a term: September starts a year), draft ones left out
 *   tallies   per target × rater group, what target_tallies holds (db/schema/results.ts; the
 *             scores queued since the last fold are folded in first, in a transaction of their
 *             own): n, the sorted totals and the option counts of every item over all scored
 *             responses, the same over the flagged ones by flag (straight-lining, all-lowest,
 *             both), the number unscored; so every policy's quality rules find their
 *             excludable responses without reading a single response
 *   eligible  eligibility (not excluded), observation assignments, invitations, imported counts
 *   figures   computeFigures (figures.ts): summaries, quality rules, reliability, EB scores,
 *             norms, composites
 *   write     a scoring_runs row, then the policy's target results (typed columns, rows.ts),
 *             reliability and composites replaced by the new ones, and the year's appraisal
 *             bands (server/appraisal/store.ts)
 * All of it in one repeatable-read transaction under a per-year advisory lock (recompute).
 */

/** The school year of a campaign row `c` joined with its term `tm`. */
export const CAMPAIGN_SCHOOL_YEAR = sql.raw(`coalesce(tm.school_year, ${schoolYearSql(beijingWallClockSql("c.opens_at"))})`);

export type Scope = { schoolYear: string; campaignIds: number[] };

/** The school year whose figures a campaign belongs to (its term's, else that of its opening day in Beijing). */
export async function schoolYearOfCampaign(db: DbOrTx, campaignId: number): Promise<string | null> {
  const r = await queryRow(
    db,
    { y: col.text },
    sql`
    select ${CAMPAIGN_SCHOOL_YEAR} as y from campaigns c left join terms tm on tm.id = c.term_id where c.id = ${campaignId}`,
  );
  return r?.y ?? null;
}

export async function scopeOf(db: DbOrTx, schoolYear: string): Promise<Scope> {
  const rows = await queryRows(
    db,
    { id: col.int },
    sql`
    select c.id from campaigns c left join terms tm on tm.id = c.term_id
    where c.state <> 'draft' and ${CAMPAIGN_SCHOOL_YEAR} = ${schoolYear} order by c.id`,
  );
  return { schoolYear, campaignIds: rows.map((r) => r.id) };
}

/**
 * What a school year's figures depend on besides the policy: its campaigns, the number of
 * scored responses (responses are never changed or removed), of targets, and of eligible
 * raters (eligibility, observers, invitations, imported counts), and the definitions of the
 * figures themselves (FIGURES_VERSION: stored figures of an older definition are recomputed
 * by the scheduler after an upgrade). The scheduler skips a year whose fingerprint equals its
 * last run's; a run records the fingerprint of what it read.
 */
export function fingerprint(scope: Scope, responses: number, targets: number, eligible: number) {
  return `f${FIGURES_VERSION}:${responses}:${targets}:${eligible}:${scope.campaignIds.join(",")}`;
}

/**
 * target_tallies.kind (db/schema/results.ts; the migration's scoring_tally_sql): every scored
 * response, the flagged ones again by their quality_flags (the bits of their quality rules,
 * quality.ts: straight-lining 1, all-lowest 2, both 3, …), the unscored (-1, outside the bits).
 * ONCE: the kinds that hold every response exactly once (the run's count and the change check's
 * must agree).
 */
export const TALLY = { scored: 0, ...perRule((r) => r.bit), unscored: -1 } as const;
/** Every kind of flagged responses: each non-empty combination of the rules' bits. */
const RULE_BITS = QUALITY_RULES.reduce((m, r) => m | r.bit, 0);
const FLAGGED_KINDS = Array.from({ length: RULE_BITS }, (_, i) => i + 1).filter((k) => (k & ~RULE_BITS) === 0);
export const ONCE = arrayLiteral([TALLY.scored, TALLY.unscored]);

export async function fingerprintOf(db: DbOrTx, scope: Scope): Promise<string> {
  const ids = arrayLiteral(scope.campaignIds);
  const r = await queryOne(
    db,
    { responses: col.int, targets: col.int },
    sql`
    select (select coalesce(sum(x.n), 0) from target_tallies x join campaign_targets t on t.id = x.target_id
        where t.campaign_id = any(${ids}::int[]) and x.kind = any(${ONCE}::int[])) as responses,
      (select count(*) from campaign_targets t where t.campaign_id = any(${ids}::int[])) as targets`,
  );
  const eligible = [...(await eligibleCounts(db, ids)).values()].reduce((a, b) => a + b, 0);
  return fingerprint(scope, r.responses, r.targets, eligible);
}

const TARGET_ROW = {
  id: col.int,
  campaign_id: col.int,
  campaign: col.text,
  term_id: col.int.nullable,
  term_code: col.text.nullable,
  school_year: col.text,
  section_id: col.int.nullable,
  section_code: col.text.nullable,
  teacher_id: col.int.nullable,
  teacher_number: col.text.nullable,
  course_type: col.text.nullable,
  level: col.text.nullable,
  unit_id: col.int.nullable,
  office_id: col.int.nullable,
  teacher_college_id: col.int.nullable,
  unit_code: col.text.nullable,
  office_code: col.text.nullable,
  teacher_college_code: col.text.nullable,
  target_label: col.text.nullable,
  formative: col.bool,
};
type TargetRow = RowOf<typeof TARGET_ROW>;

/** Every target of the scope with what grouping needs (college of the course, teacher's office and college). */
export async function scopeTargets(db: DbOrTx, scope: Scope): Promise<TargetRow[]> {
  const ids = arrayLiteral(scope.campaignIds);
  return queryRows(
    db,
    TARGET_ROW,
    sql`
    with college as (${unitCollegesSql()})
    select t.id, t.campaign_id, c.name as campaign, c.term_id, tm.code as term_code, ${CAMPAIGN_SCHOOL_YEAR} as school_year,
      t.section_id, s.code as section_code, t.teacher_id, p.number as teacher_number,
      co.type::text as course_type, co.level::text as level,
      coalesce(cc.college_id, pc.college_id) as unit_id, uc.code as unit_code,
      case when pu.kind = 'office' then pu.id end as office_id, case when pu.kind = 'office' then pu.code end as office_code,
      tc.college_id as teacher_college_id, utc.code as teacher_college_code,
      case when t.cohort_id is not null then 'cohort:' || pg.code || '/' || gc.graduation_year
        when t.employer_id is not null then 'employer:' || em.code end as target_label,
      ${formativeSql()} as formative
    from campaign_targets t join campaigns c on c.id = t.campaign_id left join terms tm on tm.id = c.term_id
      left join sections s on s.id = t.section_id left join courses co on co.id = s.course_id
      left join college cc on cc.unit_id = co.unit_id
      left join persons p on p.id = t.teacher_id left join units pu on pu.id = p.unit_id left join college tc on tc.unit_id = p.unit_id
      left join graduate_cohorts gc on gc.id = t.cohort_id left join programmes pg on pg.id = gc.programme_id
      left join college pc on pc.unit_id = pg.unit_id
      left join units uc on uc.id = coalesce(cc.college_id, pc.college_id) left join units utc on utc.id = tc.college_id
      left join employers em on em.id = t.employer_id
    where t.campaign_id = any(${ids}::int[])`,
  );
}

/** The stable identity of a target across databases (what the long format carries). */
export function targetKey(r: {
  campaign: string;
  section_code: string | null;
  teacher_number: string | null;
  target_label: string | null;
}): string {
  return [r.campaign, r.section_code ?? "", r.teacher_number ?? "", r.target_label ?? ""].join("\u0001");
}

/** Eligible raters per target × group: eligibility (not excluded), observers assigned, invitations, imported counts. */
export async function eligibleCounts(db: DbOrTx, ids: string): Promise<Map<string, number>> {
  const rows = await queryRows(
    db,
    { target_id: col.int, g: col.text, n: col.int },
    sql`
    select target_id, g, sum(n) as n from (
      select e.target_id, e.rater_group::text as g, count(*) as n from eligibility e join campaign_targets t on t.id = e.target_id
        where t.campaign_id = any(${ids}::int[]) and not e.excluded group by 1, 2
      union all select o.target_id, o.rater_group::text, count(*) from observation_assignments o join campaign_targets t on t.id = o.target_id
        where t.campaign_id = any(${ids}::int[]) group by 1, 2
      union all select i.target_id, case when t.cohort_id is not null then 'alumni' else 'employer' end, count(*)
        from invitations i join campaign_targets t on t.id = i.target_id where t.campaign_id = any(${ids}::int[]) group by 1, 2
      union all select e.target_id, e.rater_group::text, e.eligible from imported_eligible e join campaign_targets t on t.id = e.target_id
        where t.campaign_id = any(${ids}::int[])
    ) x group by 1, 2`,
  );
  return new Map(rows.map((r) => [`${r.target_id}|${r.g}`, r.n]));
}

/** Items per instrument version (id and option slots incl. "na"), for the versions in the scope. */
async function versionItems(db: DbOrTx, versionIds: number[]): Promise<Map<number, ItemShape[]>> {
  const out = new Map<number, ItemShape[]>();
  for (const v of versionIds) out.set(v, itemShapes(await scoringModelOfVersion(db, v)));
  return out;
}

export type Gathered = {
  inputs: TargetInput[];
  targets: TargetRow[];
  responses: number;
  items: Map<number, ItemShape[]>;
  /** eligible raters in all (for the fingerprint) */
  eligible: number;
};

const debug = (label: string, t: number) => {
  if (baseEnv().SCORES_DEBUG) console.log(`  ${label}: ${Math.round(performance.now() - t)} ms`);
  return performance.now();
};

/** Everything computeFigures needs, from the database (run it inside one snapshot: recompute does). */
export async function gather(db: DbOrTx, policy: ScoringPolicy, scope: Scope): Promise<Gathered> {
  const ids = arrayLiteral(scope.campaignIds);
  const excludes = (kind: number) => QUALITY_RULES.some((r) => (kind & r.bit) !== 0 && policy.quality[r.id] === "exclude");
  const excludedKinds = FLAGGED_KINDS.filter(excludes);
  let t = performance.now();
  // four independent reads sent at once: the server runs the next while the last one is parsed
  const [targets, eligible, versions, tallies] = await Promise.all([
    scopeTargets(db, scope),
    eligibleCounts(db, ids),
    // the instrument version of each campaign's rater groups
    queryRows(
      db,
      { campaign_id: col.int, g: col.text, version_id: col.int },
      sql`select campaign_id, rater_group::text as g, instrument_version_id as version_id
      from campaign_instruments where campaign_id = any(${ids}::int[])`,
    ),
    // the tallies (db/schema/results.ts, targetTallies): per target × group every scored response
    // (kind 0), the unscored (-1), and the flagged by their flags (1, 2, 3, …), whose totals and counts only
    // matter when the policy excludes them (arrays as text: split here faster than the drivers' parsers)
    queryRows(
      db,
      { target_id: col.int, g: col.text, kind: col.int, n: col.int, totals: col.text.nullable, counts: col.text.nullable },
      sql`select x.target_id, x.rater_group::text as g, x.kind, x.n,
        case when x.kind = any(${arrayLiteral([TALLY.scored, ...excludedKinds])}::int[]) then array_to_string(x.totals, ',') end as totals,
        case when x.kind = any(${arrayLiteral([TALLY.scored, ...excludedKinds])}::int[]) then array_to_string(x.counts, ',') end as counts
      from target_tallies x join campaign_targets t on t.id = x.target_id where t.campaign_id = any(${ids}::int[])`,
    ),
  ]);
  const eligibleTotal = [...eligible.values()].reduce((a, b) => a + b, 0);
  if (targets.length === 0) return { inputs: [], targets, responses: 0, items: new Map(), eligible: eligibleTotal };
  const excl = excludedKinds.length > 0;
  const versionOf = new Map(versions.map((v) => [`${v.campaign_id}|${v.g}`, v.version_id]));
  const shapes = await versionItems(db, [...new Set(versions.map((v) => v.version_id))]);
  t = debug("reads", t);
  const talliesOf = new Map<string, typeof tallies>();
  for (const r of tallies) {
    const k = `${r.target_id}|${r.g}`;
    const list = talliesOf.get(k);
    if (list) list.push(r);
    else talliesOf.set(k, [r]);
  }

  // which target × group pairs get a result: any eligible rater or any response
  const pairs = new Set<string>([...eligible.keys(), ...talliesOf.keys()]);
  const byId = new Map(targets.map((t) => [t.id, t]));
  const inputs: TargetInput[] = [];
  let responses = 0;
  for (const k of pairs) {
    const [tid, g] = k.split("|");
    const t = byId.get(Number(tid));
    const versionId = t ? versionOf.get(`${t.campaign_id}|${g}`) : undefined;
    if (!t || versionId === undefined) continue; // a group the campaign has no instrument for
    const items = shapes.get(versionId) ?? [];
    const countsList = items.map((it) => new Array<number>(it.slots).fill(0));
    const excludableList = excl ? items.map((it) => new Array<number>(it.slots).fill(0)) : [];
    let totals: number[] = [];
    const excludable: number[][] = [];
    let unscored = 0;
    const flagged = perRule(() => 0);
    for (const r of talliesOf.get(k) ?? []) {
      const { kind, n } = r;
      if (kind === TALLY.unscored) {
        unscored += n;
        responses += n;
        continue;
      }
      if (kind === TALLY.scored) {
        responses += n;
        totals = splitTotals(r.totals);
        addWords(r.counts ?? "", countsList);
        continue;
      }
      // a rule the policy has off flags nothing: its responses are neither counted nor shown
      for (const rule of QUALITY_RULES) if (kind & rule.bit && policy.quality[rule.id] !== "off") flagged[rule.id] += n;
      if (excludes(kind)) {
        excludable.push(splitTotals(r.totals));
        addWords(r.counts ?? "", excludableList);
      }
    }
    const counts: Record<string, number[]> = {};
    const countsExcludable: Record<string, number[]> = {};
    items.forEach((it, i) => {
      counts[it.id] = at(countsList, i); // one list per item
      if (excl) countsExcludable[it.id] = at(excludableList, i);
    });
    inputs.push({
      key: targetKey(t),
      targetId: t.id,
      group: g as RaterGroup,
      campaignId: t.campaign_id,
      periodKey: t.term_id !== null ? `t${t.term_id}` : `c${t.campaign_id}`,
      termId: t.term_id,
      schoolYear: t.school_year,
      versionId,
      unitId: t.unit_id,
      courseType: t.course_type,
      level: t.level,
      teacherId: t.teacher_id,
      sectionId: t.section_id,
      teacherOfficeId: t.office_id,
      teacherCollegeId: t.teacher_college_id,
      ...(t.formative ? { formative: true } : {}),
      totals,
      excludable: ascending(excludable),
      unscored,
      ...flagged,
      eligible: eligible.get(k) ?? null,
      counts,
      countsExcludable,
    });
  }
  debug("inputs", t);
  return { inputs, targets, responses, items: shapes, eligible: eligibleTotal };
}

/**
 * Adds the option counts of a tally's words to `out` (one array per item, one slot per option
 * position): `words` is the items' words joined by commas, each Σ count · 10^(6·position) in
 * decimal, so every six digits from the right are one position's count.
 */
function addWords(words: string, out: number[][]) {
  let end = words.length;
  for (let i = out.length - 1; i >= 0; i--) {
    let start = end;
    while (start > 0 && words.charCodeAt(start - 1) !== 44) start--;
    const slots = at(out, i);
    let j = 0,
      value = 0,
      scale = 1,
      digits = 0;
    for (let c = end - 1; c >= start; c--) {
      value += (words.charCodeAt(c) - 48) * scale;
      scale *= 10;
      if (++digits === 6) {
        if (j >= slots.length) {
          if (value !== 0) throw new Error(`a count word has more positions than item ${i + 1}'s ${slots.length}`);
        } else slots[j] = at(slots, j) + value;
        j++;
        value = 0;
        scale = 1;
        digits = 0;
      }
    }
    if (digits > 0 && value !== 0) {
      if (j >= slots.length) throw new Error(`a count word has more positions than item ${i + 1}'s ${slots.length}`);
      slots[j] = at(slots, j) + value;
    }
    end = start - 1;
  }
  if (end > 0) throw new Error("a tally has more count words than its version has items");
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k); // exact doubles up to 10^22

/**
 * The totals of a tally as sent (float8 text joined by commas), parsed without a string per
 * value: a decimal m·10^−k with m < 2^53 and k ≤ 22 is m / 10^k, one correctly rounded
 * division of two exact doubles, so the same double Number() gives; anything else (an
 * exponent, more digits) goes through Number().
 */
export function splitTotals(text: string | null): number[] {
  const out: number[] = [];
  if (!text) return out;
  let start = 0;
  while (start <= text.length) {
    let end = start,
      m = 0,
      k = 0,
      dot = false,
      plain = true;
    for (; end < text.length; end++) {
      const c = text.charCodeAt(end);
      if (c === 44) break;
      if (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        if (dot) k++;
      } else if (c === 46 && !dot) dot = true;
      else plain = false;
    }
    out.push(plain && m <= Number.MAX_SAFE_INTEGER && k <= 22 ? m / at(POW10, k) : Number(text.slice(start, end)));
    start = end + 1;
  }
  return out;
}

/** Ascending arrays merged into one ascending array. */
function ascending(lists: number[][]): number[] {
  let out = lists[0] ?? [];
  for (let l = 1; l < lists.length; l++) {
    const a = out,
      b = at(lists, l),
      m = new Array<number>(a.length + b.length);
    let i = 0,
      j = 0,
      k = 0;
    while (i < a.length && j < b.length) {
      const x = at(a, i),
        y = at(b, j);
      if (x <= y) {
        m[k++] = x;
        i++;
      } else {
        m[k++] = y;
        j++;
      }
    }
    while (i < a.length) m[k++] = at(a, i++);
    while (j < b.length) m[k++] = at(b, j++);
    out = m;
  }
  return out;
}

export type RunTrigger = "scheduler" | "command" | "manual" | "approval" | "import";
export type RunResult = {
  runId: number;
  responses: number;
  targets: number;
  results: number;
  ms: number;
  /** What the run counted; null when it was skipped (the data had not changed since the last run). */
  summary: RunSummary | null;
  skipped?: boolean;
  /** Where the time went: folding the queued scores, reading, arithmetic, writing, vacuuming the replaced rows (after the commit). */
  phases?: { foldMs?: number; gatherMs: number; figuresMs: number; writeMs: number; vacuumMs?: number; warningsMs?: number };
  /** The warning rules in force, evaluated over the new figures (server/warnings/). */
  warnings?: EvaluationResult;
};
export type RunSummary = {
  excluded: number;
  capExceeded: number;
  unscored: number;
  reported: number;
  rules: ScoringPolicy["quality"];
} & PerRule<number>;

function summaryOf(policy: ScoringPolicy, f: Figures): RunSummary {
  const s: RunSummary = { excluded: 0, ...perRule(() => 0), capExceeded: 0, unscored: 0, reported: 0, rules: policy.quality };
  for (const t of f.targets) {
    s.excluded += t.quality.excluded;
    for (const id of QUALITY_RULE_IDS) s[id] += t.quality[id];
    s.capExceeded += t.quality.capExceeded ? 1 : 0;
    s.unscored += t.quality.unscored;
    s.reported += t.reported ? 1 : 0;
  }
  return s;
}

const CHUNK = 5000;

/** A PostgreSQL text[] literal (every element quoted). */
function textArray(xs: readonly (string | null)[]): string {
  return `{${xs.map((x) => (x === null ? "NULL" : `"${x.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)).join(",")}}`;
}

type Column = { name: string; type: "int" | "float8" | "boolean" | "text" | "json" | "jsonb" | "rater_group" | "int[]" };

/**
 * Bulk insert: one statement per CHUNK rows, each column passed as one array literal and
 * unnested (the fastest way through both drivers); a json column arrives as one JSON array.
 * Rows are turned into values a chunk at a time, and each chunk is sent before the next is
 * built, so the server parses one while this process writes the next (postgres.js pipelines
 * the statements of a transaction; PGlite runs them in turn).
 */
async function insertColumns<T>(db: DbOrTx, table: string, columns: Column[], list: readonly T[], values: (x: T) => unknown[]) {
  const t = performance.now();
  const sent: Promise<unknown>[] = [];
  for (let i = 0; i < list.length; i += CHUNK) {
    const part = list.slice(i, i + CHUNK).map(values);
    const arrays = columns.map((c, k) => {
      const values = part.map((r) => r[k]);
      if (c.type === "int" || c.type === "float8") return sql`${arrayLiteral(values as (number | null)[])}::${sql.raw(c.type)}[]`;
      if (c.type === "boolean") return sql`${`{${values.map((v) => (v ? "t" : "f")).join(",")}}`}::boolean[]`;
      if (c.type === "int[]") return sql`${textArray(values.map((v) => arrayLiteral(v as number[])))}::text[]`;
      // one JSON document per chunk, parsed by the server (no text[] escaping of every quote)
      if (c.type === "json" || c.type === "jsonb")
        return sql`array(select case when json_typeof(e) = 'null' then null else e end from json_array_elements(${JSON.stringify(values)}::json) with ordinality as x(e, i) order by i)`;
      return sql`${textArray(values.map((v) => (v === null ? null : String(v))))}::text[]`;
    });
    const names = columns.map((c) => c.name).join(", ");
    const casts = columns
      .map((c) => (c.type === "rater_group" || c.type === "int[]" || c.type === "jsonb" ? `u.${c.name}::${c.type}` : `u.${c.name}`))
      .join(", ");
    const q = sql`insert into ${sql.raw(table)} (${sql.raw(names)})
      select ${sql.raw(casts)} from unnest(${sql.join(arrays, sql`, `)}) as u(${sql.raw(names)})`;
    sent.push(Promise.resolve(db.execute(q)));
    await new Promise((res) => setImmediate(res)); // out on the wire before the next chunk is built
  }
  await Promise.all(sent);
  if (baseEnv().SCORES_DEBUG) console.log(`  insert ${table}: ${list.length} rows ${Math.round(performance.now() - t)} ms`);
}

/** How long a recompute waits for another one of the same school year to finish. */
const LOCK_WAIT_MS = 120_000;

/**
 * Computes and stores every figure of the policy's school year, in one transaction that reads a
 * single snapshot (repeatable read) and writes the results, under a per-year advisory lock
 * taken first: two recomputes of a year never interleave, and a later one always reads what
 * the earlier one saw and more. After a run (not a skip) the warning rules in force are evaluated
 * over its figures (server/warnings/warnings.ts evaluateWarnings). With `ifChanged` (the scheduler) it returns { skipped: true }
 * when the fingerprint equals the last run's, or when another recompute of the year is busy;
 * otherwise it waits for that one to finish.
 */
export async function recompute(
  db: Db,
  p: { id: number; schoolYear: string; policy: ScoringPolicy },
  opts: { trigger: RunTrigger; actorId?: number | null; now?: () => Date; ifChanged?: boolean },
): Promise<RunResult> {
  const now = opts.now ?? (() => new Date());
  const waitUntil = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    // the scores that arrived since the last fold into the tallies, committed before the
    // recompute's snapshot (what arrives after it waits for the next fold and recompute)
    const t0 = performance.now();
    await foldTallies(db);
    const foldMs = Math.round(performance.now() - t0);
    const r = await db.transaction((tx) => recomputeIn(tx, p, opts, now), { isolationLevel: "repeatable read" });
    if (r !== "busy") {
      r.ms += foldMs;
      if (r.phases) r.phases.foldMs = foldMs;
      if (!r.skipped) {
        // every run replaces the policy's rows: their old versions are dead at once, and without
        // autovacuum (off on some servers) each run would grow the tables by a full set
        const t = performance.now();
        await db.execute(sql`vacuum target_results, reliability_results, teacher_composites`);
        r.ms += Math.round(performance.now() - t);
        if (r.phases) r.phases.vacuumMs = Math.round(performance.now() - t);
        // every recompute re-evaluates the warning rules over the figures it wrote
        r.warnings = await evaluateWarnings(db, now(), { policyId: p.id, schoolYear: p.schoolYear, outOf: p.policy.outOf });
        r.ms += r.warnings.ms;
        if (r.phases) r.phases.warningsMs = r.warnings.ms;
      }
      return r;
    }
    if (opts.ifChanged) return { runId: 0, responses: 0, targets: 0, results: 0, ms: 0, summary: null, skipped: true };
    if (Date.now() > waitUntil) throw new DomainError("CONFLICT", "scoring.errors.busy", { schoolYear: p.schoolYear });
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function recomputeIn(
  tx: DbOrTx,
  p: { id: number; schoolYear: string; policy: ScoringPolicy },
  opts: { trigger: RunTrigger; actorId?: number | null; ifChanged?: boolean },
  now: () => Date,
): Promise<RunResult | "busy"> {
  const locked = await queryValue(tx, col.bool, sql`select pg_try_advisory_xact_lock(hashtext(${`scores:${p.schoolYear}`})) as locked`);
  if (!locked) return "busy";
  // a handful of large statements, each run once: compiling them with JIT costs more than it
  // saves (pass 2 alone: 1.39 s with, 1.12–1.23 s without, in psql on the benchmark's data)
  await tx.execute(sql`set local jit = off`);
  const started = now();
  const t0 = performance.now();
  const scope = await scopeOf(tx, p.schoolYear);
  if (opts.ifChanged) {
    const last = await queryRow(
      tx,
      { fingerprint: col.text, id: col.int, responses: col.int, targets: col.int },
      sql`
      select id, fingerprint, responses, targets from scoring_runs where policy_id = ${p.id} order by id desc limit 1`,
    );
    if (last && last.fingerprint === (await fingerprintOf(tx, scope))) {
      return {
        runId: last.id,
        responses: last.responses,
        targets: last.targets,
        results: 0,
        ms: 0,
        summary: null,
        skipped: true,
      };
    }
  }
  const t1 = performance.now();
  const gathered = await gather(tx, p.policy, scope);
  const t2 = performance.now();
  // the policy's old figures go while the new ones are computed (the server deletes, this
  // process does arithmetic; a failure below rolls both back)
  const cleared = Promise.all([
    tx.execute(sql`delete from target_results where policy_id = ${p.id}`),
    tx.execute(sql`delete from reliability_results where policy_id = ${p.id}`),
    tx.execute(sql`delete from teacher_composites where policy_id = ${p.id}`),
  ]);
  let figures: Figures;
  try {
    await new Promise((res) => setImmediate(res)); // let the deletes go out before the arithmetic holds the thread
    figures = computeFigures(p.policy, gathered.inputs);
  } finally {
    await cleared;
  }
  const summary = summaryOf(p.policy, figures);
  const t3 = performance.now();
  const id = await queryValue(
    tx,
    col.int,
    sql`
    insert into scoring_runs (policy_id, school_year, trigger, fingerprint, responses, targets, summary, started_at, finished_at, actor_id)
    values (${p.id}, ${p.schoolYear}, ${opts.trigger}, ${fingerprint(scope, gathered.responses, gathered.targets.length, gathered.eligible)},
      ${gathered.responses}, ${gathered.targets.length}, ${JSON.stringify(summary)}::jsonb, ${started.toISOString()}::timestamptz,
      ${now().toISOString()}::timestamptz, ${opts.actorId ?? null})
    returning id`,
  );
  // the three tables' chunks interleave on the connection: one is built while another is parsed
  await Promise.all([
    insertColumns(
      tx,
      "target_results",
      [
        { name: "policy_id", type: "int" },
        { name: "run_id", type: "int" },
        { name: "target_id", type: "int" },
        { name: "rater_group", type: "rater_group" },
        ...FIGURE_COLUMNS.map(([name, type]) => ({ name, type })),
      ],
      figures.targets,
      (t) => [p.id, id, t.targetId, t.group, ...figureValues(t, gathered.items.get(t.versionId) ?? [])],
    ),
    insertColumns(
      tx,
      "reliability_results",
      [
        { name: "policy_id", type: "int" },
        { name: "run_id", type: "int" },
        { name: "term_id", type: "int" },
        { name: "campaign_id", type: "int" },
        { name: "version_id", type: "int" },
        { name: "unit_id", type: "int" },
        { name: "rater_group", type: "rater_group" },
        { name: "stats", type: "json" },
      ],
      figures.reliability,
      (r) => [p.id, id, r.termId, r.campaignId, r.versionId, r.unitId, r.group, r],
    ),
    insertColumns(
      tx,
      "teacher_composites",
      [
        { name: "policy_id", type: "int" },
        { name: "run_id", type: "int" },
        { name: "teacher_id", type: "int" },
        { name: "term_id", type: "int" },
        { name: "school_year", type: "text" },
        { name: "score", type: "float8" },
        { name: "composite", type: "json" },
      ],
      figures.composites,
      (c) => [p.id, id, c.teacherId, c.termId, c.schoolYear, c.score, c],
    ),
  ]);
  // the year's teachers banded with the figures (server/appraisal/store.ts)
  await storeBands(tx, p, id, figures, gathered.inputs);
  const t4 = performance.now();
  return {
    runId: id,
    responses: gathered.responses,
    targets: gathered.targets.length,
    results: figures.targets.length,
    ms: Math.round(t4 - t0),
    summary,
    phases: { gatherMs: Math.round(t2 - t1), figuresMs: Math.round(t3 - t2), writeMs: Math.round(t4 - t3) },
  };
}
