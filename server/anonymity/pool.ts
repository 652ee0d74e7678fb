// The sealed pool: accepted submissions wait here, unreadable to the database, until their
// campaign closes; then all of a campaign's are stored as responses in one transaction, in a
// random order (server/anonymity/README.md, "Decoupling").
//
// - A submission writes two rows in one statement (submit.ts): spent_tokens (the token's hash
//   and its target: a second use is refused at once, and live response rates count them) and
//   sealed_submissions (the campaign and an AES-256-GCM box of target, rater group, version,
//   answers, declined and the token hash, padded to a size class, under a key derived from the
//   server secret, which the database never holds).
// - At close (closeCampaign, and the scheduler's sweep for whatever a submission racing the
//   close left behind), flushPool opens the boxes, shuffles them (crypto randomness), scores
//   them and inserts them with their scores in that order, then deletes the boxes and the
//   campaign's spent rows; all in one transaction, so a crash leaves either the pool or the responses.
//   The responses carry the flush day and, as spent_token_hash, an HMAC of the token's hash
//   under the server secret: no row written while the campaign ran says which response is whose.
// - Free-text comments are taken out of the answers before a response is stored and written to
//   student_comments after all of them, shuffled again, with random ids and no response id
//   (server/comments/store.ts; README.md, "Comments").
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { col, queryRows } from "@/db/query";
import { shuffled } from "../kernel/shuffle";
import { beijingDate } from "../kernel/time";
import { commentKeysOf, storeComments, takeComments, type NewComment } from "../comments/store";
import { scoreColumnsOf, scoreForVersion, SCORE_COLUMNS, scoreValues, type StoredScore } from "../scoring/store";
import type { Secret } from "./keys";
import { atKey } from "@/server/shared/indexed";

const FORMAT = "p1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Sealed plaintexts are padded to the next power of two of at least this many bytes. */
export const SEAL_MIN_BYTES = 1024;

function poolKey(secret: Secret, info: string): Buffer {
  const ikm = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
  if (ikm.length < 16) throw new Error("the key secret must be at least 16 bytes");
  return Buffer.from(hkdfSync("sha256", ikm, "tqe/anonymity/sealed-pool", info, 32));
}

const keys = new Map<string, { box: Buffer; mac: Buffer }>();
function keysOf(secret: Secret) {
  const id = typeof secret === "string" ? secret : Buffer.from(secret).toString("base64");
  let k = keys.get(id);
  if (!k) {
    k = { box: poolKey(secret, "aes-256-gcm/v1"), mac: poolKey(secret, "response-hash/v1") };
    if (keys.size > 8) keys.clear();
    keys.set(id, k);
  }
  return k;
}

/** What a box holds. */
export type Sealed = {
  targetId: number;
  raterGroup: string;
  versionId: number;
  answers: Record<string, unknown>;
  declined: boolean;
  /** tokenHash(token), hex */
  hash: string;
};

const aad = (campaignId: number) => Buffer.from(`tqe/anonymity/sealed-pool/${FORMAT}/campaign:${campaignId}`, "utf8");

/** The size class of a plaintext of `n` bytes. */
export function paddedLength(n: number): number {
  let size = SEAL_MIN_BYTES;
  while (size < n) size *= 2;
  return size;
}

/** Seals a submission for its campaign (the campaign id is bound as associated data). */
export function seal(x: Sealed, campaignId: number, secret: Secret): string {
  const json = Buffer.from(
    JSON.stringify({ t: x.targetId, g: x.raterGroup, v: x.versionId, a: x.answers, d: x.declined, h: x.hash }),
    "utf8",
  );
  const plain = Buffer.alloc(paddedLength(json.length), 0x20); // JSON ignores trailing spaces
  json.copy(plain);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keysOf(secret).box, iv);
  cipher.setAAD(aad(campaignId));
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return `${FORMAT}.${Buffer.concat([iv, ct, cipher.getAuthTag()]).toString("base64url")}`;
}

/** Opens a box (throws when the secret or the campaign is wrong, or the box was altered). */
export function unseal(box: string, campaignId: number, secret: Secret): Sealed {
  const [format, body, ...rest] = box.split(".");
  if (format !== FORMAT || !body || rest.length) throw new Error("unknown sealed submission format");
  const raw = Buffer.from(body, "base64url");
  if (raw.length <= IV_BYTES + TAG_BYTES) throw new Error("sealed submission is truncated");
  const decipher = createDecipheriv("aes-256-gcm", keysOf(secret).box, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(campaignId));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new Error("cannot open a sealed submission (wrong secret or campaign, or altered)");
  }
  const o = JSON.parse(plain.toString("utf8")) as { t: number; g: string; v: number; a: Record<string, unknown>; d: boolean; h: string };
  return { targetId: o.t, raterGroup: o.g, versionId: o.v, answers: o.a, declined: o.d, hash: o.h };
}

/**
 * What a flushed response stores as spent_token_hash: HMAC-SHA256 of the token's hash under
 * a key derived from the server secret, so the spent_tokens rows written during the campaign
 * (or any copy of them) cannot be matched with the responses without the secret.
 */
