import { describe, expect, it } from "vitest";
import { IMPORT_KINDS } from "./kinds";
import { headerMap, LAYOUTS, parseTermCode } from "./layouts";
import { decodeText, matchHeader, parseImportFile, readTable, ImportFileError } from "./parse";
import { templateCsv, templateXlsx } from "./templates";
import { csvBytes, xlsxBytes } from "./testing";
import { expectFailure } from "../test/errors";

// GBK encoder for the test: the inverse of the platform's GB18030 decoder over the
// two-byte range (covers all common Chinese characters).
let gbkTable: Map<string, number[]> | null = null;
function gbk(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder("gb18030");
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([a, b]));
        if (ch.length === 1 && ch !== "\ufffd" && !gbkTable.has(ch)) gbkTable.set(ch, [a, b]);
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (code === undefined) throw new Error("a character without a code point");
    if (code < 0x80) out.push(code);
    else {
      const bytes = gbkTable.get(ch);
      if (!bytes) throw new Error(`no GBK code for ${ch}`);
      out.push(...bytes);
    }
  }
  return new Uint8Array(out);
}

async function issuesOf(p: Promise<unknown>) {
  return (await expectFailure(p, ImportFileError)).issues;
}

describe("layouts", () => {
  it("every kind has a layout whose headers are unambiguous", () => {
    for (const kind of IMPORT_KINDS) {
      expect(LAYOUTS[kind].columns.length).toBeGreaterThan(2);
      expect(() => headerMap(kind)).not.toThrow();
      for (const c of LAYOUTS[kind].columns) {
        expect(c.description.zh && c.description.en, `${kind}.${c.key}`).toBeTruthy();
      }
      for (const k of LAYOUTS[kind].naturalKey) expect(LAYOUTS[kind].columns.some((c) => c.key === k)).toBe(true);
    }
  });

  it("parses term codes", () => {
    expect(parseTermCode("2026-2027-1")).toEqual({ code: "2026-2027-1", schoolYear: "2026-2027", semester: 1 });
    expect(parseTermCode(" 2026－2027－2 ")?.code).toBe("2026-2027-2");
    expect(parseTermCode("2026-2028-1")).toBeNull();
    expect(parseTermCode("2026-2027-4")).toBeNull();
  });

  it("cell schemas trim, treat empty as undefined and accept Chinese names", () => {
    const col = (kind: keyof typeof LAYOUTS, key: string) => {
      const c = LAYOUTS[kind].columns.find((x) => x.key === key);
      if (c === undefined) throw new Error(`no column ${key} in the ${kind} layout`);
      return c.schema;
    };
    expect(col("units", "kind").parse(" 学院 ")).toBe("college");
    expect(col("units", "kind").parse("Office")).toBe("office");
    expect(col("units", "parent_code").parse("   ")).toBeUndefined();
    expect(col("courses", "type").parse("公共基础课")).toBe("general");
    expect(col("courses", "credits").parse("3.5")).toBe(3.5);
    expect(col("courses", "credits").safeParse("3.55").success).toBe(false);
    expect(col("people", "roles").parse("教师,督导")).toEqual(["teacher", "supervisor"]);
    expect(col("people", "roles").parse("teacher、 Supervisor；unit_admin")).toEqual(["teacher", "supervisor", "unit_admin"]);
    expect(col("people", "gender").parse("女")).toBe("F");
    expect(col("people", "active").parse("否")).toBe(false);
    expect(col("people", "admission_year").parse("2023.0")).toBe(2023);
    const bad = col("people", "admission_year").safeParse("二〇二三");
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe("imports.cell.notInteger");
    expect(col("people", "number").safeParse("").error?.issues[0]?.message).toBe("imports.cell.required");
    expect(col("sections", "teachers").parse("T001，T002、T003")).toEqual(["T001", "T002", "T003"]);
  });
});

