CREATE TABLE "tally_queue" (
	"target_id" integer NOT NULL,
	"rater_group" "rater_group" NOT NULL,
	"total" double precision,
	"options" smallint[] NOT NULL,
	"straight_lining" boolean NOT NULL,
	"all_lowest" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "target_tallies" (
	"target_id" integer NOT NULL,
	"rater_group" "rater_group" NOT NULL,
	"kind" smallint NOT NULL,
	"n" integer NOT NULL,
	"totals" double precision[] NOT NULL,
	"counts" numeric[] NOT NULL,
	CONSTRAINT "target_tallies_target_id_rater_group_kind_pk" PRIMARY KEY("target_id","rater_group","kind"),
	CONSTRAINT "target_tallies_kind_ck" CHECK ("target_tallies"."kind" between 0 and 4),
	CONSTRAINT "target_tallies_n_ck" CHECK ("target_tallies"."n" between 0 and 999999)
);
--> statement-breakpoint
ALTER TABLE "target_results" DROP CONSTRAINT "target_results_uq";--> statement-breakpoint
DROP INDEX "response_scores_target_total_idx";--> statement-breakpoint
DROP INDEX "target_results_target_idx";--> statement-breakpoint
ALTER TABLE "target_results" ALTER COLUMN "all_n" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "target_results" ADD CONSTRAINT "target_results_pk" PRIMARY KEY("policy_id","target_id","rater_group");--> statement-breakpoint
ALTER TABLE "target_tallies" ADD CONSTRAINT "target_tallies_target_id_campaign_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."campaign_targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "response_scores_target_idx" ON "response_scores" USING btree ("target_id","rater_group");--> statement-breakpoint
-- Tallies (db/schema/results.ts, targetTallies): new scores queued by a trigger, folded by
-- scoring_tally_fold() before every recompute; deletes and updates rebuild their targets.
-- Every change of the tallies takes this lock first (transaction-scoped): folds, rebuilds and
-- the repairs' rebuilds of touched targets run one at a time.
CREATE FUNCTION scoring_tally_lock() RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(hashtext('scores:tallies'))
$$;
--> statement-breakpoint
-- Sorted merge of two ascending arrays of totals (plpgsql, not sql: its plan is kept).
CREATE FUNCTION scoring_merge_totals(a double precision[], b double precision[]) RETURNS double precision[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM (SELECT unnest(a) UNION ALL SELECT unnest(b)) u(x));
END $$;
--> statement-breakpoint
-- Item-wise sum of two arrays of count words (a missing element counts 0).
CREATE FUNCTION scoring_add_words(a numeric[], b numeric[]) RETURNS numeric[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i), '{}') FROM unnest(a, b) WITH ORDINALITY u(x, y, i));
END $$;
--> statement-breakpoint
-- The statement that adds the scores of a relation to the tallies (`prelude`: CTEs before it,
-- ending in a comma); one text, so that the fold and every rebuild add the same way.
CREATE FUNCTION scoring_tally_sql(source text, prelude text DEFAULT '') RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$
    WITH %1$s d AS (
      SELECT target_id, rater_group, k.kind, total, options
      FROM %2$s CROSS JOIN LATERAL (VALUES
        (CASE WHEN total IS NULL THEN 4 ELSE 0 END),
        (CASE WHEN total IS NOT NULL AND (straight_lining OR all_lowest) THEN straight_lining::int + 2 * all_lowest::int END)
      ) k(kind) WHERE k.kind IS NOT NULL
    ), h AS (
      SELECT target_id, rater_group, kind, count(*)::int AS n, coalesce(array_agg(total ORDER BY total) FILTER (WHERE total IS NOT NULL), '{}') AS totals,
        CASE WHEN kind < 4 THEN max(cardinality(options)) ELSE 0 END AS len
      FROM d GROUP BY 1, 2, 3
    ), c AS (
      SELECT d.target_id, d.rater_group, d.kind, u.i, u.o, count(*) AS k
      FROM d CROSS JOIN LATERAL unnest(d.options) WITH ORDINALITY u(o, i)
      WHERE d.kind < 4 AND u.o IS NOT NULL GROUP BY 1, 2, 3, 4, 5
    ), w AS (
      SELECT target_id, rater_group, kind, i, sum(k * power(10::numeric, 6 * o)) AS w FROM c GROUP BY 1, 2, 3, 4
    ), dense AS (
      SELECT h.target_id, h.rater_group, h.kind, array_agg(coalesce(trunc(w.w), 0) ORDER BY g.i) AS counts
      FROM h CROSS JOIN LATERAL generate_series(1, h.len) g(i)
        LEFT JOIN w ON w.target_id = h.target_id AND w.rater_group = h.rater_group AND w.kind = h.kind AND w.i = g.i
      GROUP BY 1, 2, 3
    )
    INSERT INTO target_tallies AS t (target_id, rater_group, kind, n, totals, counts)
    SELECT h.target_id, h.rater_group, h.kind, h.n, h.totals, coalesce(dense.counts, '{}')
    FROM h LEFT JOIN dense ON dense.target_id = h.target_id AND dense.rater_group = h.rater_group AND dense.kind = h.kind
    ORDER BY 1, 2, 3
    ON CONFLICT (target_id, rater_group, kind) DO UPDATE SET n = t.n + excluded.n,
      totals = scoring_merge_totals(t.totals, excluded.totals), counts = scoring_add_words(t.counts, excluded.counts)
  $q$, prelude, source)
