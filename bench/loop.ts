/**
 * npm run bench:loop: the improvement loop at the size of a large university on PostgreSQL
 * (BENCH_PG_URL, default postgres://<os user>@127.0.0.1:5432/test; a database of its own,
 * bench_loop, dropped and made each run): 40 colleges, 2,000 teachers with composites in two
 * terms, 4,000 sections of a closed end-of-term campaign with their students' response rates
 * and 2,000 with a supervisors' score; 30,000 rectification orders with 200,000 events; a
 * warning rule set of the five kinds tuned to find 2,000 warnings. It times:
 *   rules_ms          evaluating every rule in force after a recompute (evaluateWarnings, what
 *                     recompute runs after writing the figures), the slowest of 5 runs (the
 *                     first raises the 2,000 warnings, the others update their evidence)
 *   dashboard_p95_ms  the order dashboard (improvement.dashboard: open, overdue, closed this
 *                     term, median days to close, reopen rate, by unit and by source) over HTTP
 *                     under `next start`, signed in as the quality office (every unit: the
 *                     largest), 200 requests from 4 clients
 *   list_p95_ms       the order list's first page (improvement.list, 20 rows) likewise
 * `next build` first unless BENCH_SKIP_BUILD=1 (harness.ts). The last line:
 *   bench-loop: orders=<n> rules_ms=<ms> dashboard_p95_ms=<ms> list_p95_ms=<ms>
 * Targets: rules_ms < 2000, both p95 < 300.
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { openDb } from "@/db/client";
import { col, queryOne, queryValue } from "@/db/query";
import { defaultPolicy, policyHash } from "@/server/scoring/policies";
import { approveRuleSet, createRuleSet } from "@/server/warnings/rules";
import { evaluateWarnings } from "@/server/warnings/warnings";
import { App, buildApp, defaultPgUrl, freePort, numberSetting, percentile, setting, timedQueries } from "./harness";

const TEACHERS = numberSetting("BENCH_TEACHERS", 2000);
const ORDERS = numberSetting("BENCH_ORDERS", 30000);
const EVENTS = numberSetting("BENCH_EVENTS", 200000);
const UNITS = 40;
const SECTIONS = TEACHERS * 2;
const YEAR = "2026-2027";
const PREVIOUS = "2025-2026";
const NOW = new Date("2026-12-20T02:00:00Z");
const log = (s: string) => console.log(s);

async function main() {
  const base = setting("BENCH_PG_URL", defaultPgUrl());
  const { default: postgres } = await import("postgres");
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe("drop database if exists bench_loop with (force)");
  await admin.unsafe("create database bench_loop");
  await admin.end();
  const u = new URL(base);
  u.pathname = "/bench_loop";
  const url = u.toString();
  const handle = await openDb({ url });
  const db = handle.db;
  const t0 = performance.now();

  // ---- the school: 40 colleges, a course each, 2,000 teachers, the quality office, two terms
  await db.execute(sql`insert into units (code, name, kind) values ('S', '示范大学', 'school')`);
  await db.execute(sql`insert into units (code, name, kind, parent_id)
    select 'C' || g, '学院' || g, 'college', (select id from units where code = 'S') from generate_series(1, ${UNITS}) g`);
  await db.execute(sql`insert into persons (number, name, kind, unit_id)
    select 'T' || lpad(g::text, 5, '0'), '教师' || g, 'staff', (select id from units where code = 'C' || (1 + g % ${UNITS}))
    from generate_series(1, ${TEACHERS}) g`);
  await db.execute(sql`insert into role_grants (person_id, role) select id, 'teacher' from persons`);
  await db.execute(
    sql`insert into persons (number, name, kind, unit_id) values ('quality', '质量监控中心', 'staff', (select id from units where code = 'S'))`,
  );
  await db.execute(sql`insert into role_grants (person_id, role) select id, 'quality_admin' from persons where number = 'quality'`);
  const quality = await queryOne(db, { id: col.int }, sql`select id from persons where number = 'quality'`);
  await db.execute(sql`insert into terms (code, school_year, semester, starts_on, ends_on, is_current) values
    ('2025-2026-2', ${PREVIOUS}, 2, '2026-02-20', '2026-07-10', false), ('2026-2027-1', ${YEAR}, 1, '2026-09-01', '2027-01-20', true)`);
  await db.execute(sql`insert into courses (code, name, unit_id) select 'K' || g, '课程' || g, (select id from units where code = 'C' || g)
    from generate_series(1, ${UNITS}) g`);
  const policyOf = async (year: string) => {
    const p = defaultPolicy(year);
    return queryOne(
      db,
      { id: col.int },
      sql`insert into scoring_policies (school_year, version, policy, hash, status, approved_at)
      values (${year}, 1, ${JSON.stringify(p)}::jsonb, ${policyHash(p)}, 'approved', now()) returning id`,
    );
  };
  const prevPolicy = await policyOf(PREVIOUS);
  const policy = await policyOf(YEAR);

  // ---- composites: a quarter of the teachers below 70 (each a distinct score), one in ten
  // dropped by 15 points from the previous term (se 1: beyond the combined 95 % intervals)
  const composite = (score: string, se: number) => sql`json_build_object('score', ${sql.raw(score)}, 'se', ${se}::float8,
    'parts', json_build_array(json_build_object('groups', json_build_object('student', json_build_object('n', 40), 'supervisor', json_build_object('n', 3)))))`;
  const current = `case when t.k % 4 = 0 then 60 + t.k * 8.0 / ${TEACHERS} else 80 + t.k * 10.0 / ${TEACHERS} end`;
  const teachers = sql`(select id, row_number() over (order by id) as k from persons where number like 'T%') t`;
  await db.execute(sql`insert into teacher_composites (policy_id, run_id, teacher_id, term_id, school_year, score, composite)
    select ${policy.id}, 1, t.id, (select id from terms where school_year = ${YEAR}), ${YEAR}, ${sql.raw(current)}, ${composite(current, 1)} from ${teachers}`);
  const previous = `${current} + case when t.k % 10 = 1 then 15 else 1 end`;
  await db.execute(sql`insert into teacher_composites (policy_id, run_id, teacher_id, term_id, school_year, score, composite)
    select ${prevPolicy.id}, 1, t.id, (select id from terms where school_year = ${PREVIOUS}), ${PREVIOUS}, ${sql.raw(previous)}, ${composite(previous, 1)} from ${teachers}`);

  // ---- a closed campaign: 4,000 sections (two a teacher), their students' rates (11 in 40 at
  // 30 %), the first 2,000 with a supervisors' mean (one in twenty at 60)
  await db.execute(sql`insert into sections (code, term_id, course_id)
    select 'S' || g, (select id from terms where school_year = ${YEAR}), (select id from courses where code = 'K' || (1 + g % ${UNITS}))
    from generate_series(1, ${SECTIONS}) g`);
  await db.execute(sql`insert into campaigns (kind, name, term_id, opens_at, closes_at, state, opened_at, closed_at)
    values ('end_of_term', '期末评教', (select id from terms where school_year = ${YEAR}), '2026-12-01', '2026-12-15', 'closed', '2026-12-01', '2026-12-15')`);
  await db.execute(sql`insert into campaign_targets (campaign_id, section_id, teacher_id)
    select (select id from campaigns), s.id, (select id from persons where number = 'T' || lpad((1 + (substr(s.code, 2)::int - 1) % ${TEACHERS})::text, 5, '0'))
    from sections s`);
  const result = (group: string, n: string, mean: string, reported: string, where: string) => sql`
    insert into target_results (policy_id, run_id, target_id, rater_group, version_id, reported, n, eligible, response_rate, mean,
      unscored, excluded, cap_exceeded, eligible_below_n, counts)
    select ${policy.id}, 1, x.id, ${group}::rater_group, 1, ${sql.raw(reported)}, ${sql.raw(n)}, 40, ${sql.raw(n)}::float8 / 40, ${sql.raw(mean)},
      0, 0, false, false, '{}'::int[]
    from (select ct.id, row_number() over (order by ct.id) as k from campaign_targets ct) x where ${sql.raw(where)}`;
  await db.execute(result("student", "case when x.k % 40 < 11 then 12 else 32 end", "80", "true", "true"));
  await db.execute(result("supervisor", "3", "case when x.k % 20 = 0 then 60 else 85 end", "true", `x.k <= ${TEACHERS}`));

  // ---- 30,000 orders of every source and state over the past year, 200,000 events
  await db.execute(sql`insert into improvement_items (source, reported_on, unit_id, owner_id, content, deadline, status, reopen_count,
      answered_at, closed_at, created_at, response, measures, expected_effect)
    select (array['student_evaluation','observation','info_officer','inspection','survey_indicator','attainment','programme_warning',
        'employer_feedback','comment','self_diagnosis','warning','manual'])[1 + g % 12],
      (c.at at time zone 'Asia/Shanghai')::date, (select id from units where code = 'C' || (1 + g % ${UNITS})),
      (select id from persons where number = 'T' || lpad((1 + g % ${TEACHERS})::text, 5, '0')),
      '反馈内容 ' || g || '：课堂秩序与教学进度问题，需检视原因并提出整改措施。', (c.at at time zone 'Asia/Shanghai')::date + 30,
      st.status, case when st.status = 'reopened' then 1 else 0 end,
      case when st.status <> 'issued' then c.at + interval '10 days' end,
      case when st.status = 'closed' then c.at + (10 + g % 50) * interval '1 day' end, c.at,
      case when st.status <> 'issued' then '已检视' end, case when st.status <> 'issued' then '整改措施' end, case when st.status <> 'issued' then '预期效果' end
    from generate_series(1, ${ORDERS}) g
      cross join lateral (select ${NOW.toISOString()}::timestamptz - (g % 365) * interval '1 day' as at) c
      cross join lateral (select (array['issued','issued','issued','answered','verifying','closed','closed','closed','continuing','reopened'])[1 + g % 10] as status) st`);
  await db.execute(sql`insert into improvement_events (item_id, at, actor_id, kind, from_status, to_status, note)
    select o.id, o.created_at + (g / ${ORDERS}) * interval '1 day', ${quality.id},
      (array['issue','answer','verify','reopen','answer','verify','close'])[1 + least(6, g / ${ORDERS})], null, null, '第 ' || (1 + g / ${ORDERS}) || ' 步'
    from generate_series(0, ${EVENTS - 1}) g join improvement_items o on o.id = (select min(id) from improvement_items) + g % ${ORDERS}`);
  await db.execute(sql`vacuum analyze`);
  const orders = await queryValue(db, col.int, sql`select count(*)::int from improvement_items`);
  const events = await queryValue(db, col.int, sql`select count(*)::int from improvement_events`);
  log(
    `seed: ${orders} orders, ${events} events, ${TEACHERS} teachers, ${SECTIONS} sections in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // ---- the rule set: the five kinds
  const set = await createRuleSet(db, NOW, quality, {
    rules: [
      { key: "low", name: "综合得分低于70", kind: "composite_below", params: { threshold: 70 } },
      { key: "bottom", name: "综合得分全校后5%", kind: "composite_bottom_share", params: { share: 0.05 } },
      { key: "drop", name: "较上学期下降超过5分", kind: "composite_drop", params: { amount: 5 } },
      { key: "rate", name: "参评率低于50%", kind: "response_rate_below", params: { floor: 0.5 } },
      { key: "observation", name: "听课评价低于62", kind: "observation_below", params: { threshold: 62 } },
    ],
  });
  await approveRuleSet(db, NOW, quality, { id: set.id, note: "基准测试" });

  // ---- rules_ms
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = await evaluateWarnings(db, new Date(NOW.getTime() + i * 60_000), { policyId: policy.id, schoolYear: YEAR, outOf: 100 });
    times.push(performance.now() - t);
    hits = r.hits;
    if (i === 0) log(`rules: first run raised ${r.raised} warnings (${r.hits} hits)`);
  }
  const warnings = await queryValue(db, col.int, sql`select count(*)::int from warnings`);
  const rulesMs = Math.max(...times);
  log(`rules: ${times.map((x) => x.toFixed(0)).join(", ")} ms; ${warnings} warnings stored, ${hits} hits`);
  await handle.close();

  // ---- over HTTP
  const dir = await buildApp(log, { bareRoute: false });
  const secret = randomBytes(32).toString("base64");
  const app = new App({ dir, databaseUrl: url, port: await freePort(), secret });
  app.start();
  try {
    await app.ready(120_000);
    const { get, load } = await timedQueries(app.origin, quality.id, secret);
    const dashboard = await load(200, () => get("improvement.dashboard", undefined));
    const list = await load(200, (i) => get("improvement.list", { page: 1 + (i % 5), pageSize: 20 }));
    log(`dashboard: p50 ${percentile(dashboard, 50).toFixed(0)} ms; list: p50 ${percentile(list, 50).toFixed(0)} ms`);
    console.log(
      `bench-loop: orders=${orders} rules_ms=${rulesMs.toFixed(0)} dashboard_p95_ms=${percentile(dashboard, 95).toFixed(0)} list_p95_ms=${percentile(list, 95).toFixed(0)}`,
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
