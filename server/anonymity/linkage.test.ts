// Linkage: what a database operator can tell about who wrote which response.
//
// The operator holds every table with its system columns (xmin, ctid, so the order and the
// transactions of writes), the audit log (sign-ins with their times), the sequences, the
// scoring runs, and anything PostgreSQL itself keeps. Each scenario plays a campaign on a
// simulated clock (students signing in, obtaining their tokens, answering in one or two
// sittings; alumni opening their links), exactly as the app's functions write it, then closes
// the campaign and hands the operator the database. Three linkers try to match each response
// with the person who wrote it:
//
// - xmin order: per target, the token holders in the order their issuance was written and
//   the responses in the order they were written (xmin, then ctid), paired off in order;
// - nearest anchor: each response to the holder of its target whose last identified write
//   (a sign-in audit row, the issuance) came closest before it;
// - session model: per target, holders and responses matched one to one, closest gap between
//   a holder's session start (sign-in or issuance) and the response first, the response
//   after the session start.
//
// Chance, for a response, is 1 / the number of people holding a token for its target; a
// linker's chance count is the sum of that over the responses. The bound: no linker above
// 1.5 × chance in any scenario. With ~40 expected chance hits per scenario the bound is
// over 3 standard deviations above chance, so a linker at chance trips it about once in
// a thousand runs.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { alumni, auditLog, enrolments, graduateCohorts, persons, programmes, sectionTeachers, sections } from "@/db/schema";
import { col, queryRows } from "@/db/query";
import { closeCampaign } from "../campaigns/campaigns";
import { tinyVersions } from "../campaigns/testing";
import { createInvitations } from "../invitations/invitations";
import { CLOSES, OPENS, SECRET, invitationTokenFor, openedCampaign, studentTokens, type Token } from "../test/collection";
import { freshSchool, type School } from "../test/fixtures";
import { tokenHash } from "./blind";
import { fromBase64 } from "@/server/shared/anonymity/client";
import { storedTokenHash } from "./pool";
import { submitResponse } from "./submit";
import { at } from "@/server/shared/indexed";

/** Deterministic PRNG (mulberry32): the scenarios are reproducible. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffle<T>(xs: readonly T[], r: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [at(a, j), at(a, i)];
  }
  return a;
}
const uniform = (r: () => number, lo: number, hi: number) => lo + (hi - lo) * r();

const N_STUDENTS = 120;
const N_SECTIONS = 48;
const PER_STUDENT = 4;
const N_PROGRAMMES = 40;
const PER_COHORT = 6;
/** The share of a student's targets they answer (the rest they leave). */
const ANSWERED = 0.85;
/** The simulated clock starts a day into the window. */
const T0 = OPENS.getTime() + 86_400_000;

let db: Db;
let s: School;
let students: number[] = [];

/** 120 students, 48 sections of CS101 with a teacher each; each student takes 4. 40 programmes with a 2026 cohort of 6 alumni each. */
async function cohortSchool() {
  const r = rng(7);
  const teachers = await db
    .insert(persons)
    .values(
      Array.from({ length: N_SECTIONS }, (_, i) => ({
        number: `LT${i}`,
        name: `教师${i}`,
        kind: "staff" as const,
        unitId: s.officeA.id,
      })),
    )
    .returning();
  const secs = await db
    .insert(sections)
    .values(
      Array.from({ length: N_SECTIONS }, (_, i) => ({
        code: `CS101-L${i}`,
        termId: s.term.id,
        courseId: s.courseA.id,
      })),
    )
    .returning();
  await db.insert(sectionTeachers).values(secs.map((sec, i) => ({ sectionId: sec.id, personId: at(teachers, i).id })));
  const people = await db
    .insert(persons)
    .values(
      Array.from({ length: N_STUDENTS }, (_, i) => ({
        number: `2024${String(i).padStart(3, "0")}`,
        name: `学生${i}`,
        kind: "student" as const,
        unitId: s.unitA.id,
        programmeId: s.progA.id,
      })),
    )
    .returning();
  students = people.map((p) => p.id);
  // Every section gets PER_STUDENT × N_STUDENTS / N_SECTIONS students (10): a balanced random design.
  const seats = shuffle(
    secs.flatMap((sec) => Array.from({ length: (PER_STUDENT * N_STUDENTS) / N_SECTIONS }, () => sec.id)),
    r,
  );
  const rows: { sectionId: number; personId: number }[] = [];
  for (const [i, p] of people.entries()) {
    const mine = new Set<number>();
    for (let k = 0; k < PER_STUDENT; k++) {
      let j = seats.findIndex((x) => !mine.has(x));
      if (j < 0) j = 0;
      mine.add(at(seats, j));
      seats.splice(j, 1);
    }
    for (const sectionId of mine) rows.push({ sectionId, personId: p.id });
    void i;
  }
  await db.insert(enrolments).values(rows);
  const progs = await db
    .insert(programmes)
    .values(
      Array.from({ length: N_PROGRAMMES }, (_, i) => ({
        code: `P${String(i).padStart(2, "0")}`,
        name: `专业${i}`,
        unitId: s.unitA.id,
      })),
    )
    .returning();
  const cohorts = await db
    .insert(graduateCohorts)
    .values(progs.map((p) => ({ programmeId: p.id, graduationYear: 2026 })))
    .returning();
  await db.insert(alumni).values(
    cohorts.flatMap((c, i) =>
      Array.from({ length: PER_COHORT }, (_, k) => ({
        cohortId: c.id,
        studentNumber: `2022${String(i).padStart(2, "0")}${k}`,
        name: `校友${i}-${k}`,
      })),
    ),
  );
}

