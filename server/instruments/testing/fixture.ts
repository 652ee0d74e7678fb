/**
 * A SurveyJS definition using every question type and option the validation plan supports:
 * choices with "other"/"none", rating scales with and without "na", conditions on
 * questions, panels and pages, requiredIf/enableIf, validators, both kinds of matrix.
 */
export const FIXTURE_SURVEY = {
  maxCommentLength: 300,
  pages: [
    {
      name: "p1",
      elements: [
        { type: "html", name: "intro", html: { default: "<p>说明</p>", en: "<p>Notes</p>" } },
        {
          type: "rating",
          name: "attitude",
          isRequired: true,
          rateMin: 1,
          rateMax: 5,
          title: { default: "教学态度", en: "Teaching attitude" },
        },
        {
          type: "rating",
          name: "overall",
          rateValues: [1, 2, 3, 4, 5, { value: "na", text: { default: "无法评估", en: "Cannot judge" } }],
          title: { default: "总体评价", en: "Overall" },
        },
        {
          type: "rating",
          name: "nps",
          rateMin: 0,
          rateMax: 10,
          title: { default: "推荐意愿", en: "Would recommend" },
        },
        {
          type: "radiogroup",
          name: "attendance",
          isRequired: true,
          showOtherItem: true,
          title: { default: "出勤情况", en: "Attendance" },
          choices: [
            { value: "always", text: { default: "每次都到", en: "Always" } },
            { value: "mostly", text: { default: "大部分", en: "Mostly" } },
            { value: "rarely", text: { default: "很少", en: "Rarely" } },
          ],
        },
        {
          type: "checkbox",
          name: "methods",
          showNoneItem: true,
          showOtherItem: true,
          maxSelectedChoices: 3,
          minSelectedChoices: 2,
          title: { default: "教学方法", en: "Teaching methods" },
          choices: [
            { value: "lecture", text: { default: "讲授", en: "Lecture" } },
            { value: "discussion", text: { default: "讨论", en: "Discussion" } },
            { value: "project", text: { default: "项目", en: "Project" } },
            { value: "lab", text: { default: "实验", en: "Lab" } },
          ],
        },
        {
          type: "dropdown",
          name: "grade",
          title: { default: "年级", en: "Year" },
          choices: [1, 2, 3, 4],
          visibleIf: "{attendance} != 'rarely'",
        },
        {
          type: "boolean",
          name: "recommend",
          isRequired: true,
          title: { default: "是否推荐该课程", en: "Recommend this course" },
        },
        {
          type: "boolean",
          name: "consent",
          valueTrue: "yes",
          valueFalse: "no",
          title: { default: "同意", en: "Consent" },
        },
        {
          type: "comment",
          name: "why_not",
          maxLength: 200,
          isRequired: true,
          visibleIf: "{recommend} = false",
          title: { default: "不推荐的原因", en: "Why not" },
        },
        { type: "expression", name: "calc", expression: "1 + 1", title: { default: "计算", en: "Computed" } },
      ],
    },
    {
      name: "p2",
      elements: [
        {
          type: "panel",
          name: "about",
          visibleIf: "{consent} = 'yes'",
          title: { default: "关于你", en: "About you" },
          elements: [
            {
              type: "text",
              name: "hours",
              inputType: "number",
              min: 0,
              max: 40,
              isRequired: true,
              title: { default: "每周学习时数", en: "Study hours per week" },
            },
            {
              type: "text",
              name: "started",
              inputType: "date",
              min: "2020-01-01",
              max: "2030-12-31",
              title: { default: "开始日期", en: "Start date" },
            },
            {
              type: "text",
              name: "email",
              inputType: "email",
              requiredIf: "{hours} > 20",
              title: { default: "邮箱", en: "E-mail" },
            },
            {
              type: "text",
              name: "student_no",
              maxLength: 12,
              validators: [{ type: "regex", regex: "^[0-9]{6,12}$" }],
              title: { default: "学号", en: "Student number" },
            },
            {
              type: "text",
              name: "nickname",
              validators: [{ type: "text", minLength: 2, maxLength: 20 }],
              title: { default: "昵称", en: "Nickname" },
            },
            {
              type: "text",
              name: "score",
              inputType: "number",
              validators: [
                { type: "numeric", minValue: 0, maxValue: 100 },
                { type: "expression", expression: "{score} >= {hours}" },
              ],
              title: { default: "自评分", en: "Self score" },
            },
          ],
        },
        {
          type: "matrix",
          name: "quality",
          eachRowRequired: true,
          title: { default: "教学质量", en: "Teaching quality" },
          columns: [
            { value: 1, text: { default: "差", en: "Poor" } },
            { value: 2, text: { default: "一般", en: "Fair" } },
            { value: 3, text: { default: "好", en: "Good" } },
            { value: "na", text: { default: "不适用", en: "N/A" } },
          ],
          rows: [
            { value: "clarity", text: { default: "讲解清晰", en: "Clarity" } },
            { value: "pace", text: { default: "进度适当", en: "Pace" } },
          ],
        },
        {
          type: "matrix",
          name: "extras",
          isRequired: true,
          readOnly: false,
          title: { default: "其他方面", en: "Other aspects" },
          columns: [1, 2, 3],
          rows: ["materials", "feedback", "toString"],
        },
      ],
    },
    {
      name: "p3",
      visibleIf: "{attitude} <= 2",
      elements: [
        {
          type: "matrixdropdown",
          name: "improve",
          title: { default: "改进建议", en: "Improvements" },
          choices: [1, 2, 3],
          rows: [
            { value: "content", text: { default: "内容", en: "Content" } },
            { value: "delivery", text: { default: "讲授", en: "Delivery" } },
          ],
          columns: [
            { name: "priority", title: { default: "优先级", en: "Priority" }, isRequired: true },
            { name: "stars", title: { default: "评分", en: "Stars" }, cellType: "rating", rateMax: 3 },
            { name: "note", title: { default: "说明", en: "Note" }, cellType: "text", maxLength: 50 },
            { name: "agree", title: { default: "同意", en: "Agree" }, cellType: "boolean" },
            { name: "tags", title: { default: "标签", en: "Tags" }, cellType: "checkbox", choices: ["a", "b", "c"] },
          ],
        },
        {
          type: "comment",
          name: "suggestion",
          enableIf: "{attitude} = 1",
          isRequired: true,
          title: { default: "具体建议", en: "Suggestion" },
        },
      ],
    },
  ],
} satisfies Record<string, unknown>;
