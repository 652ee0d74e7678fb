import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { assert, describe, expect, it } from "vitest";
import { match } from "@/server/test/match";
import { attainmentDocument, computeAttainment, type AttainmentDocument } from "./compute";
import { runCli } from "./cli";
import { describeIssue, loadAttainmentFiles, type AttainmentFile } from "./files";
import { EXAMPLE, EXAMPLE_FILES, PARAMS } from "./testing";
import { at } from "@/server/shared/indexed";

const enc = (s: string) => new TextEncoder().encode(s);
const bytesOf = (files: Record<AttainmentFile, string>) =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [k, enc(v)])) as Record<AttainmentFile, Uint8Array>;

async function xlsx(rows: (string | number)[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("成绩");
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const where = (issues: { file: string; row: number; column: string | null; code: string }[]) =>
  issues.map((i) => [i.file, i.row, i.column, i.code.replace(/^attainment\./, "")]);

describe("reading the four files", () => {
  it("the example's files give the example's input and the same numbers", async () => {
    const { input, issues } = await loadAttainmentFiles(bytesOf(EXAMPLE_FILES), "zh");
    expect(issues).toEqual([]);
    assert.exists(input);
    expect(input.requirements).toEqual([
      { code: "R1", points: [{ code: "1.1", title: "工程知识" }, { code: "1.2" }] },
      { code: "R2", points: [{ code: "2.1", title: "问题分析" }] },
    ]);
    expect(attainmentDocument(computeAttainment(input, PARAMS))).toEqual(attainmentDocument(computeAttainment(EXAMPLE, PARAMS)));
  });

  it("Chinese headers in any order, a BOM, 高/中/低, and XLSX scores", async () => {
    const files = bytesOf({
      ...EXAMPLE_FILES,
      requirements: "\uFEFF指标点,毕业要求\n1.1,R1\n1.2,R1\n2.1,R2\n",
      support: "课程,课程目标,指标点,支撑强度\nC1,CO1,1.1,高\nC2,CO1,1.1,中\nC1,CO2,1.2,低\nC2,CO1,1.2,h\nC1,CO1,2.1,H\n",
    });
    const lines = EXAMPLE_FILES.scores
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    files.scores = await xlsx([
      ["课程", "学号", "考核项", "得分"],
      ...lines.map((cells) => [at(cells, 0), at(cells, 1), at(cells, 2), Number(at(cells, 3))]),
    ]);
    const { input, issues } = await loadAttainmentFiles(files, "zh");
    expect(issues).toEqual([]);
    assert.exists(input);
    expect(attainmentDocument(computeAttainment(input, PARAMS))).toEqual(attainmentDocument(computeAttainment(EXAMPLE, PARAMS)));
  });
});

describe("bad input: every problem with its file, row and column; nothing computed", () => {
  it("weights not summing to 1, a strength other than H/M/L, an unsupported point, a score above full marks or negative, unknown course, item and point", async () => {
    const files = bytesOf({
      requirements: EXAMPLE_FILES.requirements + "R3,3.1,\n", // row 5: nobody supports 3.1
      support: EXAMPLE_FILES.support.replace("C1,CO2,1.2,L", "C1,CO2,1.2,X") + "C2,CO1,9.9,H\n", // row 4 strength; row 7 unknown point
      assessments: EXAMPLE_FILES.assessments.replace("C1,Q2,20,CO1,0.4", "C1,Q2,20,CO1,0.5"), // CO1: 0.6 + 0.5 = 1.1 (rows 2–3)
      scores: EXAMPLE_FILES.scores
        .replace("C1,s1,Q1,8", "C1,s1,Q1,11") // row 2: 11 > 10
        .replace("C1,s2,Q1,6", "C1,s2,Q1,-1") // row 5: negative
        .replace("C2,t1,E1,90", "C9,t1,E1,90") // row 10: unknown course
        .replace("C2,t2,E1,70", "C2,t2,E9,70"), // row 11: unknown item
    });
    const { input, issues } = await loadAttainmentFiles(files, "zh");
    expect(input).toBeUndefined();
    expect(where(issues)).toEqual([
      ["requirements", 5, "point", "check.unsupportedPoint"],
      ["support", 4, "strength", "check.badStrength"],
      ["support", 7, "point", "check.unknownPoint"],
      ["assessments", 2, "weight", "check.weightSum"],
      ["scores", 2, "score", "check.scoreOutOfRange"],
      ["scores", 5, "score", "check.scoreOutOfRange"],
      ["scores", 10, "course", "check.unknownCourse"],
      ["scores", 11, "item", "check.unknownItem"],
    ]);
    // in the user's language, with file, row and column
    expect(describeIssue("zh", at(issues, 3))).toBe(
      "考核项文件 第 2 行“weight”列：课程 C1 的课程目标 CO1 的考核项权重之和为 1.1，应为 1（第 2, 3 行）。",
    );
    expect(describeIssue("en", at(issues, 1))).toBe(
      'support matrix file, row 4, column "strength": Strength "X" is not valid: use H, M or L.',
    );
    expect(describeIssue("zh", at(issues, 4))).toBe("成绩文件 第 2 行“score”列：得分“11”超出范围（0–10）。");
  });

  it("an unknown student (given the offering's roster), an objective without items, a threshold outside (0, 1]", async () => {
    const rosters = new Map([
      ["C1", ["s1", "s2", "s3"]],
      ["C2", ["t1"]],
    ]);
    const files = bytesOf({ ...EXAMPLE_FILES, support: EXAMPLE_FILES.support + "C2,CO7,2.1,L\n" });
    const { issues } = await loadAttainmentFiles(files, "en", { rosters, threshold: 1.2 });
    expect(where(issues)).toEqual([
      ["threshold", 0, "threshold", "check.badThreshold"],
      ["support", 7, "objective", "check.objectiveWithoutItems"],
      ["scores", 11, "student", "check.unknownStudent"],
    ]);
    expect(describeIssue("en", at(issues, 2))).toBe(
      'scores file, row 11, column "student": Student "t2" is not on the roster of course C2.',
    );
    for (const t of [0, -0.1, Number.NaN])
      expect(where((await loadAttainmentFiles(bytesOf(EXAMPLE_FILES), "zh", { threshold: t })).issues)).toEqual([
        ["threshold", 0, "threshold", "check.badThreshold"],
      ]);
    expect((await loadAttainmentFiles(bytesOf(EXAMPLE_FILES), "zh", { threshold: 1 })).issues).toEqual([]);
  });

  it("missing and unknown columns, empty required cells, non-numbers, duplicates", async () => {
    const files = bytesOf({
      requirements: "requirement,pt\nR1,1.1\n",
      support: EXAMPLE_FILES.support,
      assessments: EXAMPLE_FILES.assessments + "C1,Q3,50,CO2,1\nC2,E2,abc,CO1,0\n",
      scores: EXAMPLE_FILES.scores + "C1,s1,Q1,\nC1,s1,Q1,七\n",
    });
    const { issues } = await loadAttainmentFiles(files, "zh");
    expect(where(issues)).toEqual([
      ["requirements", 1, "pt", "file.unknownColumn"],
      ["requirements", 1, "指标点", "file.missingColumn"],
      ["assessments", 6, "item", "check.duplicate"],
      ["assessments", 7, "full_marks", "check.badFullMarks"],
      ["assessments", 7, "weight", "check.badWeight"],
      ["scores", 12, "score", "cell.required"],
      ["scores", 13, "score", "check.notNumber"],
    ]);
  });

  it("a file that is not CSV or XLSX, or empty, is named", async () => {
    const files = bytesOf(EXAMPLE_FILES);
    files.scores = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 1, 2]);
    files.support = new Uint8Array();
    const { issues } = await loadAttainmentFiles(files, "zh");
    expect(where(issues)).toEqual(
      [
        ["support", 0, null, "imports.file.empty"],
        ["scores", 0, null, "imports.file.notSupported"],
      ].map(([f, r, c, code]) => [f, r, c, code]),
    );
    expect(describeIssue("zh", at(issues, 1))).toMatch(/^成绩文件：无法识别文件格式/);
  });
});

