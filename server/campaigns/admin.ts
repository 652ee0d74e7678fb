import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import {
  campaignCohorts,
  campaignInstruments,
  campaignReminders,
  campaigns,
  courses,
  employers,
  instrumentVersions,
  instruments,
  persons,
  sections,
  terms,
  units,
} from "@/db/schema";
import { INSTRUMENT_KINDS } from "@/db/schema/instruments";
import { col, queryOne, queryRows, queryValue } from "@/db/query";
import { unitScope, type UnitScope } from "../access/scope";
import { unitAncestorsSql } from "../org/tree";
import type { Secret } from "../anonymity/keys";
import { recordAudit } from "../kernel/audit";
import type { SessionUser } from "../auth/users";
import { DomainError } from "../kernel/errors";
import { invitationCounts } from "../invitations/invitations";
import { schoolYearOfCampaign } from "../scoring/compute";
import { campaignOutbox } from "../outbox/outbox";
import { commentReviewState } from "../comments/review";
import { assignmentSummary, generateAssignments, type GenerateOptions } from "./assign";
import { assertCanManageCampaign, closeCampaign, deleteCampaign, getCampaignRow, openCampaign, publishCampaign } from "./campaigns";
import { parseInput } from "../kernel/validate";
import {
  CAMPAIGN_MANAGE_ROLES,
  COHORT_OFFSETS,
  ENROLMENT_KINDS,
  INSTRUMENT_KIND_FOR,
  OBSERVER_GROUPS,
  SECTION_KINDS,
  TERM_KINDS,
  cohortYearFor,
  type CampaignKind,
  type InstrumentKind,
  type RaterGroup,
} from "./kinds";
import { listObservations, planObservations, type PlanObservationsOptions } from "./observe";
import { RATE_DIMENSIONS, ratesForActor, teacherRates, type RateReport, type TeacherRateReport } from "./rates";
import { listReports, officerCount } from "./reports";
import { readableAnswers, surveysOf } from "../instruments/readable";
import { idSchema } from "../kernel/ids";

/**
 * What the quality office's campaign pages need beyond the campaign domain: the list and
 * detail of the campaigns an actor may see, the creation form's options, the settings,
 * and each action wrapped in the actor check (generateAssignments, planObservations,
 * openCampaign and closeCampaign do not check the actor themselves).
 *
 * Who sees what: the quality office every campaign (school-wide scope); a unit admin
 * manages the campaigns whose scope unit lies within its units, and follows, read-only,
 * those that cover its units from above (the school's, or a parent unit's): their
 * overview and their rates, restricted to its own units (ratesForActor).
 */

const TRACKING_KINDS: readonly CampaignKind[] = ["graduate_tracking", "employer_tracking"];
const isManager = (actor: SessionUser) => actor.roles.some((g) => (CAMPAIGN_MANAGE_ROLES as readonly string[]).includes(g.role));

type Visibility = { scope: UnitScope; /** scope units whose campaigns the actor follows read-only */ above: number[] };

async function visibility(db: DbOrTx, actor: SessionUser): Promise<Visibility> {
  if (!isManager(actor)) throw new DomainError("FORBIDDEN", "campaigns.errors.forbidden");
  const scope = await unitScope(db, actor, CAMPAIGN_MANAGE_ROLES);
  if (scope === "all") return { scope, above: [] };
  const roots = [...new Set(actor.roles.filter((g) => g.role === "unit_admin" && g.unitId !== null).map((g) => g.unitId as number))];
  if (roots.length === 0) return { scope, above: [] };
  const above = (await queryRows(db, { id: col.int }, unitAncestorsSql(roots))).map((r) => r.id).filter((id) => !scope.includes(id));
  return { scope, above };
}

const manages = (v: Visibility, scopeUnitId: number | null) => v.scope === "all" || (scopeUnitId !== null && v.scope.includes(scopeUnitId));
const follows = (v: Visibility, scopeUnitId: number | null) =>
  manages(v, scopeUnitId) || scopeUnitId === null || v.above.includes(scopeUnitId);

function visibleWhere(v: Visibility): SQL | undefined {
  if (v.scope === "all") return undefined;
  const ids = [...v.scope, ...v.above];
  return or(isNull(campaigns.scopeUnitId), ids.length ? inArray(campaigns.scopeUnitId, ids) : undefined);
}

