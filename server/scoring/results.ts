import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { RATER_GROUPS } from "@/db/schema/campaigns";
import { col, queryOne, queryRow, queryRows, queryValue } from "@/db/query";
import { RESULTS_VIEW_ROLES } from "../access/roles";
import { hasRole, type UnitScope } from "../access/scope";
import { logView } from "../appraisal/views";
import type { SessionUser } from "../auth/users";
import { DomainError, notFound } from "../kernel/errors";
import type { InstrumentFile } from "../instruments/format";
import { NA_VALUE } from "../instruments/format";
import { messages } from "../i18n/messages";
import { containsPattern, offsetOf, type Page } from "../kernel/paging";
import { formativeSql } from "../campaigns/kinds";
import { CAMPAIGN_SCHOOL_YEAR } from "./compute";
import { COMPOSITE_GROUPS } from "./policy";
import type { CompositeFigures, ReliabilityFigures, TargetFigures } from "./figures";
import { figuresFromRow, itemShapes, TARGET_RESULT_SPEC } from "./rows";
import { listPolicies } from "./policies";
import { parsePolicy } from "./policy";
import { itemScore } from "./score";
import { QUALITY_RULES } from "@/server/shared/scoring/quality";
import { arrayLiteral, scoringModelOfVersion } from "./store";
import { idSchema } from "../kernel/ids";
import { parseInput } from "../kernel/validate";

/**
 * What the results pages read (stored figures only: the recompute writes them). Scope: the
 * quality office, HR and the system administrator see the school; a unit admin or a
 * unit-level leader the targets whose course (or cohort's programme) belongs to their units,
 * and the teachers of their units. Teachers see their own targets of published campaigns, and
 * only what is reported (n at least the policy's minimum); small groups show their n only.
 *
 * Provisional figures (ResultsView): figures derived from a campaign that has not closed are
 * provisional and reach the quality office only (PROVISIONAL_RESULTS_ROLES), marked so; every
 * other reader sees a campaign's figures once it has closed. "Derived from": a target of an
 * open campaign; a finished target whose reliability, EB score and norm are pooled with an open
 * campaign's classes (same term, or campaign without a term, rater group and instrument
 * version: the reliability and norm groups of figures.ts lie within these), whose own
 * descriptive figures are final but those three wait (`pending`); a reliability group of such
 * classes; and every teacher composite of a term (or school year) in which an open campaign has
 * figures of teachers' sections (composites of one period are ranked against each other), unless
 * the campaign is formative (server/campaigns/kinds.ts FORMATIVE_KINDS: it enters no composite).
 * Decided when read, from the campaigns' states: closing a campaign makes its figures final at
 * once, without a recompute.
 */

/** What a reader may see of figures that are not final: true for the quality office only. */
export type ResultsView = { provisional: boolean };
const FINAL_ONLY: ResultsView = { provisional: false };

/** Where open campaigns have figures under a policy: per campaign, rater group and instrument version. */
type OpenFigures = { campaignId: number; termId: number | null; schoolYear: string; group: string; versionId: number; teaching: boolean }[];

async function openFigures(db: DbOrTx, policyId: number): Promise<OpenFigures> {
  const rows = await queryRows(
    db,
    {
      campaign_id: col.int,
      term_id: col.int.nullable,
      school_year: col.text,
      rater_group: col.text,
      version_id: col.int,
      teaching: col.bool,
    },
    sql`
    select c.id as campaign_id, c.term_id, ${CAMPAIGN_SCHOOL_YEAR} as school_year, r.rater_group::text as rater_group, r.version_id,
      bool_or(t.teacher_id is not null and t.section_id is not null) and not ${formativeSql()} as teaching
    from campaigns c left join terms tm on tm.id = c.term_id join campaign_targets t on t.campaign_id = c.id
      join target_results r on r.target_id = t.id and r.policy_id = ${policyId}
    where c.state = 'open' and r.n > 0
    group by c.id, c.term_id, school_year, r.rater_group, r.version_id`,
  );
  return rows.map((r) => ({
    campaignId: r.campaign_id,
    termId: r.term_id,
    schoolYear: r.school_year,
    group: r.rater_group,
    versionId: r.version_id,
    teaching: r.teaching,
  }));
}

/** Whether figures of this period (term, or campaign without one), group and version are pooled with an open campaign's. */
function pooledWithOpen(
  open: OpenFigures,
  x: { campaignId: number | null; termId: number | null; group: string; versionId: number },
): boolean {
  return open.some(
    (o) =>
      o.group === x.group && o.versionId === x.versionId && (x.termId === null ? o.campaignId === x.campaignId : o.termId === x.termId),
  );
}

