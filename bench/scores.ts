// Benchmark of the recompute of a school year's scoring figures (server/scoring/compute.ts,
// `recompute`) over 1,000,000 responses × 15 items on the real PostgreSQL, against the floor:
// one bare aggregate scan of the same table (count, avg(total) and avg(options[i]) for every
// item, per target × rater group) through the same postgres.js connection the app uses.
//
//   npm run bench:scores
//
// Last line:
//   bench-scores: responses=<n> recompute_s=<s> floor_s=<s> ratio=<recompute/floor>
// Target: ratio ≤ 3 and recompute < 30 s.
//
// The data (a database of its own, BENCH_DB, default bench_scores, dropped and created each
// run on the server of BENCH_PG_URL, migrated by openDb as the app does):
//   - a 15-item student evaluation instrument (below: 1.0/0.8/0.6/0.4/0.2 on every item, "na"
//     on three), stored and approved with createVersion/approveVersion, so the app's checker
//     accepts it;
//   - a school made with set-based SQL: 20 colleges × 5 teaching offices, 1,200 courses of
//     every course type, 2,500 teachers, 25,000 sections of one term of 2026-2027 (10 each);
//   - one end-of-term campaign of that term, closed, with the instrument for students and one
//     target per teacher × section;
//   - 1,000,000 responses, ~40 per target (8–90, and BENCH_BIG targets of 1,200, counts of
//     more than 1,023 per option), answers from a per-teacher and
//     per-section quality level with per-rater bias and per-item noise, "na" on 6 % of the items
//     that offer it, 3 % straight-liners (mostly all top, some all lowest). Stored in random
//     target order, as submissions arrive;
//   - the default policy of 2026-2027, approved.
//
// Shortcuts (benchmark only):
//   - Eligibility: imported_eligible rows (N per target: n + 0..20) instead of 25,000 × 45
//     eligibility rows and the students behind them; the recompute reads both the same way
//     (eligibleCounts sums them).
//   - Responses are not submitted one by one: the script makes the answers, scores every answer
//     set with the app's scorer (storedScore with the model of the stored version, as
//     storeResponses does) and bulk-loads `responses` and `response_scores` with COPY. After the
//     load, 1,000 stored rows taken at random are scored again from their stored answers with
//     scoreForVersion and must match their response_scores row exactly.
//   - The campaign is made in SQL (draft with its instrument, then open, then closed, as the
//     state trigger allows), not through createCampaign and generateAssignments.
// Then `vacuum analyze` and a `checkpoint`, so that neither autovacuum nor the checkpoint after
// the bulk load lands in the measurement (index-only scans need the visibility map).
//
// The recompute reads target_tallies. The COPY queued every score (tally_queue, by the trigger
// on response_scores, in the seed's time); before measuring, the queue is folded into the
// tallies (timed and printed: the work the scheduler's recomputes do a minute's responses at a
// time as a term runs), and the tallies are checked against a full rebuild from response_scores
// (what `npm run scores:recompute` does; its time is printed too): equal, or the benchmark stops.
//
// Measurement: one warm-up of each, then BENCH_REPS (5) rounds of floor, recompute; the
// median of each. The recompute's time includes the vacuum of the rows it replaced (after its
// commit). The server's settings are left as they are (printed for the record; autovacuum was
// off on the machine measured).
//
// Settings: BENCH_PG_URL, BENCH_DB, BENCH_RESPONSES (1000000), BENCH_SECTIONS (25000),
// BENCH_TEACHERS (2500), BENCH_BIG (2), BENCH_REPS (5), BENCH_SEED (42); BENCH_REUSE=1 measures
// the existing BENCH_DB without seeding it again (when it was seeded with the same settings).
import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { openDb, type Db } from "@/db/client";
import { col, queryOne, queryRows, queryValue } from "@/db/query";
import { defaultPgUrl, numberSetting, setting } from "./harness";
import { databaseUrl, recreateDatabase } from "./seed";
import type { InstrumentFile } from "@/server/instruments/format";
import { approveVersion, createVersion } from "@/server/instruments/versions";
import { ONCE, recompute, type RunResult } from "@/server/scoring/compute";
import { approvePolicy, createPolicy, currentPolicy, defaultPolicy, type PolicyRow } from "@/server/scoring/policies";
import { flagBits } from "@/server/shared/scoring/quality";
import { rng } from "@/server/scoring/simulate";
import { at, atKey } from "@/server/shared/indexed";
import {
  arrayLiteral,
  foldTallies,
  rebuildTallies,
  SCORE_COLUMN_NAMES,
  scoreColumnsOf,
  scoreForVersion,
  scoringModelOfVersion,
  storedScore,
  type StoredScore,
} from "@/server/scoring/store";

