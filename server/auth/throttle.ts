import { inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { loginThrottle } from "@/db/schema";

export type ThrottleConfig = { maxFailures: number; lockMinutes: number };

// Failures are counted per account and per client address within a window of
// lockMinutes; reaching the limit locks the key for lockMinutes. An address gets ten
// times the account limit (many students share a campus NAT).
const accountKey = (number: string) => `acct:${number.trim().toLowerCase()}`;

export function throttleKeys(number: string, ip: string | null) {
  const keys = [{ key: accountKey(number), factor: 1 }];
  if (ip) keys.push({ key: `ip:${ip}`, factor: 10 });
  return keys;
}

/** Minutes left on the longest lock among the keys, or 0 when none is locked. */
export async function lockedMinutes(db: DbOrTx, keys: { key: string }[], now: Date): Promise<number> {
  const rows = await db
    .select()
    .from(loginThrottle)
    .where(
      inArray(
        loginThrottle.key,
        keys.map((k) => k.key),
      ),
    );
  let ms = 0;
  for (const r of rows) if (r.lockedUntil && r.lockedUntil > now) ms = Math.max(ms, r.lockedUntil.getTime() - now.getTime());
  return Math.ceil(ms / 60000);
}

export async function recordFailure(db: DbOrTx, keys: { key: string; factor: number }[], now: Date, cfg: ThrottleConfig) {
  const windowStart = new Date(now.getTime() - cfg.lockMinutes * 60000);
  const lockUntil = new Date(now.getTime() + cfg.lockMinutes * 60000);
  // Dates inside sql`` go as ISO text: postgres.js cannot serialise a Date there.
  const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
  for (const { key, factor } of keys) {
    const limit = cfg.maxFailures * factor;
    // One statement per key: restart the count when the window has passed, lock on reaching the limit.
    await db
      .insert(loginThrottle)
      .values({ key, failures: 1, windowStart: now, lockedUntil: limit <= 1 ? lockUntil : null })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`case when ${loginThrottle.windowStart} < ${ts(windowStart)} then 1 else ${loginThrottle.failures} + 1 end`,
          windowStart: sql`case when ${loginThrottle.windowStart} < ${ts(windowStart)} then ${ts(now)} else ${loginThrottle.windowStart} end`,
          lockedUntil: sql`case when (case when ${loginThrottle.windowStart} < ${ts(windowStart)} then 1 else ${loginThrottle.failures} + 1 end) >= ${limit} then ${ts(lockUntil)} else ${loginThrottle.lockedUntil} end`,
        },
      });
  }
}

export async function clearFailures(db: DbOrTx, number: string) {
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [accountKey(number)]));
}
