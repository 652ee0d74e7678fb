import { randomUUID } from "node:crypto";
import { eq, sql, type SQL } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { instrumentVersions } from "@/db/schema";
import { col, queryRows } from "@/db/query";
import { DomainError, notFound } from "../kernel/errors";
import type { InstrumentFile } from "../instruments/format";
import { compileScoring, scoreResponse, type ScoringModel } from "./score";
import { flagBits, type PerRule } from "@/server/shared/scoring/quality";

/**
 * Per-response scores as stored (response_scores, see db/schema/results.ts): written in the
 * same statement as the response by every path that stores answers (anonymous submit,
 * self-evaluation, observation record, import of past terms), so a response never exists
 * without its score. The score is on 0–100 whatever the policy says (the policy's full mark
 * scales the figures afterwards). Responses of unscored instruments (no items, e.g. the
 * information officers' report) and declined ones have no score row.
 */

/** A response's score as stored, with one flag per quality rule (quality.ts). */
export type StoredScore = {
  total: number | null;
  indicators: (number | null)[];
  options: (number | null)[];
} & PerRule<boolean>;

/** The stored form of one response's score (throws valueOutsideScale on answers of another version). */
export function storedScore(model: ScoringModel, answers: Record<string, unknown>): StoredScore {
  const s = scoreResponse(model, answers);
  if (!s) throw new TypeError("storedScore: a response not declined has a score");
  return {
    total: s.total,
    indicators: model.indicatorIds.map((id) => s.indicators[id] ?? null),
    options: s.options,
    ...s.flags,
  };
}

/** Whether an instrument file has anything to score. */
export const isScored = (file: InstrumentFile) => file.items.length > 0;

const MODEL_CACHE_LIMIT = 500;
const models = new Map<number, Promise<ScoringModel | null>>();

/**
 * The scoring model of an instrument version (versions are immutable: compiled once per
 * process), or null when the instrument scores nothing.
 */
export function scoringModelOfVersion(db: DbOrTx, versionId: number): Promise<ScoringModel | null> {
  const hit = models.get(versionId);
  if (hit) return hit;
  const p = (async () => {
    const [row] = await db
      .select({ definition: instrumentVersions.definition })
      .from(instrumentVersions)
      .where(eq(instrumentVersions.id, versionId));
    if (!row) throw notFound("instruments.errors.versionNotFound");
    const file = row.definition as unknown as InstrumentFile;
    return isScored(file) ? compileScoring(file) : null;
  })();
  models.set(versionId, p);
  while (models.size > MODEL_CACHE_LIMIT) models.delete(models.keys().next().value as number);
  p.catch(() => {
    if (models.get(versionId) === p) models.delete(versionId);
  });
  return p;
}

/** Forgets compiled models (tests: ids restart when the database is emptied). */
export const scoringModelCache = { clear: () => models.clear() };

/** A PostgreSQL array literal of numbers and nulls (String(x) is the shortest exact form). */
export function arrayLiteral(xs: readonly (number | null)[]): string {
  return `{${xs.map((x) => (x === null ? "NULL" : String(x))).join(",")}}`;
}

/** The score columns' values, in the order of SCORE_COLUMNS. */
export function scoreValues(s: StoredScore): SQL {
  return sql`${s.total}::float8, ${arrayLiteral(s.indicators)}::float8[], ${arrayLiteral(s.options)}::smallint[], ${flagBits(s)}::smallint`;
}

/** The quality rules' flags are one bitmask, quality_flags (the rules' bits, quality.ts). */
export const SCORE_COLUMN_NAMES = ["total", "indicators", "options", "quality_flags"];
export const SCORE_COLUMNS = sql.raw(SCORE_COLUMN_NAMES.join(", "));
/** The score columns of a relation named `alias` (s.total, s.indicators, …). */
export const scoreColumnsOf = (alias: string) => sql.raw(SCORE_COLUMN_NAMES.map((c) => `${alias}.${c}`).join(", "));

/**
 * Wraps an `insert into responses … returning id, target_id, rater_group, instrument_version_id`
 * so that the same statement also stores the score: nothing is stored when the insert stores
 * nothing (a spent token), and the statement returns the new response's id.
 */
export function insertResponseWithScore(insertResponse: SQL, score: StoredScore | null): SQL {
  if (score === null) return sql`${insertResponse}`;
  return sql`with r as (${insertResponse})
    insert into response_scores (response_id, target_id, rater_group, version_id, ${SCORE_COLUMNS})
    select r.id, r.target_id, r.rater_group, r.instrument_version_id, ${scoreValues(score)} from r
    returning response_id as id`;
}

/** Stores the score of a named observation record (in the record's transaction). */
export async function insertObservationScore(
  db: DbOrTx,
  recordId: number,
  targetId: number,
  raterGroup: string,
  versionId: number,
  score: StoredScore | null,
) {
  if (score === null) return;
  await db.execute(sql`insert into response_scores (observation_id, target_id, rater_group, version_id, ${SCORE_COLUMNS})
    values (${recordId}, ${targetId}, ${raterGroup}::rater_group, ${versionId}, ${scoreValues(score)})`);
}

/** The stored score of answers to a version (null when the instrument scores nothing, or declined). */
export async function scoreForVersion(
  db: DbOrTx,
  versionId: number,
  answers: Record<string, unknown>,
  declined = false,
): Promise<StoredScore | null> {
  if (declined) return null;
  const model = await scoringModelOfVersion(db, versionId);
  return model ? storedScore(model, answers) : null;
}

