import { integer, text, timestamp } from "drizzle-orm/pg-core";
import { persons } from "./people";

// The lifecycle every versioned, approved thing shares (instrument versions, scoring
// policies, outcome models, and whatever is versioned next): a series of immutable
// versions (the instrument, the school year, the programme: a column of the table), each
// with its number and the sha256 of its content; status draft → approved → retired, with
// who approved it, when and a note, and who retired it and when. The functions that move
// a version along are in server/kernel/lifecycle.ts.

export const LIFECYCLE_STATUSES = ["draft", "approved", "retired"] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

/**
 * The lifecycle's columns, spread into a table after its series column:
 *   pgTable("x_versions", { id, seriesId, ...lifecycleColumns(), createdAt, content })
 * The table adds its own unique (series, version) and (series, hash) constraints.
 */
export function lifecycleColumns() {
  return {
    version: integer("version").notNull(),
    // sha256 of the content's canonical JSON: the same content again is "unchanged".
    hash: text("hash").notNull(),
    status: text("status", { enum: LIFECYCLE_STATUSES }).notNull().default("draft"),
    createdBy: integer("created_by").references(() => persons.id, { onDelete: "set null" }),
    approvedBy: integer("approved_by").references(() => persons.id, { onDelete: "set null" }),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    approvalNote: text("approval_note"),
    retiredBy: integer("retired_by").references(() => persons.id, { onDelete: "set null" }),
    retiredAt: timestamp("retired_at", { withTimezone: true }),
  };
}
