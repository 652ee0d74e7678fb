import { sql, type SQL } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { rowsOf } from "../access/scope";
import { DomainError } from "../errors";
import { computeFigures, type Figures, type TargetInput } from "./figures";
import type { RaterGroup, ScoringPolicy } from "./policy";
import { FIGURE_COLUMNS, figureValues, itemShapes, type ItemShape } from "./rows";
import { arrayLiteral, scoringModelOfVersion } from "./store";

/**
 * The recompute of a school year under one policy (issue 5 part 8): the database does the
 * work that grows with the responses, JavaScript the arithmetic per target.
 *
 *   scope     the campaigns of the school year (their term's, or by their opening date for
 *             campaigns without a term: September starts a year), draft ones left out
 *   pass 1    per target × rater group, from the index response_scores(target, group, total,
 *             flags) alone: the scored totals in ascending order, the totals a quality rule set
 *             to "exclude" catches, and the counts of unscored, straight-lining and all-lowest
 *             responses (one ordered scan, no sort)
 *   pass 2    per target × rater group, the option counts of every item: one hash aggregate of
 *             packed counters, sum(1 << 10·position) per item over a bigint (six 10-bit
 *             counters per word; an item with more than six options uses several words).
 *             Exact while a target has at most 1023 responses; the few that have more are
 *             counted again with unnest() (exactCounts)
 *   eligible  eligibility (not excluded), observation assignments, invitations, imported counts
 *   figures   computeFigures (figures.ts): summaries, quality rules, reliability, EB scores,
 *             norms, composites
 *   write     a scoring_runs row, then the policy's target results (typed columns, rows.ts),
 *             reliability and composites replaced by the new ones
 * All of it in one repeatable-read transaction under a per-year advisory lock (recompute).
 */

const PACK_BITS = 10;
const PACK_SLOTS = 6; // 6 × 10 bits < 63
export const PACK_MAX = (1 << PACK_BITS) - 1;

/** The school year of a campaign row `c` joined with its term `tm`. */
export const CAMPAIGN_SCHOOL_YEAR = sql.raw(`coalesce(tm.school_year, (
  select case when extract(month from b) >= 9 then extract(year from b)::int || '-' || (extract(year from b)::int + 1)
    else (extract(year from b)::int - 1) || '-' || extract(year from b)::int end
  from (select (c.opens_at at time zone 'UTC') + interval '8 hours' as b) x))`);

export type Scope = { schoolYear: string; campaignIds: number[] };

/** The school year whose figures a campaign belongs to (its term's, else that of its opening day in Beijing). */
export async function schoolYearOfCampaign(db: DbOrTx, campaignId: number): Promise<string | null> {
  const [r] = rowsOf<{ y: string }>(await db.execute(sql`
    select ${CAMPAIGN_SCHOOL_YEAR} as y from campaigns c left join terms tm on tm.id = c.term_id where c.id = ${campaignId}`));
  return r?.y ?? null;
}

export async function scopeOf(db: DbOrTx, schoolYear: string): Promise<Scope> {
  const rows = rowsOf<{ id: number }>(await db.execute(sql`
    select c.id from campaigns c left join terms tm on tm.id = c.term_id
    where c.state <> 'draft' and ${CAMPAIGN_SCHOOL_YEAR} = ${schoolYear} order by c.id`));
  return { schoolYear, campaignIds: rows.map((r) => Number(r.id)) };
}

/**
 * What a school year's figures depend on besides the policy: its campaigns, the number of
 * scored responses (responses are never changed or removed), of targets, and of eligible
 * raters (eligibility, observers, invitations, imported counts). The scheduler skips a year
 * whose fingerprint equals its last run's; a run records the fingerprint of what it read.
 */
export function fingerprint(scope: Scope, responses: number, targets: number, eligible: number) {
  return `${responses}:${targets}:${eligible}:${scope.campaignIds.join(",")}`;
}