/** Refuses unless the actor may at least follow the campaign; says whether it may manage it. */
async function assertCanSeeCampaign(db: DbOrTx, actor: SessionUser, campaignId: number) {
  const c = await getCampaignRow(db, campaignId);
  const v = await visibility(db, actor);
  if (!follows(v, c.scopeUnitId)) throw new DomainError("FORBIDDEN", "campaigns.errors.outsideScope");
  return { campaign: c, manage: manages(v, c.scopeUnitId), visibility: v };
}

/** Runs `fn` once the actor is allowed to manage the campaign. */
async function managed<T>(db: DbOrTx, actor: SessionUser, campaignId: number, fn: () => Promise<T>): Promise<T> {
  await assertCanManageCampaign(db, actor, campaignId);
  return fn();
}

// ---------------------------------------------------------------------------------------------
// List

export type CampaignListRow = {
  id: number;
  kind: CampaignKind;
  name: string;
  state: string;
  manage: boolean;
  termId: number | null;
  termCode: string | null;
  scopeUnitId: number | null;
  scopeUnitName: string | null;
  scopeUnitNameEn: string | null;
  opensAt: Date;
  closesAt: Date;
  createdAt: Date;
  targets: number;
  eligible: number;
  responded: number;
  rate: number | null;
};

/**
 * Targets, eligible raters (student eligibility not excluded, invitations) and responses
 * (answered or declined) per campaign, in one query; `unitsOnly` restricts the campaigns
 * the actor only follows to the targets of its units (as ratesForActor does).
 */
async function campaignCounts(db: DbOrTx, ids: number[], unitsOnly: { campaigns: number[]; units: number[] }) {
  if (ids.length === 0) return new Map<number, { targets: number; eligible: number; responded: number }>();
  const list = (xs: number[]) =>
    xs.length
      ? sql.join(
          xs.map((x) => sql`${x}`),
          sql`, `,
        )
      : sql`null`;
  const rows = await queryRows(
    db,
    { id: col.int, targets: col.int, eligible: col.int, responded: col.int },
    sql`
    with tg as (
      select t.id, t.campaign_id from campaign_targets t
        left join sections s on s.id = t.section_id left join courses co on co.id = s.course_id
        left join graduate_cohorts gc on gc.id = t.cohort_id left join programmes p on p.id = gc.programme_id
      where t.campaign_id in (${list(ids)})
        ${
          unitsOnly.campaigns.length === 0
            ? sql``
            : sql`and (t.campaign_id not in (${list(unitsOnly.campaigns)}) or coalesce(co.unit_id, p.unit_id) in (${list(unitsOnly.units)}))`
        }
    ),
    nt as (select campaign_id, count(*)::int as n from tg group by 1),
    el as (
      select campaign_id, sum(n)::int as n from (
        select tg.campaign_id, count(*) as n from eligibility e join tg on tg.id = e.target_id
          where e.rater_group = 'student' and not e.excluded group by 1
        union all
        select tg.campaign_id, count(*) from invitations i join tg on tg.id = i.target_id group by 1
      ) x group by 1
    ),
    rs as (select tg.campaign_id, count(*)::int as n from (
        select r.target_id from responses r
        union all -- accepted, still sealed while the campaign runs
        select st.target_id from spent_tokens st where not exists (select 1 from responses r where r.spent_token_hash = st.hash)
      ) x join tg on tg.id = x.target_id group by 1)
    select c.id, coalesce(nt.n, 0) as targets, coalesce(el.n, 0) as eligible, coalesce(rs.n, 0) as responded
    from campaigns c left join nt on nt.campaign_id = c.id left join el on el.campaign_id = c.id left join rs on rs.campaign_id = c.id
    where c.id in (${list(ids)})`,
  );
  return new Map(rows.map((r) => [r.id, { targets: r.targets, eligible: r.eligible, responded: r.responded }]));
}