const SCHOOL_YEAR = "2026-2027";
const COLLEGES = 20;
const OFFICES_PER_COLLEGE = 5;
const COURSES_PER_COLLEGE = 60;
const COURSE_TYPES = ["general", "foundation", "core", "core", "elective", "practice", "pe"] as const;
const BIG_TARGET = 1_200;
const CHECK_SAMPLE = 1_000;

const log = (s: string) => console.log(s);
const secs = (ms: number) => (ms / 1000).toFixed(3);

// ---- the instrument (inline: 15 scored radiogroup items) ----

const SCALE = [1, 0.8, 0.6, 0.4, 0.2];
const SCALE_TEXT: [zh: string, en: string][] = [
  ["完全符合", "Strongly agree"],
  ["比较符合", "Agree"],
  ["一般", "Neutral"],
  ["不太符合", "Disagree"],
  ["完全不符合", "Strongly disagree"],
];
const NA_ITEMS = new Set(["q6", "q9", "q12"]);
const QUESTIONS: [name: string, zh: string, en: string][] = [
  ["q1", "教师为人师表，尊重学生。", "The teacher sets an example and respects students."],
  ["q2", "教师备课充分，按时上下课。", "The teacher is well prepared and keeps to the timetable."],
  ["q3", "教师耐心答疑，及时反馈作业。", "The teacher answers questions patiently and returns feedback on time."],
  ["q4", "教学目标明确，重点、难点突出。", "Objectives are clear; key and difficult points stand out."],
  ["q5", "讲解条理清晰，内容准确。", "Explanations are well organised and accurate."],
  ["q6", "能联系实际和学科前沿。", "The teaching connects with practice and recent developments."],
  ["q7", "教学方法灵活多样。", "Teaching methods are varied."],
  ["q8", "合理运用信息技术手段。", "Technology is used well."],
  ["q9", "实验、实践环节安排合理。", "Lab and practical work is well organised."],
  ["q10", "课堂秩序良好。", "The class is orderly."],
  ["q11", "教师关注学生的参与。", "The teacher makes sure students take part."],
  ["q12", "考核方式合理，反映学习效果。", "Assessment is fair and reflects learning."],
  ["q13", "我掌握了课程的基本知识和技能。", "I have mastered the course's basic knowledge and skills."],
  ["q14", "本课程提高了我分析和解决问题的能力。", "The course improved my ability to analyse and solve problems."],
  ["q15", "你对该教师本课程教学的总体评价。", "Your overall rating of this teacher in this course."],
];

const name = (zh: string, en: string) => ({ zh, en });
const text = (zh: string, en: string) => ({ default: zh, en });

