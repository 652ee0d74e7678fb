import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { campaigns, courses, eligibility, enrolments, persons, roleGrants, sectionTeachers, sections } from "@/db/schema";
import { createInvitations } from "../invitations/invitations";
import { closeCampaign } from "./campaigns";
import {
  endOfTermCampaign,
  graduateCampaign,
  invitationTokenFor,
  invitationsOf,
  LATER,
  SECRET,
  studentTokens,
  submit,
  trackingData,
} from "../test/collection";
import { freshSchool, type School, sessionOf } from "../test/fixtures";
import { approvePolicy, createPolicy, defaultPolicy, retirePolicy } from "../scoring/policies";
import {
  ratesForActor,
  ratesForTeacher,
  responseRates,
  roundRate,
  teacherRow,
  type RateDimension,
  type RateRow,
  type TeacherRateReport,
  type TeacherRateRow,
} from "./rates";
import { expectDomainError } from "../test/errors";
import { one } from "@/db/query";
import { at, atKey } from "@/server/shared/indexed";

let db: Db;
let s: School;

type Action = "answer" | "decline" | null;

/**
 * The end-of-term scenario, independent of the code under test: who is enrolled where,
 * who obtains tokens, and what each then does per teacher of each section.
 * secA (CS101, college A) is taught by 张老师 and 王老师 (two targets); secB (EN101, college
 * B) by 刘老师; secC (CS102, the teaching office A1 under college A) by 张老师.
 */
const PLAN: { student: string; tokens: boolean; acts: Record<string, Action[]> }[] = [
  // acts: section → per teacher of the section (secA: [张, 王]).
  { student: "studentA", tokens: true, acts: { secA: ["answer", "decline"], secC: ["answer"] } },
  { student: "studentB", tokens: true, acts: { secA: ["answer", "answer"], secB: ["decline"] } },
  { student: "s3", tokens: true, acts: { secA: [null, null], secC: ["answer"] } }, // obtained tokens, answered one target
  { student: "s4", tokens: false, acts: { secA: [null, null] } },
  { student: "s5", tokens: true, acts: { secA: ["decline", "answer"] } },
  { student: "s6", tokens: true, acts: { secB: ["answer"], secC: [null] } }, // excluded in secC
  { student: "s7", tokens: false, acts: { secC: [null] } },
  { student: "s8", tokens: true, acts: { secB: ["answer"] } },
];
const EXCLUDED = { student: "s6", section: "secC" };

let ids: Record<string, number>;
let x: Awaited<ReturnType<typeof extend>>;
let campaign: Awaited<ReturnType<typeof endOfTermCampaign>>;
/** section key → its targets, in the order of PLAN's per-teacher actions */
let targetsOf: Record<string, number[]>;
/** The value of a key the plan names (a student, a section), which the setup has filled in. */
function planned<T>(record: Record<string, T>, key: string): T {
  const value = record[key];
  if (value === undefined) throw new Error(`nothing for ${key} in the plan`);
  return value;
}

async function extend(db: Db, s: School) {
  const teacherA2 = one(
    await db.insert(persons).values({ number: "T003", name: "王老师", kind: "staff", unitId: s.officeA.id }).returning(),
  );
  await db.insert(roleGrants).values({ personId: teacherA2.id, role: "teacher" });
  const cs102 = one(
    await db.insert(courses).values({ code: "CS102", name: "数据结构", unitId: s.officeA.id, programmeId: s.progA.id }).returning(),
  );
  const secC = one(await db.insert(sections).values({ code: "CS102-01", termId: s.term.id, courseId: cs102.id }).returning());
  await db.insert(sectionTeachers).values([
    { sectionId: s.secA.id, personId: teacherA2.id, role: "co", share: "0.5" },
    { sectionId: secC.id, personId: s.people.teacherA.id },
  ]);
  const more = await db
    .insert(persons)
    .values(
      ["s3", "s4", "s5", "s6", "s7", "s8"].map((n, i) => ({
        number: `2023${String(i + 10)}`,
        name: `学生${n}`,
        kind: "student" as const,
        unitId: s.unitA.id,
        programmeId: s.progA.id,
      })),
    )
    .returning();
  ids = { studentA: s.people.studentA.id, studentB: s.people.studentB.id, ...Object.fromEntries(more.map((p, i) => [`s${i + 3}`, p.id])) };
  const sectionId: Record<string, number> = { secA: s.secA.id, secB: s.secB.id, secC: secC.id };
  // The fixture already enrols studentA in secA, studentB in secA and secB.
  const have = new Set([`studentA/secA`, `studentB/secA`, `studentB/secB`]);
  await db.insert(enrolments).values(
    PLAN.flatMap((p) =>
      Object.keys(p.acts)
        .filter((sec) => !have.has(`${p.student}/${sec}`))
        .map((sec) => ({ sectionId: planned(sectionId, sec), personId: planned(ids, p.student) })),
    ),
  );
  // A student who withdrew is not eligible at all.
  await db.insert(enrolments).values({ sectionId: secC.id, personId: s.people.studentB.id, status: "withdrawn" });
  return { teacherA2, cs102, secC, sectionId };
}

