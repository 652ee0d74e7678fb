// Anonymous submission: no person, no session, no cookie. The browser sends
// (targetId, token, signature, answers); the server checks the campaign window, the token's
// signature under the target's public key and the answers, then, in ONE statement, spends the
// token (spent_tokens: its hash and target; the primary key refuses a second use at once) and
// puts the answers into the campaign's sealed pool (sealed_submissions, unreadable without the
// server secret). The pool becomes responses, shuffled, when the campaign closes (pool.ts), so
// nothing written while the campaign runs says when any response was given.
// Never a timestamp, an IP address, a user agent or a session; nothing here is logged.
//
// Hot path (docs/design/submit-hot-path.md): once a target has been seen open, its public key (as a
// KeyObject), campaign, rater group and instrument version are kept in memory, and a
// submission is ONE statement that itself re-checks, against the database at that instant,
// that the target exists in that campaign, the campaign is open with `now` in the window, the
// key is still the target's key and the version still its group's version. The cache is never
// trusted for anything it does not re-check: if that statement stores nothing, or anything on
// the way refuses, the submission goes through the full path below (read, check in order,
// insert), which gives every refusal and every duplicate exactly as before.
import type { KeyObject } from "node:crypto";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { sealedSubmissions, spentTokens } from "@/db/schema";
import { col, queryRow, queryRows } from "@/db/query";
import { DomainError } from "../kernel/errors";
import { LOCALES } from "../i18n/messages";
import type { Plan } from "../instruments/plan";
import { validateAnswers } from "../instruments/validate";
import { planOfVersion } from "../instruments/versions";
import type { ScoringModel } from "../scoring/score";
import { scoringModelOfVersion, storedScore } from "../scoring/store";
import { tokenHash, verifyToken } from "./blind";
import { fromBase64 } from "@/server/shared/anonymity/client";
import { assertOpen } from "./issue";
import { importTargetPublicKey, type Secret } from "./keys";
import { seal } from "./pool";
import { TOKEN_BYTES } from "@/server/shared/anonymity/params";
import type { GroupKey } from "../i18n/messages";
import { idSchema } from "../kernel/ids";

/** Largest answers object accepted, as JSON (UTF-8 bytes). */
export const MAX_ANSWERS_BYTES = 64 * 1024;
const MAX_TOKEN_B64 = Math.ceil(TOKEN_BYTES / 3) * 4 + 4;
const MAX_SIGNATURE_B64 = 700; // 4096-bit: 684

/**
 * The rater group whose answers a target collects anonymously, from the target row `t`:
 * a programme cohort's alumni, an employer's contacts, or a section's students.
 */
export const ANONYMOUS_GROUP_SQL = sql.raw(
  `(case when t.cohort_id is not null then 'alumni' when t.employer_id is not null then 'employer' else 'student' end)`,
);

const err = (
  kind: DomainError["kind"],
  code: GroupKey<"respond.submit.errors">,
  params?: Record<string, string | number>,
  details?: unknown,
) => new DomainError(kind, `respond.submit.errors.${code}`, params, details);

const submitInput = z
  .object({
    targetId: idSchema,
    token: z.string().min(1).max(MAX_TOKEN_B64),
    signature: z.string().min(1).max(MAX_SIGNATURE_B64),
    answers: z.unknown(),
    declined: z.boolean().optional(),
    locale: z.enum(LOCALES),
  })
  .strict();

export type SubmitInput = z.input<typeof submitInput>;
export type SubmitResult = { status: "stored" | "duplicate" };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

function jsonBytes(v: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(v) ?? "", "utf8");
  } catch {
    return Infinity;
  }
}

// ---- What a target needs at submission, kept once seen open (the hot path) ----

/** Targets whose key and version are kept (least recently used first out). */
export const TARGET_CACHE_LIMIT = 50_000;
/** The target's stored public key, as a KeyObject too, its rater group's version and that version's compiled plan (versions are immutable). */
type TargetInfo = {
  publicKey: string;
  key: KeyObject;
  campaignId: number;
  raterGroup: string;
  versionId: number;
  plan?: Plan;
  model?: ScoringModel | null;
};
const targets = new Map<number, TargetInfo>();

function remember(targetId: number, info: TargetInfo): void {
  targets.delete(targetId);
  targets.set(targetId, info);
  while (targets.size > TARGET_CACHE_LIMIT) targets.delete(targets.keys().next().value as number);
}