/** The campaigns the actor may see, newest window first, with their targets and overall response rate. */
export async function listCampaigns(db: DbOrTx, actor: SessionUser): Promise<CampaignListRow[]> {
  const v = await visibility(db, actor);
  const rows = await db
    .select({
      id: campaigns.id,
      kind: campaigns.kind,
      name: campaigns.name,
      state: campaigns.state,
      termId: campaigns.termId,
      termCode: terms.code,
      scopeUnitId: campaigns.scopeUnitId,
      scopeUnitName: units.name,
      scopeUnitNameEn: units.nameEn,
      opensAt: campaigns.opensAt,
      closesAt: campaigns.closesAt,
      createdAt: campaigns.createdAt,
    })
    .from(campaigns)
    .leftJoin(terms, eq(terms.id, campaigns.termId))
    .leftJoin(units, eq(units.id, campaigns.scopeUnitId))
    .where(visibleWhere(v))
    .orderBy(desc(campaigns.opensAt), desc(campaigns.id));
  const followed = rows.filter((r) => !manages(v, r.scopeUnitId)).map((r) => r.id);
  const counts = await campaignCounts(
    db,
    rows.map((r) => r.id),
    { campaigns: followed, units: v.scope === "all" ? [] : v.scope },
  );
  return rows.map((r) => {
    const n = counts.get(r.id) ?? { targets: 0, eligible: 0, responded: 0 };
    return { ...r, manage: manages(v, r.scopeUnitId), ...n, rate: n.eligible > 0 ? Math.min(1, n.responded / n.eligible) : null };
  });
}

// ---------------------------------------------------------------------------------------------
// Detail

/** The rater groups a kind of campaign has, each with the instrument kind it answers. */
export function groupsOfKind(kind: CampaignKind): { group: RaterGroup; instrumentKind: InstrumentKind }[] {
  return Object.entries(INSTRUMENT_KIND_FOR[kind]).map(([group, instrumentKind]) => ({
    group: group as RaterGroup,
    instrumentKind: instrumentKind,
  }));
}

/**
 * One campaign as its page shows it. A campaign the actor only follows comes without its
 * assignment, keys and invitations (manage: false): the page shows its overview and rates.
 */
export async function campaignDetail(db: DbOrTx, actor: SessionUser, campaignId: number) {
  const { campaign: c, manage } = await assertCanSeeCampaign(db, actor, campaignId);
  const [term] = c.termId === null ? [] : await db.select({ code: terms.code }).from(terms).where(eq(terms.id, c.termId));
  const [unit] =
    c.scopeUnitId === null
      ? []
      : await db.select({ name: units.name, nameEn: units.nameEn }).from(units).where(eq(units.id, c.scopeUnitId));
  const [creator] = c.createdBy === null ? [] : await db.select({ name: persons.name }).from(persons).where(eq(persons.id, c.createdBy));
  const instrumentRows = await db
    .select({
      raterGroup: campaignInstruments.raterGroup,
      versionId: instrumentVersions.id,
      version: instrumentVersions.version,
      instrumentId: instruments.id,
      key: instruments.key,
      name: instruments.name,
      nameEn: instruments.nameEn,
    })
    .from(campaignInstruments)
    .innerJoin(instrumentVersions, eq(instrumentVersions.id, campaignInstruments.instrumentVersionId))
    .innerJoin(instruments, eq(instruments.id, instrumentVersions.instrumentId))
    .where(eq(campaignInstruments.campaignId, c.id));
  const order = groupsOfKind(c.kind).map((g) => g.group);
  instrumentRows.sort((a, b) => order.indexOf(a.raterGroup) - order.indexOf(b.raterGroup));
  const reminders = await db
    .select({ daysBefore: campaignReminders.daysBefore, sentOn: campaignReminders.sentOn, recipients: campaignReminders.recipients })
    .from(campaignReminders)
    .where(eq(campaignReminders.campaignId, c.id))
    .orderBy(desc(campaignReminders.daysBefore));
  const cohorts = (
    await db
      .select({ graduationYear: campaignCohorts.graduationYear, offsetYears: campaignCohorts.offsetYears })
      .from(campaignCohorts)
      .where(eq(campaignCohorts.campaignId, c.id))
      .orderBy(desc(campaignCohorts.graduationYear))
  ).map((k) => ({ graduationYear: k.graduationYear, offsetYears: Number(k.offsetYears) }));
  const employerCount = await queryValue(
    db,
    col.int,
    sql`
    select count(*)::int as employers from campaign_employers where campaign_id = ${c.id}`,
  );
  const tracking = TRACKING_KINDS.includes(c.kind);
  const observerInstrument = instrumentRows.some((i) => (OBSERVER_GROUPS as readonly string[]).includes(i.raterGroup));
  return {
    campaign: {
      id: c.id,
      kind: c.kind,
      name: c.name,
      state: c.state,
      termId: c.termId,
      termCode: term?.code ?? null,
      scopeUnitId: c.scopeUnitId,
      scopeUnitName: unit?.name ?? null,
      scopeUnitNameEn: unit?.nameEn ?? null,
      opensAt: c.opensAt,
      closesAt: c.closesAt,
      createdAt: c.createdAt,
      createdByName: creator?.name ?? null,
      generatedAt: c.generatedAt,
      generationOptions: c.generationOptions,
      openedAt: c.openedAt,
      closedAt: c.closedAt,
      source: c.source,
      schoolYear: await schoolYearOfCampaign(db, c.id),
    },
    manage,
    groups: groupsOfKind(c.kind),
    // In the planner's order of preference (a person eligible in several groups observes in the first).
    observerGroups: OBSERVER_GROUPS.filter((g) => INSTRUMENT_KIND_FOR[c.kind][g] !== undefined),
    sectionKind: SECTION_KINDS.includes(c.kind),
    // Eligibility from enrolment (students, self): the assignment shows its students and rows.
    enrolmentKind: ENROLMENT_KINDS.includes(c.kind),
    // The observation tabs (plan, progress, records) only where observers take part: an
    // observation round collected here (an imported term has no assignments), or an
    // end-of-term campaign with an observers' instrument that is still a draft (observers
    // may be planned) or has planned observations.
    observationsTab:
      SECTION_KINDS.includes(c.kind) &&
      c.source !== "import" &&
      (c.kind === "observation_round" || (observerInstrument && (c.state === "draft" || (await hasObservations(db, c.id))))),
    // Information officers' reports: the campaign's reports tab, and who may report.
    reports: c.kind === "info_officer",
    officers: c.kind === "info_officer" ? await officerCount(db, c) : null,
    tracking,
    instruments: instrumentRows,
    settings: { reminderDays: c.reminderDays, observersNamedToTeacher: c.observersNamedToTeacher },
    reminders,
    cohorts,
    employers: employerCount,
    summary: manage ? await assignmentSummary(db, c.id) : null,
    keys: manage ? await keyProgressOf(db, c.id) : null,
    invitations: manage && tracking ? await invitationCounts(db, c.id) : null,
  };
}