const INSTRUMENT: InstrumentFile = {
  key: "bench_student_evaluation",
  kind: "student_evaluation",
  name: name("学生评教表（基准测试）", "Student evaluation of teaching (benchmark)"),
  indicators: [
    {
      id: "A",
      name: name("教学态度", "Attitude"),
      weight: 0.2,
      children: [
        { id: "A1", name: name("师德师风", "Ethics"), weight: 0.5 },
        { id: "A2", name: name("教学投入", "Commitment"), weight: 0.5 },
      ],
    },
    {
      id: "B",
      name: name("教学内容", "Content"),
      weight: 0.25,
      children: [
        { id: "B1", name: name("内容组织", "Organisation"), weight: 0.6 },
        { id: "B2", name: name("联系实际", "Relevance"), weight: 0.4 },
      ],
    },
    {
      id: "C",
      name: name("教学方法", "Methods"),
      weight: 0.2,
      children: [
        { id: "C1", name: name("方法与手段", "Methods and tools"), weight: 0.6 },
        { id: "C2", name: name("实践环节", "Practical work"), weight: 0.4 },
      ],
    },
    {
      id: "D",
      name: name("课堂管理", "Classroom"),
      weight: 0.1,
      children: [{ id: "D1", name: name("课堂秩序与参与", "Order and participation"), weight: 1 }],
    },
    {
      id: "E",
      name: name("教学效果", "Effectiveness"),
      weight: 0.25,
      children: [
        { id: "E1", name: name("考核与收获", "Assessment and gains"), weight: 0.6 },
        { id: "E2", name: name("能力与总体", "Abilities and overall"), weight: 0.4 },
      ],
    },
  ],
  items: [
    { question: "q1", indicator: "A1", weight: 0.5 },
    { question: "q2", indicator: "A1", weight: 0.5 },
    { question: "q3", indicator: "A2", weight: 1 },
    { question: "q4", indicator: "B1", weight: 0.5 },
    { question: "q5", indicator: "B1", weight: 0.5 },
    { question: "q6", indicator: "B2", weight: 1 },
    { question: "q7", indicator: "C1", weight: 0.5 },
    { question: "q8", indicator: "C1", weight: 0.5 },
    { question: "q9", indicator: "C2", weight: 1 },
    { question: "q10", indicator: "D1", weight: 0.5 },
    { question: "q11", indicator: "D1", weight: 0.5 },
    { question: "q12", indicator: "E1", weight: 0.4 },
    { question: "q13", indicator: "E1", weight: 0.6 },
    { question: "q14", indicator: "E2", weight: 0.5 },
    { question: "q15", indicator: "E2", weight: 0.5 },
  ],
  unscored: [],
  survey: {
    pages: [
      {
        name: "ratings",
        title: text("课程教学评价", "Rating of the teaching"),
        elements: QUESTIONS.map(([q, zh, en]) => ({
          type: "radiogroup",
          name: q,
          title: text(zh, en),
          isRequired: true,
          colCount: 5,
          choices: [
            ...SCALE.map((value, i) => ({ value, text: text(...at(SCALE_TEXT, i)) })),
            ...(NA_ITEMS.has(q) ? [{ value: "na", text: text("无法评估", "Cannot judge") }] : []),
          ],
        })),
      },
    ],
  },
};

// ---- random data ----

type Rnd = () => number;
const gauss = (r: Rnd) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** One respondent's answers for a target of quality `level` (0 worst … 1 best). */
function answersOf(level: number, r: Rnd): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  if (r() < 0.03) {
    // a straight-liner: the same option everywhere
    const v = r() < 0.8 ? 1 : r() < 0.5 ? 0.2 : 0.6;
    for (const [q] of QUESTIONS) a[q] = v;
    return a;
  }
  const bias = 0.08 * gauss(r);
  for (const [q] of QUESTIONS) {
    if (NA_ITEMS.has(q) && r() < 0.06) {
      a[q] = "na";
      continue;
    }
    const pos = Math.round(clamp(level + bias + 0.18 * gauss(r), 0, 1) * 4); // 0 = lowest … 4 = highest
    a[q] = SCALE[4 - pos];
  }
  return a;
}

/** Responses per target: ~40 (8–90), `big` targets of BIG_TARGET, summing to exactly `total`. */
function responseCounts(targets: number, total: number, big: number, r: Rnd): Int32Array {
  const n = new Int32Array(targets);
  for (let i = 0; i < targets; i++) n[i] = i < big ? BIG_TARGET : Math.round(clamp(40 + 12 * gauss(r), 8, 90));
  let diff = total - n.reduce((a, b) => a + b, 0);
  const small = targets - big;
  if (small <= 0) throw new Error("BENCH_BIG leaves no ordinary target");
  while (diff !== 0) {
    const i = big + Math.floor(r() * small);
    const step = diff > 0 ? 1 : -1;
    const next = at(n, i) + step;
    if (next < 1 || next > 1000) continue;
    n[i] = next;
    diff -= step;
  }
  return n;
}

