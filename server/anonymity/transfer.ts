// Moving a student's evaluations to another device. The first device encrypts the bundle of
// its tokens (AES-256-GCM, WebCrypto, app/_components/respond/transfer.ts) under a random key
// that never reaches the server: it travels in the code (or link fragment) the student carries
// to the other device. The server keeps the ciphertext for the same signed-in person, for
// TRANSFER_MINUTES, and hands it out once. Nothing here can mint a token or read one: both
// devices end up holding the same tokens, and a token is spent once whichever sends it.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { col, queryRow } from "@/db/query";
import { DomainError } from "../kernel/errors";
import type { GroupKey } from "../i18n/messages";

export const TRANSFER_MINUTES = 10;
/** A bundle of 100 targets is about 45 KB as base64url ciphertext. */
export const MAX_TRANSFER_CHARS = 200_000;
/** Live transfers kept per person (the oldest go first). */
const PER_PERSON = 3;

const err = (kind: DomainError["kind"], code: GroupKey<"respond.transfer.errors">) =>
  new DomainError(kind, `respond.transfer.errors.${code}`);

const ID_RE = /^[A-Za-z0-9_-]{22}$/;
export const transferPutInput = z
  .object({
    ciphertext: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .min(40)
      .max(MAX_TRANSFER_CHARS),
  })
  .strict();
export const transferTakeInput = z.object({ id: z.string().max(64) }).strict();

/** Keeps a ciphertext for `personId`; returns its id (128 random bits) and when it expires. */
export async function putTransfer(db: DbOrTx, personId: number, raw: z.input<typeof transferPutInput>, now: Date) {
  const parsed = transferPutInput.safeParse(raw);
  if (!parsed.success) throw err("BAD_REQUEST", "invalid");
  const id = randomBytes(16).toString("base64url");
  const expiresAt = new Date(now.getTime() + TRANSFER_MINUTES * 60_000);
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from token_transfers where expires_at <= ${now.toISOString()}::timestamptz`);
    await tx.execute(sql`delete from token_transfers where person_id = ${personId} and id not in (
      select id from token_transfers where person_id = ${personId} order by expires_at desc limit ${PER_PERSON - 1})`);
    await tx.execute(sql`insert into token_transfers (id, person_id, ciphertext, expires_at)
      values (${id}, ${personId}, ${parsed.data.ciphertext}, ${expiresAt.toISOString()}::timestamptz)`);
  });
  return { id, expiresAt };
}

/**
 * Hands the ciphertext to the same person, once, before it expires (the row is deleted in the
 * same statement). Any other case, wrong person included: notFound, nothing said about why.
 */
export async function takeTransfer(db: DbOrTx, personId: number, raw: z.input<typeof transferTakeInput>, now: Date) {
  const parsed = transferTakeInput.safeParse(raw);
  if (!parsed.success || !ID_RE.test(parsed.data.id)) throw err("NOT_FOUND", "notFound");
  const row = await queryRow(
    db,
    { ciphertext: col.text },
    sql`
    delete from token_transfers where id = ${parsed.data.id} and person_id = ${personId} and expires_at > ${now.toISOString()}::timestamptz
    returning ciphertext`,
  );
  if (!row) throw err("NOT_FOUND", "notFound");
  return { ciphertext: row.ciphertext };
}
