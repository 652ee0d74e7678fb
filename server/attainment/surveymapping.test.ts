// The survey mapping file (survey, item, requirement, objective) and its import into a new
// draft version of the programme's outcome model (hand-made files).
import ExcelJS from "exceljs";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { match } from "@/server/test/match";
import type { Db } from "@/db/client";
import { outcomeModels, programmes, units } from "@/db/schema";
import { resetDb, testDb } from "../test/db";
import { describeIssue } from "./files";
import {
  approveModelVersion,
  createModelVersion,
  getModelVersion,
  importSurveyMapping,
  outcomeModelSchema,
  surveyMappingFromFile,
  type OutcomeModel,
} from "./model";
import { attainmentTemplate } from "./templates";
import { one } from "@/db/query";
import { at } from "@/server/shared/indexed";

const enc = (s: string) => new TextEncoder().encode(s);
const where = (issues: { file: string; row: number; column: string | null; code: string }[]) =>
  issues.map((i) => [i.file, i.row, i.column, i.code.replace(/^attainment\./, "")]);

const MODEL = outcomeModelSchema.parse({
  trainingObjectives: [{ code: "PO1", title: "工程能力" }, { code: "PO2" }],
  requirements: [
    { code: "R1", points: [{ code: "1.1" }] },
    { code: "R2", points: [{ code: "2.1" }] },
  ],
  support: [
    { course: "C1", objective: "CO1", point: "1.1", strength: "H" },
    { course: "C1", objective: "CO1", point: "2.1", strength: "M" },
  ],
  requirementObjectives: [{ requirement: "R1", objective: "PO1" }],
});

describe("the survey mapping file", () => {
  it("a good file in English headers gives the mapping; the Chinese survey names are read too", async () => {
    const csv = "survey,item,requirement,objective,title\ngraduating,q1/r1,R1,,课程满意度\nalumni,q2,R2,,\n用人单位,q3,,PO1,\n";
    const { mapping, issues } = await surveyMappingFromFile(enc(csv), MODEL, "en");
    expect(issues).toEqual([]);
    expect(mapping).toEqual([
      { source: "graduating", item: "q1/r1", title: "课程满意度", requirement: "R1" },
      { source: "alumni", item: "q2", requirement: "R2" },
      { source: "employer", item: "q3", objective: "PO1" },
    ]);
  });

  it("every bad row is refused with its file, row and column, in zh and en", async () => {
    const csv = [
      "问卷,题目,毕业要求,培养目标",
      "graduating,q1,R1,", // 2 ok
      "survey,q1,R1,", // 3 unknown survey
      "alumni,q2,R9,", // 4 unknown requirement
      "employer,q3,,PO9", // 5 unknown objective
      "employer,q4,R1,PO1", // 6 both
      "employer,q5,,", // 7 neither
      "graduating,q1,R1,", // 8 duplicate of 2
      ",q6,R1,", // 9 survey missing
    ].join("\n");
    const { mapping, issues } = await surveyMappingFromFile(enc(csv), MODEL, "zh");
    expect(mapping).toBeUndefined();
    expect(where(issues)).toEqual([
      ["surveyMapping", 3, "问卷", "check.badSurvey"],
      ["surveyMapping", 4, "毕业要求", "check.unknownRequirement"],
      ["surveyMapping", 5, "培养目标", "check.unknownTrainingObjective"],
      ["surveyMapping", 6, "培养目标", "check.mappingBoth"],
      ["surveyMapping", 7, "毕业要求", "check.mappingNeither"],
      ["surveyMapping", 8, "题目", "check.duplicate"],
      ["surveyMapping", 9, "问卷", "cell.required"],
    ]);
    expect(describeIssue("zh", at(issues, 0))).toBe(
      "问卷题目映射文件 第 3 行“问卷”列：问卷“survey”无效，只能填 graduating/alumni/employer（应届毕业生、毕业生跟踪、用人单位）。",
    );
    expect(describeIssue("en", at(issues, 3))).toBe(
      'survey mapping file, row 6, column "培养目标": Give either a requirement or a training objective, not both.',
    );
    expect(describeIssue("en", at(issues, 5))).toMatch(/first on row 2/);
  });

  it("a missing column and an unknown one are refused; an empty file too", async () => {
    const r = await surveyMappingFromFile(enc("survey,requirement,objective,extra\ngraduating,R1,,x\n"), MODEL, "en");
    expect(where(r.issues)).toEqual([
      ["surveyMapping", 1, "extra", "file.unknownColumn"],
      ["surveyMapping", 1, "Item", "file.missingColumn"],
    ]);
    const e = await surveyMappingFromFile(enc("survey,item,requirement,objective\n"), MODEL, "en");
    expect(where(e.issues)).toEqual([["surveyMapping", 0, null, "check.noRows"]]);
  });

  it("an XLSX file is read like the CSV, and the templates read back without problems", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("映射");
    ws.addRow(["Survey", "Item", "Requirement", "Objective"]);
    ws.addRow(["employer", "q3", "", "PO2"]);
    ws.addRow(["毕业生跟踪", "q4", "R1", ""]);
    const { mapping, issues } = await surveyMappingFromFile(new Uint8Array(await wb.xlsx.writeBuffer()), MODEL, "en");
    expect(issues).toEqual([]);
    expect(mapping).toEqual([
      { source: "employer", item: "q3", objective: "PO2" },
      { source: "alumni", item: "q4", requirement: "R1" },
    ]);
    for (const locale of ["zh", "en"] as const) {
      for (const format of ["csv", "xlsx"]) {
        const t = await attainmentTemplate("surveyMapping", format, locale);
        const back = await surveyMappingFromFile(t.body, MODEL, locale);
        expect(back.issues).toEqual([]);
        expect(back.mapping).toHaveLength(3);
      }
    }
    await expect(attainmentTemplate("scores", "csv", "zh")).rejects.toMatchObject({ code: "imports.template.badFormat" });
  });
});

