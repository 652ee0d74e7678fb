import { and, count, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import {
  campaignCohorts,
  campaignEmployers,
  campaignInstruments,
  campaignTargets,
  campaigns,
  employers,
  graduateCohorts,
  instruments,
  programmes,
  terms,
  units,
} from "@/db/schema";
import { CAMPAIGN_KINDS, RATER_GROUPS } from "@/db/schema/campaigns";
import { col, queryRows, queryValue, one } from "@/db/query";
import { inScope, unitScope } from "../access/scope";
import { unitSubtreeSql } from "../org/tree";
import { recordAudit } from "../kernel/audit";
import type { SessionUser } from "../auth/users";
import { DomainError, notFound } from "../kernel/errors";
import { parseInput } from "../kernel/validate";
import { requireApprovedVersion } from "../instruments/versions";
import type { Secret } from "../anonymity/keys";
import { flushPool } from "../anonymity/pool";
import { ensureTargetKeys } from "../anonymity/targetkeys";
import {
  ANONYMOUS_GROUPS,
  CAMPAIGN_MANAGE_ROLES,
  COHORT_OFFSETS,
  INSTRUMENT_KIND_FOR,
  TERM_KINDS,
  cohortYearFor,
  type CampaignKind,
  type RaterGroup,
} from "./kinds";
import { officerCount } from "./reports";
import { checkStep, moveCampaign } from "./states";
import type { GroupKey } from "../i18n/messages";
import { idSchema } from "../kernel/ids";

/**
 * Campaigns (评价活动): the quality office, or a unit admin for its own unit, creates a
 * campaign in draft with its window and the approved instrument version of each rater
 * group; the rater assignment is generated and reviewed (assign.ts, observe.ts); then it
 * opens (the instrument versions are frozen, also by a trigger) and closes.
 */

const bad = (code: GroupKey<"campaigns.errors">, params?: Record<string, string | number>, details?: unknown) =>
  new DomainError("BAD_REQUEST", `campaigns.errors.${code}`, params, details);
const conflict = (code: GroupKey<"campaigns.errors">, params?: Record<string, string | number>) =>
  new DomainError("CONFLICT", `campaigns.errors.${code}`, params);

const id = idSchema;
const date = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), "campaigns.errors.badDate");

export const instrumentList = z
  .array(
    z.object({
      raterGroup: z.enum(RATER_GROUPS, "campaigns.errors.badRaterGroup"),
      instrumentVersionId: id,
    }),
    "campaigns.errors.instrumentsRequired",
  )
  .min(1, "campaigns.errors.instrumentsRequired")
  .refine((xs) => new Set(xs.map((x) => x.raterGroup)).size === xs.length, "campaigns.errors.duplicateRaterGroup");

export const createCampaignInput = z
  .object({
    kind: z.enum(CAMPAIGN_KINDS, "campaigns.errors.badKind"),
    name: z.string("campaigns.errors.nameRequired").trim().min(1, "campaigns.errors.nameRequired").max(200, "campaigns.errors.nameTooLong"),
    termId: id.nullish(),
    // null or absent: the whole school (quality office only).
    scopeUnitId: id.nullish(),
    opensAt: date,
    closesAt: date,
    instruments: instrumentList,
    // graduate_tracking: the graduating years surveyed, each 0.5, 3 or 5 years after graduation.
    cohorts: z
      .array(
        z.object({
          graduationYear: z.number().int().min(1950).max(2200),
          offsetYears: z.union(
            COHORT_OFFSETS.map((o) => z.literal(o)) as [z.ZodLiteral<0.5>, z.ZodLiteral<3>, z.ZodLiteral<5>],
            "campaigns.errors.badOffset",
          ),
        }),
      )
      .max(10)
      .optional(),
    // employer_tracking: the employers surveyed, or "all" (every employer on record now).
    employers: z.union([z.literal("all"), z.array(id).min(1, "campaigns.errors.employersRequired").max(100_000)]).optional(),
  })
  .strict()
  .refine((v) => v.opensAt < v.closesAt, { message: "campaigns.errors.windowOrder", path: ["closesAt"] });

export type CreateCampaignInput = z.input<typeof createCampaignInput>;

/** The units the actor may run campaigns for ("all": the school). */
async function manageScope(db: DbOrTx, actor: SessionUser) {
  if (!actor.roles.some((g) => (CAMPAIGN_MANAGE_ROLES as readonly string[]).includes(g.role))) {
    throw new DomainError("FORBIDDEN", "campaigns.errors.forbidden");
  }
  return unitScope(db, actor, CAMPAIGN_MANAGE_ROLES);
}

