/**
 * The demo university's attainment: the software-engineering programme (080902 软件工程, an
 * engineering programme under accreditation) gets an outcome model (5 training objectives, the
 * 12 graduation requirements of engineering accreditation with 2 indicator points each, three
 * objectives per programme course and their support matrix), approved by the quality office,
 * and one school year (the current term's offerings) of gradebooks: per objective a homework,
 * a lab or project report and an exam question, every enrolled student scored (generated,
 * deterministic), with a survey mapping and the year's graduating, alumni and employer surveys
 * (seedDemoSurveys) behind the indirect values. The year's attainment is then computed. Repeatable: nothing is done when the
 * programme already has a model.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { col, one, queryRows } from "@/db/query";
import { courses, employers, enrolments, graduateCohorts, outcomeModels, persons, programmes, sections, terms } from "@/db/schema";
import { DEMO_TERMS, mulberry32 } from "@/server/demo/seed";
import type { RaterGroup } from "../campaigns/kinds";
import type { InstrumentFile } from "../instruments/format";
import { recompute } from "../scoring/compute";
import { loadHistory } from "../scoring/history";
import type { LongData, LongGroup, LongTarget } from "../scoring/longformat";
import { currentPolicy } from "../scoring/policies";
import { answersFor, rng } from "../scoring/simulate";
import type { AssessmentItem, ScoreRow, Strength, SurveyLink } from "./compute";
import { approveModelVersion, createModelVersion, type OutcomeModel } from "./model";
import { computeYear, writeGradebook } from "./store";
import { at } from "@/server/shared/indexed";

export const DEMO_ATTAINMENT = { programme: "080902", schoolYear: "2026-2027", cohorts: [2023, 2024, 2025, 2026] } as const;

const REQUIREMENTS: [string, string, string][] = [
  ["工程知识", "能将数学、自然科学、工程基础和专业知识用于解决复杂软件工程问题", "能运用专业知识对软件系统建模"],
  ["问题分析", "能识别和表达复杂软件工程问题", "能通过文献研究分析问题并获得有效结论"],
  ["设计/开发解决方案", "能设计满足特定需求的软件系统、模块或流程", "能在设计中体现创新意识并考虑社会、安全等因素"],
  ["研究", "能基于科学原理设计实验", "能分析与解释数据并通过信息综合得到合理结论"],
  ["使用现代工具", "能开发、选择与使用恰当的技术、资源和现代工程工具", "能理解现代工具的局限性"],
  ["工程与社会", "能评价软件工程实践对社会、健康、安全、法律的影响", "理解应承担的责任"],
  ["环境和可持续发展", "理解软件工程实践对环境的影响", "能评价复杂工程问题实践的可持续性"],
  ["职业规范", "具有人文社会科学素养和社会责任感", "能在实践中遵守工程职业道德和规范"],
  ["个人和团队", "能在多学科背景下的团队中承担个体角色", "能承担团队成员及负责人的角色"],
  ["沟通", "能就复杂软件工程问题与业界同行及社会公众有效沟通", "具备一定的国际视野和跨文化交流能力"],
  ["项目管理", "理解并掌握工程管理原理与经济决策方法", "能在多学科环境中应用"],
  ["终身学习", "具有自主学习和终身学习的意识", "有不断学习和适应发展的能力"],
];

const TRAINING_OBJECTIVES = [
  "具备扎实的软件工程专业知识，能胜任软件系统的分析、设计、开发与测试工作",
  "能在团队中担任骨干或负责人，组织与协调软件项目",
  "具有良好的职业道德和社会责任感，理解工程对社会和环境的影响",
  "具有国际视野，能进行有效沟通与合作",
  "能通过继续教育或其他途径不断更新知识，适应行业发展",
];

/** The demo model for the programme's courses (codes in order). */
export function demoModel(courseCodes: string[], courseNames: Map<string, string>): OutcomeModel {
  const requirements = REQUIREMENTS.map(([title, p1, p2], i) => ({
    code: `GR${i + 1}`,
    title,
    points: [
      { code: `${i + 1}.1`, title: p1 },
      { code: `${i + 1}.2`, title: p2 },
    ],
  }));
  const objectives = courseCodes.flatMap((course) =>
    [1, 2, 3].map((k) => ({ course, code: `CO${k}`, title: `${courseNames.get(course) ?? course} 课程目标${k}` })),
  );
  const points = requirements.flatMap((r) => r.points.map((p) => p.code));
  // Each point is supported by two objectives (H and M) and every third by one more (L);
  // objectives taken round the course list so every course supports several requirements.
  const support: OutcomeModel["support"] = [];
  const strengths: Strength[] = ["H", "M", "L"];
  points.forEach((point, i) => {
    const n = i % 3 === 2 ? 3 : 2;
    for (let j = 0; j < n; j++) {
      const o = at(objectives, (i * 2 + j * 7) % objectives.length);
      if (!support.some((s) => s.course === o.course && s.objective === o.code && s.point === point)) {
        support.push({ course: o.course, objective: o.code, point, strength: at(strengths, j) });
      }
    }
  });
  return {
    trainingObjectives: TRAINING_OBJECTIVES.map((title, i) => ({ code: `PO${i + 1}`, title })),
    requirements,
    courseObjectives: objectives,
    support,
    requirementObjectives: requirements.flatMap((r, i) => [
      { requirement: r.code, objective: `PO${(i % 5) + 1}` },
      ...(i % 2 ? [{ requirement: r.code, objective: `PO${((i + 2) % 5) + 1}` }] : []),
    ]),
    strengthValues: { H: 3, M: 2, L: 1 },
    threshold: 0.7,
    method: "item_ratio",
    courseAggregate: "min",
    alpha: null,
    surveyMapping: DEMO_SURVEY_MAPPING,
  };
}