describe("npm run attainment", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "attainment-"));
  const write = (files: Record<AttainmentFile, string>) => {
    const args: string[] = [];
    for (const [k, v] of Object.entries(files)) {
      writeFileSync(path.join(dir, `${k}.csv`), v);
      args.push(`--${k}`, path.join(dir, `${k}.csv`));
    }
    return args;
  };
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
  };

  it("writes the documented document with the same numbers as the function", async () => {
    const output = path.join(dir, "attainment.json");
    const c = io();
    expect(await runCli([...write(EXAMPLE_FILES), "--threshold", "0.7", "--output", output], c.io)).toBe(0);
    const doc = JSON.parse(readFileSync(output, "utf8")) as AttainmentDocument;
    expect(doc).toEqual(JSON.parse(JSON.stringify(attainmentDocument(computeAttainment(EXAMPLE, PARAMS)))));
    expect(doc.requirements).toEqual([
      { requirement: "R1", attainment: match.closeTo(0.704, 12), weakest_point: "1.1", attained: true },
      { requirement: "R2", attainment: match.closeTo(0.64, 12), weakest_point: "2.1", attained: false },
    ]);
    expect(c.out.at(-1)).toMatch(/^attainment: objectives=3 courses=2 points=3 requirements=2 below_threshold=1/);
  });

  it("the method, the course aggregate and the strength values are options, recorded in the document", async () => {
    const output = path.join(dir, "wm.json");
    expect(
      await runCli(
        [
          ...write(EXAMPLE_FILES),
          "--method",
          "weighted_marks",
          "--course",
          "weighted_mean",
          "--strengths",
          "H=0.7,M=0.25,L=0.05",
          "--output",
          output,
        ],
        io().io,
      ),
    ).toBe(0);
    const doc = JSON.parse(readFileSync(output, "utf8")) as AttainmentDocument;
    expect(doc.method).toBe("weighted_marks");
    expect(doc.course_aggregate).toBe("weighted_mean");
    expect(doc.strength_values).toEqual({ H: 0.7, M: 0.25, L: 0.05 });
    expect(doc.objectives[0]?.attainment).toBeCloseTo(8 / 14, 12);
  });

  it("bad input: every problem printed, exit 1, nothing written", async () => {
    const output = path.join(dir, "bad.json");
    const c = io();
    const files = { ...EXAMPLE_FILES, scores: EXAMPLE_FILES.scores.replace("C1,s1,Q1,8", "C1,s1,Q1,12") };
    expect(await runCli([...write(files), "--threshold", "1.5", "--output", output], c.io)).toBe(1);
    expect(c.err).toEqual([
      "达成阈值“threshold”列：达成阈值“1.5”须大于 0 且不超过 1。",
      "成绩文件 第 2 行“score”列：得分“12”超出范围（0–10）。",
    ]);
    expect(existsSync(output)).toBe(false);
  });
});