export type CampaignDetail = Awaited<ReturnType<typeof campaignDetail>>;

async function hasObservations(db: DbOrTx, campaignId: number) {
  return await queryValue(
    db,
    col.bool,
    sql`
    select exists (select 1 from observation_assignments o join campaign_targets t on t.id = o.target_id where t.campaign_id = ${campaignId}) as found`,
  );
}

async function keyProgressOf(db: DbOrTx, campaignId: number) {
  return queryOne(
    db,
    { targets: col.int, ready: col.int },
    sql`
    select count(*)::int as targets, count(k.target_id)::int as ready
    from campaign_targets t left join target_keys k on k.target_id = t.id where t.campaign_id = ${campaignId}`,
  );
}

/** How many of the campaign's targets have their signing key (the page polls it while opening). */
export async function keyProgress(db: DbOrTx, actor: SessionUser, campaignId: number) {
  return managed(db, actor, campaignId, () => keyProgressOf(db, campaignId));
}

// ---------------------------------------------------------------------------------------------
// Form options

/**
 * What the creation form offers the actor: terms; the approved versions of each
 * instrument kind (latest approved first); the units it may scope a campaign to (and
 * whether the whole school); graduation years with their cohorts in scope; employers.
 */
export async function campaignFormOptions(db: DbOrTx, actor: SessionUser, now: Date = new Date()) {
  const { scope } = await visibility(db, actor);
  const termRows = await db
    .select({ id: terms.id, code: terms.code, isCurrent: terms.isCurrent, startsOn: terms.startsOn, endsOn: terms.endsOn })
    .from(terms)
    .orderBy(desc(terms.startsOn));
  const versionRows = await db
    .select({
      id: instrumentVersions.id,
      version: instrumentVersions.version,
      approvedAt: instrumentVersions.approvedAt,
      instrumentId: instruments.id,
      kind: instruments.kind,
      key: instruments.key,
      name: instruments.name,
      nameEn: instruments.nameEn,
    })
    .from(instrumentVersions)
    .innerJoin(instruments, eq(instruments.id, instrumentVersions.instrumentId))
    .where(eq(instrumentVersions.status, "approved"))
    .orderBy(desc(instrumentVersions.approvedAt), desc(instrumentVersions.id));
  const versions = Object.fromEntries(INSTRUMENT_KINDS.map((k) => [k, versionRows.filter((r) => r.kind === k)])) as Record<
    InstrumentKind,
    typeof versionRows
  >;
  const unitRows = await db
    .select({ id: units.id, code: units.code, name: units.name, nameEn: units.nameEn, kind: units.kind, parentId: units.parentId })
    .from(units)
    .where(and(eq(units.active, true), scope === "all" ? undefined : scope.length ? inArray(units.id, scope) : sql`false`))
    .orderBy(asc(units.code));
  const unitCond =
    scope === "all"
      ? sql``
      : scope.length
        ? sql`where p.unit_id in (${sql.join(
            scope.map((u) => sql`${u}`),
            sql`, `,
          )})`
        : sql`where false`;
  const cohortYears = await queryRows(
    db,
    { year: col.int, cohorts: col.int, alumni: col.int },
    sql`
    select gc.graduation_year as year, count(distinct gc.id)::int as cohorts, count(a.id)::int as alumni
    from graduate_cohorts gc join programmes p on p.id = gc.programme_id left join alumni a on a.cohort_id = gc.id
    ${unitCond} group by 1 order by 1 desc`,
  );
  const employerRows = await db
    .select({ id: employers.id, code: employers.code, name: employers.name })
    .from(employers)
    .orderBy(asc(employers.name))
    .limit(EMPLOYER_CHOICES + 1);
  const employerCount = await queryValue(db, col.int, sql`select count(*)::int as n from employers`);
  return {
    now,
    terms: termRows,
    kinds: (Object.keys(INSTRUMENT_KIND_FOR) as CampaignKind[]).map((kind) => ({
      kind,
      groups: groupsOfKind(kind),
      term: TERM_KINDS.includes(kind),
      cohorts: kind === "graduate_tracking",
      employers: kind === "employer_tracking",
    })),
    versions,
    wholeSchool: scope === "all",
    units: unitRows,
    offsets: [...COHORT_OFFSETS],
    cohortYears,
    employerCount,
    // A long list is searched in the form; beyond EMPLOYER_CHOICES only "all" is offered.
    employers: employerRows.length > EMPLOYER_CHOICES ? null : employerRows,
  };
}

