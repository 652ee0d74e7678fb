import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { persons, roleGrants, ROLES, type Role } from "@/db/schema";
import { protectedRoleOf } from "../access/roles";
import { recordAudit } from "../kernel/audit";
import type { SessionUser } from "../auth/users";
import { DomainError, notFound } from "../kernel/errors";
import { translate } from "../i18n/translate";
import { idSchema } from "../kernel/ids";
import { parseInput } from "../kernel/validate";

/**
 * Revoking a role and deactivating (or reactivating) a person, from the person page (who may:
 * PEOPLE_MANAGE_ROLES, the school-wide roles that grant roles by import). The import's rule
 * holds here too (server/access/roles.ts UNGRANTABLE_ROLES): nobody touches a role they could
 * not have granted, so such a role is never revoked here and its holder never deactivated.
 * Nobody deactivates themselves (the account would lock its only way back). Each change is
 * audited; roles are read on every request, so it takes effect at once.
 */

export const revokeInput = z
  .object({
    personId: idSchema,
    role: z.enum(ROLES),
    unitId: idSchema.nullable(),
  })
  .strict();

export const setActiveInput = z.object({ personId: idSchema, active: z.boolean() }).strict();

const roleNames = (role: Role) => ({ roleZh: translate("zh", `common.roles.${role}`), roleEn: translate("en", `common.roles.${role}`) });

async function personWithRoles(db: DbOrTx, personId: number) {
  const [p] = await db
    .select({ id: persons.id, number: persons.number, active: persons.active })
    .from(persons)
    .where(eq(persons.id, personId));
  if (!p) throw notFound();
  const grants = await db
    .select({ role: roleGrants.role, unitId: roleGrants.unitId })
    .from(roleGrants)
    .where(eq(roleGrants.personId, personId));
  return { ...p, grants };
}

function refuseProtected(roles: Role[]) {
  const held = protectedRoleOf(roles);
  if (held) throw new DomainError("FORBIDDEN", "admin.errors.protectedRole", roleNames(held));
}

export async function revokeRole(db: DbOrTx, actor: SessionUser, raw: z.input<typeof revokeInput>) {
  const input = parseInput(revokeInput, raw);
  return db.transaction(async (tx) => {
    const p = await personWithRoles(tx, input.personId);
    refuseProtected([input.role]);
    const deleted = await tx
      .delete(roleGrants)
      .where(
        and(
          eq(roleGrants.personId, p.id),
          eq(roleGrants.role, input.role),
          input.unitId === null ? isNull(roleGrants.unitId) : eq(roleGrants.unitId, input.unitId),
        ),
      )
      .returning({ id: roleGrants.id });
    if (!deleted.length) throw new DomainError("NOT_FOUND", "admin.errors.grantNotFound", roleNames(input.role));
    await recordAudit(tx, {
      actorId: actor.id,
      action: "person.role.revoke",
      subject: `person ${p.id}`,
      detail: { number: p.number, role: input.role, unitId: input.unitId },
    });
    return { personId: p.id, role: input.role, unitId: input.unitId };
  });
}

export async function setActive(db: DbOrTx, actor: SessionUser, raw: z.input<typeof setActiveInput>) {
  const input = parseInput(setActiveInput, raw);
  return db.transaction(async (tx) => {
    const p = await personWithRoles(tx, input.personId);
    refuseProtected(p.grants.map((g) => g.role));
    if (!input.active && p.id === actor.id) throw new DomainError("FORBIDDEN", "admin.errors.deactivateSelf");
    if (p.active !== input.active) {
      await tx.update(persons).set({ active: input.active, updatedAt: new Date() }).where(eq(persons.id, p.id));
      await recordAudit(tx, {
        actorId: actor.id,
        action: input.active ? "person.activate" : "person.deactivate",
        subject: `person ${p.id}`,
        detail: { number: p.number },
      });
    }
    return { personId: p.id, active: input.active };
  });
}