export async function fingerprintOf(db: DbOrTx, scope: Scope): Promise<string> {
  const ids = arrayLiteral(scope.campaignIds);
  const [r] = rowsOf<{ responses: number; targets: number }>(await db.execute(sql`
    select (select count(*) from response_scores s join campaign_targets t on t.id = s.target_id where t.campaign_id = any(${ids}::int[])) as responses,
      (select count(*) from campaign_targets t where t.campaign_id = any(${ids}::int[])) as targets`));
  const eligible = [...(await eligibleCounts(db, ids)).values()].reduce((a, b) => a + b, 0);
  return fingerprint(scope, Number(r.responses), Number(r.targets), eligible);
}

type TargetRow = {
  id: number; campaign_id: number; campaign: string; term_id: number | null; term_code: string | null; school_year: string;
  section_id: number | null; section_code: string | null; teacher_id: number | null; teacher_number: string | null;
  course_type: string | null; level: string | null; unit_id: number | null; office_id: number | null; teacher_college_id: number | null;
  unit_code: string | null; office_code: string | null; teacher_college_code: string | null;
  target_label: string | null;
};

/** Every target of the scope with what grouping needs (college of the course, teacher's office and college). */
export async function scopeTargets(db: DbOrTx, scope: Scope): Promise<TargetRow[]> {
  const ids = arrayLiteral(scope.campaignIds);
  return rowsOf<TargetRow>(await db.execute(sql`
    with recursive up(unit_id, anc_id, anc_kind, depth) as (
      select id, id, kind::text, 0 from units
      union all select up.unit_id, u.parent_id, p.kind::text, up.depth + 1
      from up join units u on u.id = up.anc_id join units p on p.id = u.parent_id
    ), college as (
      select distinct on (unit_id) unit_id, anc_id from up where anc_kind in ('college', 'department') order by unit_id, depth
    )
    select t.id, t.campaign_id, c.name as campaign, c.term_id, tm.code as term_code, ${CAMPAIGN_SCHOOL_YEAR} as school_year,
      t.section_id, s.code as section_code, t.teacher_id, p.number as teacher_number,
      co.type::text as course_type, co.level::text as level,
      coalesce(cc.anc_id, pc.anc_id) as unit_id, uc.code as unit_code,
      case when pu.kind = 'office' then pu.id end as office_id, case when pu.kind = 'office' then pu.code end as office_code,
      tc.anc_id as teacher_college_id, utc.code as teacher_college_code,
      case when t.cohort_id is not null then 'cohort:' || pg.code || '/' || gc.graduation_year
        when t.employer_id is not null then 'employer:' || em.code end as target_label
    from campaign_targets t join campaigns c on c.id = t.campaign_id left join terms tm on tm.id = c.term_id
      left join sections s on s.id = t.section_id left join courses co on co.id = s.course_id
      left join college cc on cc.unit_id = co.unit_id
      left join persons p on p.id = t.teacher_id left join units pu on pu.id = p.unit_id left join college tc on tc.unit_id = p.unit_id
      left join graduate_cohorts gc on gc.id = t.cohort_id left join programmes pg on pg.id = gc.programme_id
      left join college pc on pc.unit_id = pg.unit_id
      left join units uc on uc.id = coalesce(cc.anc_id, pc.anc_id) left join units utc on utc.id = tc.anc_id
      left join employers em on em.id = t.employer_id
    where t.campaign_id = any(${ids}::int[])`));
}

/** The stable identity of a target across databases (what the long format carries). */
export function targetKey(r: { campaign: string; section_code: string | null; teacher_number: string | null; target_label: string | null }): string {
  return [r.campaign, r.section_code ?? "", r.teacher_number ?? "", r.target_label ?? ""].join("\u0001");
}