/** Whether the teacher composites of a term (termId) or of a school year (termId null) include an open campaign's figures. */
function periodOpen(open: OpenFigures, termId: number | null, schoolYear: string): boolean {
  return open.some(
    (o) =>
      o.teaching &&
      (COMPOSITE_GROUPS as readonly string[]).includes(o.group) &&
      (termId === null ? o.schoolYear === schoolYear : o.termId === termId),
  );
}

/** The unit (course's, or the cohort's programme's) of target `t` inside the scope. */
function targetInScope(scope: UnitScope): SQL {
  if (scope === "all") return sql`true`;
  const ids = arrayLiteral(scope);
  return sql`(exists (select 1 from sections s2 join courses c2 on c2.id = s2.course_id where s2.id = t.section_id and c2.unit_id = any(${ids}::int[]))
    or exists (select 1 from graduate_cohorts g2 join programmes p2 on p2.id = g2.programme_id where g2.id = t.cohort_id and p2.unit_id = any(${ids}::int[])))`;
}

export type YearOverview = {
  schoolYear: string;
  policy: { id: number; version: number; key: string; approvedAt: Date | null; minReliability: number } | null;
  lastRun: { id: number; finishedAt: Date; trigger: string; responses: number; targets: number; summary: Record<string, unknown> } | null;
  /** provisional: the campaign has not closed (its figures reach the quality office only) */
  campaigns: {
    id: number;
    name: string;
    term: string | null;
    state: string;
    source: string;
    targets: number;
    responses: number;
    provisional: boolean;
  }[];
  /** the year the results pages open on (openingYear) */
  opens: boolean;
};

/**
 * The year the results pages open on (years newest first): the latest with published results;
 * else the latest with a closed campaign; else, for the quality office, the latest whose
 * figures count a response; else the latest with a policy; else the latest. Never the current
 * year just because its first responses arrived while the last year's results are published.
 */
export function openingYear(years: readonly YearOverview[], view: ResultsView): string | null {
  const latest = (f: (y: YearOverview) => boolean) => years.find(f)?.schoolYear;
  return (
    latest((y) => y.campaigns.some((c) => c.state === "published")) ??
    latest((y) => y.campaigns.some((c) => c.state === "closed")) ??
    (view.provisional ? latest((y) => y.policy !== null && (y.lastRun?.responses ?? 0) > 0) : undefined) ??
    latest((y) => y.policy !== null) ??
    years[0]?.schoolYear ??
    null
  );
}

/** Every school year with campaigns or policies, newest first: its policy in force, its last run, its campaigns (within scope). */
export async function resultsOverview(db: DbOrTx, scope: UnitScope, view: ResultsView = FINAL_ONLY): Promise<YearOverview[]> {
  const campaigns = await queryRows(
    db,
    {
      id: col.int,
      name: col.text,
      term: col.text.nullable,
      state: col.text,
      source: col.text,
      school_year: col.text,
      targets: col.int,
      responses: col.int,
    },
    sql`
    select c.id, c.name, tm.code as term, c.state, c.source, ${CAMPAIGN_SCHOOL_YEAR} as school_year,
      (select count(*) from campaign_targets t where t.campaign_id = c.id and ${targetInScope(scope)}) as targets,
      (select count(*) from response_scores s join campaign_targets t on t.id = s.target_id where t.campaign_id = c.id and ${targetInScope(scope)}) as responses
    from campaigns c left join terms tm on tm.id = c.term_id where c.state <> 'draft' order by tm.code desc nulls last, c.id desc`,
  );
  const policies = await listPolicies(db);
  const years = [...new Set([...campaigns.map((c) => c.school_year), ...policies.map((p) => p.schoolYear)])].sort().reverse();
  const out: YearOverview[] = [];
  for (const y of years) {
    const p = policies.find((x) => x.schoolYear === y && x.current);
    const run = p
      ? await queryRow(
          db,
          {
            id: col.int,
            finished_at: col.date,
            trigger: col.text,
            responses: col.int,
            targets: col.int,
            summary: col.json<Record<string, unknown>>(),
          },
          sql`
      select id, finished_at, trigger, responses, targets, summary from scoring_runs where policy_id = ${p.id} order by id desc limit 1`,
        )
      : undefined;
    out.push({
      schoolYear: y,
      policy: p
        ? {
            id: p.id,
            version: p.version,
            key: String((p.policy as { key?: string }).key ?? ""),
            approvedAt: p.approvedAt,
            minReliability: parsePolicy(p.policy).minReliability,
          }
        : null,
      lastRun: run
        ? {
            id: run.id,
            finishedAt: run.finished_at,
            trigger: run.trigger,
            responses: run.responses,
            targets: run.targets,
            summary: run.summary,
          }
        : null,
      campaigns: campaigns
        .filter((c) => c.school_year === y)
        .map((c) => ({
          id: c.id,
          name: c.name,
          term: c.term,
          state: c.state,
          source: c.source,
          targets: c.targets,
          responses: c.responses,
          provisional: c.state === "open",
        })),
      opens: false,
    });
  }
  const opens = openingYear(out, view);
  for (const y of out) y.opens = y.schoolYear === opens;
  return out;
}