// The tests only read, except the last, which adds a tracking campaign: one setup for all.
beforeAll(async () => {
  ({ db, s } = await freshSchool());
  x = await extend(db, s);
  campaign = await endOfTermCampaign(db, s, { self: true });
  const t = (section: number, teacher: number) =>
    one(campaign.targets.filter((r) => r.sectionId === section && r.teacherId === teacher)).id;
  targetsOf = {
    secA: [t(s.secA.id, s.people.teacherA.id), t(s.secA.id, x.teacherA2.id)],
    secB: [t(s.secB.id, s.people.teacherB.id)],
    secC: [t(x.secC.id, s.people.teacherA.id)],
  };
  await db
    .update(eligibility)
    .set({ excluded: true })
    .where(
      and(eq(eligibility.personId, planned(ids, EXCLUDED.student)), eq(eligibility.targetId, at(planned(targetsOf, EXCLUDED.section), 0))),
    );
  for (const p of PLAN.filter((q) => q.tokens)) {
    const tokens = await studentTokens(db, campaign.id, planned(ids, p.student));
    for (const [sec, acts] of Object.entries(p.acts)) {
      for (const [i, act] of acts.entries()) {
        if (act === null) continue;
        const tok = tokens.find((k) => k.targetId === at(planned(targetsOf, sec), i));
        if (!tok) throw new Error(`no token for ${p.student} ${sec}`);
        expect(await submit(db, tok, act === "decline" ? { declined: true } : { q1: 3 })).toEqual({ status: "stored" });
      }
    }
  }
  // The submissions wait sealed while the campaign runs; the tests below read the closed campaign.
  live = await responseRates(db, campaign.id, "unit");
  // What teachers read while it runs (counted from the spent tokens), under the default
  // minimum (5) and under a year's policy asking for 2.
  const teacherView = async (p: { id: number }) =>
    ratesForActor(db, await sessionOf(db, p), { campaignId: campaign.id, by: "unit" }) as Promise<TeacherRateReport>;
  for (const p of [s.people.teacherA, x.teacherA2, s.people.teacherB]) liveTeacher.set(p.id, await teacherView(p));
  liveHome = await ratesForTeacher(db, s.people.teacherA.id);
  const term = await db.query.terms.findFirst({ where: (t, { eq: e }) => e(t.id, s.term.id) });
  if (term === undefined) throw new Error("the fixture's term is missing");
  const base = defaultPolicy(term.schoolYear);
  const pol = await createPolicy(db, { ...base, minRaters: { ...base.minRaters, student: 2 } }, s.people.quality.id);
  await approvePolicy(db, pol.id, s.people.quality.id, "两人即可显示", new Date());
  liveMin2 = await teacherView(s.people.teacherA);
  await retirePolicy(db, pol.id, s.people.quality.id, new Date());
  await closeCampaign(db, campaign.id, LATER, null, SECRET);
});

let live: Awaited<ReturnType<typeof responseRates>>;
const liveTeacher = new Map<number, TeacherRateReport>();
let liveHome: Awaited<ReturnType<typeof ratesForTeacher>>;
let liveMin2: TeacherRateReport;

type Counts = { eligible: number; started: number; answered: number; declined: number };

