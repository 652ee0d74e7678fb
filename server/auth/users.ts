import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { credentials, persons, roleGrants, type Role } from "@/db/schema";
import { notFound } from "../kernel/errors";
import { recordAudit } from "../kernel/audit";
import { dummyHash, hashPassword, verifyPassword } from "./password";
import { clearFailures, lockedMinutes, recordFailure, throttleKeys, type ThrottleConfig } from "./throttle";

export type RoleGrant = { role: Role; unitId: number | null };
export type SessionUser = {
  id: number;
  number: string;
  name: string;
  kind: "staff" | "student";
  unitId: number | null;
  roles: RoleGrant[];
};

/** The signed-in person as the app sees them, or null when absent or deactivated. */
export async function loadSessionUser(db: DbOrTx, personId: number): Promise<SessionUser | null> {
  const [p] = await db
    .select()
    .from(persons)
    .where(and(eq(persons.id, personId), eq(persons.active, true)));
  if (!p) return null;
  const grants = await db
    .select({ role: roleGrants.role, unitId: roleGrants.unitId })
    .from(roleGrants)
    .where(eq(roleGrants.personId, p.id));
  return { id: p.id, number: p.number, name: p.name, kind: p.kind, unitId: p.unitId, roles: grants };
}

export async function findActivePersonByNumber(db: DbOrTx, number: string) {
  const [p] = await db
    .select({ id: persons.id })
    .from(persons)
    .where(and(eq(persons.number, number.trim()), eq(persons.active, true)));
  return p ?? null;
}

export type AuthResult =
  { ok: true; personId: number } | { ok: false; reason: "invalid" } | { ok: false; reason: "throttled"; minutes: number };

/**
 * Checks a staff/student number and password. The answer is the same for an unknown
 * number and a wrong password, and takes the same time; repeated failures lock the
 * account and the address for a while, checked before the password is.
 */
export async function authenticate(
  db: DbOrTx,
  input: { number: string; password: string; ip: string | null },
  now: Date,
  cfg: ThrottleConfig,
): Promise<AuthResult> {
  const number = input.number.trim();
  const keys = throttleKeys(number, input.ip);
  const locked = await lockedMinutes(db, keys, now);
  if (locked > 0) return { ok: false, reason: "throttled", minutes: locked };

  const [row] = await db
    .select({ id: persons.id, hash: credentials.passwordHash })
    .from(persons)
    .innerJoin(credentials, eq(credentials.personId, persons.id))
    .where(and(eq(persons.number, number), eq(persons.active, true)));
  const good = await verifyPassword(input.password, row?.hash ?? (await dummyHash()));
  if (row && good) {
    await clearFailures(db, number);
    return { ok: true, personId: row.id };
  }
  await recordFailure(db, keys, now, cfg);
  const nowLocked = await lockedMinutes(db, keys, now);
  if (nowLocked > 0) return { ok: false, reason: "throttled", minutes: nowLocked };
  return { ok: false, reason: "invalid" };
}

/** Sets (or first gives) a person a password; people imported from a file have none. */
export async function setPassword(db: DbOrTx, personId: number, password: string, actorId: number): Promise<void> {
  const [p] = await db.select({ id: persons.id, number: persons.number }).from(persons).where(eq(persons.id, personId));
  if (!p) throw notFound();
  const passwordHash = await hashPassword(password);
  await db
    .insert(credentials)
    .values({ personId, passwordHash })
    .onConflictDoUpdate({ target: credentials.personId, set: { passwordHash, changedAt: new Date() } });
  await clearFailures(db, p.number);
  await recordAudit(db, { actorId, action: "password.set", subject: p.number });
}