$$;
--> statement-breakpoint
-- A submit's share: a copy of its score in the queue, without its id (a statement of any
-- size, COPY included).
CREATE FUNCTION scoring_tally_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tally_queue (target_id, rater_group, total, options, straight_lining, all_lowest) SELECT target_id, rater_group, total, options, straight_lining, all_lowest FROM new_rows;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The queued scores into the tallies, the queue emptied, in one statement (scores queued
-- meanwhile wait for the next fold).
CREATE FUNCTION scoring_tally_fold() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM scoring_tally_lock();
  EXECUTE scoring_tally_sql('q', 'q AS (DELETE FROM tally_queue RETURNING target_id, rater_group, total, options, straight_lining, all_lowest),');
END $$;
--> statement-breakpoint
-- Scores are never changed or removed by the app; when they are (a cascade, a repair by hand),
-- the tallies of every target touched are rebuilt from its scores, its queued ones dropped in
-- the same statement (one snapshot: a score queued meanwhile is either counted or still queued).
CREATE FUNCTION scoring_tally_rebuild_touched() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  touched text := CASE TG_OP WHEN 'DELETE' THEN 'SELECT target_id, rater_group FROM old_rows'
    ELSE 'SELECT target_id, rater_group FROM old_rows UNION SELECT target_id, rater_group FROM new_rows' END;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows) THEN RETURN NULL; END IF;
  PERFORM scoring_tally_lock();
  EXECUTE format('DELETE FROM target_tallies t USING (%s) x WHERE t.target_id = x.target_id AND t.rater_group = x.rater_group', touched);
  EXECUTE scoring_tally_sql(
    format('(SELECT s.* FROM response_scores s WHERE (s.target_id, s.rater_group) IN (%s)) s', touched),
    format('dq AS (DELETE FROM tally_queue t USING (%s) x WHERE t.target_id = x.target_id AND t.rater_group = x.rater_group),', touched));
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Every tally from response_scores, the queue emptied (npm run scores:recompute; this migration).
CREATE FUNCTION scoring_tally_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM scoring_tally_lock();
  DELETE FROM tally_queue;
  DELETE FROM target_tallies;
  EXECUTE scoring_tally_sql('response_scores');
END $$;
--> statement-breakpoint
-- (DELETE, not TRUNCATE: a TRUNCATE of these tables with response_scores must not truncate them again)
-- (no tally lock: a rebuild holding it waits for the TRUNCATE's lock on response_scores)
CREATE FUNCTION scoring_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM target_tallies;
  DELETE FROM tally_queue;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER response_scores_tally_insert AFTER INSERT ON response_scores
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scoring_tally_queue();
--> statement-breakpoint
CREATE TRIGGER response_scores_tally_update AFTER UPDATE ON response_scores
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scoring_tally_rebuild_touched();
--> statement-breakpoint
CREATE TRIGGER response_scores_tally_delete AFTER DELETE ON response_scores
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scoring_tally_rebuild_touched();
--> statement-breakpoint
CREATE TRIGGER response_scores_tally_truncate AFTER TRUNCATE ON response_scores
  FOR EACH STATEMENT EXECUTE FUNCTION scoring_tally_truncate();
--> statement-breakpoint
SELECT scoring_tally_rebuild();