/** COPY text format: backslash, tab, newline and carriage return escaped. */
const COPY_ESCAPES = new Map([
  ["\\", "\\\\"],
  ["\t", "\\t"],
  ["\n", "\\n"],
  ["\r", "\\r"],
]);
const copyText = (s: string) => (/[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => atKey(COPY_ESCAPES, c)) : s);
const copyValue = (x: number | null) => (x === null ? "\\N" : String(x));

// ---- seed ----

type Seeded = { versionId: number; policy: PolicyRow; responses: number; targets: number };

async function seed(
  db: Db,
  client: postgres.Sql,
  opts: { responses: number; sections: number; teachers: number; big: number; seed: number },
): Promise<Seeded> {
  const x = (q: ReturnType<typeof sql>) => db.execute(q);
  const r = rng(opts.seed);
  let t = performance.now();
  const step = (what: string) => {
    const now = performance.now();
    log(`seed: ${what} (${secs(now - t)} s)`);
    t = now;
  };

  // Organisation and teaching, set-based.
  await x(sql`insert into units (code, name, name_en, kind) values ('S', '基准大学', 'Benchmark University', 'school')`);
  await x(sql`insert into units (code, name, kind, parent_id)
    select 'C' || c, '第' || c || '学院', 'college', (select id from units where code = 'S') from generate_series(1, ${COLLEGES}) c`);
  await x(sql`insert into units (code, name, kind, parent_id)
    select 'C' || c || '-O' || o, '第' || c || '学院教研室' || o, 'office', u.id
    from generate_series(1, ${COLLEGES}) c cross join generate_series(1, ${OFFICES_PER_COLLEGE}) o join units u on u.code = 'C' || c`);
  await x(sql`insert into programmes (code, name, unit_id)
    select 'P' || c, '专业' || c, (select id from units where code = 'C' || c) from generate_series(1, ${COLLEGES}) c`);
  await x(sql`insert into terms (code, school_year, semester, starts_on, ends_on, is_current)
    values ('2026-2027-1', ${SCHOOL_YEAR}, 1, '2026-09-01', '2027-01-20', true)`);
  // Course k (0-based) of college c: C<c>-K<k>, of type COURSE_TYPES[k mod 7].
  const types = `{${COURSE_TYPES.join(",")}}`;
  await x(sql`insert into courses (code, name, unit_id, programme_id, type)
    select 'C' || c || '-K' || k, '课程' || c || '-' || k, u.id, p.id, (${types}::course_type[])[k % ${COURSE_TYPES.length} + 1]
    from generate_series(1, ${COLLEGES}) c cross join generate_series(0, ${COURSES_PER_COLLEGE - 1}) k
      join units u on u.code = 'C' || c join programmes p on p.code = 'P' || c`);
  // Teacher i (0-based) belongs to college i mod 20 + 1, office (i / 20) mod 5 + 1.
  await x(sql`insert into persons (number, name, kind, unit_id, title)
    select 'T' || lpad(i::text, 5, '0'), '教师' || i, 'staff', u.id, '讲师'
    from generate_series(0, ${opts.teachers - 1}) i
      join units u on u.code = 'C' || (i % ${COLLEGES} + 1) || '-O' || ((i / ${COLLEGES}) % ${OFFICES_PER_COLLEGE} + 1)`);
  await x(
    sql`insert into persons (number, name, kind, unit_id) values ('Q001', '质量办', 'staff', (select id from units where code = 'S'))`,
  );
  await x(sql`insert into role_grants (person_id, role) select id, 'quality_admin' from persons where number = 'Q001'`);
  await x(sql`insert into role_grants (person_id, role) select id, 'teacher' from persons where number like 'T%'`);
  // Section s (0-based): college c = s mod 20 + 1, course (s / 20) mod 60 of it, taught by a
  // teacher of the same college: teacher (s / 20) mod (teachers / 20) of that college.
  const perCollege = Math.floor(opts.teachers / COLLEGES);
  await x(sql`insert into sections (code, term_id, course_id, name)
    select 'S' || lpad(s::text, 6, '0'), (select id from terms where code = '2026-2027-1'), co.id, '教学班' || s
    from generate_series(0, ${opts.sections - 1}) s
      join courses co on co.code = 'C' || (s % ${COLLEGES} + 1) || '-K' || ((s / ${COLLEGES}) % ${COURSES_PER_COLLEGE})`);
  await x(sql`insert into section_teachers (section_id, person_id)
    select sec.id, p.id from sections sec
      join persons p on p.number = 'T' || lpad((((substr(sec.code, 2)::int / ${COLLEGES}) % ${perCollege}) * ${COLLEGES} + substr(sec.code, 2)::int % ${COLLEGES})::text, 5, '0')`);
  step(`${COLLEGES} colleges, ${COLLEGES * COURSES_PER_COLLEGE} courses, ${perCollege * COLLEGES} teachers, ${opts.sections} sections`);

  // The instrument, through the app's checker, approved.
  const actorId = await queryValue(db, col.int, sql`select id from persons where number = 'Q001'`);
  const v = await createVersion(db, INSTRUMENT, actorId);
  await approveVersion(db, v.versionId, actorId, "基准测试");
  const versionId = v.versionId;
  const model = await scoringModelOfVersion(db, versionId);
  if (!model || model.items.length !== QUESTIONS.length) throw new Error("the bench instrument does not score 15 items");

  // The campaign: draft with its instrument, targets, then open, then closed.
  const campaignId = await queryValue(
    db,
    col.int,
    sql`
    insert into campaigns (kind, name, term_id, opens_at, closes_at, state, created_by, generated_at)
    values ('end_of_term', '基准测试 期末学生评教', (select id from terms where code = '2026-2027-1'),
      '2026-12-25T00:00:00Z', '2027-01-15T00:00:00Z', 'draft', ${actorId}, now())
    returning id`,
  );
  await x(
    sql`insert into campaign_instruments (campaign_id, rater_group, instrument_version_id) values (${campaignId}, 'student', ${versionId})`,
  );
  await x(sql`insert into campaign_targets (campaign_id, section_id, teacher_id)
    select ${campaignId}, st.section_id, st.person_id from section_teachers st order by st.section_id`);
  await x(sql`update campaigns set state = 'open', opened_at = opens_at where id = ${campaignId}`);
  await x(sql`update campaigns set state = 'closed', closed_at = closes_at where id = ${campaignId}`);
  const targets = (
    await queryRows(
      db,
      { id: col.int, teacher_id: col.int },
      sql`select id, teacher_id from campaign_targets where campaign_id = ${campaignId} order by section_id`,
    )
  ).map((row) => ({ id: row.id, teacher: row.teacher_id }));

  // Per target: responses, eligible raters, quality level (teacher's + the section's own).
  const counts = responseCounts(targets.length, opts.responses, opts.big, r);
  const teacherLevel = new Map<number, number>();
  const level = targets.map((tg) => {
    let l = teacherLevel.get(tg.teacher);
    if (l === undefined) teacherLevel.set(tg.teacher, (l = clamp(0.7 + 0.1 * gauss(r), 0.15, 0.97)));
    return clamp(l + 0.05 * gauss(r), 0.05, 1);
  });
  const eligible = Array.from(counts, (n) => (n >= BIG_TARGET ? 1_500 : n + Math.floor(r() * 21)));
  await x(sql`insert into imported_eligible (target_id, rater_group, eligible)
    select unnest(${arrayLiteral(targets.map((tg) => tg.id))}::int[]), 'student', unnest(${arrayLiteral(eligible)}::int[])`);
  step(`campaign ${campaignId}: ${targets.length} targets, ${opts.big} of ${BIG_TARGET} responses, imported eligible counts`);

  // Responses in random target order (as submissions arrive), scored by the app's scorer.
  const order = new Int32Array(opts.responses);
  for (let i = 0, k = 0; i < counts.length; i++) for (let j = 0; j < at(counts, i); j++) order[k++] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const tmp = at(order, i);
    order[i] = at(order, j);
    order[j] = tmp;
  }
  const days = Array.from({ length: 21 }, (_, d) => new Date(Date.UTC(2026, 11, 25 + d)).toISOString().slice(0, 10));
  const scoreLines: string[] = [];
  const CHUNK = 10_000;
  let scoreMs = 0;
  const responseChunks = function* (): Generator<string> {
    for (let start = 0; start < order.length; start += CHUNK) {
      const lines: string[] = [];
      const scores: string[] = [];
      for (let k = start; k < Math.min(order.length, start + CHUNK); k++) {
        const target = at(targets, at(order, k)).id;
        const answers = answersOf(at(level, at(order, k)), r);
        const t0 = performance.now();
        const s: StoredScore = storedScore(model, answers);
        scoreMs += performance.now() - t0;
        const id = randomUUID();
        const hash = createHash("sha256").update(id).digest("hex");
        lines.push(
          `${id}\t${target}\tstudent\t${versionId}\t${copyText(JSON.stringify(answers))}\tf\t${at(days, Math.floor(r() * days.length))}\t${hash}\n`,
        );
        scores.push(
          `${id}\t\\N\t${target}\tstudent\t${versionId}\t${copyValue(s.total)}\t${arrayLiteral(s.indicators)}\t${arrayLiteral(s.options)}\t${flagBits(s)}\n`,
        );
      }
      scoreLines.push(scores.join(""));
      yield lines.join("");
    }
  };
  const writable =
    await client`copy responses (id, target_id, rater_group, instrument_version_id, answers, declined, day, spent_token_hash) from stdin`.writable();
  await pipeline(Readable.from(responseChunks()), writable);
  step(`${opts.responses} responses made, scored (storedScore ${secs(scoreMs)} s) and copied into responses`);
  const scoreWritable =
    await client`copy response_scores (response_id, observation_id, target_id, rater_group, version_id, ${client.unsafe(SCORE_COLUMN_NAMES.join(", "))}) from stdin`.writable();
  await pipeline(Readable.from(scoreLines), scoreWritable);
  scoreLines.length = 0;
  step(`${opts.responses} response_scores copied`);

  // The policy in force.
  const p = await createPolicy(db, defaultPolicy(SCHOOL_YEAR), actorId);
  await approvePolicy(db, p.id, actorId, "基准测试", new Date());
  const policy = await currentPolicy(db, SCHOOL_YEAR);
  if (!policy) throw new Error("no policy in force");

  await x(sql`vacuum analyze`);
  await x(sql`checkpoint`);
  step("policy approved, vacuum analyze, checkpoint");
  return { versionId, policy, responses: opts.responses, targets: targets.length };
}

