import type { Role } from "@/db/schema";

// Role sets used by routers and pages alike.
export const ADMIN_ROLE_LIST = ["sys_admin", "quality_admin", "unit_admin"] as const satisfies readonly Role[];
export const BROWSE_ROLE_LIST = [...ADMIN_ROLE_LIST, "hr", "leader"] as const satisfies readonly Role[];
export const IMPORT_ROLE_LIST = ["sys_admin", "quality_admin"] as const satisfies readonly Role[];
// Instruments: the quality office and the system administrator manage versions; only the
// quality office records the committee's approval.
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
// OBE attainment: who reads programmes' attainment and any section's (in their scope; teachers
// always their own sections), who imports models and computes, who approves models.
export const ATTAINMENT_VIEW_ROLES = ["quality_admin", "sys_admin", "unit_admin", "leader"] as const satisfies readonly Role[];
export const ATTAINMENT_EDIT_ROLES = ["quality_admin", "unit_admin"] as const satisfies readonly Role[];
export const ATTAINMENT_APPROVE_ROLES = ["quality_admin"] as const satisfies readonly Role[];