/** One target's figures for one rater group under a policy (the results page's drawer, the teacher's own). */
export const targetDetailInput = z.object({ policyId: idSchema, targetId: idSchema, raterGroup: z.string().min(1).max(20) });
export const reliabilityInput = z.object({ policyId: idSchema });

export const targetListInput = z
  .object({
    policyId: idSchema,
    campaignId: idSchema.optional(),
    raterGroup: z.enum(RATER_GROUPS).optional(),
    reportedOnly: z.boolean().optional(),
    q: z.string().trim().max(100).optional(),
    sort: z.enum(["mean", "ebScore", "n", "responseRate", "course", "teacher"]).default("course"),
    order: z.enum(["asc", "desc"]).default("asc"),
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(200).default(20),
  })
  .strict();

export type TargetListRow = {
  targetId: number;
  raterGroup: string;
  campaignId: number;
  campaign: string;
  term: string | null;
  sectionCode: string | null;
  courseCode: string | null;
  courseName: string | null;
  courseNameEn: string | null;
  courseType: string | null;
  teacherId: number | null;
  teacherNumber: string | null;
  teacherName: string | null;
  unitName: string | null;
  unitNameEn: string | null;
  targetLabel: string | null;
  reported: boolean;
  n: number;
  eligible: number | null;
  responseRate: number | null;
  mean: number | null;
  trimmedMean: number | null;
  median: number | null;
  sd: number | null;
  ci95: { low: number; high: number } | null;
  reliability: number | null;
  reliabilityLow: number | null;
  ebScore: number | null;
  norm: TargetFigures["norm"];
  quality: TargetFigures["quality"];
  allN: number;
  allMean: number | null;
  /** reported, without a norm: its reliability is below the policy's minimum */
  rankWithheld: boolean;
  /** (quality office) derived from a campaign that has not closed */
  provisional: boolean;
  /** (everyone else) final figures, but reliability, EB score and norm wait for an open campaign they are pooled with */
  pending: boolean;
};

const SORTS: Record<z.infer<typeof targetListInput>["sort"], string> = {
  mean: "r.mean",
  ebScore: "r.eb_score",
  n: "r.n",
  responseRate: "r.response_rate",
  course: "co.code, s.code",
  teacher: "p.number",
};

