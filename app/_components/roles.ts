export { ROLES as ROLE_KEYS, type Role as RoleKey } from "@/db/schema/enums";
