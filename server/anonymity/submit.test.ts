import { generateKeyPairSync, constants, sign } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { eligibility, enrolments, persons, responses, sectionTeachers, sections } from "@/db/schema";
import { rowsOf } from "../access/scope";
import { closeCampaign } from "../campaigns/campaigns";
import { freshSchool, type School } from "../test/fixtures";
import { CLOSES, DURING, LATER, endOfTermCampaign, studentTokens, type Token } from "../test/collection";
import { tokenHash } from "./blind";
import { fromBase64, prepareToken, toBase64 } from "./client";
import { MAX_ANSWERS_BYTES, submitResponse, type SubmitInput } from "./submit";


let db: Db;
let s: School;
let campaignId: number;
let versionId: number;
let tA: number; // secA: studentA and studentB
let tB: number; // secB: studentB

async function setupCampaign(extra?: (db: Db, s: School) => Promise<void>) {
  ({ db, s } = await freshSchool());
  if (extra) await extra(db, s);
  const c = await endOfTermCampaign(db, s);
  ({ versionId } = c);
  campaignId = c.id;
  tA = c.targets.find((t) => t.sectionId === s.secA.id)!.id;
  tB = c.targets.find((t) => t.sectionId === s.secB.id)!.id;
}

/** The whole student side of issuance, the targets requested in this order. */
const tokensFor = (personId: number, targetIds: number[], now = DURING) => studentTokens(db, campaignId, personId, now, targetIds);

const submission = (t: Token, patch: Partial<SubmitInput> = {}): SubmitInput => ({
  targetId: t.targetId, token: t.token, signature: t.signature, answers: { q1: 5 }, locale: "zh", ...patch,
});
const allResponses = () => db.select().from(responses);

async function refused(p: Promise<unknown>, kind: string, code: string) {
  await expect(p).rejects.toMatchObject({ name: "DomainError", kind, code: `respond.submit.errors.${code}` });
}
const flipB64 = (b64: string, i: number) => { const b = fromBase64(b64); b[i] ^= 1; return toBase64(b); };