type Scenario = {
  name: string;
  /** Seconds between one student's arrival and the next. */
  gap: [number, number];
  /** Seconds a student spends on one form. */
  answer: [number, number];
  /** All of a student's answers in the sitting they arrived in (else some in a second sitting hours later). */
  oneSitting: boolean;
};

const STUDENT_SCENARIOS: Scenario[] = [
  { name: "quiet (arrivals 5–40 s apart)", gap: [5, 40], answer: [60, 180], oneSitting: false },
  { name: "moderate (1–5 s apart)", gap: [1, 5], answer: [60, 180], oneSitting: false },
  { name: "crowded (0–0.5 s apart)", gap: [0, 0.5], answer: [60, 180], oneSitting: false },
  { name: "one sitting (quiet, every section at once)", gap: [5, 40], answer: [20, 60], oneSitting: true },
];

type Event = { at: number; run: (now: Date) => Promise<void> };
type Truth = Map<string, number>; // spent token hash → person: known only to the browsers

/** What the app writes when someone signs in (server/auth/options.ts). */
async function signIn(personId: number, now: Date) {
  await db.insert(auditLog).values({ actorId: personId, action: "signin", subject: null, detail: { method: "password" }, at: now });
}

async function submitted(truth: Truth, person: number, tok: Token, q1: number, now: Date) {
  const res = await submitResponse(
    db,
    { targetId: tok.targetId, token: tok.token, signature: tok.signature, answers: { q1 }, locale: "zh" },
    now,
    SECRET,
  );
  expect(res).toEqual({ status: "stored" });
  // The response will carry the HMAC of the token's hash under the server secret (pool.ts).
  truth.set(storedTokenHash(SECRET, tokenHash(fromBase64(tok.token))), person);
}

/** Runs the events in the order of their simulated time, each at its time. */
async function play(events: Event[]) {
  events.sort((a, b) => a.at - b.at);
  for (const e of events) await e.run(new Date(T0 + e.at * 1000));
}

async function studentScenario(sc: Scenario, seed: number) {
  const r = rng(seed);
  const v = await tinyVersions(db, ["student_evaluation"] as const, s.people.quality.id);
  const c = await openedCampaign(db, s, {
    kind: "end_of_term",
    name: sc.name,
    termId: s.term.id,
    opensAt: OPENS,
    closesAt: CLOSES,
    instruments: [{ raterGroup: "student", instrumentVersionId: v.student_evaluation }],
  });
  const truth: Truth = new Map();
  const events: Event[] = [];
  let elapsed = 0;
  for (const person of shuffle(students, r)) {
    elapsed += uniform(r, ...sc.gap);
    const arrive = elapsed;
    const answerIn = (when: number, toks: Token[]) => {
      let t = when;
      for (const tok of toks) {
        t += uniform(r, ...sc.answer);
        const q1 = at([1, 3, 5], Math.floor(r() * 3));
        events.push({ at: t, run: (now) => submitted(truth, person, tok, q1, now) });
      }
    };
    const later = arrive + uniform(r, 3600, 48 * 3600);
    const split = sc.oneSitting ? PER_STUDENT : Math.floor(r() * (PER_STUDENT + 1));
    const answerOrder = r();
    events.push({ at: arrive, run: (now) => signIn(person, now) });
    events.push({
      at: arrive + 2,
      run: async (now) => {
        // The home page obtains the tokens of all the student's targets in one request.
        const toks = shuffle(await studentTokens(db, c.id, person, now), rng(Math.floor(answerOrder * 1e9)));
        const answered = toks.filter(() => r() < ANSWERED);
        answerIn(arrive + 2, answered.slice(0, split));
        if (answered.length > split) {
          events.push({ at: later, run: (n) => signIn(person, n) });
          answerIn(later, answered.slice(split));
        }
        // Events added while playing: keep the remaining ones in time order.
        events.sort((a, b) => a.at - b.at);
      },
    });
  }
  await playGrowing(events);
  await closeCampaign(db, c.id, CLOSES, null, SECRET);
  return { campaignId: c.id, truth };
}

