import { eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { campaignExclusions, campaigns, RATER_GROUPS } from "@/db/schema";
import { courseType } from "@/db/schema/org";
import { col, queryOne, queryRows } from "@/db/query";
import { unitSubtreeSql } from "../org/tree";
import { DomainError } from "../kernel/errors";
import { parseInput } from "../kernel/validate";
import { assertDraft, getCampaignRow } from "./campaigns";
import { ENROLMENT_KINDS, SECTION_KINDS, type RaterGroup } from "./kinds";
import { officerCount } from "./reports";

/**
 * Rater assignment, generated in bulk (insert … select) and reviewable before a campaign
 * opens; regenerating replaces the draft's assignment (targets that remain keep their id).
 *
 * - end_of_term: targets are teacher × section for every section of the campaign's term
 *   whose course belongs to the scope (a section taught by several teachers gives one
 *   target per lead/co-teacher; assistants are not rated), minus the exclusions. Every
 *   enrolled (not withdrawn), active student of a section is eligible as "student" for
 *   each of its targets; each teacher is eligible as "self" for their own target.
 * - mid_term: the same targets and student eligibility as end_of_term (ENROLMENT_KINDS: the
 *   groups it has an instrument for, students only in practice).
 * - observation_round: the same targets, no eligibility (planObservations assigns observers).
 * - info_officer: nothing is stored (reports are named, any number per officer, no
 *   targets); it counts the active officers in scope and is refused when there are none.
 * - graduate_tracking: a target per programme cohort of the campaign's graduating years
 *   (programmes within the scope); employer_tracking: a target per chosen employer.
 *   Their invitations come later.
 */

export const generateOptionsInput = z
  .object({
    // Sections with fewer enrolled students are left out (too small to report anonymously).
    minEnrolment: z.number().int().min(0).max(10_000).default(0),
    excludedCourseTypes: z.array(z.enum(courseType.enumValues, "campaigns.errors.badCourseType")).max(10).default([]),
    excludedCourseCodes: z.array(z.string().trim().min(1).max(64)).max(10_000).default([]),
    // end_of_term, mid_term (ENROLMENT_KINDS): which eligibility to generate; default: those of student/self the campaign has an instrument for.
    raterGroups: z
      .array(z.enum(["student", "self"], "campaigns.errors.badRaterGroup"))
      .min(1)
      .optional(),
  })
  .strict();

export type GenerateOptions = z.input<typeof generateOptionsInput>;
type Options = z.output<typeof generateOptionsInput>;

/**
 * What a generation made: targets and eligibility rows; for section kinds the sections
 * covered and the observation assignments (one per observer and teacher target) the
 * campaign has now; for information-officer campaigns the officers who may report.
 */
export type GenerateResult = {
  targets: number;
  eligibility: number;
  excludedSections: number;
  seconds: number;
  sections: number;
  observations: number;
  officers?: number;
};

function list(values: readonly string[]): SQL {
  return values.length
    ? sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )
    : sql`null`;
}

/**
 * The sections of the campaign's term within its scope, each with the reason it is left
 * out (null: included). A reason is checked in this order: no teacher, course code,
 * course type, enrolment below the minimum.
 */
function classifiedSections(c: { termId: number | null; scopeUnitId: number | null }, o: Options): SQL {
  return sql`
    select s.id as section_id, c.unit_id,
      case
        when not exists (select 1 from section_teachers st where st.section_id = s.id and st.role <> 'assistant') then 'no_teacher'
        when c.code in (${list(o.excludedCourseCodes)}) then 'course_code'
        when c.type::text in (${list(o.excludedCourseTypes)}) then 'course_type'
        when (select count(*) from enrolments e where e.section_id = s.id and e.status = 'enrolled') < ${o.minEnrolment} then 'min_enrolment'
      end as reason
    from sections s join courses c on c.id = s.course_id
    where s.term_id = ${c.termId}
      ${c.scopeUnitId === null ? sql`` : sql`and c.unit_id in (${unitSubtreeSql(c.scopeUnitId)})`}`;
}