export const EMPLOYER_CHOICES = 2000;

/** The graduation year a wave opening at `opensAt` surveys at each offset (the form prefills with it). */
export function cohortYearsFor(opensAt: Date) {
  return COHORT_OFFSETS.map((offsetYears) => ({ offsetYears, graduationYear: cohortYearFor(opensAt, offsetYears) }));
}

// ---------------------------------------------------------------------------------------------
// Settings

export const settingsInput = z
  .object({
    reminderDays: z
      .array(
        z
          .number("campaigns.errors.badReminderDay")
          .int("campaigns.errors.badReminderDay")
          .min(0, "campaigns.errors.badReminderDay")
          .max(60, "campaigns.errors.badReminderDay"),
        "campaigns.errors.badReminderDay",
      )
      .max(5, "campaigns.errors.tooManyReminders"),
    observersNamedToTeacher: z.boolean("campaigns.errors.invalidInput"),
  })
  .strict();

export type CampaignSettings = z.input<typeof settingsInput>;

/** Reminder days (0–60 days before closing, at most 5) and whether observers are named to the teacher; draft or open only. */
export async function updateCampaignSettings(db: DbOrTx, actor: SessionUser, campaignId: number, raw: CampaignSettings) {
  const input = parseInput(settingsInput, raw);
  const c = await assertCanManageCampaign(db, actor, campaignId);
  if (c.state !== "draft" && c.state !== "open") throw new DomainError("CONFLICT", "campaigns.errors.settingsFrozen", { state: c.state });
  const reminderDays = [...new Set(input.reminderDays)].sort((a, b) => b - a);
  const [row] = await db
    .update(campaigns)
    .set({ reminderDays, observersNamedToTeacher: input.observersNamedToTeacher })
    .where(eq(campaigns.id, campaignId))
    .returning({ reminderDays: campaigns.reminderDays, observersNamedToTeacher: campaigns.observersNamedToTeacher });
  await recordAudit(db, { actorId: actor.id, action: "campaign.settings", subject: `campaign ${campaignId}`, detail: row });
  return row;
}

// ---------------------------------------------------------------------------------------------
// Actions, each behind the actor check

export function generateFor(db: DbOrTx, actor: SessionUser, campaignId: number, options: GenerateOptions = {}) {
  return managed(db, actor, campaignId, () => generateAssignments(db, campaignId, options));
}

