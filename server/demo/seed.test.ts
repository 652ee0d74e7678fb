import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { credentials, meta, persons, ROLES, units } from "@/db/schema";
import { col, queryOne, queryRows, queryValue } from "@/db/query";
import { authenticate, loadSessionUser } from "@/server/auth/users";
import { resetDb, testDb } from "@/server/test/db";
import { DEMO_ACCOUNTS, DEMO_MARKER_KEY, DEMO_PASSWORD, isEmpty, seedDemo, type DemoSummary } from "./seed";

// Sign-in attempts at a fixed instant: the throttle counts failures in a window before it.
const SIGN_IN_AT = new Date("2026-11-22T08:00:00Z");

let db: Db;
let summary: DemoSummary;
const seedLog: string[] = [];
const cfg = { maxFailures: 5, lockMinutes: 15 };

/** Row count of every table in the public schema. */
async function tableCounts(): Promise<Record<string, number>> {
  const names = (
    await queryRows(db, { tablename: col.text }, sql`select tablename from pg_tables where schemaname = 'public' order by tablename`)
  ).map((r) => r.tablename);
  const out: Record<string, number> = {};
  for (const n of names) {
    out[n] = await queryValue(db, col.int, sql.raw(`select count(*)::int as n from "${n}"`));
  }
  return out;
}

beforeAll(async () => {
  db = await testDb();
  await resetDb(db);
  expect(await isEmpty(db)).toBe(true);
  summary = await seedDemo(db, { log: (l) => seedLog.push(l) });
});