describe("importing the survey mapping into the programme's model", () => {
  let db: Db;
  let programmeId: number;
  const NOW = new Date("2027-01-20T08:00:00Z");
  beforeAll(async () => {
    db = await testDb();
    await resetDb(db);
    const u = one(await db.insert(units).values({ code: "SM-U", name: "学院", kind: "college" }).returning({ id: units.id }));
    ({ id: programmeId } = one(
      await db.insert(programmes).values({ code: "SM-P", name: "专业", unitId: u.id }).returning({ id: programmes.id }),
    ));
  }, 120_000);
  const count = async () =>
    one(
      await db
        .select({ n: sql<number>`count(*)::int` })
        .from(outcomeModels)
        .where(eq(outcomeModels.programmeId, programmeId)),
    ).n;

  it("needs a model version first; a bad file stores nothing; a good one is a new draft keeping the rest; the same again is unchanged", async () => {
    const good = enc("survey,item,requirement,objective\ngraduating,q1,R1,\nemployer,q3,,PO1\n");
    await expect(importSurveyMapping(db, programmeId, good, null, "zh", NOW)).rejects.toMatchObject({
      code: "attainment.errors.noModelVersion",
    });
    const v1 = await createModelVersion(db, { programmeId, cohorts: [2027], model: MODEL }, null, NOW);
    await approveModelVersion(db, v1.id, await personId(db), "ok", NOW);
    const bad = enc("survey,item,requirement,objective\ngraduating,q1,R1,\nemployer,q3,R1,PO1\n");
    await expect(importSurveyMapping(db, programmeId, bad, null, "en", NOW)).rejects.toMatchObject({
      code: "attainment.errors.modelProblems",
      details: [
        match.objectContaining({ file: "surveyMapping", row: 3, column: "objective", message: match.stringContaining("not both") }),
      ],
    });
    expect(await count()).toBe(1);
    const r = await importSurveyMapping(db, programmeId, good, null, "zh", NOW);
    expect(r).toMatchObject({ status: "created", version: 2 });
    const v2 = await getModelVersion(db, r.id);
    expect(v2.status).toBe("draft");
    expect(v2.cohorts).toEqual([2027]);
    const base = (await getModelVersion(db, v1.id)).model;
    expect(v2.model).toEqual({
      ...base,
      surveyMapping: [
        { source: "graduating", item: "q1", requirement: "R1" },
        { source: "employer", item: "q3", objective: "PO1" },
      ],
    } satisfies OutcomeModel);
    expect(await importSurveyMapping(db, programmeId, good, null, "zh", NOW)).toMatchObject({ status: "unchanged", id: r.id });
    // a further change builds on the latest draft, as a new version (the approved one is untouched)
    const r3 = await importSurveyMapping(db, programmeId, enc("survey,item,requirement,objective\nalumni,q2,R2,\n"), null, "zh", NOW);
    expect(r3).toMatchObject({ status: "created", version: 3 });
    expect((await getModelVersion(db, r3.id)).model.surveyMapping).toEqual([{ source: "alumni", item: "q2", requirement: "R2" }]);
    expect((await getModelVersion(db, v1.id)).model.surveyMapping).toBeUndefined();
  });
});

async function personId(db: Db): Promise<number> {
  const { persons } = await import("@/db/schema");
  const p = one(await db.insert(persons).values({ number: "SM-Q", name: "质量办", kind: "staff" }).returning({ id: persons.id }));
  return p.id;
}
