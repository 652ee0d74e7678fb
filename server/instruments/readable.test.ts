import { describe, expect, it } from "vitest";
import { dateQuestionOf, readableAnswers } from "./readable";
import { loadRegistry } from "./registry";

// Named records shown as text, on the library's own instruments.
const lib = loadRegistry();
/** The survey of an instrument the library holds. */
function surveyOf(key: string) {
  const file = lib[key];
  if (!file) throw new Error(`no instrument "${key}" in the library`);
  return file.survey;
}

describe("readableAnswers", () => {
  it("the information officer's report: choices, yes/no and text in the reader's language, in the form's order", () => {
    const survey = surveyOf("info_officer_report");
    const answers = { urgency: "high", description: "第三周起多次调课未通知", category: "order", contact_ok: true };
    expect(readableAnswers(survey, answers, "zh")).toEqual([
      { name: "category", title: "反馈类别", text: "教学秩序（调停课、迟到早退等）" },
      { name: "description", title: "问题描述", text: "第三周起多次调课未通知" },
      { name: "urgency", title: "紧急程度", text: "紧急（需立即处理）" },
      { name: "contact_ok", title: "是否同意质量监控部门就此事与你联系？", text: "是" },
    ]);
    expect(readableAnswers(survey, { category: "other", contact_ok: false }, "en")).toEqual([
      { name: "category", title: "Category", text: "Other" },
      { name: "contact_ok", title: "May the quality office contact you about this?", text: "No" },
    ]);
  });

  it("leaves out unanswered questions and reads nothing from non-objects", () => {
    expect(readableAnswers(surveyOf("info_officer_report"), { course: "", section: null }, "zh")).toEqual([]);
    expect(readableAnswers(surveyOf("info_officer_report"), "x", "zh")).toEqual([]);
  });
});

describe("dateQuestionOf", () => {
  it("finds the visit date of every observation form of the library, and none in the student's form", () => {
    for (const key of ["supervisor_observation", "peer_evaluation", "leader_observation"])
      expect(dateQuestionOf(surveyOf(key)), key).toBe("obs_date");
    expect(dateQuestionOf(surveyOf("student_evaluation"))).toBeNull();
  });
});