/** Eligible raters per target × group: eligibility (not excluded), observers assigned, invitations, imported counts. */
export async function eligibleCounts(db: DbOrTx, ids: string): Promise<Map<string, number>> {
  const rows = rowsOf<{ target_id: number; g: string; n: number }>(await db.execute(sql`
    select target_id, g, sum(n) as n from (
      select e.target_id, e.rater_group::text as g, count(*) as n from eligibility e join campaign_targets t on t.id = e.target_id
        where t.campaign_id = any(${ids}::int[]) and not e.excluded group by 1, 2
      union all select o.target_id, o.rater_group::text, count(*) from observation_assignments o join campaign_targets t on t.id = o.target_id
        where t.campaign_id = any(${ids}::int[]) group by 1, 2
      union all select i.target_id, case when t.cohort_id is not null then 'alumni' else 'employer' end, count(*)
        from invitations i join campaign_targets t on t.id = i.target_id where t.campaign_id = any(${ids}::int[]) group by 1, 2
      union all select e.target_id, e.rater_group::text, e.eligible from imported_eligible e join campaign_targets t on t.id = e.target_id
        where t.campaign_id = any(${ids}::int[])
    ) x group by 1, 2`));
  return new Map(rows.map((r) => [`${Number(r.target_id)}|${r.g}`, Number(r.n)]));
}

/** The SQL condition of the responses a policy's "exclude" rules catch, or null when none excludes. */
function excludableSql(p: ScoringPolicy): SQL | null {
  const parts: SQL[] = [];
  if (p.quality.straightLining === "exclude") parts.push(sql`straight_lining`);
  if (p.quality.allLowest === "exclude") parts.push(sql`all_lowest`);
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : null;
}

/** Items per instrument version (id and option slots incl. "na"), for the versions in the scope. */
async function versionItems(db: DbOrTx, versionIds: number[]): Promise<Map<number, ItemShape[]>> {
  const out = new Map<number, ItemShape[]>();
  for (const v of versionIds) out.set(v, itemShapes(await scoringModelOfVersion(db, v)));
  return out;
}


export type Gathered = {
  inputs: TargetInput[]; targets: TargetRow[]; responses: number; items: Map<number, ItemShape[]>;
  /** eligible raters in all (for the fingerprint) */
  eligible: number;
};

const debug = (label: string, t: number) => {
  if (process.env.SCORES_DEBUG) console.log(`  ${label}: ${Math.round(performance.now() - t)} ms`);
  return performance.now();
};

const HALF = 30; // a 60-bit word comes back as two 30-bit halves: plain numbers, no BigInt