/**
 * The programme's survey mapping: items of the graduating survey, the graduate tracking
 * survey and the employer survey mapped to requirements (GR…) or training objectives (PO…);
 * GR6 and GR7 have none (they get no indirect value).
 */
export const DEMO_SURVEY_MAPPING: SurveyLink[] = [
  { source: "graduating", item: "curriculum", title: "课程设置与培养方案", requirement: "GR1" },
  { source: "graduating", item: "classroom_teaching", title: "课堂教学质量", requirement: "GR1" },
  { source: "graduating", item: "professional_growth", title: "专业能力的提升", requirement: "GR2" },
  { source: "graduating", item: "practical_teaching", title: "实验、实习与实践教学", requirement: "GR3" },
  { source: "graduating", item: "thesis", title: "毕业设计（论文）指导", requirement: "GR4" },
  { source: "graduating", item: "learning_resources", title: "图书、网络等学习资源", requirement: "GR5" },
  { source: "graduating", item: "overall_development", title: "综合素质的提升", requirement: "GR8" },
  { source: "graduating", item: "career_guidance", title: "就业指导与服务", requirement: "GR11" },
  { source: "graduating", item: "academic_advising", title: "学业指导与答疑", requirement: "GR12" },
  { source: "alumni", item: "teaching_satisfaction", title: "对母校教育教学的满意度", requirement: "GR1" },
  { source: "alumni", item: "job_major_relevance", title: "工作与所学专业的相关程度", objective: "PO1" },
  { source: "alumni", item: "career_fit", title: "工作与职业期待的吻合程度", objective: "PO5" },
  { source: "employer", item: "competencies/knowledge", title: "专业知识", requirement: "GR1" },
  { source: "employer", item: "competencies/innovation", title: "创新能力", requirement: "GR3" },
  { source: "employer", item: "competencies/practical", title: "实践动手能力", requirement: "GR5" },
  { source: "employer", item: "competencies/ethics", title: "职业道德", requirement: "GR8" },
  { source: "employer", item: "competencies/teamwork", title: "团队合作", requirement: "GR9" },
  { source: "employer", item: "competencies/communication", title: "沟通表达", requirement: "GR10" },
  { source: "employer", item: "competencies/learning", title: "学习能力", requirement: "GR12" },
  { source: "employer", item: "competencies/political", title: "思想政治素质", objective: "PO3" },
];

export const DEMO_SURVEYS = {
  graduating: "2027 届毕业生学习与成长满意度调查（示范，原系统导入）",
  alumni: "2026-2027 学年毕业生跟踪调查（示范，原系统导入）",
  employer: "2026-2027 学年用人单位跟踪调查（示范，原系统导入）",
  /** The day the surveys are dated (in the school year of DEMO_ATTAINMENT, before the demo's today). */
  on: new Date("2026-11-20T04:00:00Z"),
} as const;

