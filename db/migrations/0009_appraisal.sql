CREATE TABLE "appraisal_appeals" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "appraisal_appeals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"teacher_id" integer NOT NULL,
	"school_year" text NOT NULL,
	"version_id" integer NOT NULL,
	"stage" text NOT NULL,
	"parent_id" integer,
	"subject" text NOT NULL,
	"reason" text NOT NULL,
	"attachment_name" text,
	"attachment" "bytea",
	"status" text DEFAULT 'submitted' NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"reviewer_id" integer,
	"assigned_by" integer,
	"assigned_at" timestamp with time zone,
	"due_on" date,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"correction" jsonb,
	"result_version_id" integer
);
--> statement-breakpoint
CREATE TABLE "appraisal_exemptions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "appraisal_exemptions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"teacher_id" integer NOT NULL,
	"school_year" text NOT NULL,
	"kind" text NOT NULL,
	"note" text,
	"recorded_by" integer,
	"recorded_at" timestamp with time zone NOT NULL,
	"revoked_by" integer,
	"revoked_at" timestamp with time zone,
	"revoke_reason" text
);
--> statement-breakpoint
CREATE TABLE "appraisal_results" (
	"policy_id" integer NOT NULL,
	"run_id" integer NOT NULL,
	"school_year" text NOT NULL,
	"teacher_id" integer NOT NULL,
	"unit_id" integer,
	"score" double precision,
	"se" double precision,
	"ci_low" double precision,
	"ci_high" double precision,
	"band" text,
	"reason" text NOT NULL,
	"veto_code" text,
	"borderline" boolean NOT NULL,
	"annual_fail" boolean NOT NULL,
	"rank" integer,
	"rank_of" integer,
	"detail" jsonb NOT NULL,
	CONSTRAINT "appraisal_results_pk" PRIMARY KEY("policy_id","teacher_id")
);
--> statement-breakpoint
CREATE TABLE "appraisal_runs" (
	"policy_id" integer PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"school_year" text NOT NULL,
	"rules" jsonb NOT NULL,
	"quota" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "appraisal_version_rows" (
	"version_id" integer NOT NULL,
	"teacher_id" integer NOT NULL,
	"unit_id" integer,
	"score" double precision,
	"se" double precision,
	"ci_low" double precision,
	"ci_high" double precision,
	"band" text,
	"reason" text NOT NULL,
	"veto_code" text,
	"borderline" boolean NOT NULL,
	"annual_fail" boolean NOT NULL,
	"rank" integer,
	"rank_of" integer,
	"detail" jsonb NOT NULL,
	CONSTRAINT "appraisal_version_rows_pk" PRIMARY KEY("version_id","teacher_id")
);
--> statement-breakpoint
CREATE TABLE "appraisal_versions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "appraisal_versions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"school_year" text NOT NULL,
	"version" integer NOT NULL,
	"policy_id" integer NOT NULL,
	"run_id" integer,
	"status" text DEFAULT 'draft' NOT NULL,
	"reason" text,
	"rules" jsonb NOT NULL,
	"quota" jsonb NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone NOT NULL,
	"requested_by" integer,
	"requested_at" timestamp with time zone,
	"approved_by" integer,
	"approved_at" timestamp with time zone,
	"notice_from" date,
	"notice_until" date,
	"locked_by" integer,
	"locked_at" timestamp with time zone,
	"superseded_by" integer,
	CONSTRAINT "appraisal_versions_uq" UNIQUE("school_year","version")
);
--> statement-breakpoint
CREATE TABLE "appraisal_vetoes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "appraisal_vetoes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"teacher_id" integer NOT NULL,
	"school_year" text NOT NULL,
	"code" text NOT NULL,
	"reason" text NOT NULL,
	"document_no" text,
	"decided_on" date NOT NULL,
	"months" smallint NOT NULL,
	"recorded_by" integer,
	"recorded_at" timestamp with time zone NOT NULL,
	"revoked_by" integer,
	"revoked_at" timestamp with time zone,
	"revoke_reason" text,
	CONSTRAINT "appraisal_vetoes_months_ck" CHECK ("appraisal_vetoes"."months" between 1 and 240)
);
--> statement-breakpoint
CREATE TABLE "diagnosis_targets" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "diagnosis_targets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"teacher_id" integer NOT NULL,
	"school_year" text NOT NULL,
	"indicator" text NOT NULL,
	"current" double precision,
	"target" double precision NOT NULL,
	"causes" text,
	"measures" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "diagnosis_targets_uq" UNIQUE("teacher_id","school_year","indicator")
);
--> statement-breakpoint
CREATE TABLE "result_views" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "result_views_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"subject_id" integer NOT NULL,
	"viewer_id" integer,
	"viewer_role" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"what" text NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