/** Everything computeFigures needs, from the database (run it inside one snapshot: recompute does). */
export async function gather(db: DbOrTx, policy: ScoringPolicy, scope: Scope): Promise<Gathered> {
  const ids = arrayLiteral(scope.campaignIds);
  let t = performance.now();
  const targets = await scopeTargets(db, scope);
  t = debug("targets", t);
  const eligible = await eligibleCounts(db, ids);
  t = debug("eligible", t);
  const eligibleTotal = [...eligible.values()].reduce((a, b) => a + b, 0);
  if (targets.length === 0) return { inputs: [], targets, responses: 0, items: new Map(), eligible: eligibleTotal };
  const targetIds = arrayLiteral(targets.map((t) => Number(t.id)));
  const excl = excludableSql(policy);

  // the instrument version of each campaign's rater groups, and its items
  const versions = rowsOf<{ campaign_id: number; g: string; version_id: number }>(await db.execute(sql`
    select campaign_id, rater_group::text as g, instrument_version_id as version_id from campaign_instruments where campaign_id = any(${ids}::int[])`));
  const versionOf = new Map(versions.map((v) => [`${Number(v.campaign_id)}|${v.g}`, Number(v.version_id)]));
  const shapes = await versionItems(db, [...new Set(versions.map((v) => Number(v.version_id)))]);

  // pass 1: sorted totals from the index
  const sorted = rowsOf<{ target_id: number; g: string; totals: number[] | null; excludable?: number[] | null; unscored: number; straight: number; lowest: number }>(await db.execute(sql`
    select target_id, rater_group::text as g,
      array_agg(total order by total) filter (where total is not null) as totals,
      ${excl ? sql`array_agg(total order by total) filter (where total is not null and ${excl}) as excludable,` : sql``}
      count(*) filter (where total is null) as unscored,
      count(*) filter (where total is not null and straight_lining) as straight,
      count(*) filter (where total is not null and all_lowest) as lowest
    from response_scores where target_id = any(${targetIds}::int[])
    group by target_id, rater_group`));
  t = debug("pass 1", t);

  // pass 2: packed option counts per item position
  const width: number[] = []; // words per item position
  for (const items of shapes.values()) items.forEach((it, i) => { width[i] = Math.max(width[i] ?? 0, Math.ceil(it.slots / PACK_SLOTS)); });
  const sums: SQL[] = [];
  const word = (i: number, w: number, filter: SQL | null, name: string) => {
    const pos = sql.raw(`options[${i + 1}]`);
    const expr = width[i] === 1
      ? sql`1::int8 << (${sql.raw(String(PACK_BITS))} * ${pos})`
      : sql`case when ${pos} / ${sql.raw(String(PACK_SLOTS))} = ${sql.raw(String(w))} then 1::int8 << (${sql.raw(String(PACK_BITS))} * (${pos} % ${sql.raw(String(PACK_SLOTS))})) end`;
    // the same aggregate twice is computed once; the word is exact for targets within PACK_MAX
    // and clamped below 2^60 for larger ones (so both halves fit an int4), whose counts come
    // from exactCounts instead
    const total = filter ? sql`(coalesce(sum(${expr}) filter (where ${filter}), 0))` : sql`(coalesce(sum(${expr}), 0))`;
    const big = sql`least(${total}, ${sql.raw(String(2n ** 60n - 1n))})::int8`;
    sums.push(sql`(${big} & ${sql.raw(String((1 << HALF) - 1))})::int4 as ${sql.raw(`${name}_lo`)}, (${big} >> ${sql.raw(String(HALF))})::int4 as ${sql.raw(`${name}_hi`)}`);
  };
  width.forEach((ws, i) => {
    for (let w = 0; w < ws; w++) {
      word(i, w, null, `a${i}_${w}`);
      if (excl) word(i, w, excl, `e${i}_${w}`);
    }
  });
  const packed = sums.length === 0 ? [] : rowsOf<Record<string, number | null>>(await db.execute(sql`
    select target_id, rater_group::text as g, ${sql.join(sums, sql`, `)}
    from response_scores where target_id = any(${targetIds}::int[]) and total is not null
    group by target_id, rater_group`));
  t = debug("pass 2", t);
  const packedOf = new Map(packed.map((r) => [`${Number(r.target_id)}|${r.g}`, r]));
  const sortedOf = new Map(sorted.map((r) => [`${Number(r.target_id)}|${r.g}`, r]));

  // which target × group pairs get a result: any eligible rater or any response
  const pairs = new Set<string>([...eligible.keys(), ...sortedOf.keys()]);
  const big: string[] = [];
  for (const k of pairs) {
    const n = sortedOf.get(k)?.totals?.length ?? 0;
    if (n > PACK_MAX) big.push(k);
  }
  const exact = big.length ? await exactCounts(db, big, excl) : new Map<string, { all: number[][]; exc: number[][] }>();

  const names = { a: width.map((ws, i) => Array.from({ length: ws }, (_, w) => `a${i}_${w}`)), e: width.map((ws, i) => Array.from({ length: ws }, (_, w) => `e${i}_${w}`)) };
  const byId = new Map(targets.map((t) => [Number(t.id), t]));
  const slotMask = (1 << PACK_BITS) - 1;
  const unpack = (r: Record<string, number | null> | undefined, name: string, out: number[]) => {
    const lo = Number(r?.[name + "_lo"] ?? 0), hi = Number(r?.[name + "_hi"] ?? 0);
    for (let j = 0; j < PACK_SLOTS / 2; j++) out.push((lo >> (PACK_BITS * j)) & slotMask);
    for (let j = 0; j < PACK_SLOTS / 2; j++) out.push((hi >> (PACK_BITS * j)) & slotMask);
  };
  const numbers = (xs: unknown[] | null | undefined): number[] => (!xs ? [] : xs.length && typeof xs[0] !== "number" ? xs.map(Number) : (xs as number[]));
  const inputs: TargetInput[] = [];
  let responses = 0;
  for (const k of pairs) {
    const [tid, g] = k.split("|");
    const t = byId.get(Number(tid));
    const versionId = t ? versionOf.get(`${Number(t.campaign_id)}|${g}`) : undefined;
    if (!t || versionId === undefined) continue; // a group the campaign has no instrument for
    const s = sortedOf.get(k);
    const totals = numbers(s?.totals);
    responses += totals.length + Number(s?.unscored ?? 0);
    const items = shapes.get(versionId) ?? [];
    const counts: Record<string, number[]> = {};
    const countsExcludable: Record<string, number[]> = {};
    const p = packedOf.get(k);
    const ex = exact.get(k);
    items.forEach((it, i) => {
      if (ex) {
        counts[it.id] = (ex.all[i] ?? []).concat(Array(it.slots).fill(0)).slice(0, it.slots);
        if (excl) countsExcludable[it.id] = (ex.exc[i] ?? []).concat(Array(it.slots).fill(0)).slice(0, it.slots);
        return;
      }
      const read = (prefix: "a" | "e") => {
        const out: number[] = [];
        for (const name of names[prefix][i]) unpack(p, name, out);
        return out.slice(0, it.slots);
      };
      counts[it.id] = read("a");
      if (excl) countsExcludable[it.id] = read("e");
    });
    inputs.push({
      key: targetKey(t), targetId: Number(t.id), group: g as RaterGroup, campaignId: Number(t.campaign_id),
      periodKey: t.term_id !== null ? `t${t.term_id}` : `c${t.campaign_id}`, termId: t.term_id === null ? null : Number(t.term_id),
      schoolYear: t.school_year, versionId,
      unitId: t.unit_id === null ? null : Number(t.unit_id), courseType: t.course_type, level: t.level,
      teacherId: t.teacher_id === null ? null : Number(t.teacher_id), sectionId: t.section_id === null ? null : Number(t.section_id),
      teacherOfficeId: t.office_id === null ? null : Number(t.office_id),
      teacherCollegeId: t.teacher_college_id === null ? null : Number(t.teacher_college_id),
      totals, excludable: numbers(s?.excludable),
      unscored: Number(s?.unscored ?? 0), straightLining: Number(s?.straight ?? 0), allLowest: Number(s?.lowest ?? 0),
      eligible: eligible.get(k) ?? null, counts, countsExcludable,
    });
  }
  debug("inputs", t);
  return { inputs, targets, responses, items: shapes, eligible: eligibleTotal };
}