describe("reading files", () => {
  it("reads a UTF-8 CSV with BOM and Chinese headers, keeping file row numbers", async () => {
    const bytes = csvBytes([
      ["单位代码", "单位名称", "单位类型"],
      ["A", "计算机学院", "学院"],
      ["", "", ""],
      ["B", "外国语学院", "学院"],
    ]);
    const t = await readTable(bytes);
    expect(t.format).toBe("csv");
    expect(t.header).toEqual(["单位代码", "单位名称", "单位类型"]);
    expect(t.rows.map((r) => r.row)).toEqual([2, 4]);
    expect(t.rows[1]?.cells).toEqual(["B", "外国语学院", "学院"]);
  });

  it("reads UTF-8 without BOM, quoted fields with commas and newlines", async () => {
    const text = 'code,name,kind\r\nA,"计算机学院, 软件",college\r\n"B","多行\n名称",college\r\n';
    const t = await readTable(new TextEncoder().encode(text));
    expect(t.rows).toEqual([
      { row: 2, cells: ["A", "计算机学院, 软件", "college"] },
      { row: 3, cells: ["B", "多行\n名称", "college"] },
    ]);
  });

  it("detects GBK (GB18030) CSV as saved by Excel in China", async () => {
    const bytes = gbk("单位代码,单位名称,单位类型\r\nA,计算机学院,学院\r\n");
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const t = await readTable(bytes);
    expect(t.header).toEqual(["单位代码", "单位名称", "单位类型"]);
    expect(t.rows[0]?.cells).toEqual(["A", "计算机学院", "学院"]);
  });

  it("reads UTF-16 with BOM and tab separators (Excel Unicode text)", async () => {
    const text = "\uFEFF学号\t姓名\t人员类别\r\n2023001\t陈同学\t学生\r\n";
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      bytes[2 * i] = text.charCodeAt(i) & 0xff;
      bytes[2 * i + 1] = text.charCodeAt(i) >> 8;
    }
    expect(decodeText(bytes).startsWith("学号")).toBe(true);
    const t = await readTable(bytes);
    expect(t.rows[0]?.cells).toEqual(["2023001", "陈同学", "学生"]);
  });

  it("reads the first worksheet of an XLSX: rich text, numbers, dates, formulas, hyperlinks", async () => {
    const bytes = await xlsxBytes([
      [{ richText: [{ text: "学号", font: { bold: true } }, { text: "/工号" }] }, "Name", "KIND", "入学年份", "email", "class name"],
      [
        2023001,
        "陈同学",
        "学生",
        { formula: "2020+3", result: 2023 },
        { text: "chen@example.com", hyperlink: "mailto:chen@example.com" },
        new Date(Date.UTC(2023, 8, 1)),
      ],
      [],
      ["T001", { richText: [{ text: "张" }, { text: "老师" }] }, "教职工", null, null, 0.1 + 0.2],
    ]);
    const t = await readTable(bytes);
    expect(t.format).toBe("xlsx");
    expect(t.header).toEqual(["学号/工号", "Name", "KIND", "入学年份", "email", "class name"]);
    expect(t.rows[0]).toEqual({ row: 2, cells: ["2023001", "陈同学", "学生", "2023", "chen@example.com", "2023-09-01"] });
    expect(t.rows[1]?.row).toBe(4);
    expect(t.rows[1]?.cells.slice(0, 3)).toEqual(["T001", "张老师", "教职工"]);
    expect(t.rows[1]?.cells[5]).toBe("0.3");
    const m = matchHeader("people", t, "zh");
    expect(m.issues).toEqual([]);
    expect(m.table?.columns.map((c) => c.def.key)).toEqual(["number", "name", "kind", "class_name", "admission_year", "email"]);
  });

  it("rejects empty, binary, legacy .xls and oversized files", async () => {
    expect((await issuesOf(readTable(new Uint8Array())))[0]?.code).toBe("imports.file.empty");
    expect((await issuesOf(readTable(csvBytes([[""], [""]]))))[0]?.code).toBe("imports.file.empty");
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect((await issuesOf(readTable(png)))[0]?.code).toBe("imports.file.notSupported");
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect((await issuesOf(readTable(xls)))[0]?.code).toBe("imports.file.legacyXls");
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]);
    expect((await issuesOf(readTable(zip)))[0]?.code).toBe("imports.file.notSupported");
    const big = new Uint8Array(20 * 1024 * 1024 + 1).fill(0x41);
    expect((await issuesOf(readTable(big)))[0]?.code).toBe("imports.file.tooLarge");
  });
});

describe("matching headers", () => {
  it("accepts English and Chinese headers, mixed, ignoring case and spaces", async () => {
    const t = await readTable(
      csvBytes([
        ["UNIT CODE", "名称", "Kind", "parent_code", " English  Name "],
        ["A", "计算机学院", "学院", "S", "School of Computing"],
      ]),
    );
    const m = matchHeader("units", t, "en");
    expect(m.issues).toEqual([]);
    expect(m.table?.columns.map((c) => [c.def.key, c.index])).toEqual([
      ["code", 0],
      ["name", 1],
      ["name_en", 4],
      ["kind", 2],
      ["parent_code", 3],
    ]);
  });

  it("names unknown, missing and duplicate columns", async () => {
    const t = await readTable(
      csvBytes([
        ["单位代码", "Code", "名字", "备注", "单位类型"],
        ["A", "A", "x", "y", "学院"],
      ]),
    );
    const { issues, table } = matchHeader("units", t, "zh");
    expect(table).toBeUndefined();
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          row: 1,
          column: "Code",
          code: "imports.file.duplicateColumn",
          params: { column: "Code", other: "单位代码" },
        }),
        expect.objectContaining({ row: 1, column: "名字", code: "imports.file.unknownColumn" }),
        expect.objectContaining({ row: 1, column: "备注", code: "imports.file.unknownColumn" }),
        expect.objectContaining({ row: 1, column: "单位名称", code: "imports.file.missingColumn" }),
      ]),
    );
    expect(issues).toHaveLength(4);
  });

  it("ignores empty header cells unless their column has data", async () => {
    const ok = matchHeader(
      "units",
      await readTable(
        csvBytes([
          ["code", "name", "kind", ""],
          ["A", "a", "学院", ""],
        ]),
      ),
      "zh",
    );
    expect(ok.issues).toEqual([]);
    const bad = matchHeader(
      "units",
      await readTable(
        csvBytes([
          ["code", "name", "kind", ""],
          ["A", "a", "学院", "x"],
        ]),
      ),
      "zh",
    );
    expect(bad.issues[0]).toMatchObject({ code: "imports.file.unnamedColumn", params: { index: 4, row: 2 } });
  });
});

describe("templates", () => {
  it("CSV and XLSX templates read back with a valid header for every kind", async () => {
    for (const kind of IMPORT_KINDS) {
      for (const locale of ["zh", "en"] as const) {
        const csv = templateCsv(kind, locale);
        expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const fromCsv = await parseImportFile(kind, csv, locale);
        expect(fromCsv.issues, `${kind} ${locale} csv`).toEqual([]);
        expect(fromCsv.table?.rows).toHaveLength(1);
        const fromXlsx = await parseImportFile(kind, await templateXlsx(kind, locale), locale);
        expect(fromXlsx.issues, `${kind} ${locale} xlsx`).toEqual([]);
        expect(fromXlsx.table?.columns).toHaveLength(LAYOUTS[kind].columns.length);
      }
    }
  });
});