export function planObservationsFor(db: DbOrTx, actor: SessionUser, campaignId: number, options: PlanObservationsOptions) {
  return managed(db, actor, campaignId, () => planObservations(db, campaignId, options));
}

/** Opens the campaign (making the targets' signing keys first, ~0.1 s each). */
export function openFor(db: DbOrTx, actor: SessionUser, campaignId: number, now: Date, secret: Secret) {
  return managed(db, actor, campaignId, () => openCampaign(db, campaignId, now, actor.id, secret));
}

/** Closes the campaign; its sealed pool becomes responses at once. */
export function closeFor(db: DbOrTx, actor: SessionUser, campaignId: number, now: Date, secret: Secret) {
  return managed(db, actor, campaignId, () => closeCampaign(db, campaignId, now, actor.id, secret));
}

/** Deletes a draft campaign (refused once opened). */
export function deleteCampaignFor(db: DbOrTx, actor: SessionUser, campaignId: number) {
  return deleteCampaign(db, actor, campaignId);
}

/**
 * Publishes the results, once the students' comments of the campaign are reviewed (every
 * comment that may be released decided on: server/comments/review.ts commentReviewState);
 * while some are pending, refused with campaigns.errors.commentsPending {pending}.
 */
export function publishFor(db: DbOrTx, actor: SessionUser, campaignId: number, now: Date) {
  return managed(db, actor, campaignId, async () => {
    const review = await commentReviewState(db, campaignId);
    if (review.state === "pending")
      throw new DomainError("CONFLICT", "campaigns.errors.commentsPending", { pending: review.counts.pending, total: review.counts.total });
    return publishCampaign(db, campaignId, now, actor.id);
  });
}

export function outboxFor(db: DbOrTx, actor: SessionUser, campaignId: number) {
  return managed(db, actor, campaignId, () => campaignOutbox(db, campaignId));
}

export type ObservationRow = {
  targetId: number;
  sectionId: number;
  sectionCode: string;
  courseCode: string;
  courseName: string;
  courseNameEn: string | null;
  teacherId: number;
  teacherName: string;
  observerId: number;
  observerNumber: string;
  observerName: string;
  raterGroup: string;
};

/** The observation assignments with the names of sections, teachers and observers (for the quality office's review). */
export async function observationsFor(db: DbOrTx, actor: SessionUser, campaignId: number): Promise<ObservationRow[]> {
  const list = await managed(db, actor, campaignId, () => listObservations(db, campaignId));
  if (list.length === 0) return [];
  const people = new Map(
    (
      await db
        .select({ id: persons.id, number: persons.number, name: persons.name })
        .from(persons)
        .where(inArray(persons.id, [...new Set(list.flatMap((o) => [o.teacherId, o.observerId]))]))
    ).map((p) => [p.id, p]),
  );
  const secs = new Map(
    (
      await db
        .select({ id: sections.id, code: sections.code, courseCode: courses.code, courseName: courses.name, courseNameEn: courses.nameEn })
        .from(sections)
        .innerJoin(courses, eq(courses.id, sections.courseId))
        .where(inArray(sections.id, [...new Set(list.map((o) => o.sectionId))]))
    ).map((s) => [s.id, s]),
  );
  return list.map((o) => {
    const s = secs.get(o.sectionId);
    const observer = people.get(o.observerId);
    return {
      ...o,
      sectionCode: s?.code ?? "",
      courseCode: s?.courseCode ?? "",
      courseName: s?.courseName ?? "",
      courseNameEn: s?.courseNameEn ?? null,
      teacherName: people.get(o.teacherId)?.name ?? "",
      observerNumber: observer?.number ?? "",
      observerName: observer?.name ?? "",
    };
  });
}

export const ratesRequest = z.object({ campaignId: idSchema, by: z.enum(RATE_DIMENSIONS).optional() }).strict();

/**
 * Rates as ratesForActor gives them, once the campaign is one the actor may see: a unit
 * admin asking for another unit's campaign is refused rather than shown empty rows (a
 * manager who also teaches there gets the teacher's view of it).
 */
export async function ratesFor(db: DbOrTx, actor: SessionUser, raw: z.input<typeof ratesRequest>): Promise<RateReport | TeacherRateReport> {
  const input = parseInput(ratesRequest, raw);
  if (isManager(actor)) {
    const c = await getCampaignRow(db, input.campaignId);
    if (!follows(await visibility(db, actor), c.scopeUnitId)) {
      if (!actor.roles.some((g) => g.role === "teacher")) throw new DomainError("FORBIDDEN", "campaigns.errors.ratesForbidden");
      return teacherRates(db, input.campaignId, actor.id);
    }
  }
  return ratesForActor(db, actor, input);
}