/** Option counts with unnest(), for targets too large for packed counters. */
async function exactCounts(db: DbOrTx, keys: string[], excl: SQL | null): Promise<Map<string, { all: number[][]; exc: number[][] }>> {
  const tids = arrayLiteral(keys.map((k) => Number(k.split("|")[0])));
  const rows = rowsOf<{ target_id: number; g: string; i: number; o: number; n: number; e: number }>(await db.execute(sql`
    select s.target_id, s.rater_group::text as g, u.i, u.o, count(*) as n,
      ${excl ? sql`count(*) filter (where ${excl})` : sql`0`} as e
    from response_scores s cross join lateral unnest(s.options) with ordinality as u(o, i)
    where s.target_id = any(${tids}::int[]) and s.total is not null and u.o is not null
    group by 1, 2, 3, 4`));
  const out = new Map<string, { all: number[][]; exc: number[][] }>();
  const want = new Set(keys);
  for (const r of rows) {
    const k = `${Number(r.target_id)}|${r.g}`;
    if (!want.has(k)) continue;
    let m = out.get(k);
    if (!m) out.set(k, (m = { all: [], exc: [] }));
    const i = Number(r.i) - 1, o = Number(r.o);
    (m.all[i] ??= [])[o] = Number(r.n);
    (m.exc[i] ??= [])[o] = Number(r.e);
  }
  for (const m of out.values()) for (const list of [m.all, m.exc]) for (const row of list) if (row) for (let j = 0; j < row.length; j++) row[j] ??= 0;
  return out;
}

