import { sql } from "drizzle-orm";
import { index, integer, numeric, pgEnum, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { sections } from "./org";
import { persons } from "./people";

// Teaching: who teaches a section and who takes it, the links between the organisation's
// sections (org.ts) and people (people.ts). Apart from both so that neither imports the other.

export const sectionTeacherRole = pgEnum("section_teacher_role", ["lead", "co", "assistant"]);

export const sectionTeachers = pgTable(
  "section_teachers",
  {
    sectionId: integer("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    personId: integer("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "restrict" }),
    role: sectionTeacherRole("role").notNull().default("lead"),
    // Share of the teaching (hours) used when a section's results are split per teacher.
    share: numeric("share", { precision: 4, scale: 3 })
      .notNull()
      .default(sql`1`),
  },
  (t) => [primaryKey({ columns: [t.sectionId, t.personId] }), index("section_teachers_person_idx").on(t.personId)],
);

export const enrolments = pgTable(
  "enrolments",
  {
    sectionId: integer("section_id")
      .notNull()
      .references(() => sections.id, { onDelete: "cascade" }),
    personId: integer("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    // Students who withdrew keep their row (history) but are not eligible raters.
    status: text("status", { enum: ["enrolled", "withdrawn"] })
      .notNull()
      .default("enrolled"),
  },
  (t) => [primaryKey({ columns: [t.sectionId, t.personId] }), index("enrolments_person_idx").on(t.personId)],
);
