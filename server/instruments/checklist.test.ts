import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkInstrument } from "./check";
import { checklistItems } from "./checklist";
import { list, node } from "./testing/json";
import type { Json } from "./walk";
import { at } from "@/server/shared/indexed";

// The inspection checklist's own rules (server/instruments/checklist.ts), on the library's file.
const FILE = node(JSON.parse(readFileSync(path.join(process.cwd(), "surveys", "inspection.json"), "utf8")));
const copy = () => structuredClone(FILE);
const codes = (raw: unknown) => {
  const r = checkInstrument(raw);
  return r.ok ? [] : r.problems.map((p) => p.code);
};
const firstItem = (f: Json) => list(f, "survey.pages.0.elements.0.elements");

describe("inspection checklist", () => {
  it("reads the library's checklist: six items, each with its problem question", () => {
    expect(codes(FILE)).toEqual([]);
    expect(checklistItems(FILE.survey).map((i) => [i.name, i.title.zh, i.problem])).toEqual([
      ["teaching_order", "教学秩序：检查结论", "teaching_order_problem"],
      ["lesson_plans", "教案与教学进度：检查结论", "lesson_plans_problem"],
      ["exams", "试卷与成绩：检查结论", "exams_problem"],
      ["practice", "实验实训：检查结论", "practice_problem"],
      ["supervision", "听课与督导：检查结论", "supervision_problem"],
      ["materials", "教材与教学资源：检查结论", "materials_problem"],
    ]);
  });

  it("refuses an item with other answers, an item without its problem text, a checklist without items", () => {
    const other = copy();
    list(at(firstItem(other), 0), "choices").pop();
    expect(codes(other)).toContain("checklist_choices");
    const noProblem = copy();
    firstItem(noProblem).pop();
    expect(codes(noProblem)).toEqual(["checklist_problem_missing"]);
    const empty = copy();
    node(empty, "survey.pages.0").elements = [{ type: "text", name: "checked_by", title: { default: "检查人", en: "Checked by" } }];
    expect(codes(empty)).toEqual(["checklist_no_items"]);
    // The same form under another kind is not held to these rules.
    expect(codes({ ...empty, kind: "info_officer_report", key: "x" })).toEqual([]);
  });
});