function assertScopeUnit(scope: "all" | number[], scopeUnitId: number | null) {
  if (scopeUnitId === null ? scope !== "all" : !inScope(scope, scopeUnitId)) {
    throw new DomainError("FORBIDDEN", "campaigns.errors.outsideScope");
  }
}

/** Refuses unless the actor may manage this campaign (its scope unit within theirs). */
export async function assertCanManageCampaign(db: DbOrTx, actor: SessionUser, campaignId: number) {
  const c = await getCampaignRow(db, campaignId);
  assertScopeUnit(await manageScope(db, actor), c.scopeUnitId);
  return c;
}

export async function getCampaignRow(db: DbOrTx, campaignId: number, opts: { lock?: boolean } = {}) {
  const q = db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  const [c] = opts.lock ? await q.for("update") : await q;
  if (!c) throw notFound("campaigns.errors.notFound");
  return c;
}

/** Checks each (group, version): the group fits the kind, the version is approved and of the group's instrument kind. */
async function checkInstruments(db: DbOrTx, kind: CampaignKind, list: { raterGroup: RaterGroup; instrumentVersionId: number }[]) {
  const allowed = INSTRUMENT_KIND_FOR[kind];
  for (const { raterGroup, instrumentVersionId } of list) {
    const want = allowed[raterGroup];
    if (!want) throw bad("groupNotForKind", { group: raterGroup, kind });
    const v = await requireApprovedVersion(db, instrumentVersionId);
    const inst = one(
      await db.select({ kind: instruments.kind, key: instruments.key }).from(instruments).where(eq(instruments.id, v.instrumentId)),
    );
    if (inst.kind !== want) throw bad("wrongInstrumentKind", { group: raterGroup, want, got: inst.kind, key: inst.key });
  }
}

/**
 * Creates a campaign in draft. Checks, before anything is stored: the input (zod), the
 * actor's scope (a unit admin only for a unit within its own; the whole school, scope
 * null, for the quality office), the term (term kinds) or cohorts (graduate tracking) or
 * employers (employer tracking), the window (opens before it closes, closes after `now`),
 * and each rater group's version (approved, of the instrument kind the group answers, see
 * INSTRUMENT_KIND_FOR).
 */
export async function createCampaign(db: DbOrTx, actor: SessionUser, raw: CreateCampaignInput, now: Date = new Date()) {
  const input = parseInput(createCampaignInput, raw);
  const scope = await manageScope(db, actor);
  const scopeUnitId = input.scopeUnitId ?? null;
  if (scopeUnitId !== null) {
    const [u] = await db.select({ id: units.id }).from(units).where(eq(units.id, scopeUnitId));
    if (!u) throw bad("unitNotFound");
  }
  assertScopeUnit(scope, scopeUnitId);
  if (input.closesAt <= now) throw bad("windowPast");

  const termKind = TERM_KINDS.includes(input.kind);
  let termId: number | null = null;
  if (termKind) {
    if (input.termId == null) throw bad("termRequired");
    const [t] = await db.select({ id: terms.id }).from(terms).where(eq(terms.id, input.termId));
    if (!t) throw bad("termNotFound");
    termId = t.id;
  } else if (input.termId != null) throw bad("termNotAllowed");

  const cohorts = input.cohorts ?? [];
  if (input.kind === "graduate_tracking") {
    if (cohorts.length === 0) throw bad("cohortsRequired");
    if (new Set(cohorts.map((c) => c.graduationYear)).size !== cohorts.length) throw bad("duplicateCohortYear");
    for (const c of cohorts) {
      // The wave surveys the cohort about `offsetYears` after it graduated (a year's leeway).
      if (Math.abs(c.graduationYear - cohortYearFor(input.opensAt, c.offsetYears)) > 1) {
        throw bad("cohortOffsetMismatch", {
          year: c.graduationYear,
          offset: c.offsetYears,
          expected: cohortYearFor(input.opensAt, c.offsetYears),
        });
      }
    }
    const found = await db
      .select({ n: count() })
      .from(graduateCohorts)
      .innerJoin(programmes, eq(programmes.id, graduateCohorts.programmeId))
      .where(
        and(
          inArray(
            graduateCohorts.graduationYear,
            cohorts.map((c) => c.graduationYear),
          ),
          scopeUnitId === null ? undefined : sql`${programmes.unitId} in (${unitSubtreeSql(scopeUnitId)})`,
        ),
      );
    if (one(found).n === 0) throw bad("noCohorts");
  } else if (input.cohorts !== undefined) throw bad("cohortsNotAllowed");

  let employerIds: number[] = [];
  if (input.kind === "employer_tracking") {
    if (input.employers === undefined) throw bad("employersRequired");
    if (input.employers === "all") {
      employerIds = (await db.select({ id: employers.id }).from(employers)).map((e) => e.id);
      if (employerIds.length === 0) throw bad("employersRequired");
    } else {
      employerIds = [...new Set(input.employers)];
      const rows = await db.select({ id: employers.id }).from(employers).where(inArray(employers.id, employerIds));
      if (rows.length !== employerIds.length) throw bad("employerNotFound");
    }
  } else if (input.employers !== undefined) throw bad("employersNotAllowed");

  await checkInstruments(db, input.kind, input.instruments);

  return db.transaction(async (tx) => {
    const c = one(
      await tx
        .insert(campaigns)
        .values({
          kind: input.kind,
          name: input.name,
          termId,
          scopeUnitId,
          opensAt: input.opensAt,
          closesAt: input.closesAt,
          createdBy: actor.id,
        })
        .returning(),
    );
    await tx.insert(campaignInstruments).values(input.instruments.map((i) => ({ campaignId: c.id, ...i })));
    if (input.kind === "graduate_tracking") {
      await tx.insert(campaignCohorts).values(
        cohorts.map((k) => ({
          campaignId: c.id,
          graduationYear: k.graduationYear,
          offsetYears: String(k.offsetYears),
        })),
      );
    }
    for (let i = 0; i < employerIds.length; i += 5000) {
      await tx.insert(campaignEmployers).values(employerIds.slice(i, i + 5000).map((e) => ({ campaignId: c.id, employerId: e })));
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: "campaign.create",
      subject: `campaign ${c.id}`,
      detail: { kind: c.kind, name: c.name, scopeUnitId, instruments: input.instruments },
    });
    return c;
  });
}