/** An element of a float8[] or smallint[]: postgres.js hands its NULL elements to parseFloat/parseInt, which make NaN. */
const elementOrNull = (value: unknown, column: string): number | null => {
  const n = col.num.nullable(value, column);
  return n !== null && Number.isNaN(n) ? null : n;
};

/** Scores stored answers again with the app's scorer and compares them with their stored rows. */
async function checkScores(db: Db): Promise<void> {
  const n = await queryValue(db, col.num, sql`select reltuples as n from pg_class where relname = 'responses'`);
  const percent = Math.min(100, (200 * CHECK_SAMPLE) / Math.max(1, n)); // twice the sample, expected
  const rows = await queryRows(
    db,
    {
      answers: col.json<Record<string, unknown>>(),
      version_id: col.int,
      total: col.num.nullable,
      indicators: col.array(elementOrNull),
      options: col.array(elementOrNull),
      quality_flags: col.int,
    },
    sql`select r.answers, s.version_id, ${scoreColumnsOf("s")}
      from (select * from responses tablesample bernoulli (${percent}) repeatable (1) limit ${CHECK_SAMPLE}) r
      join response_scores s on s.response_id = r.id`,
  );
  if (rows.length < CHECK_SAMPLE / 2) throw new Error(`check: only ${rows.length} responses sampled`);
  const same = (a: readonly (number | null)[], b: readonly (number | null)[]) => a.length === b.length && a.every((v, i) => b[i] === v);
  for (const row of rows) {
    const answers = row.answers;
    const want = await scoreForVersion(db, row.version_id, answers);
    const ok =
      want !== null &&
      (want.total === null ? row.total === null : row.total === want.total) &&
      same(want.indicators, row.indicators) &&
      same(want.options, row.options) &&
      flagBits(want) === row.quality_flags;
    if (!ok) throw new Error(`check: stored score differs from the app's scorer: ${JSON.stringify({ answers, want, row })}`);
  }
  log(`check: ${rows.length} stored responses scored again from their answers: every response_scores row matches`);
}

