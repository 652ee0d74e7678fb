// Issuance of blind-signed tokens (signed in). A student asks, in ONE request, for a blind
// signature for every student-group target of a campaign they are eligible for and have no
// token for yet; the server records only eligibility.token_issued_on = the day (Asia/Shanghai)
// and returns the blind signatures. The blinded messages are never logged or stored.
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/db/client";
import { col, queryRow, queryRows, type RowOf } from "@/db/query";
import { DomainError } from "../kernel/errors";
import { beijingDate } from "../kernel/time";
import { BlindSignError, blindSign } from "./blind";
import { fromBase64, toBase64 } from "@/server/shared/anonymity/client";
import { decryptTargetKey, type Secret } from "./keys";
import type { GroupKey } from "../i18n/messages";
import { idSchema } from "../kernel/ids";
import { atKey } from "@/server/shared/indexed";

/** At most this many targets in one request (a student has a handful of sections). */
export const MAX_ISSUE_TARGETS = 100;
/** base64 of a 4096-bit blinded message is 684 characters; ours are 2048-bit (344). */
const MAX_BLINDED_B64 = 700;

const err = (
  kind: DomainError["kind"],
  code: GroupKey<"respond.submit.errors">,
  params?: Record<string, string | number>,
  details?: unknown,
) => new DomainError(kind, `respond.submit.errors.${code}`, params, details);