/**
 * Replaces a draft campaign's instrument versions (same checks as at creation). Refused
 * once the campaign has opened: it keeps the versions it opened with.
 */
export async function setCampaignInstruments(db: DbOrTx, actor: SessionUser, campaignId: number, raw: unknown) {
  const list = parseInput(instrumentList, raw);
  await assertCanManageCampaign(db, actor, campaignId);
  return db.transaction(async (tx) => {
    const c = await getCampaignRow(tx, campaignId, { lock: true });
    if (c.state !== "draft") throw conflict("instrumentsFrozen");
    await checkInstruments(tx, c.kind, list);
    await tx.delete(campaignInstruments).where(eq(campaignInstruments.campaignId, campaignId));
    await tx.insert(campaignInstruments).values(list.map((i) => ({ campaignId, ...i })));
    await recordAudit(tx, { actorId: actor.id, action: "campaign.instruments", subject: `campaign ${campaignId}`, detail: list });
  });
}

/** The rater groups a campaign's assignment needs an instrument for (eligibility, observations, invitations' targets). */
export async function groupsInUse(db: DbOrTx, campaignId: number): Promise<RaterGroup[]> {
  const rows = await queryRows(
    db,
    { g: col.oneOf(RATER_GROUPS) },
    sql`
    select distinct e.rater_group::text as g from eligibility e join campaign_targets t on t.id = e.target_id
      where t.campaign_id = ${campaignId} and not e.excluded
    union select distinct o.rater_group::text from observation_assignments o join campaign_targets t on t.id = o.target_id
      where t.campaign_id = ${campaignId}
    union select 'alumni' where exists (select 1 from campaign_targets where campaign_id = ${campaignId} and cohort_id is not null)
    union select 'employer' where exists (select 1 from campaign_targets where campaign_id = ${campaignId} and employer_id is not null)`,
  );
  return rows.map((r) => r.g).sort();
}

/** The rater groups of the campaign that answer anonymously with blind-signed tokens. */
export async function anonymousGroups(db: DbOrTx, campaignId: number): Promise<RaterGroup[]> {
  return (await groupsInUse(db, campaignId)).filter((g) => (ANONYMOUS_GROUPS as readonly string[]).includes(g));
}

/**
 * draft → open, at `now` within the window (opensAt ≤ now < closesAt), with at least one
 * target, an instrument version for every rater group the assignment uses and, when a
 * group answers anonymously, a signing key for every target (made first when `secret` is
 * given; otherwise keysNotReady).
 */