export async function listTargetResults(
  db: DbOrTx,
  scope: UnitScope,
  raw: z.input<typeof targetListInput>,
  view: ResultsView = FINAL_ONLY,
): Promise<Page<TargetListRow>> {
  const input = parseInput(targetListInput, raw);
  const where: SQL[] = [sql`r.policy_id = ${input.policyId}`, targetInScope(scope)];
  if (!view.provisional) where.push(sql`c.state in ('closed', 'published')`);
  if (input.campaignId) where.push(sql`t.campaign_id = ${input.campaignId}`);
  if (input.raterGroup) where.push(sql`r.rater_group = ${input.raterGroup}::rater_group`);
  if (input.reportedOnly) where.push(sql`r.reported`);
  if (input.q) {
    const q = containsPattern(input.q);
    where.push(sql`(co.code ilike ${q} or co.name ilike ${q} or s.code ilike ${q} or p.number ilike ${q} or p.name ilike ${q})`);
  }
  const from = sql`from target_results r join campaign_targets t on t.id = r.target_id join campaigns c on c.id = t.campaign_id
    left join terms tm on tm.id = c.term_id left join sections s on s.id = t.section_id left join courses co on co.id = s.course_id
    left join units u on u.id = co.unit_id left join persons p on p.id = t.teacher_id
    left join graduate_cohorts gc on gc.id = t.cohort_id left join programmes pg on pg.id = gc.programme_id left join employers em on em.id = t.employer_id
    where ${sql.join(where, sql` and `)}`;
  const total = await queryValue(db, col.int, sql`select count(*) as total ${from}`);
  const order = sql.raw(`${SORTS[input.sort]} ${input.order} nulls last, r.target_id, r.rater_group`);
  const rows = await queryRows(
    db,
    {
      ...TARGET_RESULT_SPEC,
      campaign_id: col.int,
      campaign_state: col.text,
      term_id: col.int.nullable,
      campaign: col.text,
      term: col.text.nullable,
      section_code: col.text.nullable,
      course_code: col.text.nullable,
      course_name: col.text.nullable,
      course_name_en: col.text.nullable,
      course_type: col.text.nullable,
      teacher_id: col.int.nullable,
      teacher_number: col.text.nullable,
      teacher_name: col.text.nullable,
      unit_name: col.text.nullable,
      unit_name_en: col.text.nullable,
      target_label: col.text.nullable,
    },
    sql`
    select r.*, r.rater_group::text as rater_group, c.id as campaign_id, c.state as campaign_state, c.term_id, c.name as campaign, tm.code as term, s.code as section_code,
      co.code as course_code, co.name as course_name, co.name_en as course_name_en, co.type::text as course_type,
      t.teacher_id, p.number as teacher_number, p.name as teacher_name, u.name as unit_name, u.name_en as unit_name_en,
      case when gc.id is not null then pg.name || ' ' || gc.graduation_year when em.id is not null then em.name end as target_label
    ${from} order by ${order} limit ${input.pageSize} offset ${offsetOf(input)}`,
  );
  const open = rows.length ? await openFigures(db, input.policyId) : [];
  return {
    total,
    page: input.page,
    pageSize: input.pageSize,
    items: rows.map((r) => {
      const f = figuresFromRow(r);
      const pooled = pooledWithOpen(open, { campaignId: r.campaign_id, termId: r.term_id, group: r.rater_group, versionId: f.versionId });
      const pending = !view.provisional && pooled;
      if (pending) Object.assign(f, { reliability: null, reliabilityLow: null, ebScore: null, norm: null });
      return {
        targetId: r.target_id,
        raterGroup: r.rater_group,
        campaignId: r.campaign_id,
        campaign: r.campaign,
        term: r.term,
        sectionCode: r.section_code,
        courseCode: r.course_code,
        courseName: r.course_name,
        courseNameEn: r.course_name_en,
        courseType: r.course_type,
        teacherId: r.teacher_id,
        teacherNumber: r.teacher_number,
        teacherName: r.teacher_name,
        unitName: r.unit_name,
        unitNameEn: r.unit_name_en,
        targetLabel: r.target_label,
        reported: f.reported,
        n: f.valid.n,
        eligible: f.valid.eligible,
        responseRate: f.valid.responseRate,
        mean: f.valid.mean,
        trimmedMean: f.valid.trimmedMean,
        median: f.valid.median,
        sd: f.valid.sd,
        ci95: f.valid.ci95,
        reliability: f.reliability,
        reliabilityLow: f.reliabilityLow,
        ebScore: f.ebScore,
        norm: f.norm,
        quality: f.quality,
        allN: f.all.n,
        allMean: f.all.mean,
        rankWithheld: f.rankWithheld,
        provisional: view.provisional && (r.campaign_state === "open" || pooled),
        pending,
      };
    }),
  };
}

type Localized = { zh: string; en: string };
const text = (v: unknown): Localized => {
  if (typeof v === "string") return { zh: v, en: v };
  const o = (v ?? {}) as Record<string, string>;
  return { zh: o.default ?? o.zh ?? Object.values(o)[0] ?? "", en: o.en ?? o.default ?? "" };
};

/**
 * One target × rater group in full: the figures, the distribution of every item with the
 * options' labels, every item's mean on the figures' scale (the item scores of score.ts:
 * value / highest option × full mark, so that one page shows one scale), and the mean of every
 * indicator over the valid responses (computed here from the stored response scores). A
 * teacher may read their own published, reported ones. A target of an open campaign is refused
 * to every reader but the quality office (`view`); figures pooled with an open campaign's are
 * `provisional` for it and `pending` (without reliability, EB score and norm) for the others.
 */
