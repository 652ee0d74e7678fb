/**
 * npm run bench:appraisal: 2,000 teachers with school-year composites in 40 colleges on
 * PostgreSQL (BENCH_PG_URL, default postgres://<os user>@127.0.0.1:5432/test; a database of
 * its own, bench_appraisal, dropped and made each run). It times:
 *   band_ms          banding the year as the recompute does (storeBands: vetoes and exemptions
 *                    read, the rules applied, 2,000 rows written), the median of 5 runs
 *   table_p95_ms     the HR table's first page (appraisal.table, 20 rows) over HTTP under
 *                    `next start`, signed in as HR, 200 requests from 4 clients
 *   teacher_p95_ms   a teacher's page (appraisal.teacher, logged in the view log) likewise
 * `next build` first unless BENCH_SKIP_BUILD=1 (harness.ts). The last line:
 *   bench-appraisal: teachers=<n> band_ms=<ms> table_p95_ms=<ms> teacher_p95_ms=<ms>
 * Targets: band_ms < 200, both p95 < 300.
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { openDb } from "@/db/client";
import { col, queryOne, queryRows, queryValue } from "@/db/query";
import { App, buildApp, defaultPgUrl, freePort, numberSetting, percentile, setting, timedQueries } from "./harness";
import type { CompositeFigures, Figures, TargetInput } from "@/server/scoring/figures";
import { defaultPolicy, policyHash } from "@/server/scoring/policies";
import { perRule } from "@/server/shared/scoring/quality";
import { storeBands } from "@/server/appraisal/store";
import { at } from "@/server/shared/indexed";

const TEACHERS = numberSetting("BENCH_TEACHERS", 2000);
const UNITS = 40;
const YEAR = "2025-2026";
const log = (s: string) => console.log(s);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function main() {
  const base = setting("BENCH_PG_URL", defaultPgUrl());
  const { default: postgres } = await import("postgres");
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe("drop database if exists bench_appraisal with (force)");
  await admin.unsafe("create database bench_appraisal");
  await admin.end();
  const u = new URL(base);
  u.pathname = "/bench_appraisal";
  const url = u.toString();
  const handle = await openDb({ url });
  const db = handle.db;

  // ---- the school: 40 colleges, 2,000 teachers, HR, a policy and the year's composites
  await db.execute(sql`insert into units (code, name, kind) values ('S', '示范大学', 'school')`);
  await db.execute(sql`insert into units (code, name, kind, parent_id)
    select 'C' || g, '学院' || g, 'college', (select id from units where code = 'S') from generate_series(1, ${UNITS}) g`);
  await db.execute(sql`insert into persons (number, name, kind, unit_id)
    select 'T' || lpad(g::text, 5, '0'), '教师' || g, 'staff', (select id from units where code = 'C' || (1 + g % ${UNITS}))
    from generate_series(1, ${TEACHERS}) g`);
  await db.execute(sql`insert into role_grants (person_id, role) select id, 'teacher' from persons`);
  await db.execute(sql`insert into persons (number, name, kind) values ('hr', '人事处', 'staff')`);
  await db.execute(sql`insert into role_grants (person_id, role) select id, 'hr' from persons where number = 'hr'`);
  const policy = defaultPolicy(YEAR);
  const policyId = await queryValue(
    db,
    col.int,
    sql`insert into scoring_policies (school_year, version, policy, hash, status, approved_at)
    values (${YEAR}, 1, ${JSON.stringify(policy)}::jsonb, ${policyHash(policy)}, 'approved', now()) returning id`,
  );
  const people = await queryRows(
    db,
    { id: col.int, unit_id: col.int },
    sql`select id, unit_id from persons where number like 'T%' order by id`,
  );
  const r = rng(16);
  const composites: CompositeFigures[] = people.map((t) => {
    const score = 55 + 45 * Math.sqrt(r());
    const groups = {
      student: { score, n: 30, targets: 3, se: 1.2 },
      supervisor: { score: score - 2, n: 3, targets: 3, se: 2.5 },
      peer: { score: score + 1, n: 3, targets: 2, se: 3 },
    };
    return {
      teacherId: t.id,
      termId: null,
      schoolYear: YEAR,
      score,
      se: 0.5 + r() * 2,
      parts: [{ courseType: "core", score, weight: 36, groups, used: { student: 0.5, supervisor: 0.3, peer: 0.2 }, missing: [] }],
      missing: [],
      renormalised: false,
      reliability: 0.8,
      reliabilityLow: 0.72,
      norm: null,
      ranks: { office: null, officeOf: null, college: null, collegeOf: null, school: null, schoolOf: null },
      rankWithheld: false,
    };
  });
  await db.execute(sql`insert into scoring_runs (policy_id, school_year, trigger, fingerprint, responses, targets, summary, started_at, finished_at)
    values (${policyId}, ${YEAR}, 'command', 'bench', 0, 0, '{}'::jsonb, now(), now())`);
  for (let i = 0; i < composites.length; i += 500) {
    const part = composites.slice(i, i + 500);
    await db.execute(sql`insert into teacher_composites (policy_id, run_id, teacher_id, term_id, school_year, score, composite)
      select ${policyId}, 1, (x->>'teacherId')::int, null, ${YEAR}, (x->>'score')::float8, x::json from json_array_elements(${JSON.stringify(part)}::json) x`);
  }
  const inputs: TargetInput[] = people.map((t) => ({
    key: String(t.id),
    targetId: t.id,
    group: "student",
    campaignId: 1,
    periodKey: "t1",
    termId: 1,
    schoolYear: YEAR,
    versionId: 1,
    unitId: t.unit_id,
    courseType: "core",
    level: "undergraduate",
    teacherId: t.id,
    sectionId: 1,
    teacherOfficeId: null,
    teacherCollegeId: t.unit_id,
    totals: [],
    excludable: [],
    unscored: 0,
    ...perRule(() => 0),
    eligible: 40,
    counts: {},
    countsExcludable: {},
  }));
  const figures: Figures = { targets: [], reliability: [], composites };

  // ---- band_ms: what the recompute does after the figures, in its transaction
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await db.transaction((tx) => storeBands(tx, { id: policyId, schoolYear: YEAR, policy }, 1, figures, inputs));
    times.push(performance.now() - t);
  }
  const bandMs = at(
    [...times].sort((a, b) => a - b),
    2,
  );
  log(`band: ${times.map((x) => x.toFixed(0)).join(", ")} ms`);
  const hr = await queryOne(db, { id: col.int }, sql`select id from persons where number = 'hr'`);
  await handle.close();

  // ---- over HTTP
  const dir = await buildApp(log, { bareRoute: false });
  const secret = randomBytes(32).toString("base64");
  const app = new App({ dir, databaseUrl: url, port: await freePort(), secret });
  app.start();
  try {
    await app.ready(120_000);
    const { get, load } = await timedQueries(app.origin, hr.id, secret);
    const table = await load(200, () => get("appraisal.table", { schoolYear: YEAR, page: 1, pageSize: 20 }));
    const teacher = await load(200, (i) =>
      get("appraisal.teacher", { teacherId: at(people, (i * 37) % people.length).id, schoolYear: YEAR }),
    );
    console.log(
      `bench-appraisal: teachers=${TEACHERS} band_ms=${bandMs.toFixed(0)} table_p95_ms=${percentile(table, 95).toFixed(0)} teacher_p95_ms=${percentile(teacher, 95).toFixed(0)}`,
    );
  } finally {
    await app.kill();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