/** The queued scores folded into the tallies (timed), which then equal a rebuild from response_scores (timed). */
async function checkTallies(db: Db): Promise<void> {
  const digest = async () =>
    queryOne(
      db,
      { d: col.text.nullable, rows: col.int, n: col.int.nullable },
      sql`
    select md5(string_agg(target_id || '|' || rater_group || '|' || kind || '|' || n || '|' || totals::text || '|' || counts::text, ';'
      order by target_id, rater_group, kind)) as d, count(*) as rows, sum(n) filter (where kind = any(${ONCE}::int[])) as n from target_tallies`,
    );
  const queued = await queryValue(db, col.int, sql`select count(*) as queued from tally_queue`);
  const f0 = performance.now();
  await foldTallies(db);
  const foldMs = performance.now() - f0;
  const kept = await digest();
  const t0 = performance.now();
  await rebuildTallies(db);
  const ms = performance.now() - t0;
  const rebuilt = await digest();
  if (kept.d !== rebuilt.d) throw new Error(`check: the folded tallies differ from a rebuild (${kept.rows} vs ${rebuilt.rows} rows)`);
  log(
    `check: ${queued} queued scores folded in ${secs(foldMs)} s; the ${rebuilt.rows} tallies (${rebuilt.n} responses) equal a rebuild from response_scores (${secs(ms)} s)`,
  );
  await db.execute(sql`vacuum analyze target_tallies, tally_queue`);
}

