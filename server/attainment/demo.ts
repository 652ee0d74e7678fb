/**
 * The demo university's attainment: the software-engineering programme (080902 软件工程, an
 * engineering programme under accreditation) gets an outcome model (5 training objectives, the
 * 12 graduation requirements of engineering accreditation with 2 indicator points each, three
 * objectives per programme course and their support matrix), approved by the quality office,
 * and one school year (the current term's offerings) of gradebooks: per objective a homework,
 * a lab or project report and an exam question, every enrolled student scored (generated,
 * deterministic). The year's attainment is then computed. Repeatable: nothing is done when the
 * programme already has a model.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { courses, enrolments, outcomeModels, persons, programmes, sections, terms } from "@/db/schema";
import { DEMO_TERMS, mulberry32 } from "@/server/demo/seed";
import type { AssessmentItem, ScoreRow, Strength } from "./compute";
import { approveModelVersion, createModelVersion, type OutcomeModel } from "./model";
import { computeProgrammeRun, writeGradebook } from "./store";

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
    code: `GR${i + 1}`, title,
    points: [{ code: `${i + 1}.1`, title: p1 }, { code: `${i + 1}.2`, title: p2 }],
  }));
  const objectives = courseCodes.flatMap((course) => [1, 2, 3].map((k) => ({ course, code: `CO${k}`, title: `${courseNames.get(course) ?? course} 课程目标${k}` })));
  const points = requirements.flatMap((r) => r.points.map((p) => p.code));
  // Each point is supported by two objectives (H and M) and every third by one more (L);
  // objectives taken round the course list so every course supports several requirements.
  const support: OutcomeModel["support"] = [];
  const strengths: Strength[] = ["H", "M", "L"];
  points.forEach((point, i) => {
    const n = i % 3 === 2 ? 3 : 2;
    for (let j = 0; j < n; j++) {
      const o = objectives[(i * 2 + j * 7) % objectives.length];
      if (!support.some((s) => s.course === o.course && s.objective === o.code && s.point === point)) {
        support.push({ course: o.course, objective: o.code, point, strength: strengths[j] });
      }
    }
  });
  return {
    trainingObjectives: TRAINING_OBJECTIVES.map((title, i) => ({ code: `PO${i + 1}`, title })),
    requirements,
    courseObjectives: objectives,
    support,
    requirementObjectives: requirements.flatMap((r, i) => [{ requirement: r.code, objective: `PO${(i % 5) + 1}` }, ...(i % 2 ? [{ requirement: r.code, objective: `PO${((i + 2) % 5) + 1}` }] : [])]),
    strengthValues: { H: 3, M: 2, L: 1 },
    threshold: 0.7,
    method: "item_ratio",
    courseAggregate: "min",
    alpha: null,
  };
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
  const secs = await db.select({ id: sections.id, code: sections.code, course: courses.code, name: courses.name })
    .from(sections).innerJoin(courses, eq(courses.id, sections.courseId)).innerJoin(terms, eq(terms.id, sections.termId))
    .where(and(eq(courses.programmeId, prog.id), eq(terms.code, DEMO_TERMS.current))).orderBy(sections.code);
  if (!secs.length) return;
  const courseCodes = [...new Set(secs.map((s) => s.course))].sort();
  const model = demoModel(courseCodes, new Map(secs.map((s) => [s.course, s.name])));
  const created = await createModelVersion(db, { programmeId: prog.id, cohorts: [...DEMO_ATTAINMENT.cohorts], model }, quality?.id ?? null, now);
  if (quality) await approveModelVersion(db, created.id, quality.id, "示范数据：2023 版培养方案成果模型（专业认证工作组审议通过）", now);
  const enrolled = await db.select({ sectionId: enrolments.sectionId, id: persons.id, number: persons.number }).from(enrolments)
    .innerJoin(persons, eq(persons.id, enrolments.personId))
    .where(and(inArray(enrolments.sectionId, secs.map((s) => s.id)), eq(enrolments.status, "enrolled")));
  let scoreCount = 0;
  for (const s of secs) {
    const students = new Map(enrolled.filter((e) => e.sectionId === s.id).map((e) => [e.number, e.id]));
    const items = demoItems(s.course);
    const index = courseCodes.indexOf(s.course);
    const scores = demoScores(s.course, index, [...students.keys()].sort(), items, index * 1000 + Number(s.code.slice(-2)));
    await writeGradebook(db, s.id, items, scores, students);
    scoreCount += scores.length;
  }
  const run = await computeProgrammeRun(db, created.id, DEMO_ATTAINMENT.schoolYear, quality?.id ?? null, now);
  const short = run.result.requirements.filter((r) => !r.attained).length;
  log(`Attainment: 080902 outcome model v${created.version} approved, ${secs.length} offering gradebooks (${scoreCount} scores), ${DEMO_ATTAINMENT.schoolYear} computed (${short} of ${run.result.requirements.length} requirements below ${model.threshold}).`);
}
