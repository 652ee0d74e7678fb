import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";
import { instrumentVersions } from "./instruments";
import { sections, terms, units } from "./org";
import { alumni, employerContacts, employers, graduateCohorts, persons } from "./people";

export const CAMPAIGN_KINDS = [
  "end_of_term", // 期末学生评教 (+ self-evaluation, peers)
  "observation_round", // 听课评课
  "self_evaluation", // 教师自评
  "info_officer", // 学生信息员
  "learning_experience", // 在校生学习体验调查
  "teaching_experience", // 教师教学体验调查
  "graduating_satisfaction", // 学习与成长满意度调查
  "graduate_tracking", // 毕业生跟踪调查
  "employer_tracking", // 用人单位跟踪调查
  "mid_term", // 期中教学反馈 (formative: server/campaigns/kinds.ts FORMATIVE_KINDS)
] as const;
export const campaignKind = pgEnum("campaign_kind", CAMPAIGN_KINDS);

export const RATER_GROUPS = ["student", "peer", "supervisor", "leader", "self", "alumni", "employer"] as const;
export const raterGroup = pgEnum("rater_group", RATER_GROUPS);

export const campaigns = pgTable(
  "campaigns",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    kind: campaignKind("kind").notNull(),
    name: text("name").notNull(),
    termId: integer("term_id").references(() => terms.id, { onDelete: "restrict" }),
    // null: whole school; set: run by a unit admin for that unit only
    scopeUnitId: integer("scope_unit_id").references(() => units.id, { onDelete: "restrict" }),
    opensAt: timestamp("opens_at", { withTimezone: true }).notNull(),
    closesAt: timestamp("closes_at", { withTimezone: true }).notNull(),
    state: text("state", { enum: ["draft", "open", "closed", "published"] })
      .notNull()
      .default("draft"),
    createdBy: integer("created_by").references(() => persons.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // The options the rater assignment was last generated with (server/campaigns/assign.ts),
    // and when: what reviewers see before the campaign opens.
    generationOptions: jsonb("generation_options").$type<Record<string, unknown>>(),
    generatedAt: timestamp("generated_at", { withTimezone: true }),
    openedAt: timestamp("opened_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    // Reminders to those who have not yet obtained their tokens: days before closing (e.g. [3]).
    reminderDays: smallint("reminder_days")
      .array()
      .notNull()
      .default(sql`'{3}'::smallint[]`),
    // Whether a teacher may see who observed their classes (peers, supervisors, leaders).
    observersNamedToTeacher: boolean("observers_named_to_teacher").notNull().default(false),
    // "import": a past term's results brought in from another system in the long format
    // (server/scoring/history.ts): closed from the start, no keys, no eligibility rows.
    source: text("source", { enum: ["platform", "import"] })
      .notNull()
      .default("platform"),
    publishedAt: timestamp("published_at", { withTimezone: true }),
  },
  (t) => [check("campaigns_window_ck", sql`${t.opensAt} < ${t.closesAt}`), index("campaigns_term_idx").on(t.termId)],
);

// Graduate tracking waves: which graduating years a campaign surveys, each with its
// distance from graduation (0.5, 3 or 5 years). Targets are those years' programme cohorts.
export const campaignCohorts = pgTable(
  "campaign_cohorts",
  {
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    graduationYear: smallint("graduation_year").notNull(),
    offsetYears: numeric("offset_years", { precision: 3, scale: 1 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.graduationYear] })],
);

// Employer tracking: the employers a campaign surveys (targets are made from this list).
export const campaignEmployers = pgTable(
  "campaign_employers",
  {
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    employerId: integer("employer_id")
      .notNull()
      .references(() => employers.id, { onDelete: "restrict" }),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.employerId] })],
);

export const EXCLUSION_REASONS = ["min_enrolment", "course_type", "course_code", "no_teacher"] as const;

