// Per-target signing keys in target_keys (one RSA-2048 pair per campaign target, see keys.ts).
// Made once, before or when a campaign opens, and never changed while it is open: the public
// keys are what students' browsers check against the published fingerprints.
import { inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { targetKeys } from "@/db/schema";
import { col, queryRows } from "@/db/query";
import { generateTargetKey, type Secret } from "./keys";

/** Key pairs generated at once (each ~90 ms in libuv's thread pool, default 4 threads). */
export const KEYGEN_CONCURRENCY = 4;

/**
 * Creates a key pair for every target of the campaign that has none; idempotent (an existing
 * key is never replaced, also when two calls race: `on conflict do nothing`). Returns how many
 * were created and how many targets already had one.
 */
export async function ensureTargetKeys(
  db: DbOrTx,
  campaignId: number,
  secret: Secret,
  opts: { concurrency?: number } = {},
): Promise<{ created: number; existing: number }> {
  const rows = await queryRows(
    db,
    { id: col.int, has: col.bool },
    sql`
    select t.id, (k.target_id is not null) as has
    from campaign_targets t left join target_keys k on k.target_id = t.id
    where t.campaign_id = ${campaignId} order by t.id`,
  );
  const missing = rows.filter((r) => !r.has).map((r) => r.id);
  const existing = rows.length - missing.length;
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? KEYGEN_CONCURRENCY, 16));
  let created = 0;
  for (let i = 0; i < missing.length; i += concurrency) {
    const batch = missing.slice(i, i + concurrency);
    const recs = await Promise.all(batch.map(async (targetId) => ({ targetId, key: await generateTargetKey(targetId, secret) })));
    const inserted = await db
      .insert(targetKeys)
      .values(recs.map(({ targetId, key }) => ({ targetId, publicKey: key.publicKeySpki, privateKey: key.privateKeyEncrypted })))
      .onConflictDoNothing({ target: targetKeys.targetId })
      .returning({ targetId: targetKeys.targetId });
    created += inserted.length;
  }
  return { created, existing };
}

/** The stored public keys (base64 DER SPKI) of the given targets; targets without a key are absent. */
export async function publicKeysFor(db: DbOrTx, targetIds: readonly number[]): Promise<Map<number, string>> {
  const ids = [...new Set(targetIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ targetId: targetKeys.targetId, publicKey: targetKeys.publicKey })
    .from(targetKeys)
    .where(inArray(targetKeys.targetId, ids));
  return new Map(rows.map((r) => [r.targetId, r.publicKey]));
}
