import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { match } from "@/server/test/match";
import { LongFormatError, parseLongFormat, readLongTable } from "./longformat";
import { fileOf } from "./testing";
import { expectFailure } from "../test/errors";

// Reading and checking the long format: every problem named with its row and column, in the
// user's language, and nothing taken from a file that has one.

const HEAD = "campaign,instrument_version,section,teacher,rater_group,response,question,value";
const student = fileOf("student_evaluation");
const instruments = (label: string) => (label === "student_evaluation@1" ? student : null);
const enc = (s: string) => new TextEncoder().encode(s);

async function parse(text: string, locale: "zh" | "en" = "en") {
  return parseLongFormat(await readLongTable(enc(text), locale), instruments, locale);
}

async function problems(text: string, locale: "zh" | "en" = "en") {
  return (await expectFailure(parse(text, locale), LongFormatError)).problems;
}

describe("long format", () => {
  it("groups rows into targets, rater groups and responses, with the answers of each response", async () => {
    const d = await parse(
      [
        `${HEAD},term,eligible`,
        "期末评教,student_evaluation@1,CS101-01,T001,student,1,q1,0.8,2026-2027-1,40",
        "期末评教,student_evaluation@1,CS101-01,T001,student,1,q2,0.6,2026-2027-1,40",
        "期末评教,student_evaluation@1,CS101-01,T001,student,2,q1,1,2026-2027-1,40",
        '"期末评教",student_evaluation@1,CS102-01,T001,student,3,overall,0.2,2026-2027-1,',
      ].join("\r\n"),
    );
    expect(d.targets).toHaveLength(2);
    const [a, b] = d.targets;
    expect(a).toMatchObject({ campaign: "期末评教", section: "CS101-01", teacher: "T001", term: "2026-2027-1" });
    expect(a?.groups).toEqual([
      {
        group: "student",
        versionLabel: "student_evaluation@1",
        eligible: 40,
        responses: [
          { response: "1", answers: { q1: 0.8, q2: 0.6 } },
          { response: "2", answers: { q1: 1 } },
        ],
      },
    ]);
    expect(b?.groups[0]).toMatchObject({ eligible: null, responses: [{ response: "3", answers: { overall: 0.2 } }] });
    expect(d.versionLabels).toEqual(["student_evaluation@1"]);
    expect(d.columns).toEqual([
      "campaign",
      "instrument_version",
      "section",
      "teacher",
      "rater_group",
      "response",
      "question",
      "value",
      "term",
      "eligible",
    ]);
  });

  it("refuses unknown, duplicate and missing columns, naming them", async () => {
    const p = await problems(`campaign,instrument_version,section,teacher,rater_group,response,question,score,colour\nx`);
    expect(p.map((x) => x.message)).toEqual([
      match.stringContaining('Unknown column "score"'),
      match.stringContaining('Unknown column "colour"'),
      'The required column "value" is missing.',
    ]);
    const zh = await problems(`${HEAD},value\n`, "zh");
    expect(zh[0]?.message).toBe("列“value”出现了两次。");
  });

  it("refuses values outside the instrument's options, unknown items and versions, bad groups; row and column given", async () => {
    const p = await problems(
      [
        HEAD,
        "C,student_evaluation@1,S1,T1,student,1,q1,0.9",
        "C,student_evaluation@1,S1,T1,student,1,q2,na",
        "C,student_evaluation@1,S1,T1,student,1,q99,1",
        "C,student_evaluation@2,S1,T1,student,2,q1,1",
        "C,student_evaluation@1,S1,T1,parents,3,q1,1",
        "C,student_evaluation@1,S1,T1,student,4,q1,",
        "C,student_evaluation@1,S1,T1,student,5,q1,1",
        "C,student_evaluation@1,S1,T1,student,5,q1,0.8",
        "C,student_evaluation@1,S1,,student,6,q1,1",
      ].join("\n"),
    );
    expect(p).toEqual([
      { row: 2, column: "value", message: 'The answer "0.9" to q1 is not one of its options (0.2, 0.4, 0.6, 0.8, 1).' },
      // the student form offers no "na" (无法评估): it is outside the options too
      { row: 3, column: "value", message: 'The answer "na" to q2 is not one of its options (0.2, 0.4, 0.6, 0.8, 1).' },
      { row: 4, column: "question", message: '"q99" is not a scored item of student_evaluation@1.' },
      { row: 5, column: "instrument_version", message: 'No definition was given for instrument version "student_evaluation@2".' },
      { row: 6, column: "rater_group", message: match.stringContaining('"parents"') },
      { row: 7, column: "value", message: '"value" must not be empty.' },
      { row: 9, column: "question", message: "Response 5 answers q1 twice." },
      { row: 10, column: "teacher", message: match.stringContaining("both section and teacher") },
    ]);
  });

  it("refuses a cell holding a NUL (the database could not store it), with row and column", async () => {
    // (With a BOM: a file without one is sniffed for NUL bytes and refused as not a text file.)
    const p = await problems(
      [`\uFEFF${HEAD}`, "C,student_evaluation@1,S1,T1,student,1,q1,1", "C,student_evaluation@1,S1\u0000x,T1,student,2,q1,1"].join("\n"),
    );
    expect(p).toEqual([{ row: 3, column: "section", message: match.stringContaining("cannot be stored") }]);
  });

  it("refuses a target whose context changes between rows, and a campaign over two terms", async () => {
    const p = await problems(
      [
        `${HEAD},unit,eligible`,
        "C,student_evaluation@1,S1,T1,student,1,q1,1,CS,40",
        "C,student_evaluation@1,S1,T1,student,2,q1,1,EN,40",
        "C,student_evaluation@1,S1,T1,student,3,q1,1,CS,41",
      ].join("\n"),
    );
    expect(p.map((x) => [x.row, x.column])).toEqual([
      [3, "unit"],
      [4, "eligible"],
    ]);
    const terms = await problems(
      [
        `${HEAD},term`,
        "C,student_evaluation@1,S1,T1,student,1,q1,1,2025-2026-2",
        "C,student_evaluation@1,S2,T1,student,2,q1,1,2026-2027-1",
      ].join("\n"),
    );
    expect(terms[0]?.message).toContain("different terms");
  });

  it("reads XLSX and GBK CSV alike; drops the ' that keeps a formula-like name as text", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("responses");
    ws.addRow(HEAD.split(","));
    ws.addRow(["'=期末", "student_evaluation@1", "S1", "T1", "student", 1, "q1", 0.8]);
    const x = parseLongFormat(await readLongTable(new Uint8Array(await wb.xlsx.writeBuffer())), instruments);
    expect(x.targets[0]).toMatchObject({ campaign: "=期末", groups: [{ responses: [{ response: "1", answers: { q1: 0.8 } }] }] });
    const gbk = Buffer.from([
      ...Buffer.from(`${HEAD}\n`),
      0xc6,
      0xda,
      0xc4,
      0xa9,
      ...Buffer.from(",student_evaluation@1,S1,T1,student,1,q1,1\n"),
    ]); // "期末" in GBK
    expect(parseLongFormat(await readLongTable(new Uint8Array(gbk)), instruments).targets[0]?.campaign).toBe("期末");
  });

  it("an empty file, one with only a header, an old .xls file are refused (read as the import reads files)", async () => {
    expect((await problems(""))[0]?.message).toBe("The file is empty.");
    expect((await problems(`${HEAD}\n`))[0]?.message).toBe("The file holds no data.");
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect((await expectFailure(readLongTable(xls, "zh"), LongFormatError)).problems[0]?.message).toContain("不支持旧版 Excel（.xls）文件");
  });

  it("a file over the caller's byte limit is refused with the limit named", async () => {
    const big = new Uint8Array(1024 * 1024 + 1).fill(0x61);
    expect((await expectFailure(readLongTable(big, "en", 1024 * 1024), LongFormatError)).problems[0]?.message).toBe(
      "The file is larger than the 1 MB limit.",
    );
  });
});