/** Like play, for a list that grows while it runs (issuance schedules the answers). */
async function playGrowing(events: Event[]) {
  events.sort((a, b) => a.at - b.at);
  const done = new Set<Event>();
  for (;;) {
    const next = events.find((e) => !done.has(e));
    if (!next) break;
    done.add(next);
    await next.run(new Date(T0 + next.at * 1000));
  }
}

/** Alumni open their links 5–40 s apart and answer 1–5 minutes later (the app obtains the token as it sends the answers). */
async function alumniScenario(seed: number) {
  const r = rng(seed);
  const v = await tinyVersions(db, ["graduate_tracking"] as const, s.people.quality.id);
  const c = await openedCampaign(db, s, {
    kind: "graduate_tracking",
    name: "跟踪调查",
    opensAt: OPENS,
    closesAt: CLOSES,
    cohorts: [{ graduationYear: 2026, offsetYears: 0.5 }],
    instruments: [{ raterGroup: "alumni", instrumentVersionId: v.graduate_tracking }],
  });
  await createInvitations(db, c.id, SECRET);
  const invs = await queryRows(
    db,
    { id: col.int, alumnus_id: col.int },
    sql`
    select i.id, i.alumnus_id from invitations i join campaign_targets t on t.id = i.target_id where t.campaign_id = ${c.id}`,
  );
  const truth: Truth = new Map();
  const events: Event[] = [];
  let elapsed = 0;
  for (const inv of shuffle(invs, r)) {
    elapsed += uniform(r, 5, 40);
    if (r() >= ANSWERED) continue;
    const answerAt = elapsed + uniform(r, 60, 300);
    const q1 = at([1, 3, 5], Math.floor(r() * 3));
    // Opening the link writes nothing; the token is obtained when the answers are sent, right
    // before them (the closest an identified write can come to a response).
    events.push({
      at: answerAt,
      run: async (now) => submitted(truth, inv.alumnus_id, await invitationTokenFor(db, inv.id, now), q1, now),
    });
  }
  await play(events);
  await closeCampaign(db, c.id, CLOSES, null, SECRET);
  return { campaignId: c.id, truth };
}

// ---- The operator's view and the linkers ----

type Resp = { hash: string; target: number; xmin: bigint; ctid: [number, number] };
/** A person's identified writes about a target: sessions (sign-ins; the issuance) in xmin order. */
type Holder = { person: number; target: number; issued: bigint; sessions: bigint[] };

const parseCtid = (c: string): [number, number] => c.slice(1, -1).split(",").map(Number) as [number, number];
const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const cmpResp = (a: Resp, b: Resp) => cmpBig(a.xmin, b.xmin) || a.ctid[0] - b.ctid[0] || a.ctid[1] - b.ctid[1];

async function operatorView(campaignId: number) {
  const resp = (
    await queryRows(
      db,
      { hash: col.text, target: col.int, xmin: col.text, ctid: col.text },
      sql`
    select r.spent_token_hash as hash, r.target_id as target, r.xmin::text as xmin, r.ctid::text as ctid
    from responses r join campaign_targets t on t.id = r.target_id where t.campaign_id = ${campaignId}`,
    )
  ).map((x): Resp => ({ hash: x.hash, target: x.target, xmin: BigInt(x.xmin), ctid: parseCtid(x.ctid) }));
  const issued = await queryRows(
    db,
    { person: col.int, target: col.int, xmin: col.text },
    sql`
    select e.person_id as person, e.target_id as target, e.xmin::text as xmin
    from eligibility e join campaign_targets t on t.id = e.target_id where t.campaign_id = ${campaignId} and e.token_issued_on is not null
    union all
    select i.alumnus_id, i.target_id, i.xmin::text
    from invitations i join campaign_targets t on t.id = i.target_id where t.campaign_id = ${campaignId} and i.token_issued_on is not null`,
  );
  const signins = await queryRows(
    db,
    { actor: col.int, xmin: col.text },
    sql`
    select actor_id as actor, xmin::text as xmin from audit_log where action = 'signin'`,
  );
  const sessionsOf = new Map<number, bigint[]>();
  for (const x of signins) sessionsOf.set(x.actor, [...(sessionsOf.get(x.actor) ?? []), BigInt(x.xmin)]);
  const holders: Holder[] = issued.map((x) => ({
    person: x.person,
    target: x.target,
    issued: BigInt(x.xmin),
    sessions: [...(sessionsOf.get(x.person) ?? []), BigInt(x.xmin)].sort(cmpBig),
  }));
  return { resp, holders };
}