// ---- measurement ----

const ITEMS = QUESTIONS.length;
const FLOOR =
  sql.raw(`select count(*) as groups, sum(n) as n, sum(t) as t, ${Array.from({ length: ITEMS }, (_, i) => `sum(o${i + 1})`).join(" + ")} as o
  from (select target_id, rater_group, count(*) as n, avg(total) as t, ${Array.from({ length: ITEMS }, (_, i) => `avg(options[${i + 1}]) as o${i + 1}`).join(", ")}
    from response_scores group by target_id, rater_group) x`);

async function floorOnce(db: Db): Promise<{ ms: number; groups: number; n: number }> {
  const t0 = performance.now();
  const row = await queryOne(db, { groups: col.int, n: col.int.nullable }, FLOOR);
  return { ms: performance.now() - t0, groups: row.groups, n: row.n ?? 0 };
}

async function recomputeOnce(db: Db, policy: PolicyRow): Promise<{ ms: number; run: RunResult }> {
  const t0 = performance.now();
  const run = await recompute(db, { id: policy.id, schoolYear: policy.schoolYear, policy: policy.policy }, { trigger: "command" });
  return { ms: performance.now() - t0, run };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? at(s, (s.length - 1) / 2) : (at(s, s.length / 2 - 1) + at(s, s.length / 2)) / 2;
};

function describeRun(label: string, r: { ms: number; run: RunResult }): string {
  const p = r.run.phases;
  const other = p ? r.run.ms - (p.foldMs ?? 0) - p.gatherMs - p.figuresMs - p.writeMs - (p.vacuumMs ?? 0) : 0;
  return (
    `${label}: recompute ${secs(r.ms)} s (responses=${r.run.responses} targets=${r.run.targets} results=${r.run.results}` +
    (p
      ? `; fold ${secs(p.foldMs ?? 0)} s, scope+fingerprint ${secs(other)} s, gather ${secs(p.gatherMs)} s, figures ${secs(p.figuresMs)} s, write ${secs(p.writeMs)} s, vacuum ${secs(p.vacuumMs ?? 0)} s)`
      : ")")
  );
}