// Sections of the term in scope left out of a campaign's generated assignment, and why.
export const campaignExclusions = pgTable(
  "campaign_exclusions",
  {
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    sectionId: integer("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: EXCLUSION_REASONS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.sectionId] })],
);

// The approved instrument version each rater group answers; fixed once the campaign opens.
export const campaignInstruments = pgTable(
  "campaign_instruments",
  {
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    raterGroup: raterGroup("rater_group").notNull(),
    instrumentVersionId: integer("instrument_version_id")
      .notNull()
      .references(() => instrumentVersions.id, { onDelete: "restrict" }),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.raterGroup] })],
);

// What is rated: teacher × section; programme cohort (tracking); employer.
export const campaignTargets = pgTable(
  "campaign_targets",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    sectionId: integer("section_id").references(() => sections.id, { onDelete: "restrict" }),
    teacherId: integer("teacher_id").references(() => persons.id, { onDelete: "restrict" }),
    cohortId: integer("cohort_id").references(() => graduateCohorts.id, { onDelete: "restrict" }),
    employerId: integer("employer_id").references(() => employers.id, { onDelete: "restrict" }),
  },
  (t) => [
    unique("campaign_targets_uq").on(t.campaignId, t.sectionId, t.teacherId, t.cohortId, t.employerId).nullsNotDistinct(),
    index("campaign_targets_section_idx").on(t.sectionId),
  ],
);

// Identified side: who may rate which target. Holds no link to any response.
// tokenIssuedOn is the day blind-signed tokens were issued (coarse on purpose).
export const eligibility = pgTable(
  "eligibility",
  {
    targetId: integer("target_id")
      .notNull()
      .references(() => campaignTargets.id, { onDelete: "cascade" }),
    personId: integer("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    raterGroup: raterGroup("rater_group").notNull(),
    excluded: boolean("excluded").notNull().default(false),
    tokenIssuedOn: date("token_issued_on"),
  },
  (t) => [primaryKey({ columns: [t.targetId, t.personId] }), index("eligibility_person_idx").on(t.personId)],
);

// Peers, supervisors and leaders: who observes which section when (named records).
export const observationAssignments = pgTable(
  "observation_assignments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    targetId: integer("target_id")
      .notNull()
      .references(() => campaignTargets.id, { onDelete: "cascade" }),
    observerId: integer("observer_id")
      .notNull()
      .references(() => persons.id, { onDelete: "restrict" }),
    raterGroup: raterGroup("rater_group").notNull(),
    plannedOn: date("planned_on"),
    doneAt: timestamp("done_at", { withTimezone: true }),
  },
  (t) => [
    unique("observation_assignments_uq").on(t.targetId, t.observerId),
    index("observation_assignments_observer_idx").on(t.observerId),
  ],
);

// Alumni and employer contacts: a personal link whose token is stored only as a hash.
export const invitations = pgTable(
  "invitations",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    targetId: integer("target_id")
      .notNull()
      .references(() => campaignTargets.id, { onDelete: "cascade" }),
    alumnusId: integer("alumnus_id").references(() => alumni.id, { onDelete: "cascade" }),
    contactId: integer("contact_id").references(() => employerContacts.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    // Random, public: with the server secret it re-derives the link (server/invitations), so
    // links can be exported again and sent in reminders; the database alone cannot.
    nonce: text("nonce").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    sentOn: date("sent_on"),
    // The day the invitee obtained their blind-signed token: the link is then used up.
    tokenIssuedOn: date("token_issued_on"),
  },
  (t) => [unique("invitations_alumnus_uq").on(t.targetId, t.alumnusId), unique("invitations_contact_uq").on(t.targetId, t.contactId)],
);

// Reminder rounds already sent (one per campaign and day before closing).
export const campaignReminders = pgTable(
  "campaign_reminders",
  {
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    daysBefore: smallint("days_before").notNull(),
    sentOn: date("sent_on").notNull(),
    recipients: integer("recipients").notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.daysBefore] })],
);
