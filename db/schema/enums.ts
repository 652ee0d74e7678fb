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
