import {
  type AnyPgColumn,
  boolean,
  date,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";

// Organisation: school → teaching unit (学院/系部) → teaching office (教研室).
// One tree of units; the root is the school itself.
export const unitKind = pgEnum("unit_kind", ["school", "college", "department", "office"]);

export const units = pgTable(
  "units",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    nameEn: text("name_en"),
    kind: unitKind("kind").notNull(),
    parentId: integer("parent_id").references((): AnyPgColumn => units.id, { onDelete: "restrict" }),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("units_parent_idx").on(t.parentId)],
);

export const programmeLevel = pgEnum("programme_level", ["vocational", "undergraduate", "postgraduate"]);

// 专业: belongs to a teaching unit.
export const programmes = pgTable(
  "programmes",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    nameEn: text("name_en"),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id, { onDelete: "restrict" }),
    level: programmeLevel("level").notNull().default("undergraduate"),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("programmes_unit_idx").on(t.unitId)],
);

// Course types drive rater-group weight tables and norm groups later on.
export const courseType = pgEnum("course_type", [
  "general", // 通识/公共基础课
  "foundation", // 学科/专业基础课
  "core", // 专业核心课
  "elective", // 专业选修课
  "practice", // 实践/实验/实训课
  "pe", // 体育课
]);

export const courses = pgTable(
  "courses",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    nameEn: text("name_en"),
    unitId: integer("unit_id")
      .notNull()
      .references(() => units.id, { onDelete: "restrict" }),
    programmeId: integer("programme_id").references(() => programmes.id, { onDelete: "set null" }),
    type: courseType("type").notNull().default("core"),
    level: programmeLevel("level").notNull().default("undergraduate"),
    credits: numeric("credits", { precision: 4, scale: 1 }),
    hours: smallint("hours"),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("courses_unit_idx").on(t.unitId), index("courses_programme_idx").on(t.programmeId)],
);

// 学期: school year "2026-2027", semester 1 (autumn), 2 (spring), 3 (summer).
export const terms = pgTable(
  "terms",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    code: text("code").notNull().unique(), // e.g. 2026-2027-1
    schoolYear: text("school_year").notNull(),
    semester: smallint("semester").notNull(),
    startsOn: date("starts_on").notNull(),
    endsOn: date("ends_on").notNull(),
    isCurrent: boolean("is_current").notNull().default(false),
  },
  (t) => [unique("terms_year_semester_uq").on(t.schoolYear, t.semester)],
);

// 教学班: a course offered in a term; taught by one or more teachers.
export const sections = pgTable(
  "sections",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    code: text("code").notNull(),
    termId: integer("term_id")
      .notNull()
      .references(() => terms.id, { onDelete: "restrict" }),
    courseId: integer("course_id")
      .notNull()
      .references(() => courses.id, { onDelete: "restrict" }),
    name: text("name"),
    schedule: text("schedule"), // e.g. 周一 3-4节 教A-201
    capacity: integer("capacity"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("sections_term_code_uq").on(t.termId, t.code), index("sections_course_idx").on(t.courseId)],
);