/** The expected counts per group key, from PLAN alone. */
function expected<K extends string | null>(
  keyOf: (section: string, teacherIndex: number) => K,
  onlyTeacher?: (section: string, i: number) => boolean,
) {
  const out = new Map<K, Counts>();
  for (const p of PLAN) {
    for (const [sec, acts] of Object.entries(p.acts)) {
      acts.forEach((act, i) => {
        if (onlyTeacher && !onlyTeacher(sec, i)) return;
        if (p.student === EXCLUDED.student && sec === EXCLUDED.section) return;
        const k = keyOf(sec, i);
        const c = out.get(k) ?? { eligible: 0, started: 0, answered: 0, declined: 0 };
        c.eligible++;
        if (p.tokens) c.started++;
        if (act === "answer") c.answered++;
        if (act === "decline") c.declined++;
        out.set(k, c);
      });
    }
  }
  return out;
}
const withRate = (c: Counts) => ({ ...c, rate: c.eligible ? (c.answered + c.declined) / c.eligible : null });
const counts = (r: RateRow | TeacherRateRow) => ({
  eligible: r.eligible,
  started: r.started,
  answered: r.answered,
  declined: r.declined,
  rate: r.rate,
});
const sum = (cs: Iterable<Counts>) =>
  [...cs].reduce(
    (a, c) => ({
      eligible: a.eligible + c.eligible,
      started: a.started + c.started,
      answered: a.answered + c.answered,
      declined: a.declined + c.declined,
    }),
    { eligible: 0, started: 0, answered: 0, declined: 0 },
  );

describe("responseRates", () => {
  it("counts per section, course, programme and unit match the plan; the total is their sum", async () => {
    const dims: Record<RateDimension, { key: (sec: string) => string; idOf: Record<string, number> }> = {
      section: { key: (sec) => sec, idOf: { secA: s.secA.id, secB: s.secB.id, secC: x.secC.id } },
      course: {
        key: (sec) =>
          atKey(
            new Map([
              ["secA", "CS101"],
              ["secB", "EN101"],
              ["secC", "CS102"],
            ]),
            sec,
          ),
        idOf: { CS101: s.courseA.id, EN101: s.courseB.id, CS102: x.cs102.id },
      },
      programme: { key: (sec) => (sec === "secB" ? "050201" : "080902"), idOf: { "080902": s.progA.id, "050201": s.progB.id } },
      unit: {
        key: (sec) =>
          atKey(
            new Map([
              ["secA", "A"],
              ["secB", "B"],
              ["secC", "A1"],
            ]),
            sec,
          ),
        idOf: { A: s.unitA.id, B: s.unitB.id, A1: s.officeA.id },
      },
    };
    const all = atKey(
      expected(() => "all"),
      "all",
    );
    // The plan by hand: secA 5 students × 2 teachers; secB 3 students; secC 4 students, one excluded.
    expect(all.eligible).toBe(10 + 3 + 3);
    for (const [by, d] of Object.entries(dims) as [RateDimension, (typeof dims)[RateDimension]][]) {
      const report = await responseRates(db, campaign.id, by);
      const want = expected((sec) => d.key(sec));
      expect(report.rows.map((r) => r.id).sort(), by).toEqual([...want.keys()].map((k) => d.idOf[k]).sort());
      for (const [k, c] of want) {
        const row = one(report.rows.filter((r) => r.id === d.idOf[k]));
        expect(counts(row), `${by} ${k}`).toEqual(withRate(c));
      }
      expect(counts(report.total), by).toEqual(withRate(all));
      expect(report.total.id).toBeNull();
    }
    // Self-evaluation eligibility exists (the teachers) but is not a rater of this rate.
    expect((await db.select().from(eligibility).where(eq(eligibility.raterGroup, "self"))).length).toBe(4);
  });

  it("a section taught by two teachers: its row sums both teachers' targets; labels name the course and both teachers", async () => {
    const r = await responseRates(db, campaign.id, "section");
    const secA = one(r.rows.filter((row) => row.id === s.secA.id));
    const perTeacher = [0, 1].map((i) =>
      atKey(
        expected(
          (sec) => sec,
          (sec, j) => sec === "secA" && j === i,
        ),
        "secA",
      ),
    );
    expect(counts(secA)).toEqual(withRate(sum(perTeacher)));
    expect(secA.eligible).toBe(10); // 5 students × 2 teachers
    expect(secA).toMatchObject({ code: "CS101-01", course: "CS101 程序设计基础" });
    expect(secA.teachers).toContain("张老师");
    expect(secA.teachers).toContain("王老师");
  });

  it("while the campaign runs, accepted submissions count from their spent tokens: as answered (the token does not say declined)", async () => {
    const all = atKey(
      expected(() => "all"),
      "all",
    );
    expect(counts(live.total)).toEqual(withRate({ ...all, answered: all.answered + all.declined, declined: 0 }));
    expect(counts((await responseRates(db, campaign.id, "unit")).total)).toEqual(withRate(all));
  });

  it("an unknown campaign id gives an empty report", async () => {
    const other = await responseRates(db, 999_999, "unit");
    expect(other.rows).toEqual([]);
    expect(counts(other.total)).toEqual({ eligible: 0, started: 0, answered: 0, declined: 0, rate: null });
  });
});

