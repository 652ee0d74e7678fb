import { describe, expect, it } from "vitest";
import { kindsOf, markComment } from "./marks";

const none = { names: [], words: [] };
const found = (text: string, lists = none as Parameters<typeof markComment>[1]) =>
  markComment(text, lists).map((m) => `${m.kind}:${text.slice(m.start, m.end)}`);

describe("automatic marks", () => {
  it("marks mainland mobile numbers, with spaces, hyphens, +86 and full-width digits, and landlines", () => {
    expect(found("有问题请打我电话13812345678谢谢")).toEqual(["phone:13812345678"]);
    expect(found("电话 138 1234 5678，或 139-8765-4321")).toEqual(["phone:138 1234 5678", "phone:139-8765-4321"]);
    expect(found("+86 13812345678")).toEqual(["phone:+86 13812345678"]);
    expect(found("我的手机１３８１２３４５６７８")).toEqual(["phone:１３８１２３４５６７８"]);
    expect(found("办公室 010-62751234 找我")).toEqual(["phone:010-62751234"]);
  });

  it("does not take a number inside a longer run, or a short number, for a phone", () => {
    expect(found("编号 2138123456789012345")).toEqual([]);
    expect(found("第12周的作业有3道题错了")).toEqual([]);
    expect(found("成绩 95 分，2026 年")).toEqual([]);
  });

  it("marks student numbers: any standalone run of 8 to 13 digits, and the section's people's numbers", () => {
    expect(found("我是2024020101，希望老师多讲例题")).toEqual(["student_number:2024020101"]);
    expect(found("学号２０２４０２０１０２的同学总是迟到")).toEqual(["student_number:２０２４０２０１０２"]);
    expect(found("我是2023001号", { names: [], numbers: ["2023001"], words: [] })).toEqual(["student_number:2023001"]);
    expect(found("2023001号以外的7位数字1234567不标", { names: [], numbers: ["2023001"], words: [] })).toEqual(["student_number:2023001"]);
  });

  it("marks the full names of the section's people, Chinese as written and Latin names on word boundaries", () => {
    const lists = { names: ["张伟", "欧阳娜娜", "Li Ming", "王"], words: [] };
    expect(found("张伟老师讲课很清楚，欧阳娜娜同学经常帮助大家", lists)).toEqual(["name:张伟", "name:欧阳娜娜"]);
    expect(found("li ming helped me; Li Mingyu did not", lists)).toEqual(["name:li ming"]);
    // a one-character name would mark every other sentence: not a name mark
    expect(found("王者荣耀", lists)).toEqual([]);
  });

  it("marks the school's abusive words anywhere, ignoring case", () => {
    const lists = { names: [], words: ["垃圾", "idiot"] };
    expect(found("这门课就是垃圾，老师是个IDIOT", lists)).toEqual(["abuse:垃圾", "abuse:IDIOT"]);
    expect(found("课程内容很充实", lists)).toEqual([]);
  });

  it("gives several kinds at once, in the order of the text, and their distinct kinds", () => {
    const marks = markComment("张伟太垃圾了，联系13812345678或学号2024020101", { names: ["张伟"], words: ["垃圾"] });
    expect(marks.map((m) => m.kind)).toEqual(["name", "abuse", "phone", "student_number"]);
    expect(kindsOf(marks)).toEqual(["phone", "student_number", "name", "abuse"]);
    expect(kindsOf([])).toEqual([]);
  });
});
