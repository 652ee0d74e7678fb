// Seed for the submission benchmarks (README.md): a dedicated database on a
// real PostgreSQL, recreated each run, with an end-of-term campaign at scale, made with
// set-based SQL (generate_series, insert … select) and the app's own campaign code:
//
//   30,000 students in 750 administrative classes of 40; each class takes 8 sections
//   (6,000 sections, 80 courses, 1,500 teachers with 4 sections each), so every student has
//   8 targets: 240,000 student eligibility rows. The library's student evaluation instrument
//   (surveys/student_evaluation.json: 12 rated items and 2 optional comments) is imported and
//   approved; createCampaign → generateAssignments → openCampaign, window around now.
//
// Shortcut (bench only): a real campaign has one freshly generated RSA-2048 pair per target
// (~90 ms each, 6,000 would take minutes). Here a pool of KEY_POOL pairs is generated and
// target t gets pair t mod KEY_POOL, its private key encrypted for t's id with
// encryptTargetKey as the app does. Nothing in the submit path can tell the difference.
//
// Tokens: a valid token for a target is any 64-byte message with an RSASSA-PSS (SHA-384,
// salt 48) signature under the target's key, which is exactly what unblinding a blind
// signature yields; the load generator signs directly with the pool's private keys instead
// of running the blind protocol per student, and records eligibility.token_issued_on as
// issuance would.
import { constants, createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { openDb, type Db, type DbHandle } from "@/db/client";
import { targetKeys } from "@/db/schema";
import { col, queryOne, queryRows, queryValue } from "@/db/query";
import { at } from "@/server/shared/indexed";
import { verifyToken } from "@/server/anonymity/blind";
import { beijingDate } from "@/server/kernel/time";
import { storedTokenHash } from "@/server/anonymity/pool";
import { encryptTargetKey } from "@/server/anonymity/keys";
import { PSS_SALT_LENGTH, TOKEN_BYTES } from "@/server/shared/anonymity/params";
import type { SessionUser } from "@/server/auth/users";
import { generateAssignments } from "@/server/campaigns/assign";
import { closeCampaign, createCampaign, openCampaign } from "@/server/campaigns/campaigns";
import { importLibrary } from "@/server/instruments/library";
import { compilePlan, type Plan } from "@/server/instruments/plan";
import type { InstrumentFile } from "@/server/instruments/format";
import { getRegistry } from "@/server/instruments/registry";
import { validateAnswers } from "@/server/instruments/validate";

export const STUDENTS = 30_000;
export const CLASS_SIZE = 40;
export const SECTIONS_PER_CLASS = 8;
export const TEACHERS = 1_500;
export const COLLEGES = 10;
export const KEY_POOL = 16;
export const INSTRUMENT_KEY = "student_evaluation";

/** postgres://<user>@127.0.0.1:5432/<db>: the server's URL with another database name. */
export function databaseUrl(baseUrl: string, name: string): string {
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops (terminating its sessions) and creates `name` on the server of `baseUrl`. */
export async function recreateDatabase(baseUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
    // Durable commits for every session of this database, whatever the server's default.
    await admin.unsafe(`alter database ${name} set synchronous_commit = on`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

export type DurabilitySettings = { synchronous_commit: string; fsync: string; wal_sync_method: string; version: string };

export async function durabilitySettings(db: Db): Promise<DurabilitySettings> {
  return queryOne(
    db,
    { synchronous_commit: col.text, fsync: col.text, wal_sync_method: col.text, version: col.text },
    sql`
    select current_setting('synchronous_commit') as synchronous_commit, current_setting('fsync') as fsync,
      current_setting('wal_sync_method') as wal_sync_method, current_setting('server_version') as version`,
  );
}

/** The bench instrument, from the library (surveys/). */
function benchInstrument(): InstrumentFile {
  const file = getRegistry()[INSTRUMENT_KEY];
  if (!file) throw new Error(`the instrument library has no ${INSTRUMENT_KEY}`);
  return file;
}

export type Seeded = {
  campaignId: number;
  versionId: number;
  plan: Plan;
  /** target id → index into `keys` */
  keyOf: Map<number, number>;
  /** the pool's private keys */
  keys: KeyObject[];
  targets: number;
  eligibility: number;
  seconds: number;
};

/**
 * Migrates `url` (through openDb, as the app does) and seeds it. The returned handle stays
 * open for the caller (token marking, final counts).
 */
export async function seed(
  url: string,
  secret: string,
  log: (s: string) => void,
  now = new Date(),
): Promise<{ handle: DbHandle; seeded: Seeded }> {
  const started = performance.now();
  const handle = await openDb({ url });
  const { db } = handle;
  const x = (q: ReturnType<typeof sql>) => db.execute(q);

  // Organisation and teaching, set-based.
  await x(sql`insert into units (code, name, name_en, kind) values ('S', '基准大学', 'Benchmark University', 'school')`);
  await x(sql`insert into units (code, name, kind, parent_id)
    select 'C' || g, '第' || g || '学院', 'college', (select id from units where code = 'S') from generate_series(1, ${COLLEGES}) g`);
  await x(sql`insert into programmes (code, name, unit_id)
    select 'P' || g, '专业' || g, (select id from units where code = 'C' || g) from generate_series(1, ${COLLEGES}) g`);
  await x(sql`insert into terms (code, school_year, semester, starts_on, ends_on, is_current)
    values ('2026-2027-1', '2026-2027', 1, '2026-09-01', '2027-01-20', true)`);
  // Course k (1..8) of college c: code C<c>-K<k>.
  await x(sql`insert into courses (code, name, unit_id, programme_id, type)
    select 'C' || c || '-K' || k, '课程' || c || '-' || k, u.id, p.id, 'core'
    from generate_series(1, ${COLLEGES}) c cross join generate_series(1, ${SECTIONS_PER_CLASS}) k
      join units u on u.code = 'C' || c join programmes p on p.code = 'P' || c`);
  const classes = STUDENTS / CLASS_SIZE;
  // Class n (0-based) belongs to college n mod 10 + 1.
  await x(sql`insert into persons (number, name, kind, unit_id, programme_id, class_name, admission_year)
    select (2026000000 + i)::text, '学生' || i, 'student', u.id, p.id, '班' || (i / ${CLASS_SIZE}), 2026
    from generate_series(0, ${STUDENTS - 1}) i
      join units u on u.code = 'C' || ((i / ${CLASS_SIZE}) % ${COLLEGES} + 1)
      join programmes p on p.code = 'P' || ((i / ${CLASS_SIZE}) % ${COLLEGES} + 1)`);
  await x(sql`insert into persons (number, name, kind, unit_id, title)
    select 'T' || lpad(i::text, 5, '0'), '教师' || i, 'staff', u.id, '讲师'
    from generate_series(0, ${TEACHERS - 1}) i join units u on u.code = 'C' || (i % ${COLLEGES} + 1)`);
  await x(
    sql`insert into persons (number, name, kind, unit_id) values ('Q001', '质量办', 'staff', (select id from units where code = 'S'))`,
  );
  await x(sql`insert into role_grants (person_id, role) select id, 'quality_admin' from persons where number = 'Q001'`);
  await x(sql`insert into role_grants (person_id, role) select id, 'student' from persons where kind = 'student'`);
  await x(sql`insert into role_grants (person_id, role) select id, 'teacher' from persons where number like 'T%'`);
  // Section s (0-based) = class s / 8, course s % 8 + 1 of the class's college.
  await x(sql`insert into sections (code, term_id, course_id, name)
    select 'S' || lpad(s::text, 5, '0'), (select id from terms where code = '2026-2027-1'), c.id, '班' || (s / ${SECTIONS_PER_CLASS})
    from generate_series(0, ${classes * SECTIONS_PER_CLASS - 1}) s
      join courses c on c.code = 'C' || ((s / ${SECTIONS_PER_CLASS}) % ${COLLEGES} + 1) || '-K' || (s % ${SECTIONS_PER_CLASS} + 1)`);
  // Teacher of section s: s mod 1,500 (4 sections each).
  await x(sql`insert into section_teachers (section_id, person_id)
    select sec.id, t.id from sections sec
      join persons t on t.number = 'T' || lpad((substr(sec.code, 2)::int % ${TEACHERS})::text, 5, '0')`);
  await x(sql`insert into enrolments (section_id, person_id)
    select sec.id, p.id from persons p
      join sections sec on substr(sec.code, 2)::int / ${SECTIONS_PER_CLASS} = (p.number::bigint - 2026000000) / ${CLASS_SIZE}
    where p.kind = 'student'`);
  log(`seed: ${STUDENTS} students, ${classes * SECTIONS_PER_CLASS} sections, ${TEACHERS} teachers`);

  // The instrument, imported and approved as the library is (server/setup.ts).
  const file = benchInstrument();
  const qualityId = await queryValue(db, col.int, sql`select id from persons where number = 'Q001'`);
  // One result per file imported.
  const lib = at(await importLibrary(db, [file], { approvedBy: qualityId, note: "基准测试：评价工具库" }), 0);
  if (!lib.approved) throw new Error("the instrument version was not approved");
  const versionId = lib.versionId;

  // The campaign through the app's own code.
  const actor: SessionUser = {
    id: qualityId,
    number: "Q001",
    name: "质量办",
    kind: "staff",
    unitId: null,
    roles: [{ role: "quality_admin", unitId: null }],
  };
  const termId = await queryValue(db, col.int, sql`select id from terms where code = '2026-2027-1'`);
  const c = await createCampaign(
    db,
    actor,
    {
      kind: "end_of_term",
      name: "基准测试 期末学生评教",
      termId,
      opensAt: new Date(now.getTime() - 86_400_000),
      closesAt: new Date(now.getTime() + 30 * 86_400_000),
      instruments: [{ raterGroup: "student", instrumentVersionId: versionId }],
    },
    now,
  );
  const gen = await generateAssignments(db, c.id);
  log(`seed: campaign ${c.id}: ${gen.targets} targets, ${gen.eligibility} eligibility rows (${gen.seconds} s)`);

  // Keys: the pool shortcut (see the top of this file).
  const t0 = performance.now();
  const pool = Array.from({ length: KEY_POOL }, () => generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 0x10001 }));
  const der = pool.map((k) => ({
    spki: k.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    pkcs8: k.privateKey.export({ type: "pkcs8", format: "der" }),
  }));
  const targetIds = (
    await queryRows(db, { id: col.int }, sql`select id from campaign_targets where campaign_id = ${c.id} order by id`)
  ).map((r) => r.id);
  const keyOf = new Map<number, number>();
  for (let i = 0; i < targetIds.length; i += 1000) {
    const batch = targetIds.slice(i, i + 1000);
    await db.insert(targetKeys).values(
      batch.map((targetId) => {
        const k = targetId % KEY_POOL;
        keyOf.set(targetId, k);
        const pair = at(der, k);
        return { targetId, publicKey: pair.spki, privateKey: encryptTargetKey(pair.pkcs8, targetId, secret) };
      }),
    );
  }
  log(`seed: ${KEY_POOL} key pairs for ${targetIds.length} targets (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  await openCampaign(db, c.id, now);
  // Now, not during the measurement: autovacuum would visit every freshly filled table, and
  // the checkpoint after the bulk load would come in the middle of it.
  await x(sql`vacuum analyze`);
  await x(sql`checkpoint`);
  const plan = compilePlan(file.survey);
  const seconds = (performance.now() - started) / 1000;
  return {
    handle,
    seeded: {
      campaignId: c.id,
      versionId,
      plan,
      keyOf,
      keys: pool.map((k) => k.privateKey),
      targets: gen.targets,
      eligibility: gen.eligibility,
      seconds,
    },
  };
}

/** The pool's private key of a target (every target of the campaign has one, see seed). */
function keyOf(s: Seeded, targetId: number): KeyObject {
  const k = s.keyOf.get(targetId);
  if (k === undefined) throw new Error(`target ${targetId} has no key in the pool`);
  return at(s.keys, k);
}

export type Token = { targetId: number; token: string; signature: string; hash: string };

const signAsync = (key: KeyObject, data: Buffer) =>
  new Promise<Buffer>((resolve, reject) => {
    sign("sha384", data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH }, (err, sig) =>
      err ? reject(err) : resolve(sig),
    );
  });

/**
 * Tokens for the first `count` pending eligibility rows (whole students, in person order),
 * and marks those students' rows token_issued_on = today as issuance would. Signed in
 * libuv's thread pool (both cores). The first token is checked with the app's verifyToken.
 */
export async function issueBenchTokens(db: Db, s: Seeded, count: number, now = new Date()): Promise<Token[]> {
  const students = Math.min(STUDENTS, Math.ceil(count / SECTIONS_PER_CLASS));
  const rows = await queryRows(
    db,
    { target_id: col.int, person_id: col.int },
    sql`
    with chosen as (
      select distinct e.person_id from eligibility e
      where e.rater_group = 'student' and e.token_issued_on is null order by e.person_id limit ${students})
    update eligibility e set token_issued_on = ${beijingDate(now)}::date
    from chosen where e.person_id = chosen.person_id and e.rater_group = 'student'
    returning e.target_id, e.person_id`,
  );
  rows.sort((a, b) => a.person_id - b.person_id || a.target_id - b.target_id);
  const out = new Array<Token>(rows.length);
  const CONC = 16;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONC }, async () => {
      for (let i = next++; i < rows.length; i = next++) {
        const targetId = at(rows, i).target_id;
        const token = randomBytes(TOKEN_BYTES);
        const signature = await signAsync(keyOf(s, targetId), token);
        out[i] = {
          targetId,
          token: token.toString("base64"),
          signature: signature.toString("base64"),
          hash: createHash("sha256").update(token).digest("hex"),
        };
      }
    }),
  );
  const t = out[0];
  if (t) {
    if (!verifyToken(createPublicKey(keyOf(s, t.targetId)), Buffer.from(t.token, "base64"), Buffer.from(t.signature, "base64"))) {
      throw new Error("verifyToken refuses the bench tokens");
    }
  }
  return out;
}

// ---- answers ----

/** The bench instrument's SurveyJS definition. */
export function surveyOf(): unknown {
  return benchInstrument().survey;
}

type Element = {
  type: string;
  name: string;
  isRequired?: boolean;
  choices?: unknown[];
  maxLength?: number;
  rateMin?: number;
  rateMax?: number;
  elements?: Element[];
};

const COMMENTS = [
  "老师讲课认真，条理清楚，作业反馈及时。",
  "希望多一些课堂讨论和案例分析。",
  "实验课时间可以再充足一些。",
  "课件清晰，重点突出，收获很大。",
  "The pace was a little fast in the second half of the term.",
];

function elementsOf(survey: { pages?: { elements?: Element[] }[] }): Element[] {
  const out: Element[] = [];
  const walk = (els: Element[] | undefined) => {
    for (const e of els ?? []) {
      if (e.type === "panel") walk(e.elements);
      else out.push(e);
    }
  };
  for (const p of survey.pages ?? []) walk(p.elements);
  return out;
}

/**
 * A complete, valid answer set for the survey: every rated question answered (a random
 * option, skewed to the upper end as real ratings are), each comment filled 30% of the time.
 * Throws on a question type it does not know (the bench instrument has none).
 */
export function answerMaker(survey: unknown, rnd: () => number = Math.random): () => Record<string, unknown> {
  const els = elementsOf(survey as { pages?: { elements?: Element[] }[] });
  const choiceValue = (c: unknown) => (typeof c === "object" && c !== null && "value" in c ? c.value : c);
  for (const e of els) {
    if (!["radiogroup", "comment", "rating", "html"].includes(e.type))
      throw new Error(`answerMaker: question type ${e.type} not supported`);
  }
  return () => {
    const a: Record<string, unknown> = {};
    for (const e of els) {
      if (e.type === "radiogroup") {
        const values = (e.choices ?? []).map(choiceValue).filter((v) => v !== "na");
        const r = rnd();
        a[e.name] = values[Math.min(values.length - 1, Math.floor(r * r * values.length))];
      } else if (e.type === "rating") {
        const min = e.rateMin ?? 1;
        const max = e.rateMax ?? 5;
        a[e.name] = max - Math.floor(rnd() * rnd() * (max - min + 1));
      } else if (e.type === "comment" && (e.isRequired || rnd() < 0.3)) {
        a[e.name] = at(COMMENTS, Math.floor(rnd() * COMMENTS.length)).slice(0, e.maxLength ?? 500);
      }
    }
    return a;
  };
}

/** Checks `n` generated answer sets with the app's validateAnswers (before any load). */
export function checkAnswers(plan: Plan, make: () => Record<string, unknown>, n = 200): void {
  for (let i = 0; i < n; i++) {
    const r = validateAnswers(plan, make(), "zh");
    if (!r.ok) throw new Error(`generated answers are invalid: ${JSON.stringify(r.errors.slice(0, 3))}`);
  }
}

/**
 * What the benchmarks compare with what they sent, once the load is over: the campaign is
 * closed, which stores its sealed pool as responses (anonymity/pool.ts; timed here), and
 * each response's spent_token_hash is mapped back to the token hash the client knows (the
 * stored one is an HMAC of it under the secret). Also the pool's state before the close:
 * every acknowledged token must be spent, and there must be one sealed box per spent token.
 */
export async function closeAndReadStored(db: Db, seeded: Seeded, secret: string, sentHashes: Iterable<string>, log: (s: string) => void) {
  const before = await queryOne(
    db,
    { spent: col.int, sealed: col.int },
    sql`
    select (select count(*)::int from spent_tokens) as spent, (select count(*)::int from sealed_submissions) as sealed`,
  );
  const spent = new Set((await queryRows(db, { hash: col.text }, sql`select hash from spent_tokens`)).map((r) => r.hash));
  const t = performance.now();
  await closeCampaign(db, seeded.campaignId, new Date(), null, secret);
  log(
    `close: ${before.sealed} sealed submissions (${before.spent} spent tokens) stored as responses in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const back = new Map<string, string>();
  for (const h of sentHashes) back.set(storedTokenHash(secret, h), h);
  const stored = await queryRows(
    db,
    { h: col.text, n: col.int },
    sql`select spent_token_hash as h, count(*)::int as n from responses group by 1`,
  );
  const rows = await queryValue(db, col.int, sql`select count(*)::int as rows from responses`);
  // A stored hash that maps to no sent token stays as it is (counted as never sent).
  return {
    stored: stored.map((r) => ({ h: back.get(r.h) ?? r.h, n: r.n })),
    rows,
    spent,
    pool: { spent: before.spent, sealed: before.sealed },
  };
}