describe("ratesForActor", () => {
  const as = async (person: { id: number }, by: RateDimension = "unit") =>
    ratesForActor(db, await sessionOf(db, person), { campaignId: campaign.id, by });

  it("the quality office sees the whole campaign", async () => {
    const r = await as(s.people.quality);
    expect(r.rows.map((row) => row.code).sort()).toEqual(["A", "A1", "B"]);
    expect(counts(r.total)).toEqual(
      withRate(
        atKey(
          expected(() => "all"),
          "all",
        ),
      ),
    );
  });

  it("a unit admin sees only its units' rows (the college and the office under it) and their total", async () => {
    const a = await as(s.people.adminA);
    expect(a.rows.map((row) => row.code).sort()).toEqual(["A", "A1"]);
    const wantA = atKey(
      expected((sec) => (sec === "secB" ? "B" : "A")),
      "A",
    );
    expect(counts(a.total)).toEqual(withRate(wantA));
    const bySection = await as(s.people.adminA, "section");
    expect(bySection.rows.map((row) => row.id).sort()).toEqual([s.secA.id, x.secC.id].sort());
    const b = await as(s.people.adminB, "course");
    expect(b.rows.map((row) => row.code)).toEqual(["EN101"]);
    expect(counts(b.total)).toEqual(
      withRate(
        atKey(
          expected((sec) => sec),
          "secB",
        ),
      ),
    );
  });

  it("a teacher of a running campaign sees no count and no rate below the minimum of raters (5 by default)", async () => {
    // While it runs, submissions are counted from the spent tokens (a decline is not told
    // apart): every section here has fewer than 5; 张老师's total has 5 (secA 3 + secC 2 of 8).
    for (const teacher of [s.people.teacherA, x.teacherA2, s.people.teacherB]) {
      const a = atKey(liveTeacher, teacher.id);
      expect(a.by).toBe("section");
      expect(a.live).toBe(true);
      expect(a.minRaters).toBe(5);
      for (const row of a.rows) {
        expect({ answered: row.answered, declined: row.declined, started: row.started, rate: row.rate, withheld: row.withheld }).toEqual({
          answered: null,
          declined: null,
          started: null,
          rate: null,
          withheld: true,
        });
        expect(row.eligible).toBeGreaterThan(0);
      }
      const total =
        teacher.id === s.people.teacherA.id
          ? { answered: null, declined: null, started: null, rate: roundRate(5 / 8), withheld: false }
          : { answered: null, declined: null, started: null, rate: null, withheld: true };
      expect({
        answered: a.total.answered,
        declined: a.total.declined,
        started: a.total.started,
        rate: a.total.rate,
        withheld: a.total.withheld,
      }).toEqual(total);
    }
    expect(
      liveHome.find((c) => c.campaignId === campaign.id)?.rows.every((r) => r.declined === null && r.answered === null && r.rate === null),
    ).toBe(true);
    // Once closed, the teacher reads the counts.
    const closed = (await as(s.people.teacherA)) as TeacherRateReport;
    expect(closed.live).toBe(false);
    expect(closed.rows.every((r) => r.answered !== null && r.declined !== null && !r.rounded)).toBe(true);
  });

  it("with enough answers, a running campaign's rate reaches the teacher rounded to 10 %, still without counts", async () => {
    // The year's policy asks for 2: secA has 3 submissions (2 answers + 1 decline) of 5
    // (60 %), secC 2 of 3 eligible (66.7 %, shown as 70 %).
    const a = liveMin2;
    expect(a.minRaters).toBe(2);
    const byId = new Map(a.rows.map((r) => [r.id, r]));
    expect(byId.get(s.secA.id)).toMatchObject({ rate: 0.6, rounded: true, withheld: false, answered: null, declined: null, started: null });
    expect(byId.get(x.secC.id)).toMatchObject({ rate: 0.7, rounded: true, withheld: false, answered: null, declined: null, started: null });
  });

  it("a student, HR and the system administrator are refused", async () => {
    for (const p of [s.people.studentA, s.people.hr, s.people.sysAdmin]) {
      await expectDomainError(as(p), { kind: "FORBIDDEN", code: "campaigns.errors.ratesForbidden" });
    }
  });

  it("refuses an unknown campaign and a bad dimension", async () => {
    const q = await sessionOf(db, s.people.quality);
    await expectDomainError(ratesForActor(db, q, { campaignId: 999_999 }), { kind: "NOT_FOUND", code: "campaigns.errors.notFound" });
    await expectDomainError(ratesForActor(db, q, { campaignId: campaign.id, by: "teacher" as never }), {
      kind: "BAD_REQUEST",
      code: "errors.invalidInput",
    });
  });
  it("once the campaign has closed, the teacher sees the exact counts of their own targets, by section, whatever is asked", async () => {
    // Campaigns only move forward: this test comes last among those reading the open campaign.
    await db.update(campaigns).set({ state: "closed" }).where(eq(campaigns.id, campaign.id));
    {
      const a = await as(s.people.teacherA, "unit");
      expect(a.by).toBe("section");
      expect(a.rows.map((row) => row.id).sort()).toEqual([s.secA.id, x.secC.id].sort());
      const mineA = expected(
        (sec) => sec,
        (sec, i) => (sec === "secA" && i === 0) || sec === "secC",
      );
      for (const row of a.rows) expect(counts(row)).toEqual(withRate(atKey(mineA, row.id === s.secA.id ? "secA" : "secC")));

      const a2 = await as(x.teacherA2, "programme");
      expect(a2.rows.map((row) => row.id)).toEqual([s.secA.id]);
      expect(counts(at<RateRow | TeacherRateRow>(a2.rows, 0))).toEqual(
        withRate(
          atKey(
            expected(
              (sec) => sec,
              (sec, i) => sec === "secA" && i === 1,
            ),
            "secA",
          ),
        ),
      );

      // 刘老师 is also a supervisor of college B: still only her own section.
      const b = await as(s.people.teacherB);
      expect(b.rows.map((row) => row.id)).toEqual([s.secB.id]);
    }
  });
});