/**
 * An information-officer campaign's reports for the reader: the quality office reads them
 * all with the officer's name; a unit admin (managing or following the campaign) reads the
 * reports whose responsible unit is one of its units, without the name. Nobody else.
 */
export async function reportsFor(db: DbOrTx, actor: SessionUser, campaignId: number, locale: "zh" | "en") {
  const { campaign: c, visibility: v } = await assertCanSeeCampaign(db, actor, campaignId);
  if (c.kind !== "info_officer") throw new DomainError("BAD_REQUEST", "campaigns.errors.noReports");
  const named = v.scope === "all" && actor.roles.some((g) => g.role === "quality_admin");
  return { named, rows: await listReports(db, campaignId, { units: v.scope, named, locale }) };
}

// ---------------------------------------------------------------------------------------------
// Observation rounds: progress and the named records

const assignmentRow = {
  id: col.int,
  observer_id: col.int,
  observer_name: col.text,
  observer_number: col.text,
  rater_group: col.text,
  section_id: col.int,
  section_code: col.text,
  course_code: col.text,
  course_name: col.text,
  course_name_en: col.text.nullable,
  teacher_name: col.text.nullable,
  unit_id: col.int,
  unit_name: col.text,
  unit_name_en: col.text.nullable,
  planned_on: col.text.nullable,
  done: col.bool,
  observed_on: col.text.nullable,
};

export type VisitStatus = "done" | "partial" | "pending";
const rate = (done: number, due: number) => (due > 0 ? done / due : null);

/**
 * Progress of a campaign's observations. The unit counted is the record (听课记录): one per
 * observer and teacher target, so a co-taught section gives each of its teachers a record
 * from each observer. A visit (听课) is one observer in one section: done when all its
 * records are in, partial when some are. Completion (records done / due) per observer and
 * per unit (the unit offering the course).
 */
export async function observationProgressFor(db: DbOrTx, actor: SessionUser, campaignId: number) {
  await assertCanManageCampaign(db, actor, campaignId);
  const rows = await queryRows(
    db,
    assignmentRow,
    sql`
    select o.id, o.observer_id, ob.name as observer_name, ob.number as observer_number, o.rater_group::text as rater_group,
      t.section_id, s.code as section_code, co.code as course_code, co.name as course_name, co.name_en as course_name_en, te.name as teacher_name,
      co.unit_id, u.name as unit_name, u.name_en as unit_name_en, o.planned_on::text as planned_on,
      (r.id is not null) as done, r.observed_on::text as observed_on
    from observation_assignments o join campaign_targets t on t.id = o.target_id join persons ob on ob.id = o.observer_id
      join sections s on s.id = t.section_id join courses co on co.id = s.course_id join units u on u.id = co.unit_id
      left join persons te on te.id = t.teacher_id left join observation_records r on r.assignment_id = o.id
    where t.campaign_id = ${campaignId}
    order by co.code, s.code, ob.number, te.name`,
  );
  type Visit = {
    key: string;
    sectionId: number;
    sectionCode: string;
    courseCode: string;
    courseName: string;
    courseNameEn: string | null;
    teachers: string[];
    observerId: number;
    observerName: string;
    observerNumber: string;
    raterGroup: string;
    unitId: number;
    plannedOn: string | null;
    due: number;
    done: number;
    lastOn: string | null;
    status: VisitStatus;
  };
  const visits = new Map<string, Visit>();
  const observers = new Map<
    number,
    { observerId: number; observerName: string; observerNumber: string; raterGroup: string; due: number; done: number; rate: number | null }
  >();
  const unitsMap = new Map<
    number,
    { unitId: number; unitName: string; unitNameEn: string | null; due: number; done: number; rate: number | null }
  >();
  let done = 0;
  for (const r of rows) {
    const key = `${r.section_id}|${r.observer_id}`;
    let v = visits.get(key);
    if (!v) {
      v = {
        key,
        sectionId: r.section_id,
        sectionCode: r.section_code,
        courseCode: r.course_code,
        courseName: r.course_name,
        courseNameEn: r.course_name_en,
        teachers: [],
        observerId: r.observer_id,
        observerName: r.observer_name,
        observerNumber: r.observer_number,
        raterGroup: r.rater_group,
        unitId: r.unit_id,
        plannedOn: r.planned_on,
        due: 0,
        done: 0,
        lastOn: null,
        status: "pending",
      };
      visits.set(key, v);
    }
    v.due++;
    if (r.teacher_name) v.teachers.push(r.teacher_name);
    if (r.done) {
      v.done++;
      done++;
      if (r.observed_on && (v.lastOn === null || r.observed_on > v.lastOn)) v.lastOn = r.observed_on;
    }
    const o = observers.get(r.observer_id) ?? {
      observerId: r.observer_id,
      observerName: r.observer_name,
      observerNumber: r.observer_number,
      raterGroup: r.rater_group,
      due: 0,
      done: 0,
      rate: null,
    };
    o.due++;
    if (r.done) o.done++;
    observers.set(o.observerId, o);
    const u = unitsMap.get(r.unit_id) ?? {
      unitId: r.unit_id,
      unitName: r.unit_name,
      unitNameEn: r.unit_name_en,
      due: 0,
      done: 0,
      rate: null,
    };
    u.due++;
    if (r.done) u.done++;
    unitsMap.set(u.unitId, u);
  }
  for (const v of visits.values()) v.status = v.done === v.due ? "done" : v.done > 0 ? "partial" : "pending";
  const byVisit = [...visits.values()];
  const byObserver = [...observers.values()]
    .map((o) => ({ ...o, rate: rate(o.done, o.due) }))
    .sort((a, b) => a.observerNumber.localeCompare(b.observerNumber));
  const byUnit = [...unitsMap.values()].map((u) => ({ ...u, rate: rate(u.done, u.due) })).sort((a, b) => a.unitId - b.unitId);
  return {
    records: { due: rows.length, done },
    visits: { due: byVisit.length, done: byVisit.filter((v) => v.status === "done").length },
    byVisit,
    byObserver,
    byUnit,
  };
}