/** Makes the campaign's teacher × section targets (and exclusions) match the term now. */
export async function syncSectionTargets(tx: DbOrTx, c: { id: number; termId: number | null; scopeUnitId: number | null }, o: Options) {
  await tx.delete(campaignExclusions).where(eq(campaignExclusions.campaignId, c.id));
  await tx.execute(sql`
    insert into campaign_exclusions (campaign_id, section_id, reason)
    select ${c.id}, section_id, reason from (${classifiedSections(c, o)}) x where reason is not null`);
  const wanted = sql`
    select st.section_id, st.person_id as teacher_id
    from (${classifiedSections(c, o)}) x join section_teachers st on st.section_id = x.section_id and st.role <> 'assistant'
    where x.reason is null`;
  // Targets no longer wanted go (with their eligibility and observations); the rest stay.
  await tx.execute(sql`
    delete from campaign_targets t where t.campaign_id = ${c.id}
      and (t.section_id, t.teacher_id) not in (select section_id, teacher_id from (${wanted}) w)`);
  await tx.execute(sql`
    insert into campaign_targets (campaign_id, section_id, teacher_id)
    select ${c.id}, section_id, teacher_id from (${wanted}) w
    on conflict on constraint campaign_targets_uq do nothing`);
}

/**
 * Generates (or regenerates) a draft campaign's rater assignment in one transaction.
 * Refused once the campaign has opened, and for kinds without generated assignment.
 */
export async function generateAssignments(db: DbOrTx, campaignId: number, raw: GenerateOptions = {}): Promise<GenerateResult> {
  const o = parseInput(generateOptionsInput, raw);
  const started = performance.now();
  return db.transaction(async (tx) => {
    const c = await getCampaignRow(tx, campaignId, { lock: true });
    assertDraft(c);
    let officers: number | undefined;
    if (SECTION_KINDS.includes(c.kind)) {
      await syncSectionTargets(tx, c, o);
      // The draft's eligibility is rebuilt from scratch (no token can have been issued yet).
      await tx.execute(sql`delete from eligibility e using campaign_targets t where t.id = e.target_id and t.campaign_id = ${c.id}`);
      if (ENROLMENT_KINDS.includes(c.kind)) {
        const have = (
          await queryRows(
            tx,
            { g: col.oneOf(RATER_GROUPS) },
            sql`select rater_group::text as g from campaign_instruments where campaign_id = ${c.id}`,
          )
        ).map((r) => r.g);
        const groups = o.raterGroups ?? (["student", "self"] as const).filter((g) => have.includes(g));
        if (groups.length === 0) throw new DomainError("BAD_REQUEST", "campaigns.errors.noRaterGroups");
        if (groups.includes("student")) {
          await tx.execute(sql`
            insert into eligibility (target_id, person_id, rater_group)
            select t.id, e.person_id, 'student'
            from campaign_targets t
              join enrolments e on e.section_id = t.section_id and e.status = 'enrolled'
              join persons p on p.id = e.person_id and p.active
            where t.campaign_id = ${c.id}
            on conflict do nothing`);
        }
        if (groups.includes("self")) {
          await tx.execute(sql`
            insert into eligibility (target_id, person_id, rater_group)
            select t.id, t.teacher_id, 'self' from campaign_targets t
            where t.campaign_id = ${c.id} and t.teacher_id is not null
            on conflict do nothing`);
        }
      }
    } else if (c.kind === "graduate_tracking") {
      const wanted = sql`
        select gc.id as cohort_id from graduate_cohorts gc
          join campaign_cohorts cc on cc.campaign_id = ${c.id} and cc.graduation_year = gc.graduation_year
          join programmes p on p.id = gc.programme_id
        ${c.scopeUnitId === null ? sql`` : sql`where p.unit_id in (${unitSubtreeSql(c.scopeUnitId)})`}`;
      await tx.execute(
        sql`delete from campaign_targets t where t.campaign_id = ${c.id} and (t.cohort_id is null or t.cohort_id not in (${wanted}))`,
      );
      await tx.execute(sql`insert into campaign_targets (campaign_id, cohort_id) select ${c.id}, cohort_id from (${wanted}) w
        on conflict on constraint campaign_targets_uq do nothing`);
    } else if (c.kind === "employer_tracking") {
      const wanted = sql`select employer_id from campaign_employers where campaign_id = ${c.id}`;
      await tx.execute(
        sql`delete from campaign_targets t where t.campaign_id = ${c.id} and (t.employer_id is null or t.employer_id not in (${wanted}))`,
      );
      await tx.execute(sql`insert into campaign_targets (campaign_id, employer_id) select ${c.id}, employer_id from (${wanted}) w
        on conflict on constraint campaign_targets_uq do nothing`);
    } else if (c.kind === "info_officer") {
      officers = await officerCount(tx, c);
      if (officers === 0) throw new DomainError("BAD_REQUEST", "campaigns.errors.noOfficers");
    } else {
      throw new DomainError("BAD_REQUEST", "campaigns.errors.kindNotGenerated", { kind: c.kind });
    }
    const counts = await queryOne(
      tx,
      { targets: col.int, excluded: col.int, eligibility: col.int, sections: col.int, observations: col.int },
      sql`
      select (select count(*)::int from campaign_targets where campaign_id = ${c.id}) as targets,
             (select count(*)::int from campaign_exclusions where campaign_id = ${c.id}) as excluded,
             (select count(*)::int from eligibility e join campaign_targets t on t.id = e.target_id where t.campaign_id = ${c.id}) as eligibility,
             (select count(distinct section_id)::int from campaign_targets where campaign_id = ${c.id}) as sections,
             (select count(*)::int from observation_assignments o join campaign_targets t on t.id = o.target_id where t.campaign_id = ${c.id}) as observations`,
    );
    await tx.update(campaigns).set({ generationOptions: o, generatedAt: new Date() }).where(eq(campaigns.id, c.id));
    return {
      targets: counts.targets,
      eligibility: counts.eligibility,
      excludedSections: counts.excluded,
      sections: counts.sections,
      observations: counts.observations,
      ...(officers === undefined ? {} : { officers }),
      seconds: Math.round(performance.now() - started) / 1000,
    };
  });
}

