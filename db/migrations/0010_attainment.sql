CREATE TABLE "assessment_items" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "assessment_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"section_id" integer NOT NULL,
	"position" smallint NOT NULL,
	"code" text NOT NULL,
	"full_marks" double precision NOT NULL,
	"objective" text NOT NULL,
	"weight" double precision NOT NULL,
	CONSTRAINT "assessment_items_uq" UNIQUE("section_id","code"),
	CONSTRAINT "assessment_items_full_ck" CHECK ("assessment_items"."full_marks" > 0),
	CONSTRAINT "assessment_items_weight_ck" CHECK ("assessment_items"."weight" > 0 and "assessment_items"."weight" <= 1)
);
--> statement-breakpoint
CREATE TABLE "assessment_scores" (
	"item_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"score" double precision NOT NULL,
	CONSTRAINT "assessment_scores_item_id_person_id_pk" PRIMARY KEY("item_id","person_id"),
	CONSTRAINT "assessment_scores_ck" CHECK ("assessment_scores"."score" >= 0)
);
--> statement-breakpoint
CREATE TABLE "attainment_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "attainment_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"model_id" integer NOT NULL,
	"school_year" text NOT NULL,
	"params" jsonb NOT NULL,
	"result" jsonb NOT NULL,
	"computed_by" integer,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outcome_models" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outcome_models_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"programme_id" integer NOT NULL,
	"version" integer NOT NULL,
	"cohorts" smallint[] NOT NULL,
	"model" jsonb NOT NULL,
	"hash" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone NOT NULL,
	"approved_by" integer,
	"approved_at" timestamp with time zone,
	"approval_note" text,
	"retired_by" integer,
	"retired_at" timestamp with time zone,
	CONSTRAINT "outcome_models_version_uq" UNIQUE("programme_id","version"),
	CONSTRAINT "outcome_models_hash_uq" UNIQUE("programme_id","hash")
);
--> statement-breakpoint
CREATE TABLE "section_attainment_notes" (
	"section_id" integer PRIMARY KEY NOT NULL,
	"analysis" text DEFAULT '' NOT NULL,
	"measures" text DEFAULT '' NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assessment_items" ADD CONSTRAINT "assessment_items_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_scores" ADD CONSTRAINT "assessment_scores_item_id_assessment_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."assessment_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_scores" ADD CONSTRAINT "assessment_scores_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attainment_runs" ADD CONSTRAINT "attainment_runs_model_id_outcome_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."outcome_models"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attainment_runs" ADD CONSTRAINT "attainment_runs_computed_by_persons_id_fk" FOREIGN KEY ("computed_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_models" ADD CONSTRAINT "outcome_models_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_models" ADD CONSTRAINT "outcome_models_created_by_persons_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_models" ADD CONSTRAINT "outcome_models_approved_by_persons_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_models" ADD CONSTRAINT "outcome_models_retired_by_persons_id_fk" FOREIGN KEY ("retired_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "section_attainment_notes" ADD CONSTRAINT "section_attainment_notes_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "section_attainment_notes" ADD CONSTRAINT "section_attainment_notes_updated_by_persons_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attainment_runs_model_idx" ON "attainment_runs" USING btree ("model_id","school_year");