import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { col, queryRow, queryRows } from "@/db/query";
import { publishCampaign } from "../campaigns/campaigns";
import { ratesForTeacher } from "../campaigns/rates";
import { freshSchool, sessionOf, type School } from "../test/fixtures";
import { recompute, scopeOf } from "./compute";
import { exportCsv, exportScope } from "./export";
import { importHistoryFile } from "./history";
import { ALL_COLUMNS, LongFormatError } from "./longformat";
import { approvePolicy, createPolicy, currentPolicy, defaultPolicy, listPolicies, retirePolicy } from "./policies";
import { myResults } from "./results";
import { approvedPolicy, libraryVersions } from "./testing";
import { expectFailure } from "../test/errors";
import { at } from "@/server/shared/indexed";

// The import of past terms from another system (mode "existing"), the export of what is
// stored, and policies as approved versions.

let db: Db;
let s: School;
const enc = (t: string) => new TextEncoder().encode(t);
const HEAD = "campaign,instrument_version,section,teacher,rater_group,response,question,value,term,eligible";
const NOW = new Date("2027-03-01T00:00:00Z");

beforeEach(async () => {
  ({ db, s } = await freshSchool());
  await libraryVersions(db, s.people.quality.id, ["student_evaluation", "supervisor_observation"]);
  const p = await createPolicy(db, defaultPolicy("2026-2027"), s.people.quality.id);
  await approvePolicy(db, p.id, s.people.quality.id, "测试", NOW);
});

function file(rows: string[]) {
  return enc([HEAD, ...rows].join("\n"));
}

/** n students of CS101-01 (teacher T001) answering every item with `value`. */
function students(n: number, value: number, campaign = "2026-2027-1 原系统评教", section = "CS101-01", teacher = "T001", from = 0) {
  const items = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "overall"];
  return Array.from({ length: n }, (_, i) =>
    items.map(
      (q) => `${campaign},student_evaluation@1,${section},${teacher},student,${section}-${from + i + 1},${q},${value},2026-2027-1,40`,
    ),
  ).flat();
}