export function storedTokenHash(secret: Secret, hash: string): string {
  return `p1:${createHmac("sha256", keysOf(secret).mac).update(hash).digest("base64url")}`;
}

const BATCH = 1000;

/**
 * Stores every sealed submission of a campaign as a response (with its score), in a random
 * order, and deletes the boxes and their spent rows; one transaction. Returns how many
 * responses were stored. Idempotent: a box whose response exists already is only deleted.
 */
export async function flushPool(db: DbOrTx, campaignId: number, secret: Secret, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    // The boxes' ids (locked) in a random order; the boxes themselves are read and stored a
    // batch at a time in that order, so a campaign of 240,000 never sits in memory at once.
    const ids = shuffled(
      (
        await queryRows(
          tx,
          { id: col.text },
          sql`
      select id::text as id from sealed_submissions where campaign_id = ${campaignId} for update`,
        )
      ).map((r) => r.id),
    );
    // The campaign no longer takes submissions (flushed only once it is not open): its spent rows have done their work.
    await tx.execute(sql`delete from spent_tokens where target_id in (select id from campaign_targets where campaign_id = ${campaignId})`);
    const day = beijingDate(now);
    let stored = 0;
    // The free-text comments, taken out of the answers before they are stored, gathered for the
    // whole campaign and written once all responses are, in an order of their own (storeComments).
    const comments: NewComment[] = [];
    const keysOf = new Map<number, string[]>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      const boxes = new Map(
        (
          await queryRows(
            tx,
            { id: col.text, sealed: col.text },
            sql`
        select id::text as id, sealed from sealed_submissions where id in (${sql.join(
          batch.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
          )
        ).map((b) => [b.id, b.sealed]),
      );
      const part: { x: Sealed; id: string; score: StoredScore | null; comments: NewComment[] }[] = [];
      for (const boxId of batch) {
        const x = unseal(atKey(boxes, boxId), campaignId, secret);
        let keys = keysOf.get(x.versionId);
        if (keys === undefined) {
          keys = await commentKeysOf(tx, x.versionId);
          keysOf.set(x.versionId, keys);
        }
        const taken = takeComments(keys, x.answers);
        x.answers = taken.answers;
        const own = x.declined ? [] : taken.comments.map((c) => ({ ...c, targetId: x.targetId, raterGroup: x.raterGroup }));
        part.push({ x, id: randomUUID(), score: await scoreForVersion(tx, x.versionId, x.answers, x.declined), comments: own });
      }
      const values = part.map(
        ({ x, id }) => sql`(${id}::uuid, ${x.targetId}::int, ${x.raterGroup}::rater_group, ${x.versionId}::int,
        ${JSON.stringify(x.answers)}::jsonb, ${x.declined}::boolean, ${storedTokenHash(secret, x.hash)}::text)`,
      );
      const scores = part.flatMap(({ id, score }) => (score === null ? [] : [sql`(${id}::uuid, ${scoreValues(score)})`]));
      const inserted = await queryRows(
        tx,
        { id: col.text },
        sql`
        with v (id, target_id, rater_group, version_id, answers, declined, hash) as (values ${sql.join(values, sql`, `)}),
        r as (insert into responses (id, target_id, rater_group, instrument_version_id, answers, declined, day, spent_token_hash)
          select id, target_id, rater_group, version_id, answers, declined, ${day}::date, hash from v
          on conflict (spent_token_hash) do nothing returning id, target_id, rater_group, instrument_version_id)
        ${
          scores.length
            ? sql`, s (id, ${SCORE_COLUMNS}) as (values ${sql.join(scores, sql`, `)}),
        w as (insert into response_scores (response_id, target_id, rater_group, version_id, ${SCORE_COLUMNS})
          select r.id, r.target_id, r.rater_group, r.instrument_version_id, ${scoreColumnsOf("s")}
          from r join s on s.id = r.id)`
            : sql``
        }
        select id::text as id from r`,
      );
      stored += inserted.length;
      // Only the comments of responses stored now (a box whose response exists already brings none).
      const fresh = new Set(inserted.map((r) => r.id));
      for (const p of part) if (fresh.has(p.id)) comments.push(...p.comments);
      await tx.execute(
        sql`delete from sealed_submissions where id in (${sql.join(
          batch.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      );
    }
    await storeComments(tx, campaignId, comments);
    return stored;
  });
}

/**
 * The scheduler's sweep: flushes the pool of every campaign that is no longer open (a
 * submission that raced its close is stored a minute later). Returns campaign id → stored.
 */
export async function flushClosedPools(db: DbOrTx, secret: Secret, now: Date): Promise<Map<number, number>> {
  const ids = await queryRows(
    db,
    { id: col.int },
    sql`
    select distinct p.campaign_id as id from sealed_submissions p join campaigns c on c.id = p.campaign_id where c.state <> 'open'`,
  );
  const out = new Map<number, number>();
  for (const { id } of ids) out.set(id, await flushPool(db, id, secret, now));
  return out;
}
