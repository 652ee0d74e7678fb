import { boolean, date, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { campaignTargets, campaigns, observationAssignments, raterGroup } from "./campaigns";
import { instrumentVersions } from "./instruments";
import { sections, units } from "./org";
import { persons } from "./people";

// One signing key pair per campaign target (blind-signature tokens are bound to it).
export const targetKeys = pgTable("target_keys", {
  targetId: integer("target_id")
    .primaryKey()
    .references(() => campaignTargets.id, { onDelete: "cascade" }),
  publicKey: text("public_key").notNull(),
  privateKey: text("private_key").notNull(), // encrypted with the server's key
});

// Anonymous side. Nothing here names a person: the id is random, the day is coarse,
// and the spent token's hash only proves a valid token was used once.
export const responses = pgTable(
  "responses",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    targetId: integer("target_id")
      .notNull()
      .references(() => campaignTargets.id, { onDelete: "restrict" }),
    raterGroup: raterGroup("rater_group").notNull(),
    instrumentVersionId: integer("instrument_version_id")
      .notNull()
      .references(() => instrumentVersions.id, { onDelete: "restrict" }),
    answers: jsonb("answers").notNull(),
    declined: boolean("declined").notNull().default(false),
    day: date("day").notNull(),
    spentTokenHash: text("spent_token_hash").notNull().unique(),
  },
  (t) => [index("responses_target_idx").on(t.targetId)],
);

// Tokens spent while their campaign runs (server/anonymity/pool.ts): the primary key refuses a
// second use at once; the target lets live response rates count. No answers, no time column.
// Deleted when the campaign's pool is flushed (a closed campaign refuses every submission).
export const spentTokens = pgTable(
  "spent_tokens",
  {
    hash: text("hash").primaryKey(),
    targetId: integer("target_id")
      .notNull()
      .references(() => campaignTargets.id, { onDelete: "cascade" }),
  },
  (t) => [index("spent_tokens_target_idx").on(t.targetId)],
);

// Accepted submissions of a running campaign, sealed under a key derived from the server
// secret (the database alone cannot read them); stored as responses, shuffled, at close.
export const sealedSubmissions = pgTable(
  "sealed_submissions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "restrict" }),
    sealed: text("sealed").notNull(),
  },
  (t) => [index("sealed_submissions_campaign_idx").on(t.campaignId)],
);

// A student moving their evaluations to another device (server/anonymity/transfer.ts): the
// browser's bundle of tokens, encrypted under a key that stays in the code the student carries
// over (the server holds ciphertext only), for the same person, taken once, kept minutes.
export const tokenTransfers = pgTable(
  "token_transfers",
  {
    id: text("id").primaryKey(),
    personId: integer("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    ciphertext: text("ciphertext").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("token_transfers_person_idx").on(t.personId)],
);

// Named observation records (听课记录) by peers, supervisors and leaders.
export const observationRecords = pgTable("observation_records", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  assignmentId: integer("assignment_id")
    .notNull()
    .unique()
    .references(() => observationAssignments.id, { onDelete: "restrict" }),
  observerId: integer("observer_id")
    .notNull()
    .references(() => persons.id, { onDelete: "restrict" }),
  instrumentVersionId: integer("instrument_version_id")
    .notNull()
    .references(() => instrumentVersions.id, { onDelete: "restrict" }),
  answers: jsonb("answers").notNull(),
  observedOn: date("observed_on").notNull(),
  submittedAt: timestamp("submitted_at", { withTimezone: true }).notNull().defaultNow(),
  comment: text("comment"),
});

// Student information officers' reports (学生信息员反馈), named: the quality office reads who
// reported, the responsible unit reads the report without the name. Any number per officer
// during the campaign's window. The responsible unit is the unit offering the section's
// course when the officer names one of their sections, else the officer's programme's (or own)
// unit. A rectification order made from a report refers to it by id
// (improvement_items.source = 'info_officer', source_ref = { infoReportId }).
export const infoReports = pgTable(
  "info_reports",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "restrict" }),
    officerId: integer("officer_id")
      .notNull()
      .references(() => persons.id, { onDelete: "restrict" }),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id, { onDelete: "restrict" }),
    sectionId: integer("section_id").references(() => sections.id, { onDelete: "restrict" }),
    instrumentVersionId: integer("instrument_version_id")
      .notNull()
      .references(() => instrumentVersions.id, { onDelete: "restrict" }),
    answers: jsonb("answers").notNull(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("info_reports_campaign_unit_idx").on(t.campaignId, t.unitId), index("info_reports_officer_idx").on(t.officerId)],
);
