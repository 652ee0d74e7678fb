import { boolean, index, integer, pgEnum, pgTable, smallint, text, timestamp, unique } from "drizzle-orm/pg-core";
import { programmes, units } from "./org";
import { ROLES } from "./enums";

export const personKind = pgEnum("person_kind", ["staff", "student"]);

// A person is anyone with an account: staff (工号) or student (学号).
// Alumni and employer contacts are not persons: they answer through invitation links.
export const persons = pgTable(
  "persons",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    number: text("number").notNull().unique(),
    name: text("name").notNull(),
    nameEn: text("name_en"),
    kind: personKind("kind").notNull(),
    gender: text("gender", { enum: ["M", "F"] }),
    unitId: integer("unit_id").references(() => units.id, { onDelete: "set null" }),
    // Students: programme, administrative class (行政班) and year of admission.
    programmeId: integer("programme_id").references(() => programmes.id, { onDelete: "set null" }),
    className: text("class_name"),
    admissionYear: smallint("admission_year"),
    // Staff: professional title (职称).
    title: text("title"),
    email: text("email"),
    phone: text("phone"),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("persons_unit_idx").on(t.unitId), index("persons_programme_idx").on(t.programmeId), index("persons_name_idx").on(t.name)],
);

export { ROLES, type Role } from "./enums";
export const role = pgEnum("role", ROLES);

export const roleGrants = pgTable(
  "role_grants",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    personId: integer("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    role: role("role").notNull(),
    unitId: integer("unit_id").references(() => units.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("role_grants_uq").on(t.personId, t.role, t.unitId).nullsNotDistinct(), index("role_grants_person_idx").on(t.personId)],
);

export const credentials = pgTable("credentials", {
  personId: integer("person_id")
    .primaryKey()
    .references(() => persons.id, { onDelete: "cascade" }),
  // scrypt$N$r$p$salt$hash (see server/auth/password.ts)
  passwordHash: text("password_hash").notNull(),
  changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
});

// 毕业生届别: a programme's graduating class of one year.
export const graduateCohorts = pgTable(
  "graduate_cohorts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    programmeId: integer("programme_id")
      .notNull()
      .references(() => programmes.id, { onDelete: "restrict" }),
    graduationYear: smallint("graduation_year").notNull(),
  },
  (t) => [unique("graduate_cohorts_uq").on(t.programmeId, t.graduationYear)],
);

export const alumni = pgTable(
  "alumni",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    cohortId: integer("cohort_id")
      .notNull()
      .references(() => graduateCohorts.id, { onDelete: "cascade" }),
    studentNumber: text("student_number").notNull().unique(),
    name: text("name").notNull(),
    email: text("email"),
    phone: text("phone"),
    wechat: text("wechat"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("alumni_cohort_idx").on(t.cohortId)],
);

export const employers = pgTable("employers", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  // 统一社会信用代码 or a school-assigned code
  code: text("code").notNull().unique(),
  name: text("name").notNull(),
  industry: text("industry"),
  region: text("region"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const employerContacts = pgTable(
  "employer_contacts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    employerId: integer("employer_id")
      .notNull()
      .references(() => employers.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    position: text("position"),
    email: text("email"),
    phone: text("phone"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("employer_contacts_uq").on(t.employerId, t.name)],
);