/**
 * The school year's surveys of the programme as the previous system would hand them over
 * (loaded like past terms, server/scoring/history.ts): the graduating class of 2027 (48
 * answers), the alumni of 2025 (12, one year out), 2023 (3: below the minimum, withheld) and
 * 2021 (9, five years out), and five employers (four with 5–7 answers, one with 2: withheld);
 * then the year's figures are computed under the policy in force. Nothing without one.
 */
export async function seedDemoSurveys(db: Db, programme: string, actorId: number | null): Promise<number> {
  const policy = await currentPolicy(db, DEMO_ATTAINMENT.schoolYear);
  if (!policy) return 0;
  const files = await queryRows(
    db,
    { kind: col.text, key: col.text, version: col.int, definition: col.json<InstrumentFile>() },
    sql`
    select distinct on (i.kind) i.kind::text as kind, i.key, v.version, v.definition from instrument_versions v join instruments i on i.id = v.instrument_id
    where v.status = 'approved' and i.kind in ('graduating_satisfaction', 'graduate_tracking', 'employer_tracking') order by i.kind, v.version desc`,
  );
  const byKind = new Map(files.map((f) => [f.kind, { label: `${f.key}@${f.version}`, file: f.definition }]));
  const graduating = byKind.get("graduating_satisfaction"),
    alumni = byKind.get("graduate_tracking"),
    employer = byKind.get("employer_tracking");
  if (!graduating || !alumni || !employer) return 0;
  const prog = one(await db.select({ id: programmes.id }).from(programmes).where(eq(programmes.code, programme)));
  await db.insert(graduateCohorts).values({ programmeId: prog.id, graduationYear: 2027 }).onConflictDoNothing();
  const employerCodes = (await db.select({ code: employers.code }).from(employers).orderBy(employers.code).limit(5)).map((e) => e.code);
  const random = rng(20270620);
  const group = (g: RaterGroup, v: { label: string; file: InstrumentFile }, n: number, level: number): LongGroup => ({
    group: g,
    versionLabel: v.label,
    eligible: null,
    responses: Array.from({ length: n }, (_, i) => ({
      response: String(i + 1),
      answers: answersFor(v.file, level + (random() - 0.5) * 0.2, random, { noise: 0.2, na: 0.03 }),
    })),
  });
  const target = (campaign: string, t: string, groups: LongGroup[]): LongTarget => ({
    campaign,
    section: "",
    teacher: "",
    target: t,
    term: "",
    unit: "",
    courseType: "",
    level: "",
    teacherUnit: "",
    teacherOffice: "",
    groups,
  });
  const targets: LongTarget[] = [
    target(DEMO_SURVEYS.graduating, `cohort:${programme}/2027`, [group("student", graduating, 48, 0.78)]),
    target(DEMO_SURVEYS.alumni, `cohort:${programme}/2025`, [group("alumni", alumni, 12, 0.76)]),
    target(DEMO_SURVEYS.alumni, `cohort:${programme}/2023`, [group("alumni", alumni, 3, 0.7)]),
    target(DEMO_SURVEYS.alumni, `cohort:${programme}/2021`, [group("alumni", alumni, 9, 0.8)]),
    ...employerCodes.map((code, i) =>
      target(DEMO_SURVEYS.employer, `employer:${code}`, [group("employer", employer, at([6, 5, 7, 5, 2], i), 0.72 + 0.03 * i)]),
    ),
  ];
  const data: LongData = { targets, rows: 0, columns: [], versionLabels: [graduating.label, alumni.label, employer.label] };
  const loaded = await loadHistory(db, data, { mode: "existing", actorId, now: DEMO_SURVEYS.on });
  await recompute(db, policy, { trigger: "import", actorId });
  return loaded.responses;
}