/** The KeyObject of a stored public key (the kept one when it is the same key: importing costs ~0.3 ms); null if it is no RSA key. */
function keyOf(targetId: number, publicKey: string): KeyObject | null {
  const kept = targets.get(targetId);
  if (kept && kept.publicKey === publicKey) return kept.key;
  try {
    return importTargetPublicKey(publicKey);
  } catch {
    return null;
  }
}

/** Forgets what is kept about targets (tests: ids restart when the database is emptied). */
export const submitTargetCache = {
  clear: () => targets.clear(),
  get size() {
    return targets.size;
  },
};

type Parsed = z.output<typeof submitInput>;

function decode(p: Parsed): { token: Uint8Array; signature: Uint8Array } | null {
  try {
    return { token: fromBase64(p.token), signature: fromBase64(p.signature) };
  } catch {
    return null;
  }
}

const ph = (name: string) => sql.placeholder(name);

/**
 * The hot path's one statement, prepared once per database handle (planning this join costs
 * PostgreSQL ~0.5 ms a time). Spends the token and pools the sealed answers only if, right
 * now, the target exists in `campaignId`, the campaign is open with `at` in the window,
 * `publicKey` is its key and `versionId` its rater group's version; returns the box's id,
 * or nothing (a spent token, or anything changed).
 */
function buildInsertKept(db: DbOrTx) {
  const spent = db.$with("s", { targetId: spentTokens.targetId }).as(
    db
      .insert(spentTokens)
      .select(
        sql`
    select ${ph("hash")}::text, t.id
    from campaign_targets t
      join campaigns c on c.id = t.campaign_id
      cross join lateral (select ${ANONYMOUS_GROUP_SQL} as rater_group) g
      join target_keys k on k.target_id = t.id
      join campaign_instruments ci on ci.campaign_id = c.id and ci.rater_group::text = g.rater_group
    where t.id = ${ph("targetId")}::int and t.campaign_id = ${ph("campaignId")}::int and c.state = 'open'
      and c.opens_at <= ${ph("at")}::timestamptz and ${ph("at")}::timestamptz < c.closes_at
      and k.public_key = ${ph("publicKey")}::text and ci.instrument_version_id = ${ph("versionId")}::int`,
      )
      .onConflictDoNothing({ target: spentTokens.hash })
      .returning({ targetId: spentTokens.targetId })
      .getSQL(),
  );
  return db
    .with(spent)
    .insert(sealedSubmissions)
    .select(sql`select gen_random_uuid(), ${ph("campaignId")}::int, ${ph("sealed")}::text from s`)
    .returning({ id: sealedSubmissions.id })
    .prepare("submit_kept");
}

const insertKeptOf = new WeakMap<DbOrTx, ReturnType<typeof buildInsertKept>>();

function insertKept(db: DbOrTx) {
  let q = insertKeptOf.get(db);
  if (!q) insertKeptOf.set(db, (q = buildInsertKept(db)));
  return q;
}

/** Validates (and scores, which refuses values off the scale) the answers: null when they do not pass. */
async function checkedAnswers(db: DbOrTx, info: TargetInfo, answersIn: unknown, locale: Parsed["locale"]) {
  info.plan ??= await planOfVersion(db, info.versionId);
  const result = validateAnswers(info.plan, answersIn, locale);
  if (!result.ok) return result;
  if (info.model === undefined) info.model = await scoringModelOfVersion(db, info.versionId);
  if (info.model) storedScore(info.model, result.answers);
  return result;
}

/**
 * The hot path: with a kept target, verify and validate in memory, seal, then one statement
 * that spends and pools only if the database agrees right now (target, open window, same key,
 * same version). Null whenever anything is off, duplicates included: the full path decides.
 */
async function submitKept(
  db: DbOrTx,
  p: Parsed,
  answersIn: unknown,
  declined: boolean,
  now: Date,
  secret: Secret,
): Promise<SubmitResult | null> {
  const kept = targets.get(p.targetId);
  if (!kept) return null;
  const bytes = decode(p);
  if (!bytes || !verifyToken(kept.key, bytes.token, bytes.signature)) return null;
  let answers: Record<string, unknown>;
  if (declined) {
    if (!isPlainObject(answersIn) || Object.keys(answersIn).length > 0) return null;
    answers = {};
  } else {
    const result = await checkedAnswers(db, kept, answersIn, p.locale);
    if (!result.ok) return null;
    answers = result.answers;
  }
  const hash = tokenHash(bytes.token);
  const sealed = seal(
    { targetId: p.targetId, raterGroup: kept.raterGroup, versionId: kept.versionId, answers, declined, hash },
    kept.campaignId,
    secret,
  );
  const inserted = await insertKept(db).execute({
    targetId: p.targetId,
    campaignId: kept.campaignId,
    at: now.toISOString(),
    publicKey: kept.publicKey,
    versionId: kept.versionId,
    hash,
    sealed,
  });
  return inserted.length === 1 ? { status: "stored" } : null;
}