export async function targetResultDetail(
  db: DbOrTx,
  access: { scope: UnitScope; view?: ResultsView } | { teacherId: number },
  policyId: number,
  targetId: number,
  raterGroup: string,
) {
  const r = await queryRow(
    db,
    {
      ...TARGET_RESULT_SPEC,
      state: col.text,
      campaign_id: col.int,
      term_id: col.int.nullable,
      teacher_id: col.int.nullable,
      in_scope: col.bool,
      campaign: col.text,
      term: col.text.nullable,
      section_code: col.text.nullable,
      course_name: col.text.nullable,
      course_name_en: col.text.nullable,
      teacher_name: col.text.nullable,
      policy: col.json<unknown>(),
      policy_version: col.int,
      school_year: col.text,
    },
    sql`
    select r.*, c.state, c.id as campaign_id, c.term_id, t.teacher_id, ${"scope" in access ? targetInScope(access.scope) : sql`false`} as in_scope,
      c.name as campaign, tm.code as term, s.code as section_code, co.name as course_name, co.name_en as course_name_en, p.name as teacher_name,
      sp.policy, sp.version as policy_version, sp.school_year
    from target_results r join campaign_targets t on t.id = r.target_id join campaigns c on c.id = t.campaign_id left join terms tm on tm.id = c.term_id
      left join sections s on s.id = t.section_id left join courses co on co.id = s.course_id left join persons p on p.id = t.teacher_id
      join scoring_policies sp on sp.id = r.policy_id
    where r.policy_id = ${policyId} and r.target_id = ${targetId} and r.rater_group = ${raterGroup}::rater_group`,
  );
  if (!r) throw notFound("scoring.errors.resultNotFound");
  const own = "teacherId" in access;
  if (own ? r.teacher_id !== access.teacherId || r.state !== "published" : !r.in_scope)
    throw new DomainError("FORBIDDEN", "errors.forbidden");
  const view = own ? FINAL_ONLY : (access.view ?? FINAL_ONLY);
  if (r.state === "open" && !view.provisional) throw new DomainError("FORBIDDEN", "scoring.errors.provisional");
  const model = await scoringModelOfVersion(db, r.version_id);
  const f = figuresFromRow(r, itemShapes(model));
  const policy = parsePolicy(r.policy);
  const pooled = pooledWithOpen(await openFigures(db, policyId), {
    campaignId: r.campaign_id,
    termId: r.term_id,
    group: raterGroup,
    versionId: f.versionId,
  });
  const provisional = view.provisional && (r.state === "open" || pooled);
  const pending = !view.provisional && pooled;
  if (pending) Object.assign(f, { reliability: null, reliabilityLow: null, ebScore: null, norm: null });
  if (own && !r.reported) {
    return {
      header: {
        campaign: r.campaign,
        term: r.term,
        sectionCode: r.section_code,
        courseName: r.course_name,
        courseNameEn: r.course_name_en,
        teacherName: r.teacher_name,
      },
      policy: {
        version: r.policy_version,
        schoolYear: r.school_year,
        outOf: policy.outOf,
        trim: policy.trim,
        minReliability: policy.minReliability,
      },
      reported: false,
      n: f.valid.n,
      provisional,
      pending,
      figures: null,
      items: [],
      indicators: [],
    };
  }
  const def = await queryRow(
    db,
    { definition: col.json<InstrumentFile>() },
    sql`select definition from instrument_versions where id = ${f.versionId}`,
  );
  const file = def?.definition;
  const elements = ((file?.survey?.pages ?? []) as { elements?: Record<string, unknown>[] }[]).flatMap((p) => p.elements ?? []);
  const items = (model?.items ?? []).map((it) => {
    const id = it.row === null ? it.question : `${it.question}/${it.row}`;
    const q = elements.find((e) => e.name === it.question) ?? {};
    const options = ((it.row === null ? q.choices : q.columns) ?? []) as { value: unknown; text?: unknown }[];
    const rows = (q.rows ?? []) as { value: unknown; text?: unknown }[];
    const label = (value: unknown) => {
      const o = options.find((x) => (typeof x === "object" ? x.value : x) === value);
      return o && typeof o === "object" && o.text !== undefined ? text(o.text) : { zh: String(value), en: String(value) };
    };
    const counts = f.counts[id] ?? [];
    const answered = counts.reduce((a, b) => a + b, 0);
    const title = text(q.title ?? it.question);
    const rowTitle =
      it.row === null
        ? null
        : text((rows.find((x) => (typeof x === "object" ? x.value : x) === it.row) as { text?: unknown } | undefined)?.text ?? it.row);
    return {
      id,
      title,
      row: rowTitle,
      indicator: it.indicator,
      options: [...it.scale, NA_VALUE].map((value, i) => ({
        value,
        label: value === NA_VALUE ? { zh: messages.zh.results.cannotJudge, en: messages.en.results.cannotJudge } : label(value),
        count: counts[i] ?? 0,
        share: answered === 0 ? 0 : (counts[i] ?? 0) / answered,
      })),
      mean:
        answered - (counts[it.scale.length] ?? 0) > 0
          ? it.scale.reduce((a, v, i) => a + itemScore(v, it.scale, policy.outOf) * (counts[i] ?? 0), 0) /
            (answered - (counts[it.scale.length] ?? 0))
          : null,
    };
  });
  // indicator means over the valid responses (the stored per-response indicator scores)
  // the bits of the rules that exclude (quality_flags, quality.ts), none when the cap stopped exclusion
  const excl = f.quality.capExceeded ? 0 : QUALITY_RULES.reduce((m, rule) => (policy.quality[rule.id] === "exclude" ? m | rule.bit : m), 0);
  const ids = model?.indicatorIds ?? [];
  const means: Record<string, number | null> =
    ids.length === 0
      ? {}
      : await queryOne(
          db,
          Object.fromEntries(ids.map((_, i) => [`i${i}`, col.num.nullable])),
          sql`
    select ${sql.join(
      ids.map((_, i) => sql`avg(indicators[${sql.raw(String(i + 1))}]) as ${sql.raw(`i${i}`)}`),
      sql`, `,
    )}
    from response_scores where target_id = ${targetId} and rater_group = ${raterGroup}::rater_group and total is not null
    ${excl ? sql`and (quality_flags & ${excl}::smallint) = 0` : sql``}`,
        );
  const scale = policy.outOf / 100;
  const names = new Map<string, { name: Localized; level: number }>();
  const walk = (list: InstrumentFile["indicators"], level: number) =>
    list.forEach((ind) => {
      names.set(ind.id, { name: ind.name, level });
      if (ind.children) walk(ind.children, level + 1);
    });
  walk(file?.indicators ?? [], 1);
  return {
    header: {
      campaign: r.campaign,
      term: r.term,
      sectionCode: r.section_code,
      courseName: r.course_name,
      courseNameEn: r.course_name_en,
      teacherName: r.teacher_name,
    },
    policy: {
      version: r.policy_version,
      schoolYear: r.school_year,
      outOf: policy.outOf,
      trim: policy.trim,
      minReliability: policy.minReliability,
    },
    reported: r.reported,
    n: f.valid.n,
    provisional,
    pending,
    figures: f,
    items,
    indicators: ids.map((id, i) => {
      const m = means[`i${i}`];
      return {
        id,
        name: names.get(id)?.name ?? { zh: id, en: id },
        level: names.get(id)?.level ?? 1,
        mean: m === null || m === undefined ? null : m * scale,
      };
    }),
  };
}

