import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { Role } from "@/db/schema";
import { DomainError } from "../kernel/errors";
import type { SessionUser } from "../auth/users";

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
  const rows = await db.execute<{ id: number }>(sql`
    with recursive tree(id) as (
      select id from units where id in (${sql.join(roots.map((r) => sql`${r}`), sql`, `)})
      union select u.id from units u join tree t on u.parent_id = t.id
    ) select id from tree`);
  return rowsOf<{ id: number }>(rows).map((r) => Number(r.id));
}

export function inScope(scope: UnitScope, unitId: number | null | undefined): boolean {
  return scope === "all" || (unitId != null && scope.includes(unitId));
}

export function assertInScope(scope: UnitScope, unitId: number | null | undefined) {
  if (!inScope(scope, unitId)) throw new DomainError("FORBIDDEN", "errors.otherUnit");
}

// postgres.js returns an array; PGlite returns { rows }.
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