describe("tracking campaigns", () => {
  it("alumni invitations are the eligible raters; used links are started; the programme's unit groups them", async () => {
    const t = await trackingData(db, s);
    const g = await graduateCampaign(db, s);
    await createInvitations(db, g.id, SECRET);
    const inv = await invitationsOf(db, g.id);
    const cohortOf = (i: (typeof inv)[number]) => ([t.a1, t.a2, t.a3, t.a4].some((a) => a.id === i.alumnusId) ? "A" : "B");
    const byAlumnus = (a: { id: number }) => one(inv.filter((i) => i.alumnusId === a.id)).id;
    await submit(db, await invitationTokenFor(db, byAlumnus(t.a1)));
    await submit(db, await invitationTokenFor(db, byAlumnus(t.a2)), { declined: true });
    await invitationTokenFor(db, byAlumnus(t.b1)); // opened, not answered
    await closeCampaign(db, g.id, LATER, null, SECRET);
    const r = await responseRates(db, g.id, "programme");
    expect(inv.filter((i) => cohortOf(i) === "A")).toHaveLength(4);
    expect(r.rows.map((row) => [row.code, row.eligible, row.started, row.answered, row.declined, row.rate])).toEqual([
      ["050201", 1, 1, 0, 0, 0],
      ["080902", 4, 2, 1, 1, 0.5],
    ]);
    const byUnit = await ratesForActor(db, await sessionOf(db, s.people.adminB), { campaignId: g.id, by: "unit" });
    expect(byUnit.rows.map((row) => [row.code, row.eligible])).toEqual([["B", 1]]);
    // The end-of-term campaign's figures are its own.
    expect(counts((await responseRates(db, campaign.id, "unit")).total)).toEqual(
      withRate(
        atKey(
          expected(() => "all"),
          "all",
        ),
      ),
    );
  });
});

describe("teacherRow", () => {
  const row: RateRow = { id: 1, code: "S1", name: "课程", eligible: 40, started: 30, answered: 17, declined: 1, rate: 18 / 40 };
  it("while the campaign runs: no counts, the rate to the nearest 10 %, nothing below the minimum", () => {
    expect(teacherRow(row, true, 5)).toMatchObject({
      eligible: 40,
      started: null,
      answered: null,
      declined: null,
      rate: 0.5,
      rounded: true,
      withheld: false,
    });
    expect(teacherRow({ ...row, answered: 4, declined: 9, rate: 13 / 40 }, true, 5)).toMatchObject({
      answered: null,
      declined: null,
      rate: null,
      withheld: true,
    });
    expect([0.04, 0.05, 0.449, 0.45, 0.96, 1].map(roundRate)).toEqual([0, 0.1, 0.4, 0.5, 1, 1]);
  });
  it("once it has closed: the exact counts", () => {
    expect(teacherRow(row, false, 5)).toEqual({ ...row, rounded: false, withheld: false });
  });
});