/**
 * Stores one anonymous response. `raw` is whatever the browser sent (the public endpoint passes
 * its JSON body as it came): its shape is checked here first. Refusals, in order: invalidRequest (shape), tooLarge,
 * targetNotFound, campaignClosed (not open or `now` outside the window), invalidToken (the
 * signature does not verify under this target's key; says nothing more), declinedWithAnswers,
 * invalidAnswers (details: the per-question errors of validateAnswers). A token already spent
 * gives { status: "duplicate" } and no second row, so a retry after a network failure is
 * acknowledged as done.
 */
export async function submitResponse(db: DbOrTx, raw: unknown, now: Date, secret: Secret): Promise<SubmitResult> {
  const parsed = submitInput.safeParse(raw);
  if (!parsed.success) throw err("BAD_REQUEST", "invalidRequest");
  const { targetId, locale } = parsed.data;
  const declined = parsed.data.declined ?? false;
  const answersIn = parsed.data.answers ?? {};
  if (jsonBytes(answersIn) > MAX_ANSWERS_BYTES) throw err("BAD_REQUEST", "tooLarge", { max: MAX_ANSWERS_BYTES });

  const fast = await submitKept(db, parsed.data, answersIn, declined, now, secret);
  if (fast) return fast;

  // The full path: read the target, check in order, insert.

  const t = await queryRow(
    db,
    {
      state: col.text,
      opens_at: col.date,
      closes_at: col.date,
      public_key: col.text.nullable,
      version_id: col.int.nullable,
      rater_group: col.text,
      campaign_id: col.int,
    },
    sql`
    select c.state, c.opens_at, c.closes_at, k.public_key, ci.instrument_version_id as version_id, g.rater_group, c.id as campaign_id
    from campaign_targets t
      join campaigns c on c.id = t.campaign_id
      cross join lateral (select ${ANONYMOUS_GROUP_SQL} as rater_group) g
      left join target_keys k on k.target_id = t.id
      left join campaign_instruments ci on ci.campaign_id = c.id and ci.rater_group::text = g.rater_group
    where t.id = ${targetId}`,
  );
  if (!t) throw err("NOT_FOUND", "targetNotFound");
  assertOpen({ state: t.state, opensAt: t.opens_at, closesAt: t.closes_at }, now);

  const bytes = decode(parsed.data);
  if (!bytes) throw err("FORBIDDEN", "invalidToken");
  const { token, signature } = bytes;
  const key = t.public_key ? keyOf(targetId, t.public_key) : null;
  if (!t.public_key || !key || !verifyToken(key, token, signature)) throw err("FORBIDDEN", "invalidToken");
  if (t.version_id === null) throw err("CONFLICT", "notReady");
  const versionId = t.version_id;
  // Open, keyed and versioned: the next submissions for this target take the hot path.
  const info: TargetInfo = { publicKey: t.public_key, key, campaignId: t.campaign_id, raterGroup: t.rater_group, versionId };
  remember(targetId, info);

  let answers: Record<string, unknown>;
  if (declined) {
    if (!isPlainObject(answersIn) || Object.keys(answersIn).length > 0) throw err("BAD_REQUEST", "declinedWithAnswers");
    answers = {};
  } else {
    info.plan = undefined;
    info.model = undefined;
    const result = await checkedAnswers(db, info, answersIn, locale);
    if (!result.ok) {
      throw err(
        "BAD_REQUEST",
        "invalidAnswers",
        { count: result.errors.length },
        result.errors.map((e) => ({ question: e.question, code: e.code, message: e.message })),
      );
    }
    answers = result.answers;
  }

  const hash = tokenHash(token);
  const sealed = seal({ targetId, raterGroup: t.rater_group, versionId, answers, declined, hash }, info.campaignId, secret);
  const inserted = await queryRows(
    db,
    { id: col.text },
    sql`
    with s as (insert into spent_tokens (hash, target_id) values (${hash}, ${targetId}) on conflict (hash) do nothing returning target_id)
    insert into sealed_submissions (id, campaign_id, sealed) select gen_random_uuid(), ${info.campaignId}, ${sealed} from s returning id`,
  );
  return { status: inserted.length === 1 ? "stored" : "duplicate" };
}
