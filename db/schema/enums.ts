// Plain constants (no drizzle import) so client components can use them too.
export const ROLES = [
  "student", // 学生
  "info_officer", // 学生信息员
  "teacher", // 教师
  "supervisor", // 督导 (unit null: school level; unit set: that unit's team)
  "leader", // 领导干部 (unit null: school leader; unit set: unit leader)
  "unit_admin", // 教学单位管理员 (unit required)
  "quality_admin", // 质量监控中心
  "hr", // 人事处
  "sys_admin", // 系统管理员
] as const;
export type Role = (typeof ROLES)[number];

// Rectification orders (db/schema/improvement.ts): where a finding came from, and the states
// of server/improvement/states.ts.
export const IMPROVEMENT_SOURCES = [
  "student_evaluation", // 学生评教
  "observation", // 听课/督导
  "info_officer", // 学生信息员
  "inspection", // 教学检查
  "survey_indicator", // 调查指标
  "attainment", // 达成度
  "programme_warning", // 专业预警
  "employer_feedback", // 用人单位反馈
  "comment", // 学生评语
  "self_diagnosis", // 教师自我诊断
  "warning", // 教学质量预警
  "manual", // 其他
] as const;
export type ImprovementSource = (typeof IMPROVEMENT_SOURCES)[number];

export const IMPROVEMENT_STATUSES = ["issued", "answered", "verifying", "closed", "continuing", "reopened", "cancelled"] as const;
export type ImprovementStatus = (typeof IMPROVEMENT_STATUSES)[number];

// 教学检查 (db/schema/inspections.ts): 期初 / 期中 / 期末.
export const INSPECTION_PHASES = ["start", "mid", "end"] as const;
export type InspectionPhase = (typeof INSPECTION_PHASES)[number];