/**
 * A target's result on the results pages for a reader other than its teacher (the checks are
 * targetResultDetail's): the page is one teacher's results, so the look is logged in that
 * teacher's view log (server/appraisal/views.ts, "results.target") like their appraisal page,
 * once the detail has been allowed. A target without a teacher (a cohort, an employer) is nobody's.
 */
export async function readTargetResult(
  db: DbOrTx,
  now: () => Date,
  actor: SessionUser,
  access: { scope: UnitScope; view?: ResultsView },
  raw: z.input<typeof targetDetailInput>,
) {
  const input = parseInput(targetDetailInput, raw);
  const detail = await targetResultDetail(db, access, input.policyId, input.targetId, input.raterGroup);
  const teacherId = await queryValue(db, col.int.nullable, sql`select teacher_id from campaign_targets where id = ${input.targetId}`);
  if (teacherId !== null) {
    await logView(db, now, {
      subjectId: teacherId,
      viewer: actor,
      role: RESULTS_VIEW_ROLES.find((r) => hasRole(actor, r)) ?? "staff",
      what: "results.target",
      detail: { policyId: input.policyId, targetId: input.targetId, raterGroup: input.raterGroup },
    });
  }
  return detail;
}

/** The reliability groups of a policy within scope; those with an open campaign's classes are provisional (quality office only). */
export async function reliabilityOf(db: DbOrTx, scope: UnitScope, policyId: number, view: ResultsView = FINAL_ONLY) {
  const rows = await queryRows(
    db,
    {
      stats: col.json<ReliabilityFigures>(),
      term: col.text.nullable,
      campaign: col.text.nullable,
      unit_id: col.int.nullable,
      unit: col.text.nullable,
      unit_en: col.text.nullable,
      instrument: col.text,
      instrument_en: col.text.nullable,
      version: col.int,
    },
    sql`
    select rr.stats, tm.code as term, c.name as campaign, rr.unit_id, u.name as unit, u.name_en as unit_en, i.name as instrument, i.name_en as instrument_en, v.version
    from reliability_results rr left join terms tm on tm.id = rr.term_id left join campaigns c on c.id = rr.campaign_id left join units u on u.id = rr.unit_id
      join instrument_versions v on v.id = rr.version_id join instruments i on i.id = v.instrument_id
    where rr.policy_id = ${policyId} order by tm.code, u.code, i.key, rr.rater_group`,
  );
  const open = await openFigures(db, policyId);
  return rows
    .filter((r) => scope === "all" || (r.unit_id !== null && scope.includes(r.unit_id)))
    .map((r) => {
      const f = r.stats;
      const provisional = pooledWithOpen(open, { campaignId: f.campaignId, termId: f.termId, group: f.group, versionId: f.versionId });
      return {
        ...f,
        term: r.term,
        campaign: r.campaign,
        unit: r.unit,
        unitEn: r.unit_en,
        instrument: r.instrument,
        instrumentEn: r.instrument_en,
        version: r.version,
        provisional,
      };
    })
    .filter((r) => view.provisional || !r.provisional);
}