export type UnitSummary = {
  unitId: number;
  unitCode: string;
  unitName: string;
  sections: number;
  targets: number;
  eligibleStudents: number;
  eligibilityRows: number;
  excludedSections: number;
};

export type AssignmentSummary = {
  campaignId: number;
  state: string;
  generatedAt: Date | null;
  options: Record<string, unknown> | null;
  sections: number;
  targets: number;
  eligibleStudents: number;
  eligibilityRows: number;
  byGroup: Partial<Record<RaterGroup, number>>;
  observations: number;
  excluded: {
    sectionId: number;
    sectionCode: string;
    courseCode: string;
    courseName: string;
    courseNameEn: string | null;
    unitId: number;
    reason: string;
  }[];
  excludedByReason: Record<string, number>;
  units: UnitSummary[];
};

/**
 * What reviewers see before opening: targets, sections, distinct eligible students,
 * eligibility rows (by rater group), observation assignments, the excluded sections with
 * their reasons, and the same per unit (the unit offering the course; cohorts: the
 * programme's unit).
 */
export async function assignmentSummary(db: DbOrTx, campaignId: number): Promise<AssignmentSummary> {
  const c = await getCampaignRow(db, campaignId);
  const tot = await queryOne(
    db,
    { targets: col.int, sections: col.int, students: col.int, rows: col.int, observations: col.int },
    sql`
    select (select count(*)::int from campaign_targets where campaign_id = ${c.id}) as targets,
      (select count(distinct section_id)::int from campaign_targets where campaign_id = ${c.id}) as sections,
      (select count(distinct e.person_id)::int from eligibility e join campaign_targets t on t.id = e.target_id
        where t.campaign_id = ${c.id} and e.rater_group = 'student' and not e.excluded) as students,
      (select count(*)::int from eligibility e join campaign_targets t on t.id = e.target_id
        where t.campaign_id = ${c.id} and not e.excluded) as rows,
      (select count(*)::int from observation_assignments o join campaign_targets t on t.id = o.target_id
        where t.campaign_id = ${c.id}) as observations`,
  );
  const groups = await queryRows(
    db,
    { g: col.oneOf(RATER_GROUPS), n: col.int },
    sql`
    select e.rater_group::text as g, count(*)::int as n from eligibility e join campaign_targets t on t.id = e.target_id
    where t.campaign_id = ${c.id} and not e.excluded group by 1`,
  );
  const excluded = await queryRows(
    db,
    {
      section_id: col.int,
      section_code: col.text,
      course_code: col.text,
      course_name: col.text,
      course_name_en: col.text.nullable,
      unit_id: col.int,
      reason: col.text,
    },
    sql`
    select x.section_id, s.code as section_code, co.code as course_code, co.name as course_name, co.name_en as course_name_en, co.unit_id, x.reason
    from campaign_exclusions x join sections s on s.id = x.section_id join courses co on co.id = s.course_id
    where x.campaign_id = ${c.id} order by co.code, s.code`,
  );
  const perUnit = await queryRows(
    db,
    {
      unit_id: col.int,
      code: col.text,
      name: col.text,
      sections: col.int,
      targets: col.int,
      students: col.int,
      rows: col.int,
      excluded: col.int,
    },
    sql`
    with t as (
      select t.id, t.section_id, coalesce(co.unit_id, p.unit_id) as unit_id
      from campaign_targets t
        left join sections s on s.id = t.section_id left join courses co on co.id = s.course_id
        left join graduate_cohorts gc on gc.id = t.cohort_id left join programmes p on p.id = gc.programme_id
      where t.campaign_id = ${c.id}
    ), e as (
      select t.unit_id, e.person_id, e.rater_group from eligibility e join t on t.id = e.target_id where not e.excluded
    ), x as (
      select co.unit_id, count(*)::int as n from campaign_exclusions x join sections s on s.id = x.section_id
        join courses co on co.id = s.course_id where x.campaign_id = ${c.id} group by co.unit_id
    ), ids as (select unit_id from t where unit_id is not null union select unit_id from x)
    select u.id as unit_id, u.code, u.name,
      (select count(distinct section_id)::int from t where t.unit_id = u.id) as sections,
      (select count(*)::int from t where t.unit_id = u.id) as targets,
      (select count(distinct person_id)::int from e where e.unit_id = u.id and e.rater_group = 'student') as students,
      (select count(*)::int from e where e.unit_id = u.id) as rows,
      coalesce((select n from x where x.unit_id = u.id), 0) as excluded
    from ids join units u on u.id = ids.unit_id order by u.code`,
  );
  const excludedByReason: Record<string, number> = {};
  for (const x of excluded) excludedByReason[x.reason] = (excludedByReason[x.reason] ?? 0) + 1;
  return {
    campaignId: c.id,
    state: c.state,
    generatedAt: c.generatedAt,
    options: c.generationOptions,
    sections: tot.sections,
    targets: tot.targets,
    eligibleStudents: tot.students,
    eligibilityRows: tot.rows,
    observations: tot.observations,
    byGroup: Object.fromEntries(groups.map((g) => [g.g, g.n])),
    excluded: excluded.map((x) => ({
      sectionId: x.section_id,
      sectionCode: x.section_code,
      courseCode: x.course_code,
      courseName: x.course_name,
      courseNameEn: x.course_name_en,
      unitId: x.unit_id,
      reason: x.reason,
    })),
    excludedByReason,
    units: perUnit.map((u) => ({
      unitId: u.unit_id,
      unitCode: u.code,
      unitName: u.name,
      sections: u.sections,
      targets: u.targets,
      eligibleStudents: u.students,
      eligibilityRows: u.rows,
      excludedSections: u.excluded,
    })),
  };
}