/**
 * The named observation records of a campaign (听课记录), newest visit first: observer,
 * teacher, section, day, the observer's comment and the answers as the reader reads them.
 * For those who manage the campaign (the quality office; a unit admin its own unit's round).
 */
export async function observationRecordsFor(db: DbOrTx, actor: SessionUser, campaignId: number, locale: "zh" | "en") {
  await assertCanManageCampaign(db, actor, campaignId);
  const rows = await queryRows(
    db,
    {
      id: col.int,
      observer_name: col.text,
      observer_number: col.text,
      rater_group: col.text,
      teacher_name: col.text.nullable,
      section_code: col.text,
      course_code: col.text,
      course_name: col.text,
      course_name_en: col.text.nullable,
      observed_on: col.text,
      submitted_at: col.date,
      comment: col.text.nullable,
      version_id: col.int,
      answers: col.json<unknown>(),
      score: col.num.nullable,
    },
    sql`
    select r.id, ob.name as observer_name, ob.number as observer_number, o.rater_group::text as rater_group, te.name as teacher_name,
      s.code as section_code, co.code as course_code, co.name as course_name, co.name_en as course_name_en, r.observed_on::text as observed_on, r.submitted_at,
      r.comment, r.instrument_version_id as version_id, r.answers,
      (select rs.total from response_scores rs where rs.observation_id = r.id) as score
    from observation_records r join observation_assignments o on o.id = r.assignment_id join campaign_targets t on t.id = o.target_id
      join persons ob on ob.id = r.observer_id left join persons te on te.id = t.teacher_id
      join sections s on s.id = t.section_id join courses co on co.id = s.course_id
    where t.campaign_id = ${campaignId}
    order by r.observed_on desc, r.id desc`,
  );
  const surveys = await surveysOf(
    db,
    rows.map((r) => r.version_id),
  );
  return rows.map((r) => ({
    recordId: r.id,
    observerName: r.observer_name,
    observerNumber: r.observer_number,
    raterGroup: r.rater_group,
    teacherName: r.teacher_name ?? "",
    sectionCode: r.section_code,
    courseCode: r.course_code,
    courseName: r.course_name,
    courseNameEn: r.course_name_en,
    observedOn: r.observed_on,
    submittedAt: r.submitted_at,
    comment: r.comment,
    /** 0–100 (the instrument's weighted score); null when it scores nothing */
    score: r.score === null ? null : Math.round(r.score * 10) / 10,
    answers: readableAnswers(surveys.get(r.version_id), r.answers, locale),
  }));
}