export const compositeListInput = z
  .object({
    policyId: idSchema,
    /** a term's id, or "year" for the school year */
    period: z.union([z.literal("year"), idSchema]).default("year"),
    q: z.string().trim().max(100).optional(),
    page: z.number().int().min(1).default(1),
    pageSize: z.number().int().min(1).max(200).default(20),
  })
  .strict();

export type CompositeRow = CompositeFigures & {
  teacherNumber: string;
  teacherName: string;
  unitName: string | null;
  unitNameEn: string | null;
  term: string | null;
};

/**
 * Teacher composites of a term or the school year. `provisional`: an open campaign has figures
 * of teachers' sections in that period; then only the quality office gets the list (`withheld`
 * for everyone else: composites of a period are ranked against each other).
 */
export async function listComposites(
  db: DbOrTx,
  scope: UnitScope,
  raw: z.input<typeof compositeListInput>,
  view: ResultsView = FINAL_ONLY,
): Promise<Page<CompositeRow> & { terms: { id: number; code: string }[]; provisional: boolean; withheld: boolean }> {
  const input = parseInput(compositeListInput, raw);
  const pol = await queryRow(db, { school_year: col.text }, sql`select school_year from scoring_policies where id = ${input.policyId}`);
  const provisional =
    pol !== undefined && periodOpen(await openFigures(db, input.policyId), input.period === "year" ? null : input.period, pol.school_year);
  const withheld = provisional && !view.provisional;
  const where: SQL[] = [
    sql`tc.policy_id = ${input.policyId}`,
    input.period === "year" ? sql`tc.term_id is null` : sql`tc.term_id = ${input.period}`,
  ];
  if (scope !== "all") where.push(sql`p.unit_id = any(${arrayLiteral(scope)}::int[])`);
  if (input.q) {
    const q = containsPattern(input.q);
    where.push(sql`(p.number ilike ${q} or p.name ilike ${q})`);
  }
  const from = sql`from teacher_composites tc join persons p on p.id = tc.teacher_id left join units u on u.id = p.unit_id left join terms tm on tm.id = tc.term_id
    where ${sql.join(where, sql` and `)}`;
  const terms = await queryRows(
    db,
    { id: col.int, code: col.text },
    sql`
    select distinct tm.id, tm.code from teacher_composites tc join terms tm on tm.id = tc.term_id where tc.policy_id = ${input.policyId} order by tm.code`,
  );
  if (withheld) {
    return {
      total: 0,
      page: input.page,
      pageSize: input.pageSize,
      terms,
      provisional,
      withheld,
      items: [],
    };
  }
  const total = await queryValue(db, col.int, sql`select count(*) as total ${from}`);
  const rows = await queryRows(
    db,
    {
      composite: col.json<CompositeFigures>(),
      number: col.text,
      name: col.text,
      unit: col.text.nullable,
      unit_en: col.text.nullable,
      term: col.text.nullable,
    },
    sql`
    select tc.composite, p.number, p.name, u.name as unit, u.name_en as unit_en, tm.code as term ${from}
    order by tc.score desc nulls last, p.number limit ${input.pageSize} offset ${offsetOf(input)}`,
  );
  return {
    total,
    page: input.page,
    pageSize: input.pageSize,
    terms,
    provisional,
    withheld,
    items: rows.map((r) => ({
      ...r.composite,
      teacherNumber: r.number,
      teacherName: r.name,
      unitName: r.unit,
      unitNameEn: r.unit_en,
      term: r.term,
    })),
  };
}