/** A course's demo items: per objective homework (w 0.2), a report (w 0.3) and an exam question (w 0.5). */
export function demoItems(course: string): AssessmentItem[] {
  return [1, 2, 3].flatMap((k) => [
    { course, item: `作业${k}`, fullMarks: 10, objective: `CO${k}`, weight: 0.2 },
    { course, item: `报告${k}`, fullMarks: 20, objective: `CO${k}`, weight: 0.3 },
    { course, item: `期末第${k}题`, fullMarks: k === 3 ? 40 : 30, objective: `CO${k}`, weight: 0.5 },
  ]);
}

/** Deterministic scores: a student's ability, the item's difficulty, and a harder objective in a few courses. */
export function demoScores(course: string, courseIndex: number, students: string[], items: AssessmentItem[], seed: number): ScoreRow[] {
  const rng = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const hard = courseIndex % 4 === 0 ? "CO3" : courseIndex % 4 === 1 ? "CO2" : null; // half the courses have a weak objective
  const out: ScoreRow[] = [];
  for (const student of students) {
    const ability = 0.8 + 0.09 * normal();
    for (const it of items) {
      const level = ability - (it.objective === hard ? 0.14 : 0) - (it.item.startsWith("期末") ? 0.04 : 0) + 0.06 * normal();
      const score = Math.round(Math.min(1, Math.max(0, level)) * it.fullMarks * 2) / 2;
      out.push({ course, student, item: it.item, score });
    }
  }
  return out;
}

export async function seedDemoAttainment(db: Db, log: (line: string) => void, now = new Date()): Promise<void> {
  const [prog] = await db.select({ id: programmes.id }).from(programmes).where(eq(programmes.code, DEMO_ATTAINMENT.programme));
  if (!prog) return;
  const [existing] = await db.select({ id: outcomeModels.id }).from(outcomeModels).where(eq(outcomeModels.programmeId, prog.id)).limit(1);
  if (existing) return;
  const [quality] = await db.select({ id: persons.id }).from(persons).where(eq(persons.number, "quality"));
  const secs = await db
    .select({ id: sections.id, code: sections.code, course: courses.code, name: courses.name })
    .from(sections)
    .innerJoin(courses, eq(courses.id, sections.courseId))
    .innerJoin(terms, eq(terms.id, sections.termId))
    .where(and(eq(courses.programmeId, prog.id), eq(terms.code, DEMO_TERMS.current)))
    .orderBy(sections.code);
  if (!secs.length) return;
  const courseCodes = [...new Set(secs.map((s) => s.course))].sort();
  const model = demoModel(courseCodes, new Map(secs.map((s) => [s.course, s.name])));
  const created = await createModelVersion(
    db,
    { programmeId: prog.id, cohorts: [...DEMO_ATTAINMENT.cohorts], model },
    quality?.id ?? null,
    now,
  );
  if (quality) await approveModelVersion(db, created.id, quality.id, "示范数据：2023 版培养方案成果模型（专业认证工作组审议通过）", now);
  const enrolled = await db
    .select({ sectionId: enrolments.sectionId, id: persons.id, number: persons.number })
    .from(enrolments)
    .innerJoin(persons, eq(persons.id, enrolments.personId))
    .where(
      and(
        inArray(
          enrolments.sectionId,
          secs.map((s) => s.id),
        ),
        eq(enrolments.status, "enrolled"),
      ),
    );
  let scoreCount = 0;
  for (const s of secs) {
    const students = new Map(enrolled.filter((e) => e.sectionId === s.id).map((e) => [e.number, e.id]));
    const items = demoItems(s.course);
    const index = courseCodes.indexOf(s.course);
    const scores = demoScores(s.course, index, [...students.keys()].sort(), items, index * 1000 + Number(s.code.slice(-2)));
    await writeGradebook(db, s.id, items, scores, students);
    scoreCount += scores.length;
  }
  const answers = await seedDemoSurveys(db, DEMO_ATTAINMENT.programme, quality?.id ?? null);
  const run = await computeYear(db, created.id, DEMO_ATTAINMENT.schoolYear, quality?.id ?? null, now);
  const short = run.result.requirements.filter((r) => !r.attained).length;
  log(
    `Attainment: 080902 outcome model v${created.version} approved, ${secs.length} offering gradebooks (${scoreCount} scores), ${DEMO_ATTAINMENT.schoolYear} computed (${short} of ${run.result.requirements.length} requirements below ${model.threshold}; ${answers} survey answers behind the indirect values).`,
  );
}