export type NewResponse = {
  targetId: number;
  raterGroup: string;
  versionId: number;
  answers: Record<string, unknown>;
  /** The response's day (YYYY-MM-DD). */
  day: string;
  /** What spends the row's unique spent_token_hash: a second row with the same one is not stored. */
  spentTokenHash: string;
};

/**
 * Stores many named-by-nobody responses at once (imports of past terms, the demo), each with its
 * score, in one statement per batch; a row whose spent_token_hash exists is skipped. Answers
 * are scored against their version first: values off the scale refuse the whole call.
 */
export async function storeResponses(db: DbOrTx, list: readonly NewResponse[]): Promise<number> {
  let stored = 0;
  const scored: { r: NewResponse; id: string; score: StoredScore | null }[] = [];
  for (const r of list) scored.push({ r, id: randomUUID(), score: await scoreForVersion(db, r.versionId, r.answers) });
  for (let i = 0; i < scored.length; i += BATCH) {
    const part = scored.slice(i, i + BATCH);
    const values = part.map(
      ({ r, id }) => sql`(${id}::uuid, ${r.targetId}::int, ${r.raterGroup}::rater_group, ${r.versionId}::int,
      ${JSON.stringify(r.answers)}::jsonb, ${r.day}::date, ${r.spentTokenHash}::text)`,
    );
    const scores = part.flatMap(({ id, score }) => (score === null ? [] : [sql`(${id}::uuid, ${scoreValues(score)})`]));
    const inserted = await queryRows(
      db,
      { id: col.text },
      sql`
      with v (id, target_id, rater_group, version_id, answers, day, hash) as (values ${sql.join(values, sql`, `)}),
      r as (insert into responses (id, target_id, rater_group, instrument_version_id, answers, declined, day, spent_token_hash)
        select id, target_id, rater_group, version_id, answers, false, day, hash from v
        on conflict (spent_token_hash) do nothing returning id, target_id, rater_group, instrument_version_id)
      ${
        scores.length
          ? sql`, s (id, ${SCORE_COLUMNS}) as (values ${sql.join(scores, sql`, `)}),
      w as (insert into response_scores (response_id, target_id, rater_group, version_id, ${SCORE_COLUMNS})
        select r.id, r.target_id, r.rater_group, r.instrument_version_id, ${scoreColumnsOf("s")}
        from r join s on s.id = r.id)`
          : sql``
      }
      select id from r`,
    );
    stored += inserted.length;
  }
  return stored;
}

const BATCH = 2000;

/**
 * Scores every stored response and observation record that has no score yet: data written
 * before scores were stored with the answers (run at start and by `npm run scores:recompute`).
 * Answers that do not fit their version's scale (impossible for validated answers) are
 * counted and left unscored. Returns how many were scored and how many could not be.
 */
export async function scoreMissing(db: DbOrTx): Promise<{ scored: number; failed: number }> {
  let scored = 0,
    failed = 0;
  const bad = new Set<string>();
  for (const source of ["response", "observation"] as const) {
    for (;;) {
      const rows = await queryRows(
        db,
        { id: col.text, target_id: col.int, rater_group: col.text, version_id: col.int, answers: col.json<Record<string, unknown>>() },
        source === "response"
          ? sql`select r.id::text as id, r.target_id, r.rater_group::text as rater_group, r.instrument_version_id as version_id, r.answers
              from responses r where not r.declined and not exists (select 1 from response_scores s where s.response_id = r.id)
              and r.id::text <> all(${arrayText(bad)}::text[]) limit ${BATCH}`
          : sql`select o.id::text as id, a.target_id, a.rater_group::text as rater_group, o.instrument_version_id as version_id, o.answers
              from observation_records o join observation_assignments a on a.id = o.assignment_id
              where not exists (select 1 from response_scores s where s.observation_id = o.id)
              and o.id::text <> all(${arrayText(bad)}::text[]) limit ${BATCH}`,
      );
      if (rows.length === 0) break;
      const values: SQL[] = [];
      for (const r of rows) {
        let score: StoredScore | null;
        try {
          score = await scoreForVersion(db, r.version_id, r.answers);
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          score = null;
        }
        if (score === null) {
          bad.add(r.id); // unscored instrument, or answers off the scale: not asked again in this run
          const model = await scoringModelOfVersion(db, r.version_id);
          if (model) failed++;
          continue;
        }
        const key = source === "response" ? sql`${r.id}::uuid, null::int` : sql`null::uuid, ${Number(r.id)}::int`;
        values.push(sql`(${key}, ${r.target_id}::int, ${r.rater_group}::rater_group, ${r.version_id}::int, ${scoreValues(score)})`);
      }
      if (values.length) {
        await db.execute(sql`insert into response_scores (response_id, observation_id, target_id, rater_group, version_id, ${SCORE_COLUMNS})
          values ${sql.join(values, sql`, `)} on conflict do nothing`);
        scored += values.length;
      }
    }
  }
  return { scored, failed };
}

/**
 * Folds the scores queued since the last fold into target_tallies (see db/schema/results.ts):
 * run before every recompute, outside its snapshot (the fold takes the tallies' lock itself).
 */
export async function foldTallies(db: Db): Promise<void> {
  await db.execute(sql`select scoring_tally_fold()`);
}

/**
 * Rebuilds every tally from response_scores and empties the queue: the full recount
 * (npm run scores:recompute, and after repairs by hand).
 */
export async function rebuildTallies(db: Db): Promise<void> {
  await db.execute(sql`select scoring_tally_rebuild()`);
}

function arrayText(xs: Set<string>): string {
  return `{${[...xs].map((x) => `"${x}"`).join(",")}}`;
}
