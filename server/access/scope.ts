import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import type { Role } from "@/db/schema";
import { DomainError } from "../kernel/errors";
import type { SessionUser } from "../auth/users";
import { unitSubtreeSql } from "../org/tree";

export function hasRole(user: SessionUser | null | undefined, ...roles: Role[]): boolean {
  return !!user && user.roles.some((g) => roles.includes(g.role));
}

/** "all" for the whole school, otherwise the units (with their descendants) a user may see. */
export type UnitScope = "all" | number[];

/**
 * The part of the organisation tree a user may see through the given roles. A role
 * granted without a unit (quality office, HR, system admin, school-level supervisor or
 * leader) covers the school; a unit-scoped grant covers that unit and everything under it.
 */
export async function unitScope(db: DbOrTx, user: SessionUser, roles: readonly Role[]): Promise<UnitScope> {
  const grants = user.roles.filter((g) => roles.includes(g.role));
  if (grants.some((g) => g.unitId === null)) return "all";
  const roots = [...new Set(grants.map((g) => g.unitId as number))];
  if (roots.length === 0) return [];
  const rows = await queryRows(db, { id: col.int }, unitSubtreeSql(roots));
  return rows.map((r) => r.id);
}

export function inScope(scope: UnitScope, unitId: number | null | undefined): boolean {
  return scope === "all" || (unitId != null && scope.includes(unitId));
}

export function assertInScope(scope: UnitScope, unitId: number | null | undefined) {
  if (!inScope(scope, unitId)) throw new DomainError("FORBIDDEN", "errors.otherUnit");
}
