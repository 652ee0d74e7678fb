import type { Role } from "@/db/schema";

// Role sets used by routers and pages alike.
export const ADMIN_ROLE_LIST = ["sys_admin", "quality_admin", "unit_admin"] as const satisfies readonly Role[];
export const BROWSE_ROLE_LIST = [...ADMIN_ROLE_LIST, "hr", "leader"] as const satisfies readonly Role[];
export const IMPORT_ROLE_LIST = ["sys_admin", "quality_admin"] as const satisfies readonly Role[];
// Instruments: the quality office and the system administrator manage versions; only the
// quality office records the committee's approval.
export const INSTRUMENT_VIEW_ROLES = ["quality_admin", "sys_admin"] as const satisfies readonly Role[];
export const INSTRUMENT_APPROVE_ROLES = ["quality_admin"] as const satisfies readonly Role[];
