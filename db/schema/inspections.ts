import { INSPECTION_PHASES } from "./enums";
import { index, integer, jsonb, pgTable, text, timestamp, date, unique } from "drizzle-orm/pg-core";
import { instrumentVersions } from "./instruments";
import { terms, units } from "./org";
import { persons } from "./people";

// 期初、期中、期末教学检查 (seed 000 第41条): the quality office runs an inspection in a term with
// an approved checklist (an instrument of kind "inspection") that each named unit fills in by a
// deadline; the items a unit marks as a problem become rectification orders to that unit
// (server/inspections/). A unit's checklist is a named report of the unit (who submitted it is
// kept), not an anonymous answer.
export { INSPECTION_PHASES, type InspectionPhase } from "./enums";

export const inspections = pgTable(
  "inspections",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    phase: text("phase", { enum: INSPECTION_PHASES }).notNull(),
    termId: integer("term_id")
      .notNull()
      .references(() => terms.id, { onDelete: "restrict" }),
    instrumentVersionId: integer("instrument_version_id")
      .notNull()
      .references(() => instrumentVersions.id, { onDelete: "restrict" }),
    deadline: date("deadline").notNull(), // the last Beijing day to submit
    createdBy: integer("created_by").references(() => persons.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("inspections_term_idx").on(t.termId)],
);

/** One unit's checklist in an inspection: not started until submitted (once), then its answers. */
export const inspectionUnits = pgTable(
  "inspection_units",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    inspectionId: integer("inspection_id")
      .notNull()
      .references(() => inspections.id, { onDelete: "restrict" }),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id, { onDelete: "restrict" }),
    answers: jsonb("answers").$type<Record<string, unknown>>(),
    submittedBy: integer("submitted_by").references(() => persons.id, { onDelete: "set null" }),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    /** When the unit's admins were reminded of the deadline (once; server/inspections/reminders.ts). */
    remindedAt: timestamp("reminded_at", { withTimezone: true }),
  },
  (t) => [unique("inspection_units_uq").on(t.inspectionId, t.unitId), index("inspection_units_unit_idx").on(t.unitId)],
);