describe("demo seed", () => {
  // How long it takes is a benchmark (npm run bench:seed-demo), not an assertion here.
  it("seeds a university of realistic size", async () => {
    const c = await queryOne(
      db,
      {
        colleges: col.int,
        offices: col.int,
        programmes: col.int,
        teachers: col.int,
        students: col.int,
        current_sections: col.int,
        sections: col.int,
        enrolments: col.int,
        cohorts: col.int,
        alumni: col.int,
        employers: col.int,
        contacts: col.int,
        without_password: col.int,
      },
      sql`select
      (select count(*)::int from units where kind = 'college') as colleges,
      (select count(*)::int from units where kind = 'office') as offices,
      (select count(*)::int from programmes) as programmes,
      (select count(distinct person_id)::int from role_grants where role = 'teacher') as teachers,
      (select count(*)::int from persons where kind = 'student') as students,
      (select count(*)::int from sections s join terms t on t.id = s.term_id where t.is_current) as current_sections,
      (select count(*)::int from sections) as sections,
      (select count(*)::int from enrolments) as enrolments,
      (select count(*)::int from graduate_cohorts) as cohorts,
      (select count(*)::int from alumni) as alumni,
      (select count(*)::int from employers) as employers,
      (select count(*)::int from employer_contacts) as contacts,
      (select count(*)::int from persons p where not exists (select 1 from credentials c where c.person_id = p.id)) as without_password`,
    );
    expect(c.colleges).toBeGreaterThanOrEqual(3);
    expect(c.programmes).toBeGreaterThanOrEqual(6);
    expect(c.teachers).toBeGreaterThanOrEqual(60);
    expect(c.students).toBeGreaterThanOrEqual(2000);
    expect(c.current_sections).toBeGreaterThanOrEqual(150);
    expect(c.employers).toBeGreaterThanOrEqual(30);
    expect(c.without_password).toBe(0);
    // The summary reports what is in the database.
    expect(summary.counts).toMatchObject({
      colleges: c.colleges,
      offices: c.offices,
      programmes: c.programmes,
      teachers: c.teachers,
      students: c.students,
      currentSections: c.current_sections,
      sections: c.sections,
      enrolments: c.enrolments,
      cohorts: c.cohorts,
      alumni: c.alumni,
      employers: c.employers,
      contacts: c.contacts,
    });

    const [current] = await queryRows(
      db,
      { code: col.text, starts_on: col.text, ends_on: col.text },
      sql`select code, starts_on::text, ends_on::text from terms where is_current`,
    );
    expect(current).toEqual({ code: "2026-2027-1", starts_on: "2026-09-01", ends_on: "2027-01-17" });
  });

  it("gives every programme three graduate cohorts (5, 3 and 1 years ago) of alumni", async () => {
    const rows = await queryRows(
      db,
      { code: col.text, years: col.array(col.int), alumni: col.int },
      sql`
      select p.code, array_agg(distinct g.graduation_year order by g.graduation_year) as years, count(a.id)::int as alumni
      from programmes p left join graduate_cohorts g on g.programme_id = p.id left join alumni a on a.cohort_id = g.id
      group by p.code`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const r of rows) {
      expect(r.years.map(Number)).toEqual([2021, 2023, 2025]);
      expect(r.alumni).toBeGreaterThanOrEqual(45);
    }
  });

  it("enrols every student in 5–7 current-term sections of their programme and year, and staffs every section", async () => {
    const dist = await queryRows(
      db,
      { n: col.int, students: col.int },
      sql`
      select n, count(*)::int as students from (
        select p.id, count(s.id)::int as n from persons p
        left join enrolments e on e.person_id = p.id
        left join sections s on s.id = e.section_id and s.term_id = (select id from terms where is_current)
        where p.kind = 'student' group by p.id) x
      group by n order by n`,
    );
    expect(dist.length).toBeGreaterThan(0);
    for (const d of dist) {
      expect(d.n).toBeGreaterThanOrEqual(5);
      expect(d.n).toBeLessThanOrEqual(7);
    }
    // Programme courses only go to students of that programme.
    const foreign = await queryOne(
      db,
      { n: col.int },
      sql`
      select count(*)::int as n from enrolments e join persons p on p.id = e.person_id
      join sections s on s.id = e.section_id join courses c on c.id = s.course_id
      where c.programme_id is not null and c.programme_id <> p.programme_id`,
    );
    expect(foreign.n).toBe(0);
    const sizes = await queryOne(
      db,
      { min: col.int, max: col.int, unstaffed: col.int },
      sql`
      select min(n)::int as min, max(n)::int as max,
        (select count(*)::int from sections s where not exists (select 1 from section_teachers st where st.section_id = s.id and st.role = 'lead')) as unstaffed
      from (select s.id, count(e.person_id) as n from sections s left join enrolments e on e.section_id = s.id group by s.id) x`,
    );
    expect(sizes.min).toBeGreaterThanOrEqual(25);
    expect(sizes.max).toBeLessThanOrEqual(90);
    expect(sizes.unstaffed).toBe(0);
  });

  it("is deterministic and idempotent: a second run changes nothing and returns the same summary", async () => {
    const before = await tableCounts();
    const [markerBefore] = await db.select().from(meta).where(eq(meta.key, DEMO_MARKER_KEY));
    const log: string[] = [];
    const again = await seedDemo(db, { log: (l) => log.push(l) });
    expect(again).toEqual(summary);
    expect(await tableCounts()).toEqual(before);
    const [markerAfter] = await db.select().from(meta).where(eq(meta.key, DEMO_MARKER_KEY));
    expect(markerAfter).toEqual(markerBefore);
    expect(log.join("\n")).toMatch(/already seeded/);
  });

  it("has an account for every role, prints them all, and they sign in with the demo password", async () => {
    const roles = (await queryRows(db, { role: col.text }, sql`select distinct role::text as role from role_grants`)).map((r) => r.role);
    expect(roles.sort()).toEqual([...ROLES].sort());
    expect(new Set(summary.accounts.map((a) => a.role))).toEqual(new Set(ROLES));
    expect(summary.accounts.map((a) => a.number)).toEqual(expect.arrayContaining(Object.values(DEMO_ACCOUNTS)));

    const printed = seedLog.join("\n");
    for (const a of summary.accounts) {
      expect(printed).toContain(a.number);
      expect(a.password).toBe(DEMO_PASSWORD);
      const r = await authenticate(db, { number: a.number, password: DEMO_PASSWORD, ip: null }, SIGN_IN_AT, cfg);
      expect(r, a.number).toMatchObject({ ok: true });
      const user = await loadSessionUser(db, (r as { personId: number }).personId);
      expect(
        user?.roles.map((g) => g.role),
        a.number,
      ).toContain(a.role);
    }
    const wrong = await authenticate(db, { number: DEMO_ACCOUNTS.student, password: "wrong", ip: null }, SIGN_IN_AT, cfg);
    expect(wrong.ok).toBe(false);

    // One hash for all (demo only).
    const hashes = await queryOne(db, { n: col.int }, sql`select count(distinct password_hash)::int as n from credentials`);
    expect(hashes.n).toBe(1);
  });

  it("gives the demo student current sections taught by the demo teacher", async () => {
    const rows = await queryRows(
      db,
      { n: col.int },
      sql`
      select count(*)::int as n from enrolments e
      join persons st on st.id = e.person_id and st.number = ${DEMO_ACCOUNTS.student}
      join sections s on s.id = e.section_id join terms t on t.id = s.term_id and t.is_current
      join section_teachers x on x.section_id = s.id join persons te on te.id = x.person_id and te.number = ${DEMO_ACCOUNTS.teacher}`,
    );
    expect(rows[0]?.n).toBeGreaterThanOrEqual(1);
    const [s] = await db
      .select({ unitId: persons.unitId, className: persons.className })
      .from(persons)
      .where(eq(persons.number, DEMO_ACCOUNTS.student));
    expect(s?.className).toBe("软件工程2401");
  });
});

describe("demo seed safety", () => {
  const saved = { NODE_ENV: process.env.NODE_ENV, DATABASE_URL: process.env.DATABASE_URL };
  const env = process.env as Record<string, string | undefined>;
  afterEach(() => {
    env.NODE_ENV = saved.NODE_ENV;
    if (saved.DATABASE_URL === undefined) delete env.DATABASE_URL;
    else env.DATABASE_URL = saved.DATABASE_URL;
  });

  it("refuses a non-empty database it did not create, and writes nothing", async () => {
    await resetDb(db);
    await db.insert(units).values({ code: "X", name: "别的大学", kind: "school" });
    expect(await isEmpty(db)).toBe(false);
    await expect(seedDemo(db, { log: () => {} })).rejects.toThrow(
      "refusing to seed the demo into a non-empty database that was not created by the demo seed",
    );
    const counts = await tableCounts();
    const nonEmpty = Object.entries(counts).filter(([, n]) => n > 0);
    expect(nonEmpty).toEqual([["units", 1]]);
  });

  it("refuses production PostgreSQL unless forced", async () => {
    await resetDb(db);
    env.NODE_ENV = "production";
    env.DATABASE_URL = "postgres://demo@db.example.com/tqe";
    await expect(seedDemo(db, { log: () => {} })).rejects.toThrow(/production/);
    expect(await isEmpty(db)).toBe(true);
    expect(await db.select().from(credentials).limit(1)).toEqual([]);
  });
});
