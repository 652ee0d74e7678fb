import { integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { persons } from "./people";

export type ImportRowError = { file: string; row: number; column: string | null; reason: string };

// One upload of one file. Progress is written as the job runs so the page can show it.
export const importJobs = pgTable("import_jobs", {
  id: uuid("id").primaryKey().defaultRandom(),
  // one of the kinds of the import registry (server/imports/kinds): plain text, so a new
  // kind needs no migration
  kind: text("kind").notNull(),
  fileName: text("file_name").notNull(),
  status: text("status", { enum: ["queued", "parsing", "validating", "writing", "done", "failed"] })
    .notNull()
    .default("queued"),
  total: integer("total").notNull().default(0),
  processed: integer("processed").notNull().default(0),
  inserted: integer("inserted").notNull().default(0),
  updated: integer("updated").notNull().default(0),
  unchanged: integer("unchanged").notNull().default(0),
  errors: jsonb("errors").$type<ImportRowError[]>().notNull().default([]),
  errorCount: integer("error_count").notNull().default(0),
  createdBy: integer("created_by").references(() => persons.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});