type View = Awaited<ReturnType<typeof operatorView>>;
type Linker = (view: View) => Map<string, number>; // response hash → guessed person

const byTarget = <T extends { target: number }>(xs: T[]) => {
  const m = new Map<number, T[]>();
  for (const x of xs) m.set(x.target, [...(m.get(x.target) ?? []), x]);
  return m;
};

const LINKERS: Record<string, Linker> = {
  "xmin order": (view) => {
    const guess = new Map<string, number>();
    const hs = byTarget(view.holders);
    for (const [target, rs] of byTarget(view.resp)) {
      const es = [...(hs.get(target) ?? [])].sort((a, b) => cmpBig(a.issued, b.issued));
      [...rs].sort(cmpResp).forEach((x, i) => {
        if (es[i]) guess.set(x.hash, es[i].person);
      });
    }
    return guess;
  },
  "nearest anchor": (view) => {
    const guess = new Map<string, number>();
    const hs = byTarget(view.holders);
    for (const x of view.resp) {
      let best: { person: number; at: bigint } | null = null;
      for (const h of hs.get(x.target) ?? []) {
        for (const at of h.sessions) if (at <= x.xmin && (!best || at > best.at)) best = { person: h.person, at };
      }
      if (best) guess.set(x.hash, best.person);
    }
    return guess;
  },
  "session model": (view) => {
    const guess = new Map<string, number>();
    const hs = byTarget(view.holders);
    for (const [target, rs] of byTarget(view.resp)) {
      const pairs: { hash: string; person: number; gap: bigint }[] = [];
      for (const x of rs) {
        for (const h of hs.get(target) ?? []) {
          const starts = h.sessions.filter((at) => at <= x.xmin);
          if (starts.length) pairs.push({ hash: x.hash, person: h.person, gap: x.xmin - at(starts, starts.length - 1) });
        }
      }
      pairs.sort((a, b) => cmpBig(a.gap, b.gap));
      const taken = new Set<number>();
      for (const p of pairs) {
        if (guess.has(p.hash) || taken.has(p.person)) continue;
        guess.set(p.hash, p.person);
        taken.add(p.person);
      }
    }
    return guess;
  },
};

type Row = { scenario: string; responses: number; chance: number; hits: Record<string, number> };
const table: Row[] = [];

function judge(scenario: string, view: View, truth: Truth): Row {
  const holdersOf = new Map<number, number>();
  for (const h of view.holders) holdersOf.set(h.target, (holdersOf.get(h.target) ?? 0) + 1);
  const chance = view.resp.reduce((acc, x) => acc + 1 / (holdersOf.get(x.target) ?? 1), 0);
  const hits: Record<string, number> = {};
  for (const [name, linker] of Object.entries(LINKERS)) {
    const guess = linker(view);
    hits[name] = view.resp.filter((x) => guess.get(x.hash) === truth.get(x.hash)).length;
  }
  return { scenario, responses: view.resp.length, chance, hits };
}

function printTable() {
  const names = Object.keys(LINKERS);
  const lines = [
    `| scenario | responses | chance | ${names.join(" | ")} |`,
    `|---|---|---|${names.map(() => "---").join("|")}|`,
    ...table.map(
      (r) =>
        `| ${r.scenario} | ${r.responses} | ${r.chance.toFixed(1)} | ${Object.values(r.hits)
          .map((hits) => `${hits} (${(hits / r.chance).toFixed(2)} × chance)`)
          .join(" | ")} |`,
    ),
  ];
  console.log(`linkage: correct links per linker beside chance (bound 1.5 × chance)\n${lines.join("\n")}`);
}

describe("linkage (the operator's view: every table, xmin/ctid, the audit log)", () => {
  beforeAll(async () => {
    ({ db, s } = await freshSchool());
    await cohortSchool();
  }, 120_000);

  const check = (row: Row) => {
    table.push(row);
    printTable();
    for (const [name, n] of Object.entries(row.hits)) expect(n / row.chance, `${row.scenario}: ${name}`).toBeLessThanOrEqual(1.5);
  };

  for (const [i, sc] of STUDENT_SCENARIOS.entries()) {
    it(`students, ${sc.name}: no linker above 1.5 × chance`, async () => {
      const { campaignId, truth } = await studentScenario(sc, 100 + i);
      const view = await operatorView(campaignId);
      expect(view.resp.length).toBe(truth.size);
      check(judge(sc.name, view, truth));
    }, 900_000);
  }

  it("alumni opening their links and answering in the same visit: no linker above 1.5 × chance", async () => {
    const { campaignId, truth } = await alumniScenario(200);
    const view = await operatorView(campaignId);
    expect(view.resp.length).toBe(truth.size);
    check(judge("alumni (links 5–40 s apart, token obtained as the answers are sent)", view, truth));
  }, 900_000);
});