describe("the outcome model from the requirements and support files", () => {
  it("builds the model (course objectives from the support matrix) with the programme's settings", async () => {
    const { modelFromFiles } = await import("./model");
    const { model, issues } = await modelFromFiles(
      { requirements: enc(EXAMPLE_FILES.requirements), support: enc(EXAMPLE_FILES.support) },
      { threshold: 0.65 },
      "zh",
    );
    expect(issues).toEqual([]);
    expect(model?.requirements.map((r) => [r.code, r.points.map((p) => p.code)])).toEqual([
      ["R1", ["1.1", "1.2"]],
      ["R2", ["2.1"]],
    ]);
    expect(model?.courseObjectives).toEqual([
      { course: "C1", code: "CO1" },
      { course: "C2", code: "CO1" },
      { course: "C1", code: "CO2" },
    ]);
    expect(model?.threshold).toBe(0.65);
    expect(model?.strengthValues).toEqual({ H: 3, M: 2, L: 1 });
  });

  it("refuses a point nobody supports and a strength other than H/M/L, with row and column", async () => {
    const { modelFromFiles } = await import("./model");
    const { model, issues } = await modelFromFiles(
      {
        requirements: enc(EXAMPLE_FILES.requirements + "R3,3.1,\n"),
        support: enc(EXAMPLE_FILES.support.replace("C1,CO2,1.2,L", "C1,CO2,1.2,强弱")),
      },
      {},
      "zh",
    );
    expect(model).toBeUndefined();
    expect(where(issues)).toEqual([
      ["requirements", 5, "point", "check.unsupportedPoint"],
      ["support", 4, "strength", "check.badStrength"],
    ]);
  });
});