describe("import of past terms", () => {
  it("makes a closed campaign with targets, eligible counts and scored responses, and computes its figures", async () => {
    const r = await importHistoryFile(
      db,
      s.people.quality.id,
      file([
        ...students(4, 0.8),
        ...students(2, 0.6, undefined, undefined, undefined, 4),
        ...students(6, 1, undefined, "EN101-01", "T002"),
      ]),
      "zh",
      NOW,
    );
    expect(r).toMatchObject({
      responses: 12,
      campaigns: [{ name: "2026-2027-1 原系统评教", targets: 2, responses: 12 }],
      recomputed: [{ schoolYear: "2026-2027" }],
    });
    const c = await queryRow(
      db,
      { state: col.text, source: col.text, kind: col.text },
      sql`select state, source, kind::text as kind from campaigns where id = ${at(r.campaigns, 0).id}`,
    );
    expect(c).toEqual({ state: "closed", source: "import", kind: "end_of_term" });
    const stats = await queryRows(
      db,
      { section: col.text, n: col.int, mean: col.num, eligible: col.int, response_rate: col.num },
      sql`
      select s.code as section, r.n, r.mean, r.eligible, r.response_rate from target_results r join campaign_targets t on t.id = r.target_id join sections s on s.id = t.section_id
      where r.rater_group = 'student' order by s.code`,
    );
    expect(stats.map((x) => [x.section, x.n])).toEqual([
      ["CS101-01", 6],
      ["EN101-01", 6],
    ]);
    expect(stats[0]).toMatchObject({ eligible: 40, response_rate: 0.15 });
    expect(stats[0]?.mean).toBeCloseTo((4 * 80 + 2 * 60) / 6, 10);
    expect(stats[1]?.mean).toBe(100);
    // not collected here: no response-rate card for the teacher (its n and N are in the results)
    expect((await ratesForTeacher(db, s.people.teacherA.id)).map((x) => x.campaignId)).not.toContain(at(r.campaigns, 0).id);
  });

  it("refuses what does not resolve, naming it, and stores nothing", async () => {
    const attempt = async (rows: string[]) =>
      (await expectFailure(importHistoryFile(db, s.people.quality.id, file(rows), "en", NOW), LongFormatError)).problems.map(
        (p) => p.message,
      );
    expect(await attempt(students(1, 0.8, "X", "NO-SUCH"))).toEqual([
      "Term 2026-2027-1 has no section NO-SUCH: import the sections first.",
    ]);
    expect(await attempt(students(1, 0.8, "X", "CS101-01", "T999"))).toEqual(["No staff member has the number T999."]);
    expect(await attempt(["X,student_evaluation@7,CS101-01,T001,student,1,q1,1,2026-2027-1,40"])).toEqual([
      'No definition was given for instrument version "student_evaluation@7".',
    ]);
    expect(await attempt(["X,student_evaluation@1,CS101-01,T001,student,1,q1,1,2031-2032-1,40"])).toEqual([
      'Campaign "X": term 2031-2032-1 does not exist.',
    ]);
    // a supervisor form answered by students: not the instrument that group answers
    expect((await attempt(["X,supervisor_observation@1,CS101-01,T001,student,1,s1,1,2026-2027-1,40"]))[0]).toContain(
      "is not of the kind that group answers",
    );
    expect(await queryRows(db, { id: col.int }, sql`select id from campaigns`)).toEqual([]);
    expect(await queryRows(db, { id: col.text }, sql`select id from responses`)).toEqual([]);
    // the same campaign twice
    await importHistoryFile(db, s.people.quality.id, file(students(1, 0.8, "Y")), "en", NOW);
    expect(await attempt(students(1, 0.8, "Y"))).toEqual(['Campaign "Y" has been imported already.']);
  });

  it("a campaign without a term takes the import's day in Beijing as its window (at 02:00 Beijing time, that day, not the UTC day before)", async () => {
    await libraryVersions(db, s.people.quality.id, ["employer_tracking"]);
    await db.execute(sql`insert into employers (code, name) values ('E1', '甲公司')`);
    const at = new Date("2027-03-01T18:00:00Z"); // 2027-03-02 02:00 in Beijing
    const bytes = enc(
      [
        "campaign,instrument_version,section,teacher,rater_group,response,question,value,target",
        "2026 用人单位调查,employer_tracking@1,,,employer,1,overall_graduates,5,employer:E1",
      ].join("\n"),
    );
    const r = await importHistoryFile(db, s.people.quality.id, bytes, "zh", at);
    const [campaign] = r.campaigns;
    if (!campaign) throw new Error("the import stored no campaign");
    const [c] = await queryRows(
      db,
      { opens: col.text, closes: col.text, day: col.text },
      sql`
      select to_char(c.opens_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as opens, to_char(c.closes_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as closes,
        (select r.day::text from responses r join campaign_targets t on t.id = r.target_id where t.campaign_id = c.id) as day
      from campaigns c where c.id = ${campaign.id}`,
    );
    // the Beijing day 2027-03-02, 00:00:00 to 23:59:59, in UTC
    expect(c).toEqual({ opens: "2027-03-01T16:00:00", closes: "2027-03-02T15:59:59", day: "2027-03-02" });
  });

  it("the export writes what was stored in the long format, numbered responses, no free text; teachers see published results only", async () => {
    const r = await importHistoryFile(
      db,
      s.people.quality.id,
      file([...students(5, 0.8), ...students(5, 0.4, undefined, "EN101-01", "T002")]),
      "zh",
      NOW,
    );
    const quality = await sessionOf(db, s.people.quality);
    const { ids } = await exportScope(db, quality, { schoolYear: "2026-2027" }, "csv");
    expect(ids).toEqual((await scopeOf(db, "2026-2027")).campaignIds);
    let csv = "";
    for await (const chunk of exportCsv(db, ids)) csv += chunk;
    const lines = csv
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(ALL_COLUMNS.join(","));
    expect(lines[0]?.startsWith("campaign,instrument_version,section,teacher,rater_group,response,question,value")).toBe(true);
    expect(lines).toHaveLength(1 + 10 * 12);
    const cells = lines.slice(1).map((l) => l.split(","));
    expect(new Set(cells.map((c) => c[5]))).toEqual(new Set(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]));
    expect(cells.find((c) => c[2] === "CS101-01")).toEqual([
      "2026-2027-1 原系统评教",
      "student_evaluation@1",
      "CS101-01",
      "T001",
      "student",
      expect.any(String),
      expect.any(String),
      "0.8",
      "2026-2027-1",
      "A",
      "foundation",
      "undergraduate",
      "A",
      "A1",
      "40",
      "",
    ]);
    // a unit admin may export the campaigns it manages only; a year is the quality office's
    const adminA = await sessionOf(db, s.people.adminA);
    await expect(exportScope(db, adminA, { schoolYear: "2026-2027" }, "csv")).rejects.toMatchObject({ kind: "FORBIDDEN" });
    await expect(exportScope(db, adminA, { campaignId: at(r.campaigns, 0).id }, "csv")).rejects.toMatchObject({ kind: "FORBIDDEN" });
    const audit = await queryRows(db, { action: col.text }, sql`select action from audit_log where action = 'scoring.export'`);
    expect(audit).toHaveLength(1);

    // teacher T001 sees nothing until the campaign is published, then their own figures only
    expect((await myResults(db, s.people.teacherA.id)).targets).toEqual([]);
    await publishCampaign(db, at(r.campaigns, 0).id, NOW, s.people.quality.id);
    const mine = await myResults(db, s.people.teacherA.id);
    expect(mine.targets).toHaveLength(1);
    expect(mine.targets[0]).toMatchObject({ sectionCode: "CS101-01", raterGroup: "student", reported: true, n: 5, figures: { mean: 80 } });
  });
});