ALTER TABLE "appraisal_appeals" ADD CONSTRAINT "appraisal_appeals_teacher_id_persons_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."persons"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_appeals" ADD CONSTRAINT "appraisal_appeals_version_id_appraisal_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."appraisal_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_appeals" ADD CONSTRAINT "appraisal_appeals_reviewer_id_persons_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_appeals" ADD CONSTRAINT "appraisal_appeals_assigned_by_persons_id_fk" FOREIGN KEY ("assigned_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_appeals" ADD CONSTRAINT "appraisal_appeals_decided_by_persons_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_exemptions" ADD CONSTRAINT "appraisal_exemptions_teacher_id_persons_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."persons"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_exemptions" ADD CONSTRAINT "appraisal_exemptions_recorded_by_persons_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_exemptions" ADD CONSTRAINT "appraisal_exemptions_revoked_by_persons_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_version_rows" ADD CONSTRAINT "appraisal_version_rows_version_id_appraisal_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."appraisal_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_versions" ADD CONSTRAINT "appraisal_versions_created_by_persons_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_versions" ADD CONSTRAINT "appraisal_versions_requested_by_persons_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_versions" ADD CONSTRAINT "appraisal_versions_approved_by_persons_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_versions" ADD CONSTRAINT "appraisal_versions_locked_by_persons_id_fk" FOREIGN KEY ("locked_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_vetoes" ADD CONSTRAINT "appraisal_vetoes_teacher_id_persons_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."persons"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_vetoes" ADD CONSTRAINT "appraisal_vetoes_recorded_by_persons_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appraisal_vetoes" ADD CONSTRAINT "appraisal_vetoes_revoked_by_persons_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "diagnosis_targets" ADD CONSTRAINT "diagnosis_targets_teacher_id_persons_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_views" ADD CONSTRAINT "result_views_subject_id_persons_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."persons"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_views" ADD CONSTRAINT "result_views_viewer_id_persons_id_fk" FOREIGN KEY ("viewer_id") REFERENCES "public"."persons"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "appraisal_appeals_open_uq" ON "appraisal_appeals" USING btree ("teacher_id","school_year") WHERE status in ('submitted', 'assigned');--> statement-breakpoint
CREATE INDEX "appraisal_appeals_year_idx" ON "appraisal_appeals" USING btree ("school_year","status");--> statement-breakpoint
CREATE UNIQUE INDEX "appraisal_exemptions_active_uq" ON "appraisal_exemptions" USING btree ("teacher_id","school_year") WHERE revoked_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "appraisal_versions_preparing_uq" ON "appraisal_versions" USING btree ("school_year") WHERE status in ('draft', 'pending');--> statement-breakpoint
CREATE UNIQUE INDEX "appraisal_versions_in_force_uq" ON "appraisal_versions" USING btree ("school_year") WHERE status in ('notice', 'locked');--> statement-breakpoint
CREATE UNIQUE INDEX "appraisal_vetoes_active_uq" ON "appraisal_vetoes" USING btree ("teacher_id","school_year") WHERE revoked_at is null;--> statement-breakpoint
CREATE INDEX "result_views_subject_idx" ON "result_views" USING btree ("subject_id","at");
--> statement-breakpoint
-- The view log and the rows of an appraisal version are written once: no update, no delete.
CREATE FUNCTION appraisal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001', HINT = 'append_only';
END $$;
--> statement-breakpoint
CREATE TRIGGER result_views_append_only BEFORE UPDATE OR DELETE ON result_views
  FOR EACH ROW EXECUTE FUNCTION appraisal_append_only();
--> statement-breakpoint
CREATE TRIGGER appraisal_version_rows_append_only BEFORE UPDATE OR DELETE ON appraisal_version_rows
  FOR EACH ROW EXECUTE FUNCTION appraisal_append_only();
