CREATE TABLE "imported_eligible" (
	"target_id" integer NOT NULL,
	"rater_group" "rater_group" NOT NULL,
	"eligible" integer NOT NULL,
	CONSTRAINT "imported_eligible_uq" UNIQUE("target_id","rater_group"),
	CONSTRAINT "imported_eligible_ck" CHECK ("imported_eligible"."eligible" >= 0)
);
--> statement-breakpoint
CREATE TABLE "reliability_results" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "reliability_results_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"policy_id" integer NOT NULL,
	"run_id" integer NOT NULL,
	"term_id" integer,
	"campaign_id" integer,
	"version_id" integer NOT NULL,
	"unit_id" integer,
	"rater_group" "rater_group" NOT NULL,
	"stats" json NOT NULL
);
--> statement-breakpoint
CREATE TABLE "response_scores" (
	"response_id" uuid,
	"observation_id" integer,
	"target_id" integer NOT NULL,
	"rater_group" "rater_group" NOT NULL,
	"version_id" integer NOT NULL,
	"total" double precision,
	"indicators" double precision[] NOT NULL,
	"options" smallint[] NOT NULL,
	"straight_lining" boolean NOT NULL,
	"all_lowest" boolean NOT NULL,
	CONSTRAINT "response_scores_response_id_unique" UNIQUE("response_id"),
	CONSTRAINT "response_scores_observation_id_unique" UNIQUE("observation_id"),
	CONSTRAINT "response_scores_source_ck" CHECK (num_nonnulls("response_scores"."response_id", "response_scores"."observation_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "scoring_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "scoring_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"policy_id" integer NOT NULL,
	"school_year" text NOT NULL,
	"trigger" text NOT NULL,
	"fingerprint" text NOT NULL,
	"responses" integer NOT NULL,
	"targets" integer NOT NULL,
	"summary" jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"actor_id" integer
);
--> statement-breakpoint
ALTER TABLE "target_results" DROP CONSTRAINT "target_results_uq";--> statement-breakpoint
ALTER TABLE "target_results" DROP CONSTRAINT "target_results_target_id_campaign_targets_id_fk";
--> statement-breakpoint
ALTER TABLE "target_results" DROP CONSTRAINT "target_results_policy_id_scoring_policies_id_fk";
--> statement-breakpoint
ALTER TABLE "teacher_composites" ALTER COLUMN "composite" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "source" text DEFAULT 'platform' NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "scoring_policies" ADD COLUMN "hash" text NOT NULL;--> statement-breakpoint
ALTER TABLE "scoring_policies" ADD COLUMN "created_by" integer;--> statement-breakpoint
ALTER TABLE "scoring_policies" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "scoring_policies" ADD COLUMN "retired_by" integer;--> statement-breakpoint
ALTER TABLE "scoring_policies" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "run_id" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "version_id" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "reported" boolean NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "n" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "eligible" integer;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "response_rate" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "mean" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "trimmed_mean" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "median" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "sd" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "se" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "ci_low" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "ci_high" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_n" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_eligible" integer;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_response_rate" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_mean" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_trimmed_mean" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_median" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_sd" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_se" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_ci_low" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_ci_high" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "unscored" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "straight_lining" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "all_lowest" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "excluded" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "cap_exceeded" boolean NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "eligible_below_n" boolean NOT NULL;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "reliability" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "eb_score" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "norm_z" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "norm_t" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "norm_percentile" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "norm_rank" integer;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "norm_of" integer;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "norm_mean" double precision;--> statement-breakpoint
ALTER TABLE "target_results" ADD COLUMN "counts" integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "teacher_composites" ADD COLUMN "run_id" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "teacher_composites" ADD COLUMN "score" double precision;--> statement-breakpoint
ALTER TABLE "imported_eligible" ADD CONSTRAINT "imported_eligible_target_id_campaign_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."campaign_targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reliability_results" ADD CONSTRAINT "reliability_results_policy_id_scoring_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."scoring_policies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reliability_results" ADD CONSTRAINT "reliability_results_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reliability_results" ADD CONSTRAINT "reliability_results_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reliability_results" ADD CONSTRAINT "reliability_results_version_id_instrument_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."instrument_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reliability_results" ADD CONSTRAINT "reliability_results_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_scores" ADD CONSTRAINT "response_scores_response_id_responses_id_fk" FOREIGN KEY ("response_id") REFERENCES "public"."responses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_scores" ADD CONSTRAINT "response_scores_observation_id_observation_records_id_fk" FOREIGN KEY ("observation_id") REFERENCES "public"."observation_records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_scores" ADD CONSTRAINT "response_scores_target_id_campaign_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."campaign_targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "response_scores" ADD CONSTRAINT "response_scores_version_id_instrument_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."instrument_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_runs" ADD CONSTRAINT "scoring_runs_policy_id_scoring_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."scoring_policies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_runs" ADD CONSTRAINT "scoring_runs_actor_id_persons_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reliability_results_policy_idx" ON "reliability_results" USING btree ("policy_id");--> statement-breakpoint
CREATE INDEX "response_scores_target_total_idx" ON "response_scores" USING btree ("target_id","rater_group","total","straight_lining","all_lowest");--> statement-breakpoint
CREATE INDEX "scoring_runs_policy_idx" ON "scoring_runs" USING btree ("policy_id");--> statement-breakpoint
ALTER TABLE "scoring_policies" ADD CONSTRAINT "scoring_policies_created_by_persons_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_policies" ADD CONSTRAINT "scoring_policies_retired_by_persons_id_fk" FOREIGN KEY ("retired_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "target_results_target_idx" ON "target_results" USING btree ("target_id");--> statement-breakpoint
ALTER TABLE "target_results" DROP COLUMN "stats";--> statement-breakpoint
ALTER TABLE "target_results" DROP COLUMN "computed_at";--> statement-breakpoint
ALTER TABLE "teacher_composites" DROP COLUMN "computed_at";--> statement-breakpoint
ALTER TABLE "scoring_policies" ADD CONSTRAINT "scoring_policies_hash_uq" UNIQUE("school_year","hash");--> statement-breakpoint
ALTER TABLE "target_results" ADD CONSTRAINT "target_results_uq" UNIQUE("policy_id","target_id","rater_group");--> statement-breakpoint
ALTER TABLE "teacher_composites" ADD CONSTRAINT "teacher_composites_uq" UNIQUE NULLS NOT DISTINCT("policy_id","teacher_id","term_id");