import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryOne, queryRow, queryRows, type RowOf } from "@/db/query";
import { unitScope, type UnitScope } from "../access/scope";
import type { SessionUser } from "../auth/users";
import { DomainError } from "../kernel/errors";
import { parseInput } from "../kernel/validate";
import { getCampaignRow } from "./campaigns";
import { CAMPAIGN_MANAGE_ROLES } from "./kinds";
import { CAMPAIGN_SCHOOL_YEAR } from "../scoring/compute";
import { currentPolicy, defaultPolicy } from "../scoring/policies";
import { minRatersFor } from "../scoring/policy";
import { idSchema } from "../kernel/ids";

/**
 * Live response rates (应评 / 已评): for each group, the eligible raters (not excluded
 * student eligibility rows; alumni and employer invitations; in an observation round, the
 * observation records due) and the responses (records) stored for the same targets,
 * answered and declined apart. While a campaign runs its submissions wait sealed
 * (anonymity/pool.ts) and are counted from their spent tokens, which say which target but
 * not whether answered or declined: they count as answered until the close stores them.
 * Responses are counted per target only:
 * nothing here can say who has or has not responded. `started` counts eligibility rows
 * whose tokens were issued (the respondent opened their list), the only per-person signal
 * the server has; it is reported as a number, never as a list.
 */

export const RATE_DIMENSIONS = ["unit", "programme", "course", "section"] as const;
export type RateDimension = (typeof RATE_DIMENSIONS)[number];

export type RateRow = {
  id: number | null;
  code: string | null;
  name: string | null;
  /** English name, where there is one (course and section rows: the course's) */
  nameEn?: string | null;
  /** section rows: the course (code and name, and code and English name) and the teachers rated */
  course?: string;
  courseEn?: string | null;
  teachers?: string;
  eligible: number;
  started: number;
  answered: number;
  declined: number;
  /** (answered + declined) / eligible, 0–1; null when nobody is eligible */
  rate: number | null;
};

export type RateReport = { campaignId: number; by: RateDimension; total: RateRow; rows: RateRow[] };

export type RateFilter = { units?: UnitScope; teacherId?: number };

function targetsOf(campaignId: number, f: RateFilter): SQL {
  const unitCond =
    f.units === undefined || f.units === "all"
      ? sql``
      : f.units.length === 0
        ? sql`and false`
        : sql`and coalesce(co.unit_id, p.unit_id) in (${sql.join(
            f.units.map((u) => sql`${u}`),
            sql`, `,
          )})`;
  const teacherCond = f.teacherId === undefined ? sql`` : sql`and t.teacher_id = ${f.teacherId}`;
  return sql`
    select t.id, t.section_id, co.id as course_id, coalesce(co.programme_id, gc.programme_id) as programme_id,
      coalesce(co.unit_id, p.unit_id) as unit_id
    from campaign_targets t
      left join sections s on s.id = t.section_id left join courses co on co.id = s.course_id
      left join graduate_cohorts gc on gc.id = t.cohort_id left join programmes p on p.id = gc.programme_id
    where t.campaign_id = ${campaignId} ${unitCond} ${teacherCond}`;
}

const KEY: Record<RateDimension, string> = { unit: "unit_id", programme: "programme_id", course: "course_id", section: "section_id" };

const LABEL: Record<RateDimension, SQL> = {
  unit: sql`select u.code, u.name, null::text as course, null::text as teachers, u.name_en, null::text as course_en from units u where u.id = g.key`,
  programme: sql`select p.code, p.name, null::text, null::text, p.name_en, null::text from programmes p where p.id = g.key`,
  course: sql`select c.code, c.name, null::text, null::text, c.name_en, null::text from courses c where c.id = g.key`,
  section: sql`select s.code, c.name, c.code || ' ' || c.name,
      (select string_agg(pe.name, '、' order by st.role, pe.name) from section_teachers st join persons pe on pe.id = st.person_id
        where st.section_id = s.id and st.role <> 'assistant'),
      c.name_en, c.code || ' ' || nullif(btrim(c.name_en), '')
    from sections s join courses c on c.id = s.course_id where s.id = g.key`,
};

/** A group's counts with its label (the total has no label columns: they decode as null). */
const rawRow = {
  key: col.int.nullable,
  code: col.text.nullable,
  name: col.text.nullable,
  course: col.text.nullable,
  teachers: col.text.nullable,
  name_en: col.text.nullable,
  course_en: col.text.nullable,
  eligible: col.int,
  started: col.int,
  answered: col.int,
  declined: col.int,
};