describe("scoring policies", () => {
  it("versions per school year: the same policy is unchanged, approval once, the newest approved is in force, retired ones stop", async () => {
    const again = await createPolicy(db, defaultPolicy("2026-2027"), s.people.quality.id);
    expect(again).toMatchObject({ status: "unchanged", version: 1 });
    const v2 = await createPolicy(db, { ...defaultPolicy("2026-2027"), trim: 0.05 }, s.people.quality.id);
    expect(v2).toMatchObject({ status: "created", version: 2 });
    expect((await currentPolicy(db, "2026-2027"))?.version).toBe(1);
    await expect(approvePolicy(db, v2.id, s.people.quality.id, " ", NOW)).rejects.toMatchObject({ code: "scoring.errors.noteRequired" });
    await approvePolicy(db, v2.id, s.people.quality.id, "调整截尾比例", NOW);
    await expect(approvePolicy(db, v2.id, s.people.quality.id, "再次", NOW)).rejects.toMatchObject({
      code: "scoring.errors.alreadyApproved",
    });
    expect(await currentPolicy(db, "2026-2027")).toMatchObject({ version: 2, policy: { trim: 0.05 } });
    const list = await listPolicies(db);
    expect(list.map((p) => [p.version, p.status, p.current])).toEqual([
      [2, "approved", true],
      [1, "approved", false],
    ]);
    // a draft older than an approved version cannot be approved any more
    const v3 = await createPolicy(db, { ...defaultPolicy("2026-2027"), trim: 0.2 }, s.people.quality.id);
    const v4 = await createPolicy(db, { ...defaultPolicy("2026-2027"), trim: 0.15 }, s.people.quality.id);
    await approvePolicy(db, v4.id, s.people.quality.id, "v4", NOW);
    await expect(approvePolicy(db, v3.id, s.people.quality.id, "v3", NOW)).rejects.toMatchObject({ code: "scoring.errors.newerApproved" });
    await retirePolicy(db, v4.id, s.people.quality.id, NOW);
    expect((await currentPolicy(db, "2026-2027"))?.version).toBe(2);
    // a bad policy is refused with the problem named, nothing stored
    await expect(createPolicy(db, { ...defaultPolicy("2026-2027"), weights: { default: { student: 0.5 } } }, null)).rejects.toMatchObject({
      code: "scoring.errors.weightsSum",
      params: { scope: "weights.default", sum: 0.5 },
    });
    expect((await listPolicies(db)).length).toBe(4);
  });

  it("every figure names the policy that made it; results under a policy no longer in force stay", async () => {
    await importHistoryFile(db, s.people.quality.id, file(students(6, 0.8)), "zh", NOW);
    const v1 = await approvedPolicy(db, "2026-2027");
    const v2 = await createPolicy(db, { ...defaultPolicy("2026-2027"), outOf: 10 }, s.people.quality.id);
    await approvePolicy(db, v2.id, s.people.quality.id, "十分制", NOW);
    await recompute(db, await approvedPolicy(db, "2026-2027"), { trigger: "command" });
    const rows = await queryRows(
      db,
      { policy_id: col.int, mean: col.num },
      sql`select policy_id, mean from target_results where rater_group = 'student' order by policy_id`,
    );
    expect(rows.map((r) => [r.policy_id, r.mean])).toEqual([
      [v1.id, 80],
      [v2.id, 8],
    ]);
  });
});