export async function openCampaign(db: DbOrTx, campaignId: number, now: Date = new Date(), actorId: number | null = null, secret?: Secret) {
  // Signing keys first (idempotent, ~0.1 s a target, outside the transaction): fixed from
  // now on, they are what respondents' browsers check against the published fingerprints.
  if (secret !== undefined) {
    const c = await getCampaignRow(db, campaignId);
    if (c.state === "draft" && (await anonymousGroups(db, campaignId)).length > 0) await ensureTargetKeys(db, campaignId, secret);
  }
  return db.transaction(async (tx) => {
    const c = await getCampaignRow(tx, campaignId, { lock: true });
    checkStep(c, "open");
    if (now < c.opensAt) throw conflict("notYetOpen");
    if (now >= c.closesAt) throw conflict("windowOver");
    const have = new Set(
      (
        await tx
          .select({ g: campaignInstruments.raterGroup })
          .from(campaignInstruments)
          .where(eq(campaignInstruments.campaignId, campaignId))
      ).map((r) => r.g),
    );
    if (c.kind === "info_officer") {
      // No targets: the officers in scope report, named, through the students' instrument.
      const officers = await officerCount(tx, c);
      if (officers === 0) throw conflict("noOfficers");
      if (!have.has("student")) throw conflict("missingInstrument", { groups: "student" });
      const row = await moveCampaign(tx, campaignId, "open", now);
      await recordAudit(tx, { actorId, action: "campaign.open", subject: `campaign ${campaignId}`, detail: { officers } });
      return row;
    }
    const { n } = one(await tx.select({ n: count() }).from(campaignTargets).where(eq(campaignTargets.campaignId, campaignId)));
    if (n === 0) throw conflict("noTargets");
    const missing = (await groupsInUse(tx, campaignId)).filter((g) => !have.has(g));
    if (missing.length) throw conflict("missingInstrument", { groups: missing.join(", ") });
    if ((await anonymousGroups(tx, campaignId)).length > 0) {
      const k = await queryValue(
        tx,
        col.int,
        sql`
        select count(*)::int as k from campaign_targets t left join target_keys tk on tk.target_id = t.id
        where t.campaign_id = ${campaignId} and tk.target_id is null`,
      );
      if (k > 0) throw conflict("keysNotReady", { count: k });
    }
    const row = await moveCampaign(tx, campaignId, "open", now);
    await recordAudit(tx, { actorId, action: "campaign.open", subject: `campaign ${campaignId}`, detail: { targets: n } });
    return row;
  });
}

/** open → closed (at the end of the window, or earlier when the office ends it). */
/**
 * Closes an open campaign. With the server secret, its sealed pool (the submissions accepted
 * while it ran) becomes responses in the same transaction (anonymity/pool.ts); without it, or
 * for a submission that raced the close, the scheduler's sweep does so within a minute.
 */
export async function closeCampaign(
  db: DbOrTx,
  campaignId: number,
  now: Date = new Date(),
  actorId: number | null = null,
  secret?: Secret,
) {
  return db.transaction(async (tx) => {
    const c = await getCampaignRow(tx, campaignId, { lock: true });
    checkStep(c, "close");
    const row = await moveCampaign(tx, campaignId, "close", now);
    if (secret !== undefined) await flushPool(tx, campaignId, secret, now);
    await recordAudit(tx, { actorId, action: "campaign.close", subject: `campaign ${campaignId}`, detail: { early: now < c.closesAt } });
    return row;
  });
}

/**
 * Publishes a closed campaign's results: from then on its teachers see their own figures
 * (those reported under the policy's minimum of raters) on their home page.
 */
export async function publishCampaign(db: DbOrTx, campaignId: number, now: Date = new Date(), actorId: number | null = null) {
  return db.transaction(async (tx) => {
    const c = await getCampaignRow(tx, campaignId, { lock: true });
    checkStep(c, "publish");
    const row = await moveCampaign(tx, campaignId, "publish", now);
    await recordAudit(tx, { actorId, action: "campaign.publish", subject: `campaign ${campaignId}`, detail: null });
    return row;
  });
}

/**
 * Deletes a draft campaign of any kind with all that was made for it (instrument choices,
 * targets, eligibility, exclusions, observation plan, keys), audited. Refused once it has
 * opened: from then on it holds answers and stays.
 */
export async function deleteCampaign(db: DbOrTx, actor: SessionUser, campaignId: number) {
  await assertCanManageCampaign(db, actor, campaignId);
  return db.transaction(async (tx) => {
    const c = await getCampaignRow(tx, campaignId, { lock: true });
    checkStep(c, "delete");
    await tx.delete(campaigns).where(eq(campaigns.id, campaignId));
    await recordAudit(tx, {
      actorId: actor.id,
      action: "campaign.delete",
      subject: `campaign ${campaignId}`,
      detail: { kind: c.kind, name: c.name, scopeUnitId: c.scopeUnitId },
    });
    return { id: campaignId };
  });
}

/** Refuses unless the campaign is a draft (assignment may only change before it opens). */
export function assertDraft(c: { state: string }) {
  if (c.state !== "draft") throw conflict("notDraft", { state: c.state });
}