function toRow(r: RowOf<typeof rawRow>, by: RateDimension | null): RateRow {
  const { eligible, answered, declined } = r;
  return {
    id: r.key,
    code: r.code,
    name: r.name,
    ...(by === null ? {} : { nameEn: r.name_en ?? null }),
    ...(by === "section" ? { course: r.course ?? undefined, courseEn: r.course_en ?? null, teachers: r.teachers ?? undefined } : {}),
    eligible,
    started: r.started,
    answered,
    declined,
    rate: eligible > 0 ? Math.min(1, (answered + declined) / eligible) : null,
  };
}

/** Response rates of a campaign grouped by `by`, restricted by `filter` (units in scope, or one teacher's targets). */
export async function responseRates(db: DbOrTx, campaignId: number, by: RateDimension, filter: RateFilter = {}): Promise<RateReport> {
  const key = sql.raw(KEY[by]);
  // An observation round's raters are its observers: the records due (one per observer and
  // teacher target) and those submitted.
  const observationRound = sql`exists (select 1 from campaigns c where c.id = ${campaignId} and c.kind = 'observation_round')`;
  const per = sql`
    with tg as (${targetsOf(campaignId, filter)}),
    el as (
      select e.target_id, count(*)::int as eligible, count(e.token_issued_on)::int as started
      from eligibility e where e.target_id in (select id from tg) and e.rater_group = 'student' and not e.excluded group by 1
      union all
      select i.target_id, count(*)::int, count(i.token_issued_on)::int
      from invitations i where i.target_id in (select id from tg) group by 1
      union all
      select o.target_id, count(*)::int, 0
      from observation_assignments o where o.target_id in (select id from tg) and ${observationRound} group by 1
    ),
    rs as (
      select target_id, sum(answered)::int as answered, sum(declined)::int as declined from (
        select r.target_id, count(*) filter (where not r.declined) as answered, count(*) filter (where r.declined) as declined
        from responses r where r.target_id in (select id from tg) and r.rater_group <> 'self' group by 1
        union all
        -- Accepted and still sealed (the campaign runs): counted as answered until they are stored.
        select st.target_id, count(*), 0 from spent_tokens st where st.target_id in (select id from tg)
          and not exists (select 1 from responses r where r.spent_token_hash = st.hash) group by 1
        union all
        select o.target_id, count(*), 0 from observation_records rec join observation_assignments o on o.id = rec.assignment_id
        where o.target_id in (select id from tg) and ${observationRound} group by 1
      ) x group by 1
    ),
    per as (
      select tg.*, coalesce(el.eligible, 0) as eligible, coalesce(el.started, 0) as started,
        coalesce(rs.answered, 0) as answered, coalesce(rs.declined, 0) as declined
      from tg left join (select target_id, sum(eligible)::int as eligible, sum(started)::int as started from el group by 1) el on el.target_id = tg.id
        left join rs on rs.target_id = tg.id
    )`;
  const grouped = await queryRows(
    db,
    rawRow,
    sql`${per},
    g as (select ${key} as key, sum(eligible)::int as eligible, sum(started)::int as started,
      sum(answered)::int as answered, sum(declined)::int as declined from per group by 1)
    select g.*, l.* from g left join lateral (${LABEL[by]}) l(code, name, course, teachers, name_en, course_en) on true
    order by l.code nulls last, g.key`,
  );
  const total = await queryOne(
    db,
    rawRow,
    sql`${per}
    select null::int as key, null::text as code, null::text as name, null::text as course, null::text as teachers,
      coalesce(sum(eligible), 0)::int as eligible, coalesce(sum(started), 0)::int as started,
      coalesce(sum(answered), 0)::int as answered, coalesce(sum(declined), 0)::int as declined from per`,
  );
  return { campaignId, by, total: toRow(total, null), rows: grouped.map((r) => toRow(r, by)) };
}

export const ratesInput = z
  .object({
    campaignId: idSchema,
    by: z.enum(RATE_DIMENSIONS).default("unit"),
  })
  .strict();

/**
 * What a teacher may read of their own sections' rates (TeacherRateRow): once the campaign has
 * closed, the counts; while it runs, no count at all (not answered, declined nor started: a
 * lone "declined 1" appearing right after a class names who declined) but the rate rounded to
 * 10 %, and that only where at least the policy's minimum of raters (minRaters.student, the
 * anonymous groups these rates count) have answered; below it, nothing (`withheld`).
 */