/**
 * A teacher's own results: every target of theirs in a published campaign under the policy
 * in force of its school year (figures only where reported; otherwise n and "too few"), and
 * their composites of the terms and years whose campaigns are all published (formative ones,
 * which enter no composite, aside: FORMATIVE_KINDS). What is pooled
 * with an open campaign's figures (a target's EB score and percentile; the ranks and norm of a
 * period's composites) is left out until that campaign closes (`pending`), as are percentiles
 * and ranks below the policy's minimum reliability (figures.ts).
 */
export async function myResults(db: DbOrTx, teacherId: number) {
  const rows = await queryRows(
    db,
    {
      ...TARGET_RESULT_SPEC,
      policy_version: col.int,
      school_year: col.text,
      campaign_id: col.int,
      term_id: col.int.nullable,
      campaign: col.text,
      term: col.text.nullable,
      section_code: col.text.nullable,
      course_name: col.text.nullable,
      course_name_en: col.text.nullable,
    },
    sql`
    with cur as (
      select distinct on (school_year) id, version, school_year from scoring_policies where status = 'approved' order by school_year, version desc
    )
    select r.*, cur.version as policy_version, cur.school_year, r.rater_group::text as rater_group, c.id as campaign_id, c.term_id, c.name as campaign, tm.code as term,
      s.code as section_code, co.name as course_name, co.name_en as course_name_en
    from target_results r join cur on cur.id = r.policy_id join campaign_targets t on t.id = r.target_id join campaigns c on c.id = t.campaign_id
      left join terms tm on tm.id = c.term_id left join sections s on s.id = t.section_id left join courses co on co.id = s.course_id
    where t.teacher_id = ${teacherId} and c.state = 'published' and r.rater_group <> 'self'
    order by tm.code desc nulls last, co.code, s.code, r.rater_group`,
  );
  const composites = await queryRows(
    db,
    {
      composite: col.json<CompositeFigures>(),
      policy_id: col.int,
      term_id: col.int.nullable,
      term: col.text.nullable,
      school_year: col.text,
      version: col.int,
    },
    sql`
    with cur as (
      select distinct on (school_year) id, version, school_year from scoring_policies where status = 'approved' order by school_year, version desc
    )
    select tc.composite, tc.policy_id, tc.term_id, tm.code as term, tc.school_year, cur.version from teacher_composites tc join cur on cur.id = tc.policy_id left join terms tm on tm.id = tc.term_id
    where tc.teacher_id = ${teacherId} and not exists (
      select 1 from campaign_targets t join campaigns c on c.id = t.campaign_id left join terms t2 on t2.id = c.term_id
      where t.teacher_id = ${teacherId} and c.state <> 'published' and c.state <> 'draft' and not ${formativeSql()}
        and (case when tc.term_id is null then t2.school_year = tc.school_year else c.term_id = tc.term_id end))
    order by tc.school_year desc, tm.code desc nulls first`,
  );
  const open = new Map<number, OpenFigures>();
  for (const id of new Set([...rows, ...composites].map((r) => r.policy_id))) open.set(id, await openFigures(db, id));
  const openOf = (policyId: number) => open.get(policyId) ?? [];
  return {
    targets: rows.map((r) => {
      const f = figuresFromRow(r);
      const pending = pooledWithOpen(openOf(r.policy_id), {
        campaignId: r.campaign_id,
        termId: r.term_id,
        group: r.rater_group,
        versionId: f.versionId,
      });
      return {
        policyId: r.policy_id,
        policyVersion: r.policy_version,
        schoolYear: r.school_year,
        targetId: r.target_id,
        raterGroup: r.rater_group,
        campaign: r.campaign,
        term: r.term,
        sectionCode: r.section_code,
        courseName: r.course_name,
        courseNameEn: r.course_name_en,
        reported: r.reported,
        n: r.n,
        pending,
        figures: r.reported
          ? {
              mean: f.valid.mean,
              trimmedMean: f.valid.trimmedMean,
              median: f.valid.median,
              ci95: f.valid.ci95,
              ebScore: pending ? null : f.ebScore,
              responseRate: f.valid.responseRate,
              percentileRank: pending ? null : (f.norm?.percentileRank ?? null),
            }
          : null,
      };
    }),
    composites: composites.map((c) => {
      const f = c.composite;
      const pending = periodOpen(openOf(c.policy_id), c.term_id, c.school_year);
      const noRanks = { office: null, officeOf: null, college: null, collegeOf: null, school: null, schoolOf: null };
      return {
        term: c.term,
        schoolYear: c.school_year,
        policyVersion: c.version,
        score: f.score,
        missing: f.missing,
        renormalised: f.renormalised,
        parts: f.parts,
        ranks: pending ? noRanks : f.ranks,
        norm: pending ? null : f.norm,
        pending,
      };
    }),
  };
}
