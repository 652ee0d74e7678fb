// Anonymous submission: no person, no session, no cookie. The browser sends
// (targetId, token, signature, answers); the server checks the campaign window, the token's
// signature under the target's public key and the answers, then stores the response with
// spent_token_hash = tokenHash(token) in ONE statement whose unique constraint spends the token.
// Stored: target, rater group, instrument version, answers, declined, the day (Asia/Shanghai).
// Never a timestamp, an IP address, a user agent or a session; nothing here is logged.
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { rowsOf } from "../access/scope";
import { DomainError } from "../errors";
import { LOCALES } from "../i18n/messages";
import { validateAnswers } from "../instruments/validate";
import { planOfVersion } from "../instruments/versions";
import { tokenHash, verifyToken } from "./blind";
import { fromBase64 } from "./client";
import { assertOpen, shanghaiDay } from "./issue";
import { TOKEN_BYTES } from "./params";

/** Largest answers object accepted, as JSON (UTF-8 bytes). */
export const MAX_ANSWERS_BYTES = 64 * 1024;
const MAX_TOKEN_B64 = Math.ceil(TOKEN_BYTES / 3) * 4 + 4;
const MAX_SIGNATURE_B64 = 700; // 4096-bit: 684

/**
 * The rater group whose answers a target collects anonymously, from the target row `t`:
 * a programme cohort's alumni, an employer's contacts, or a section's students.
 */
export const ANONYMOUS_GROUP_SQL = sql.raw(`(case when t.cohort_id is not null then 'alumni' when t.employer_id is not null then 'employer' else 'student' end)`);

const err = (kind: DomainError["kind"], code: string, params?: Record<string, string | number>, details?: unknown) =>
  new DomainError(kind, `respond.submit.errors.${code}`, params, details);

const submitInput = z.object({
  targetId: z.number().int().positive().max(2_147_483_647),
  token: z.string().min(1).max(MAX_TOKEN_B64),
  signature: z.string().min(1).max(MAX_SIGNATURE_B64),
  answers: z.unknown(),
  declined: z.boolean().optional(),
  locale: z.enum(LOCALES),
}).strict();

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

/**
 * Stores one anonymous response. Refusals, in order: invalidRequest (shape), tooLarge,
 * targetNotFound, campaignClosed (not open or `now` outside the window), invalidToken (the
 * signature does not verify under this target's key; says nothing more), declinedWithAnswers,
 * invalidAnswers (details: the per-question errors of validateAnswers). A token already spent
 * gives { status: "duplicate" } and no second row, so a retry after a network failure is
 * acknowledged as done.
 */
export async function submitResponse(db: DbOrTx, raw: SubmitInput, now: Date): Promise<SubmitResult> {
  const parsed = submitInput.safeParse(raw);
  if (!parsed.success) throw err("BAD_REQUEST", "invalidRequest");
  const { targetId, locale } = parsed.data;
  const declined = parsed.data.declined ?? false;
  const answersIn = parsed.data.answers ?? {};
  if (jsonBytes(answersIn) > MAX_ANSWERS_BYTES) throw err("BAD_REQUEST", "tooLarge", { max: MAX_ANSWERS_BYTES });

  const [t] = rowsOf<{
    state: string; opens_at: Date | string; closes_at: Date | string; public_key: string | null; version_id: number | null;
    rater_group: string;
  }>(await db.execute(sql`
    select c.state, c.opens_at, c.closes_at, k.public_key, ci.instrument_version_id as version_id, g.rater_group
    from campaign_targets t
      join campaigns c on c.id = t.campaign_id
      cross join lateral (select ${ANONYMOUS_GROUP_SQL} as rater_group) g
      left join target_keys k on k.target_id = t.id
      left join campaign_instruments ci on ci.campaign_id = c.id and ci.rater_group::text = g.rater_group
    where t.id = ${targetId}`));
  if (!t) throw err("NOT_FOUND", "targetNotFound");
  assertOpen({ state: t.state, opensAt: t.opens_at, closesAt: t.closes_at }, now);

  let token: Uint8Array;
  let signature: Uint8Array;
  try {
    token = fromBase64(parsed.data.token);
    signature = fromBase64(parsed.data.signature);
  } catch {
    throw err("FORBIDDEN", "invalidToken");
  }
  if (!t.public_key || !verifyToken(t.public_key, token, signature)) throw err("FORBIDDEN", "invalidToken");
  if (t.version_id === null) throw err("CONFLICT", "notReady");
  const versionId = Number(t.version_id);

  let answers: Record<string, unknown>;
  if (declined) {
    if (!isPlainObject(answersIn) || Object.keys(answersIn).length > 0) throw err("BAD_REQUEST", "declinedWithAnswers");
    answers = {};
  } else {
    const result = validateAnswers(await planOfVersion(db, versionId), answersIn, locale);
    if (!result.ok) {
      throw err("BAD_REQUEST", "invalidAnswers", { count: result.errors.length },
        result.errors.map((e) => ({ question: e.question, code: e.code, message: e.message })));
    }
    answers = result.answers;
  }

  const inserted = rowsOf<{ id: string }>(await db.execute(sql`
    insert into responses (id, target_id, rater_group, instrument_version_id, answers, declined, day, spent_token_hash)
    values (gen_random_uuid(), ${targetId}, ${t.rater_group}::rater_group, ${versionId}, ${JSON.stringify(answers)}::jsonb, ${declined},
      ${shanghaiDay(now)}::date, ${tokenHash(token)})
    on conflict (spent_token_hash) do nothing
    returning id`));
  return { status: inserted.length === 1 ? "stored" : "duplicate" };
}
