import type { Role } from "@/db/schema";

// Role sets used by routers and pages alike.
export const ADMIN_ROLE_LIST = ["sys_admin", "quality_admin", "unit_admin"] as const satisfies readonly Role[];
export const BROWSE_ROLE_LIST = [...ADMIN_ROLE_LIST, "hr", "leader"] as const satisfies readonly Role[];
// A teacher's own pages (their appraisal, their results).
export const TEACHER_ROLES = ["teacher"] as const satisfies readonly Role[];
// People's records (students' email, class and enrolments among them): the system administrator
// and the quality office the school, a unit admin its units' people. Not HR nor leaders, who read
// results, not records. Every view of a student's record is logged (server/people/queries.ts).
export const PEOPLE_VIEW_ROLES = ["sys_admin", "quality_admin", "unit_admin"] as const satisfies readonly Role[];
// Roles nobody can grant through the app (neither the people import nor the people pages): the
// system administrator's. Whoever holds one cannot be changed, deactivated or have it revoked
// through the app either: nobody may touch a role they could not have granted. One rule for
// the import (server/imports/run.ts) and the people pages (server/people/manage.ts).
export const UNGRANTABLE_ROLES = ["sys_admin"] as const satisfies readonly Role[];
export const isUngrantable = (role: Role) => (UNGRANTABLE_ROLES as readonly Role[]).includes(role);
/** The first role out of the app's reach among `roles`, or null. */
export const protectedRoleOf = (roles: readonly Role[]): Role | null => roles.find(isUngrantable) ?? null;
export const IMPORT_ROLE_LIST = ["sys_admin", "quality_admin"] as const satisfies readonly Role[];
// Instruments: the quality office and the system administrator manage versions; only the
// quality office records the committee's approval.
// Who grants roles (by import), revokes them and (de)activates people: the same school-wide roles.
export const PEOPLE_MANAGE_ROLES = IMPORT_ROLE_LIST;
export const INSTRUMENT_VIEW_ROLES = ["quality_admin", "sys_admin"] as const satisfies readonly Role[];
export const INSTRUMENT_APPROVE_ROLES = ["quality_admin"] as const satisfies readonly Role[];
// Scoring: who reads results (the quality office, HR and the system administrator the school;
// unit admins and unit leaders their units), who manages policies, and who approves them.
export const RESULTS_VIEW_ROLES = ["quality_admin", "sys_admin", "hr", "unit_admin", "leader"] as const satisfies readonly Role[];
// Figures derived from a campaign that has not closed are provisional: only the quality office
// sees them (marked so); every other reader sees a campaign's figures once it has closed.
export const PROVISIONAL_RESULTS_ROLES = ["quality_admin"] as const satisfies readonly Role[];
export const POLICY_VIEW_ROLES = ["quality_admin", "sys_admin", "hr"] as const satisfies readonly Role[];
export const POLICY_APPROVE_ROLES = ["quality_admin"] as const satisfies readonly Role[];
// Export of response-level data, the results document, recompute and import of past terms.
export const SCORING_ADMIN_ROLES = ["quality_admin"] as const satisfies readonly Role[];
// Appraisal: HR runs it (vetoes, exemptions, publishing), the quality office reads it, approves
// the notice and handles appeals; unit admins and unit leaders read their units.
export const APPRAISAL_VIEW_ROLES = ["hr", "quality_admin", "unit_admin", "leader"] as const satisfies readonly Role[];
export const APPRAISAL_HR_ROLES = ["hr"] as const satisfies readonly Role[];
export const APPRAISAL_APPROVE_ROLES = ["quality_admin"] as const satisfies readonly Role[];
// Who looked at a teacher's results (the view log): besides its subject, only the system
// administrator reads it, and the whole log only they.
export const VIEW_LOG_ROLES = ["sys_admin"] as const satisfies readonly Role[];
// OBE attainment: who reads programmes' attainment and any section's (in their scope; teachers
// always their own sections), who imports models and computes, who approves models.
export const ATTAINMENT_VIEW_ROLES = ["quality_admin", "sys_admin", "unit_admin", "leader"] as const satisfies readonly Role[];
// The attainment pages: those readers, and teachers for their own sections.
export const ATTAINMENT_PAGE_ROLES = ["teacher", ...ATTAINMENT_VIEW_ROLES] as const satisfies readonly Role[];
export const ATTAINMENT_EDIT_ROLES = ["quality_admin", "unit_admin"] as const satisfies readonly Role[];
export const ATTAINMENT_APPROVE_ROLES = ["quality_admin"] as const satisfies readonly Role[];
// Rectification orders (server/improvement): the quality office issues anywhere and alone
// verifies, closes, continues, reopens and cancels; a unit admin issues within their units;
// the responsible side (the responsible person, their unit's admins and leaders) answers.
// Who reads the list and the dashboard: those, school-wide or for their units.
export const ORDER_ISSUE_ROLES = ["quality_admin", "unit_admin"] as const satisfies readonly Role[];
export const ORDER_VERIFY_ROLES = ["quality_admin"] as const satisfies readonly Role[];
export const ORDER_VIEW_ROLES = ["quality_admin", "unit_admin", "leader", "sys_admin"] as const satisfies readonly Role[];
/** Who opens the orders pages: those who see a unit's orders, and teachers answering their own (self-diagnosis, a course's order). */
export const ORDER_PAGE_ROLES = ["teacher", ...ORDER_VIEW_ROLES] as const satisfies readonly Role[];
// Students' comments: who reviews them (the quality office the school, a unit admin the targets
// of its units) and who edits the abusive-word list that marks them (the quality office).
export const COMMENT_REVIEW_ROLES = ["quality_admin", "unit_admin"] as const satisfies readonly Role[];
export const COMMENT_WORDS_ROLES = ["quality_admin"] as const satisfies readonly Role[];
// 教学质量预警 (server/warnings): the quality office writes and approves the rules and reviews
// the warnings (turns them into orders or dismisses them).
export const WARNING_ROLES = ["quality_admin"] as const satisfies readonly Role[];
// 教学检查 (server/inspections): the quality office runs inspections, reviews the checklists and
// turns their problems into orders; a unit admin fills in their units' checklists. Both read
// the inspections (the unit admin their units' part).
export const INSPECTION_RUN_ROLES = ["quality_admin"] as const satisfies readonly Role[];
export const INSPECTION_FILL_ROLES = ["unit_admin"] as const satisfies readonly Role[];
export const INSPECTION_VIEW_ROLES = ["quality_admin", "unit_admin"] as const satisfies readonly Role[];