describe("submitResponse", () => {
  beforeEach(() => setupCampaign());

  it("full flow: a student with two targets gets both tokens at once and submits both; a retry is a duplicate", async () => {
    const [a, b] = await tokensFor(s.people.studentB.id, [tA, tB]);
    expect(await submitResponse(db, submission(b, { answers: { q1: 3 } }), LATER)).toEqual({ status: "stored" });
    expect(await submitResponse(db, submission(a), LATER)).toEqual({ status: "stored" });
    // The same token again (a retry after a network failure, even with other answers): done, no second row.
    expect(await submitResponse(db, submission(a), LATER)).toEqual({ status: "duplicate" });
    expect(await submitResponse(db, submission(a, { answers: { q1: 1 } }), new Date("2027-01-04T09:00:00Z"))).toEqual({ status: "duplicate" });
    const rows = await allResponses();
    expect(rows).toHaveLength(2);
    const byTarget = new Map(rows.map((r) => [r.targetId, r]));
    expect(byTarget.get(tA)).toMatchObject({
      raterGroup: "student", instrumentVersionId: versionId, answers: { q1: 5 }, declined: false, day: "2027-01-03",
      spentTokenHash: tokenHash(fromBase64(a.token)),
    });
    expect(byTarget.get(tB)).toMatchObject({ answers: { q1: 3 }, declined: false, day: "2027-01-03" });
    expect(byTarget.get(tA)!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("concurrent submissions of one token store one row", async () => {
    const [a] = await tokensFor(s.people.studentA.id, [tA]);
    const results = await Promise.all([1, 2, 3].map(() => submitResponse(db, submission(a), LATER)));
    expect(results.map((r) => r.status).sort()).toEqual(["duplicate", "duplicate", "stored"]);
    expect(await allResponses()).toHaveLength(1);
  });

  it("refuses outside the window and when the campaign is closed", async () => {
    const [a] = await tokensFor(s.people.studentA.id, [tA]);
    await refused(submitResponse(db, submission(a), new Date("2026-12-24T12:00:00Z")), "CONFLICT", "campaignClosed");
    await refused(submitResponse(db, submission(a), CLOSES), "CONFLICT", "campaignClosed");
    await closeCampaign(db, campaignId, LATER);
    await refused(submitResponse(db, submission(a), LATER), "CONFLICT", "campaignClosed");
    await refused(submitResponse(db, submission(a, { targetId: 999_999 }), LATER), "NOT_FOUND", "targetNotFound");
    expect(await allResponses()).toHaveLength(0);
  });

  it("refuses forged, tampered and misdirected tokens with 'invalid token' only; the real token stays usable", async () => {
    const [a, b] = await tokensFor(s.people.studentB.id, [tA, tB]);
    const invalid = (p: SubmitInput) => refused(submitResponse(db, p, LATER), "FORBIDDEN", "invalidToken");
    await invalid(submission(a, { targetId: tB })); // a token for another target
    await invalid(submission(a, { signature: b.signature })); // another token's signature
    await invalid(submission(a, { token: flipB64(a.token, 0) }));
    await invalid(submission(a, { token: flipB64(a.token, 63) }));
    await invalid(submission(a, { signature: flipB64(a.signature, 100) }));
    await invalid(submission(a, { signature: toBase64(crypto.getRandomValues(new Uint8Array(256))) }));
    await invalid(submission(a, { token: toBase64(prepareToken()) })); // a fresh, unsigned token
    await invalid(submission(a, { token: "not base64!" }));
    await invalid(submission(a, { signature: toBase64(new Uint8Array(10)) }));
    await refused(submitResponse(db, submission(a, { signature: "" }), LATER), "BAD_REQUEST", "invalidRequest");
    // Signed by a key of the forger's own (valid RSA-PSS, wrong key).
    const forger = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const t = prepareToken();
    const forged = sign("sha384", t, { key: forger.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 });
    await invalid({ targetId: tA, token: toBase64(t), signature: toBase64(forged), answers: { q1: 5 }, locale: "en" });
    expect(await allResponses()).toHaveLength(0);
    expect(await submitResponse(db, submission(a), LATER)).toEqual({ status: "stored" });
    expect(await submitResponse(db, submission(b), LATER)).toEqual({ status: "stored" });
  });

  it("refuses invalid answers with per-question errors and stores nothing; the token is not spent", async () => {
    const [a] = await tokensFor(s.people.studentA.id, [tA]);
    for (const [answers, question] of [[{ q1: 4 }, "q1"], [{ q1: 99 }, "q1"], [{ q1: "5" }, "q1"], [{}, "q1"], [{ q1: 5, nope: 1 }, "nope"]] as const) {
      let e: unknown;
      try { await submitResponse(db, submission(a, { answers, locale: "en" }), LATER); } catch (x) { e = x; }
      expect(e).toMatchObject({ kind: "BAD_REQUEST", code: "respond.submit.errors.invalidAnswers" });
      const details = (e as { details: { question: string; code: string; message: string }[] }).details;
      expect(details.length).toBeGreaterThan(0);
      expect(details.map((d) => d.question)).toContain(question);
      expect(details[0].message).toBeTruthy();
    }
    await refused(submitResponse(db, submission(a, { answers: [5] }), LATER), "BAD_REQUEST", "invalidAnswers");
    await refused(submitResponse(db, submission(a, { answers: null }), LATER), "BAD_REQUEST", "invalidAnswers");
    expect(await allResponses()).toHaveLength(0);
    expect(await submitResponse(db, submission(a), LATER)).toEqual({ status: "stored" });
  });

  it("declined: stored as declined with empty answers; answers with declined are refused", async () => {
    const [a] = await tokensFor(s.people.studentA.id, [tA]);
    await refused(submitResponse(db, submission(a, { declined: true }), LATER), "BAD_REQUEST", "declinedWithAnswers");
    await refused(submitResponse(db, submission(a, { declined: true, answers: [] }), LATER), "BAD_REQUEST", "declinedWithAnswers");
    expect(await submitResponse(db, submission(a, { declined: true, answers: {} }), LATER)).toEqual({ status: "stored" });
    expect(await allResponses()).toMatchObject([{ targetId: tA, declined: true, answers: {}, day: "2027-01-03" }]);
    expect(await submitResponse(db, submission(a), LATER)).toEqual({ status: "duplicate" });
  });

  it("enforces size limits and the input shape", async () => {
    const [a] = await tokensFor(s.people.studentA.id, [tA]);
    await refused(submitResponse(db, submission(a, { answers: { q1: 5, c: "x".repeat(MAX_ANSWERS_BYTES) } }), LATER), "BAD_REQUEST", "tooLarge");
    await refused(submitResponse(db, submission(a, { answers: { q1: 5, c: "评".repeat(MAX_ANSWERS_BYTES / 3 + 10) } }), LATER), "BAD_REQUEST", "tooLarge");
    await refused(submitResponse(db, submission(a, { token: "A".repeat(10_000) }), LATER), "BAD_REQUEST", "invalidRequest");
    await refused(submitResponse(db, submission(a, { signature: "A".repeat(10_000) }), LATER), "BAD_REQUEST", "invalidRequest");
    await refused(submitResponse(db, { ...submission(a), personId: 1 } as never, LATER), "BAD_REQUEST", "invalidRequest");
    await refused(submitResponse(db, submission(a, { locale: "fr" as never }), LATER), "BAD_REQUEST", "invalidRequest");
    await refused(submitResponse(db, submission(a, { targetId: -1 }), LATER), "BAD_REQUEST", "invalidRequest");
    expect(await allResponses()).toHaveLength(0);
  });
});

// ---- Linkage: the operator's view ----

/** Deterministic PRNG (mulberry32), so the linkage figures are reproducible. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffle<T>(xs: T[], r: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const N_STUDENTS = 30;
const N_SECTIONS = 8;
const PER_STUDENT = 3;
let cohort: number[] = [];

/** 30 more students, 8 more sections of CS101 with a teacher each; each student takes 3 of them. */
async function cohortSchool(db: Db, s: School) {
  const r = rng(7);
  const teachers = await db.insert(persons).values(Array.from({ length: N_SECTIONS }, (_, i) => ({
    number: `LT${i}`, name: `教师${i}`, kind: "staff" as const, unitId: s.officeA.id,
  }))).returning();
  const secs = await db.insert(sections).values(Array.from({ length: N_SECTIONS }, (_, i) => ({
    code: `CS101-L${i}`, termId: s.term.id, courseId: s.courseA.id,
  }))).returning();
  await db.insert(sectionTeachers).values(secs.map((sec, i) => ({ sectionId: sec.id, personId: teachers[i].id })));
  const students = await db.insert(persons).values(Array.from({ length: N_STUDENTS }, (_, i) => ({
    number: `2024${String(i).padStart(3, "0")}`, name: `学生${i}`, kind: "student" as const, unitId: s.unitA.id, programmeId: s.progA.id,
  }))).returning();
  cohort = students.map((p) => p.id);
  await db.insert(enrolments).values(students.flatMap((p) => shuffle(secs, r).slice(0, PER_STUDENT).map((sec) => ({ sectionId: sec.id, personId: p.id }))));
}

type Truth = Map<string, number>; // spent_token_hash → person (known only to the students' browsers)

/**
 * Every cohort student obtains tokens for all their targets in one request (in a random order,
 * all on the first day), then the submissions happen: "shuffled" (the order of all
 * submissions independent of issuance, over later days) or "afterIssuance" (each student
 * submits right after obtaining tokens: the timing leak the README warns about).
 */
async function runCohort(mode: "shuffled" | "afterIssuance", seed: number): Promise<Truth> {
  const r = rng(seed);
  const own = await db.select({ t: eligibility.targetId, p: eligibility.personId }).from(eligibility);
  const targetsOf = (p: number) => own.filter((e) => e.p === p).map((e) => e.t);
  const truth: Truth = new Map();
  const pending: { person: number; tok: Token }[] = [];
  const submit = async (x: { person: number; tok: Token }, now: Date) => {
    expect(await submitResponse(db, submission(x.tok, { answers: { q1: [1, 3, 5][Math.floor(r() * 3)] } }), now)).toEqual({ status: "stored" });
    truth.set(tokenHash(fromBase64(x.tok.token)), x.person);
  };
  for (const person of shuffle(cohort, r)) {
    const toks = await tokensFor(person, shuffle(targetsOf(person), r), DURING);
    if (mode === "afterIssuance") for (const tok of toks) await submit({ person, tok }, DURING);
    else pending.push(...toks.map((tok) => ({ person, tok })));
  }
  // Shuffled: submission days spread over the window, order independent of issuance.
  const days = Array.from({ length: 10 }, (_, i) => new Date(DURING.getTime() + (i + 1) * 86_400_000));
  for (const [i, x] of shuffle(pending, r).entries()) await submit(x, days[Math.floor((i * days.length) / pending.length)]);
  return truth;
}

type Resp = { hash: string; target: number; xmin: bigint; ctid: [number, number]; id: string; day: string };
type Elig = { person: number; target: number; xmin: bigint; ctid: [number, number]; day: string | null };
const parseCtid = (c: string): [number, number] => c.slice(1, -1).split(",").map(Number) as [number, number];
const cmpCtid = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** What the operator reads: every row of both tables with its system columns. */
async function operatorView() {
  const resp = rowsOf<{ hash: string; target: number; xmin: string; ctid: string; id: string; day: string }>(await db.execute(sql`
    select spent_token_hash as hash, target_id as target, xmin::text as xmin, ctid::text as ctid, id::text as id, day::text as day
    from responses`)).map((x): Resp => ({ ...x, target: Number(x.target), xmin: BigInt(x.xmin), ctid: parseCtid(x.ctid) }));
  const elig = rowsOf<{ person: number; target: number; xmin: string; ctid: string; day: string | null }>(await db.execute(sql`
    select person_id as person, target_id as target, xmin::text as xmin, ctid::text as ctid, token_issued_on::text as day
    from eligibility where token_issued_on is not null`)).map((x): Elig => ({ ...x, person: Number(x.person), target: Number(x.target), xmin: BigInt(x.xmin), ctid: parseCtid(x.ctid) }));
  return { resp, elig };
}

/**
 * A rank linker: per target, sort the issued eligibility rows by one key and the responses by
 * another and pair them off in order. Returns the number of responses linked correctly.
 */
function rankLinker(view: Awaited<ReturnType<typeof operatorView>>, truth: Truth, byE: (a: Elig, b: Elig) => number, byR: (a: Resp, b: Resp) => number) {
  let correct = 0;
  for (const target of new Set(view.resp.map((x) => x.target))) {
    const es = view.elig.filter((e) => e.target === target).sort(byE);
    const rs = view.resp.filter((x) => x.target === target).sort(byR);
    rs.forEach((x, i) => { if (es[i] && truth.get(x.hash) === es[i].person) correct++; });
  }
  return correct;
}

const LINKERS: Record<string, [(a: Elig, b: Elig) => number, (a: Resp, b: Resp) => number]> = {
  "xmin ↔ xmin": [(a, b) => cmpBig(a.xmin, b.xmin), (a, b) => cmpBig(a.xmin, b.xmin)],
  "ctid ↔ ctid (row order)": [(a, b) => cmpCtid(a.ctid, b.ctid), (a, b) => cmpCtid(a.ctid, b.ctid)],
  "xmin ↔ uuid": [(a, b) => cmpBig(a.xmin, b.xmin), (a, b) => a.id.localeCompare(b.id)],
  "person id ↔ token hash": [(a, b) => a.person - b.person, (a, b) => a.hash.localeCompare(b.hash)],
  "issued day+xmin ↔ day+xmin": [(a, b) => (a.day ?? "").localeCompare(b.day ?? "") || cmpBig(a.xmin, b.xmin), (a, b) => a.day.localeCompare(b.day) || cmpBig(a.xmin, b.xmin)],
};

describe("linkage (the operator's view, database only)", () => {
  beforeEach(() => setupCampaign(cohortSchool));

  it("no column links a response to a person or a person to a response", async () => {
    const columns = async (table: string) => rowsOf<{ column_name: string; data_type: string }>(await db.execute(sql`
      select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = ${table} order by column_name`));
    const fks = async (table: string) => rowsOf<{ ref: string }>(await db.execute(sql`
      select confrelid::regclass::text as ref from pg_constraint where contype = 'f' and conrelid = ${table}::regclass order by 1`)).map((x) => x.ref);
    expect((await columns("responses")).map((c) => c.column_name)).toEqual(
      ["answers", "day", "declined", "id", "instrument_version_id", "rater_group", "spent_token_hash", "target_id"]);
    expect((await columns("responses")).filter((c) => c.data_type.startsWith("timestamp"))).toEqual([]);
    expect(await fks("responses")).toEqual(["campaign_targets", "instrument_versions"]);
    expect((await columns("eligibility")).map((c) => c.column_name)).toEqual(["excluded", "person_id", "rater_group", "target_id", "token_issued_on"]);
    expect((await columns("eligibility")).filter((c) => c.data_type.startsWith("timestamp"))).toEqual([]);
    expect(await fks("eligibility")).toEqual(["campaign_targets", "persons"]);
    // The response's score (response_scores) is the anonymous side too: derived numbers, no
    // person, no time. Nothing else references a response.
    expect((await columns("response_scores")).map((c) => c.column_name)).toEqual(
      ["all_lowest", "indicators", "observation_id", "options", "rater_group", "response_id", "straight_lining", "target_id", "total", "version_id"]);
    expect((await columns("response_scores")).filter((c) => c.data_type.startsWith("timestamp"))).toEqual([]);
    expect(await fks("response_scores")).toEqual(["campaign_targets", "instrument_versions", "observation_records", "responses"]);
    expect(rowsOf<{ t: string }>(await db.execute(sql`select conrelid::regclass::text as t from pg_constraint where contype = 'f' and confrelid = 'responses'::regclass`)))
      .toEqual([{ t: "response_scores" }]);
  });

  it("30 students × their targets, shuffled submissions: no linker does better than chance", async () => {
    const truth = await runCohort("shuffled", 42);
    const view = await operatorView();
    expect(view.resp).toHaveLength(N_STUDENTS * PER_STUDENT);
    const targets = new Set(view.resp.map((x) => x.target)).size;

    // No response id or spent hash appears anywhere else in the database (every table as text),
    // but in the responses' own scores.
    const tables = rowsOf<{ tablename: string }>(await db.execute(sql`select tablename from pg_tables where schemaname = 'public' and tablename not in ('responses', 'response_scores')`));
    for (const { tablename } of tables) {
      const dump = JSON.stringify(rowsOf(await db.execute(sql.raw(`select t::text as row from "${tablename}" t`))));
      for (const x of view.resp) {
        expect(dump.includes(x.hash)).toBe(false);
        expect(dump.includes(x.id)).toBe(false);
      }
    }
    // Every issued eligibility row carries the same day: issuance order is all the operator has.
    expect(new Set(view.elig.map((e) => e.day))).toEqual(new Set(["2026-12-28"]));

    // Chance: pairing off k raters at random gets 1 right per target on average (variance 1),
    // so about Poisson(targets) in all; the bound is 4 σ above (false alarm < 1e-3 per run).
    const bound = targets + 4 * Math.sqrt(targets);
    const results = Object.fromEntries(Object.entries(LINKERS).map(([name, [e, r]]) => [name, rankLinker(view, truth, e, r)]));
    console.log(`linkage (shuffled): ${view.resp.length} responses, ${targets} targets, chance ≈ ${targets}, bound ${bound.toFixed(1)}:`, results);
    for (const [name, correct] of Object.entries(results)) expect(correct, name).toBeLessThanOrEqual(bound);

    // On the anonymous side the xmin order is the submission order, which is independent of
    // issuance: responses by xmin vs. the students' issuance rank are uncorrelated.
    const issueRank = new Map([...view.elig].sort((a, b) => cmpBig(a.xmin, b.xmin)).map((e, i) => [`${e.person}/${e.target}`, i]));
    const pairs = view.resp.map((x) => [Number(x.xmin), issueRank.get(`${truth.get(x.hash)}/${x.target}`)!]);
    const rho = spearman(pairs);
    console.log(`linkage (shuffled): Spearman(submission xmin, issuance xmin) = ${rho.toFixed(3)}`);
    expect(Math.abs(rho)).toBeLessThan(0.35); // 3.3 σ for n = 90
  });

  it("control: the same xmin linker links everyone when each student submits right after issuance", async () => {
    const truth = await runCohort("afterIssuance", 42);
    const view = await operatorView();
    const [e, r] = LINKERS["xmin ↔ xmin"];
    const correct = rankLinker(view, truth, e, r);
    console.log(`linkage (afterIssuance): xmin ↔ xmin links ${correct}/${view.resp.length}`);
    expect(correct).toBe(view.resp.length); // the timing leak the README documents; tokens must be spent later
  });

  it("what remains: one student who submits on the day of issuance on an otherwise quiet day is linkable by day", async () => {
    const truth = await runCohort("shuffled", 43); // everyone else: issued on 2026-12-28, submitted 12-29 … 01-07
    const quiet = new Date("2027-01-10T02:00:00Z");
    const [tok] = await tokensFor(s.people.studentA.id, [tA], quiet);
    await submitResponse(db, submission(tok), quiet);
    truth.set(tokenHash(fromBase64(tok.token)), s.people.studentA.id);
    const view = await operatorView();
    const sameDay = view.resp.filter((x) => view.elig.some((e) => e.target === x.target && e.day === x.day));
    expect(sameDay).toHaveLength(1);
    const suspects = view.elig.filter((e) => e.target === sameDay[0].target && e.day === sameDay[0].day).map((e) => e.person);
    expect(suspects).toEqual([s.people.studentA.id]);
    expect(truth.get(sameDay[0].hash)).toBe(s.people.studentA.id);
  });
});

function spearman(pairs: number[][]): number {
  const rank = (i: 0 | 1) => {
    const order = pairs.map((p, k) => [p[i], k]).sort((a, b) => a[0] - b[0]);
    const r = new Array<number>(pairs.length);
    order.forEach(([, k], j) => { r[k] = j; });
    return r;
  };
  const [ra, rb] = [rank(0), rank(1)];
  const n = pairs.length;
  const d2 = ra.reduce((acc, x, k) => acc + (x - rb[k]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