const id = idSchema;
const issueInput = z
  .object({
    personId: id,
    campaignId: id,
    blinded: z
      .array(
        z
          .object({
            targetId: id,
            blindedMsg: z.string().min(1).max(MAX_BLINDED_B64),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_ISSUE_TARGETS),
  })
  .strict();

export type IssueRequest = z.input<typeof issueInput>;
export type IssueResult = { signatures: { targetId: number; blindSig: string }[] };

/** Refuses unless the campaign is open and `now` is inside its window. */
export function assertOpen(c: { state: string; opensAt: Date | string; closesAt: Date | string } | undefined, now: Date) {
  if (!c) throw err("NOT_FOUND", "campaignNotFound");
  const opens = new Date(c.opensAt);
  const closes = new Date(c.closesAt);
  if (c.state !== "open" || now < opens || now >= closes) throw err("CONFLICT", "campaignClosed");
}

/**
 * Blind-signs one token per target for `personId`. Refused (nothing marked) unless: the
 * campaign is open and `now` in its window; the request names each target once and exactly
 * the person's eligible, not excluded, student-group targets of the campaign that have no
 * token yet. Tokens already issued for any requested target: alreadyIssued. All targets are
 * marked in one UPDATE guarded by `token_issued_on is null` whose row count must equal the
 * request size, in the same transaction as the signing (a concurrent second request gets
 * alreadyIssued and no signatures). Returns the blind signatures (base64) in request order.
 */
export async function issueTokens(db: Db, raw: IssueRequest, now: Date, secret: Secret): Promise<IssueResult> {
  const parsed = issueInput.safeParse(raw);
  if (!parsed.success) throw err("BAD_REQUEST", "invalidRequest");
  const { personId, campaignId, blinded } = parsed.data;
  const targetIds = blinded.map((b) => b.targetId);
  if (new Set(targetIds).size !== targetIds.length) throw err("BAD_REQUEST", "invalidRequest");
  const decoded = decodeBlinded(blinded);
  const day = beijingDate(now);

  return db.transaction(async (tx) => {
    const c = await queryRow(
      tx,
      { state: col.text, opens_at: col.date, closes_at: col.date },
      sql`
      select state, opens_at, closes_at from campaigns where id = ${campaignId}`,
    );
    assertOpen(c && { state: c.state, opensAt: c.opens_at, closesAt: c.closes_at }, now);

    // The person's own student-group targets in this campaign; nothing about anyone else.
    const own = await queryRows(
      tx,
      { target_id: col.int, issued: col.bool },
      sql`
      select e.target_id, (e.token_issued_on is not null) as issued
      from eligibility e join campaign_targets t on t.id = e.target_id
      where t.campaign_id = ${campaignId} and e.person_id = ${personId}
        and e.rater_group = 'student' and not e.excluded`,
    );
    const issued = new Set(own.filter((r) => r.issued).map((r) => r.target_id));
    const pending = new Set(own.filter((r) => !r.issued).map((r) => r.target_id));
    if (targetIds.some((t) => issued.has(t))) throw err("CONFLICT", "alreadyIssued");
    if (targetIds.length !== pending.size || !targetIds.every((t) => pending.has(t))) {
      throw err("BAD_REQUEST", "targetsMismatch");
    }

    const keys = await loadKeys(tx, targetIds);

    // One statement marks them all, only where still null; a concurrent request that got
    // here first leaves fewer rows, and this transaction rolls back without signing.
    const marked = await queryRows(
      tx,
      { target_id: col.int },
      sql`
      update eligibility set token_issued_on = ${day}::date
      where person_id = ${personId} and rater_group = 'student' and not excluded and token_issued_on is null
        and target_id in (${sql.join(
          targetIds.map((t) => sql`${t}`),
          sql`, `,
        )})
      returning target_id`,
    );
    if (marked.length !== targetIds.length) throw err("CONFLICT", "alreadyIssued");

    const signatures = signAll(keys, decoded, secret);
    return { signatures };
  });
}

type Blinded = { targetId: number; blindedMsg: string };
const KEY_ROW = { target_id: col.int, public_key: col.text, private_key: col.text };
type KeyRow = RowOf<typeof KEY_ROW>;

type Decoded = { targetId: number; message: Uint8Array };

function decodeMessage(blindedMsg: string): Uint8Array {
  try {
    return fromBase64(blindedMsg);
  } catch {
    throw err("BAD_REQUEST", "invalidBlindedMessage");
  }
}

function decodeBlinded(blinded: readonly Blinded[]): Decoded[] {
  return blinded.map((b) => ({ targetId: b.targetId, message: decodeMessage(b.blindedMsg) }));
}

/** The targets' key rows; refuses (notReady) unless every target has one. */
async function loadKeys(tx: DbOrTx, targetIds: readonly number[]): Promise<Map<number, KeyRow>> {
  const keys = await queryRows(
    tx,
    KEY_ROW,
    sql`
    select target_id, public_key, private_key from target_keys
    where target_id in (${sql.join(
      targetIds.map((t) => sql`${t}`),
      sql`, `,
    )})`,
  );
  const keyOf = new Map(keys.map((k) => [k.target_id, k]));
  if (targetIds.some((t) => !keyOf.has(t))) throw err("CONFLICT", "notReady");
  return keyOf;
}

/** Blind-signs each message with its target's key (a bad message: invalidBlindedMessage, which rolls back). */
function signAll(keyOf: Map<number, KeyRow>, blinded: readonly Decoded[], secret: Secret) {
  return blinded.map((b) => {
    const k = atKey(keyOf, b.targetId);
    const sk = decryptTargetKey(k.private_key, b.targetId, secret, k.public_key); // once per target per request
    try {
      return { targetId: b.targetId, blindSig: toBase64(blindSign(sk, b.message)) };
    } catch (e) {
      if (e instanceof BlindSignError && (e.reason === "bad_length" || e.reason === "out_of_range")) {
        throw err("BAD_REQUEST", "invalidBlindedMessage");
      }
      throw e;
    }
  });
}

const invitationIssueInput = z
  .object({
    invitationId: id,
    blindedMsg: z.string().min(1).max(MAX_BLINDED_B64),
  })
  .strict();

/**
 * The invitation path (alumni, employer contacts): the personal link stands in for the
 * session. Blind-signs one token for the invitation's target and marks the invitation used
 * (`token_issued_on`) in the same transaction, only if it was not used yet and has not
 * expired, and the campaign is open. The answers are then submitted like a student's, with
 * no link back to the invitation.
 */
export async function issueForInvitation(
  db: Db,
  raw: { invitationId: number; blindedMsg: string },
  now: Date,
  secret: Secret,
): Promise<IssueResult> {
  const parsed = invitationIssueInput.safeParse(raw);
  if (!parsed.success) throw err("BAD_REQUEST", "invalidRequest");
  const { invitationId, blindedMsg } = parsed.data;
  const message = decodeMessage(blindedMsg);
  return db.transaction(async (tx) => {
    const inv = await queryRow(
      tx,
      { target_id: col.int, state: col.text, opens_at: col.date, closes_at: col.date, expires_at: col.date, issued: col.bool },
      sql`
      select i.target_id, c.state, c.opens_at, c.closes_at, i.expires_at, (i.token_issued_on is not null) as issued
      from invitations i join campaign_targets t on t.id = i.target_id join campaigns c on c.id = t.campaign_id
      where i.id = ${invitationId}`,
    );
    if (!inv) throw err("NOT_FOUND", "invitationNotFound");
    assertOpen({ state: inv.state, opensAt: inv.opens_at, closesAt: inv.closes_at }, now);
    if (now >= inv.expires_at) throw err("CONFLICT", "campaignClosed");
    if (inv.issued) throw err("CONFLICT", "invitationUsed");
    const targetId = inv.target_id;
    const keys = await loadKeys(tx, [targetId]);
    const marked = await queryRows(
      tx,
      { id: col.int },
      sql`
      update invitations set token_issued_on = ${beijingDate(now)}::date
      where id = ${invitationId} and token_issued_on is null returning id`,
    );
    if (marked.length !== 1) throw err("CONFLICT", "invitationUsed");
    return { signatures: signAll(keys, [{ targetId, message }], secret) };
  });
}