async function main() {
  const baseUrl = setting("BENCH_PG_URL", defaultPgUrl());
  const dbName = setting("BENCH_DB", "bench_scores");
  const opts = {
    responses: numberSetting("BENCH_RESPONSES", 1_000_000),
    sections: numberSetting("BENCH_SECTIONS", 25_000),
    teachers: numberSetting("BENCH_TEACHERS", 2_500),
    big: numberSetting("BENCH_BIG", 2),
    seed: numberSetting("BENCH_SEED", 42),
  };
  const reps = numberSetting("BENCH_REPS", 5);
  const reuse = process.env.BENCH_REUSE === "1";
  const url = databaseUrl(baseUrl, dbName);

  const started = performance.now();
  if (!reuse) await recreateDatabase(baseUrl, dbName);
  const handle = await openDb({ url });
  const { db } = handle;
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    let policy: PolicyRow | null;
    if (reuse) {
      policy = await currentPolicy(db, SCHOOL_YEAR);
      if (!policy) throw new Error(`BENCH_REUSE=1: ${dbName} has no policy for ${SCHOOL_YEAR}; run once without it`);
      log(`seed: skipped (BENCH_REUSE=1, database ${dbName})`);
    } else {
      const s = await seed(db, client, opts);
      policy = s.policy;
      log(`seed: done in ${secs(performance.now() - started)} s (database ${dbName})`);
    }
    await checkScores(db);
    await checkTallies(db);

    const settings = await queryOne(
      db,
      {
        version: col.text,
        shared_buffers: col.text,
        work_mem: col.text,
        jit: col.text,
        parallel_workers: col.text,
        effective_cache_size: col.text,
        heap: col.text,
        indexes: col.text,
        tallies: col.text,
        tally_rows: col.int,
      },
      sql`select current_setting('server_version') as version,
      current_setting('shared_buffers') as shared_buffers, current_setting('work_mem') as work_mem, current_setting('jit') as jit,
      current_setting('max_parallel_workers_per_gather') as parallel_workers, current_setting('effective_cache_size') as effective_cache_size,
      pg_size_pretty(pg_table_size('response_scores')) as heap, pg_size_pretty(pg_indexes_size('response_scores')) as indexes,
      pg_size_pretty(pg_total_relation_size('target_tallies')) as tallies, (select count(*) from target_tallies) as tally_rows`,
    );
    log(
      `server: PostgreSQL ${settings.version}, shared_buffers=${settings.shared_buffers} work_mem=${settings.work_mem} jit=${settings.jit} ` +
        `max_parallel_workers_per_gather=${settings.parallel_workers} effective_cache_size=${settings.effective_cache_size}`,
    );
    log(
      `response_scores: heap ${settings.heap}, indexes ${settings.indexes}; target_tallies: ${settings.tally_rows} rows, ${settings.tallies}`,
    );
    const plan = (await queryRows(db, { "QUERY PLAN": col.text }, sql`explain ${FLOOR}`)).map((row) => row["QUERY PLAN"]);
    log(`floor plan:\n  ${plan.join("\n  ")}`);

    const f0 = await floorOnce(db);
    log(`warm-up: floor ${secs(f0.ms)} s (${f0.groups} groups, ${f0.n} rows)`);
    const r0 = await recomputeOnce(db, policy);
    log(describeRun("warm-up", r0));
    if (f0.n !== r0.run.responses) throw new Error(`the floor saw ${f0.n} rows, the recompute ${r0.run.responses} responses`);

    const floors: number[] = [];
    const recomputes: number[] = [];
    let last = r0;
    for (let i = 1; i <= reps; i++) {
      const f = await floorOnce(db);
      floors.push(f.ms);
      log(`rep ${i}: floor ${secs(f.ms)} s`);
      last = await recomputeOnce(db, policy);
      recomputes.push(last.ms);
      log(describeRun(`rep ${i}`, last));
    }
    const rec = median(recomputes),
      flo = median(floors);
    log(`bench-scores: responses=${last.run.responses} recompute_s=${secs(rec)} floor_s=${secs(flo)} ratio=${(rec / flo).toFixed(2)}`);
  } finally {
    await client.end({ timeout: 5 });
    await handle.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