export type RunTrigger = "scheduler" | "command" | "manual" | "approval" | "import";
export type RunResult = {
  runId: number; responses: number; targets: number; results: number; ms: number; summary: RunSummary; skipped?: boolean;
  /** Where the time went: reading (both passes), arithmetic, writing. */
  phases?: { gatherMs: number; figuresMs: number; writeMs: number };
};
export type RunSummary = {
  excluded: number; straightLining: number; allLowest: number; capExceeded: number; unscored: number; reported: number;
  rules: ScoringPolicy["quality"];
};

function summaryOf(policy: ScoringPolicy, f: Figures): RunSummary {
  const s = { excluded: 0, straightLining: 0, allLowest: 0, capExceeded: 0, unscored: 0, reported: 0, rules: policy.quality };
  for (const t of f.targets) {
    s.excluded += t.quality.excluded;
    s.straightLining += t.quality.straightLining;
    s.allLowest += t.quality.allLowest;
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

type Column = { name: string; type: "int" | "float8" | "boolean" | "text" | "json" | "rater_group" | "int[]" };

/**
 * Bulk insert: one statement per CHUNK rows, each column passed as one array literal and
 * unnested (the fastest way through both drivers); a json column arrives as one JSON array.
 */
async function insertColumns(db: DbOrTx, table: string, columns: Column[], rows: unknown[][]) {
  const t = performance.now();
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const arrays = columns.map((c, k) => {
      const values = part.map((r) => r[k]);
      if (c.type === "int" || c.type === "float8") return sql`${arrayLiteral(values as (number | null)[])}::${sql.raw(c.type)}[]`;
      if (c.type === "boolean") return sql`${`{${values.map((v) => (v ? "t" : "f")).join(",")}}`}::boolean[]`;
      if (c.type === "int[]") return sql`${textArray(values.map((v) => arrayLiteral(v as number[])))}::text[]`;
      // one JSON document per chunk, parsed by the server (no text[] escaping of every quote)
      if (c.type === "json") return sql`array(select case when json_typeof(e) = 'null' then null else e end from json_array_elements(${JSON.stringify(values)}::json) with ordinality as x(e, i) order by i)`;
      return sql`${textArray(values.map((v) => (v === null ? null : String(v))))}::text[]`;
    });
    const names = columns.map((c) => c.name).join(", ");
    const casts = columns.map((c) => (c.type === "rater_group" || c.type === "int[]" ? `u.${c.name}::${c.type}` : `u.${c.name}`)).join(", ");
    const q = sql`insert into ${sql.raw(table)} (${sql.raw(names)})
      select ${sql.raw(casts)} from unnest(${sql.join(arrays, sql`, `)}) as u(${sql.raw(names)})`;
    await db.execute(q);
  }
  if (process.env.SCORES_DEBUG) console.log(`  insert ${table}: ${rows.length} rows ${Math.round(performance.now() - t)} ms`);
}

/** How long a recompute waits for another one of the same school year to finish. */
const LOCK_WAIT_MS = 120_000;

/**
 * Computes and stores every figure of the policy's school year, in one transaction that reads a
 * single snapshot (repeatable read) and writes the results, under a per-year advisory lock
 * taken first: two recomputes of a year never interleave, and a later one always reads what
 * the earlier one saw and more. With `ifChanged` (the scheduler) it returns { skipped: true }
 * when the fingerprint equals the last run's, or when another recompute of the year is busy;
 * otherwise it waits for that one to finish.
 */
export async function recompute(db: Db, p: { id: number; schoolYear: string; policy: ScoringPolicy },
  opts: { trigger: RunTrigger; actorId?: number | null; now?: () => Date; ifChanged?: boolean }): Promise<RunResult> {
  const now = opts.now ?? (() => new Date());
  const waitUntil = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const r = await db.transaction((tx) => recomputeIn(tx, p, opts, now), { isolationLevel: "repeatable read" });
    if (r !== "busy") return r;
    if (opts.ifChanged) return { runId: 0, responses: 0, targets: 0, results: 0, ms: 0, summary: null as never, skipped: true };
    if (Date.now() > waitUntil) throw new DomainError("CONFLICT", "scoring.errors.busy", { schoolYear: p.schoolYear });
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function recomputeIn(tx: DbOrTx, p: { id: number; schoolYear: string; policy: ScoringPolicy },
  opts: { trigger: RunTrigger; actorId?: number | null; ifChanged?: boolean }, now: () => Date): Promise<RunResult | "busy"> {
  const [{ locked }] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext(${`scores:${p.schoolYear}`})) as locked`));
  if (!locked) return "busy";
  // a handful of large statements, each run once: compiling them with JIT costs more than it
  // saves (pass 2 alone: 1.39 s with, 1.12–1.23 s without, in psql on the benchmark's data)
  await tx.execute(sql`set local jit = off`);
  const started = now();
  const t0 = performance.now();
  const scope = await scopeOf(tx, p.schoolYear);
  if (opts.ifChanged) {
    const [last] = rowsOf<{ fingerprint: string; id: number; responses: number; targets: number }>(await tx.execute(sql`
      select id, fingerprint, responses, targets from scoring_runs where policy_id = ${p.id} order by id desc limit 1`));
    if (last && last.fingerprint === await fingerprintOf(tx, scope)) {
      return { runId: Number(last.id), responses: Number(last.responses), targets: Number(last.targets), results: 0, ms: 0, summary: null as never, skipped: true };
    }
  }
  const t1 = performance.now();
  const gathered = await gather(tx, p.policy, scope);
  const t2 = performance.now();
  const figures = computeFigures(p.policy, gathered.inputs);
  const summary = summaryOf(p.policy, figures);
  const t3 = performance.now();
  const [run] = rowsOf<{ id: number }>(await tx.execute(sql`
    insert into scoring_runs (policy_id, school_year, trigger, fingerprint, responses, targets, summary, started_at, finished_at, actor_id)
    values (${p.id}, ${p.schoolYear}, ${opts.trigger}, ${fingerprint(scope, gathered.responses, gathered.targets.length, gathered.eligible)},
      ${gathered.responses}, ${gathered.targets.length}, ${JSON.stringify(summary)}::jsonb, ${started.toISOString()}::timestamptz,
      ${now().toISOString()}::timestamptz, ${opts.actorId ?? null})
    returning id`));
  const id = Number(run.id);
  await tx.execute(sql`delete from target_results where policy_id = ${p.id}`);
  await tx.execute(sql`delete from reliability_results where policy_id = ${p.id}`);
  await tx.execute(sql`delete from teacher_composites where policy_id = ${p.id}`);
  await insertColumns(tx, "target_results", [
    { name: "policy_id", type: "int" }, { name: "run_id", type: "int" }, { name: "target_id", type: "int" }, { name: "rater_group", type: "rater_group" },
    ...FIGURE_COLUMNS.map(([name, type]) => ({ name, type })),
  ], figures.targets.map((t) => [p.id, id, t.targetId, t.group, ...figureValues(t, gathered.items.get(t.versionId) ?? [])]));
  await insertColumns(tx, "reliability_results", [
    { name: "policy_id", type: "int" }, { name: "run_id", type: "int" }, { name: "term_id", type: "int" }, { name: "campaign_id", type: "int" },
    { name: "version_id", type: "int" }, { name: "unit_id", type: "int" }, { name: "rater_group", type: "rater_group" }, { name: "stats", type: "json" },
  ], figures.reliability.map((r) => [p.id, id, r.termId, r.campaignId, r.versionId, r.unitId, r.group, r]));
  await insertColumns(tx, "teacher_composites", [
    { name: "policy_id", type: "int" }, { name: "run_id", type: "int" }, { name: "teacher_id", type: "int" }, { name: "term_id", type: "int" },
    { name: "school_year", type: "text" }, { name: "score", type: "float8" }, { name: "composite", type: "json" },
  ], figures.composites.map((c) => [p.id, id, c.teacherId, c.termId, c.schoolYear, c.score, c]));
  const t4 = performance.now();
  return {
    runId: id, responses: gathered.responses, targets: gathered.targets.length, results: figures.targets.length,
    ms: Math.round(t4 - t0), summary,
    phases: { gatherMs: Math.round(t2 - t1), figuresMs: Math.round(t3 - t2), writeMs: Math.round(t4 - t3) },
  };
}