export type TeacherRateRow = Omit<RateRow, "started" | "answered" | "declined"> & {
  started: number | null;
  answered: number | null;
  declined: number | null;
  /** running campaign, fewer answers than the minimum: no rate either */
  withheld: boolean;
  /** running campaign: the rate is rounded to 10 % */
  rounded: boolean;
};
export type TeacherRateReport = {
  campaignId: number;
  by: RateDimension;
  total: TeacherRateRow;
  rows: TeacherRateRow[];
  live: boolean;
  minRaters: number;
};

/** The rate a running campaign shows a teacher: to the nearest 10 %. */
export const roundRate = (rate: number) => Math.round(rate * 10) / 10;

export function teacherRow(r: RateRow, live: boolean, minRaters: number): TeacherRateRow {
  if (!live) return { ...r, withheld: false, rounded: false };
  const withheld = r.answered < minRaters;
  return {
    ...r,
    started: null,
    answered: null,
    declined: null,
    rate: withheld || r.rate === null ? null : roundRate(r.rate),
    withheld,
    rounded: !withheld,
  };
}

/** The minimum of raters for the anonymous groups under the policy in force for the campaign's school year (default 5). */
export async function anonymousMinimum(db: DbOrTx, campaignId: number): Promise<number> {
  const row = await queryRow(
    db,
    { school_year: col.text },
    sql`
    select ${CAMPAIGN_SCHOOL_YEAR} as school_year from campaigns c left join terms tm on tm.id = c.term_id where c.id = ${campaignId}`,
  );
  const p = row ? await currentPolicy(db, row.school_year) : null;
  return minRatersFor(p?.policy ?? defaultPolicy(row?.school_year ?? "2000-2001"), "student");
}

/** A teacher's own sections in one campaign, as a teacher may read them (TeacherRateRow). */
export async function teacherRates(db: DbOrTx, campaignId: number, teacherId: number): Promise<TeacherRateReport> {
  const c = await getCampaignRow(db, campaignId);
  const live = c.state === "open" || c.state === "draft";
  const minRaters = await anonymousMinimum(db, campaignId);
  const r = await responseRates(db, campaignId, "section", { teacherId });
  return {
    campaignId,
    by: "section",
    total: teacherRow(r.total, live, minRaters),
    rows: r.rows.map((x) => teacherRow(x, live, minRaters)),
    live,
    minRaters,
  };
}

/**
 * Rates as the actor may see them: the quality office the whole campaign, a unit admin the
 * targets of its units, a teacher only their own sections (always by section); nobody else.
 */
export async function ratesForActor(
  db: DbOrTx,
  actor: SessionUser,
  raw: z.input<typeof ratesInput>,
): Promise<RateReport | TeacherRateReport> {
  const input = parseInput(ratesInput, raw);
  await getCampaignRow(db, input.campaignId);
  if (actor.roles.some((g) => (CAMPAIGN_MANAGE_ROLES as readonly string[]).includes(g.role))) {
    return responseRates(db, input.campaignId, input.by, { units: await unitScope(db, actor, CAMPAIGN_MANAGE_ROLES) });
  }
  if (actor.roles.some((g) => g.role === "teacher")) {
    return teacherRates(db, input.campaignId, actor.id);
  }
  throw new DomainError("FORBIDDEN", "campaigns.errors.ratesForbidden");
}

/**
 * A teacher's own view: every open or recently closed campaign in which students rate
 * them (anonymously; an observation round has no such raters and no card), with the rates
 * of their own sections only, as teacherRow allows (never who has or has not responded). Terms
 * imported from another system are left out: they were not collected here (their n and N
 * are in the teacher's results).
 */
export async function ratesForTeacher(db: DbOrTx, teacherId: number) {
  const cs = await queryRows(
    db,
    { id: col.int, name: col.text, state: col.text, closes_at: col.date },
    sql`
    select c.id, c.name, c.state, c.closes_at from campaigns c
    where c.state in ('open', 'closed', 'published') and c.source <> 'import'
      and exists (select 1 from campaign_targets t join eligibility e on e.target_id = t.id and e.rater_group = 'student'
        where t.campaign_id = c.id and t.teacher_id = ${teacherId})
    order by c.closes_at desc limit 5`,
  );
  const out = [];
  for (const c of cs) {
    const r = await teacherRates(db, c.id, teacherId);
    out.push({
      campaignId: c.id,
      name: c.name,
      state: c.state,
      closesAt: c.closes_at,
      total: r.total,
      rows: r.rows,
      live: r.live,
      minRaters: r.minRaters,
    });
  }
  return out;
}
