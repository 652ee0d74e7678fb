CREATE TABLE "warning_rule_sets" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "warning_rule_sets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"series" text NOT NULL,
	"version" integer NOT NULL,
	"hash" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_by" integer,
	"approved_by" integer,
	"approved_at" timestamp with time zone,
	"approval_note" text,
	"retired_by" integer,
	"retired_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"rules" jsonb NOT NULL,
	CONSTRAINT "warning_rule_sets_version_uq" UNIQUE("series","version"),
	CONSTRAINT "warning_rule_sets_hash_uq" UNIQUE("series","hash")
);
--> statement-breakpoint
CREATE TABLE "warnings" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "warnings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"rule_key" text NOT NULL,
	"rule_set_id" integer NOT NULL,
	"kind" text NOT NULL,
	"subject_key" text NOT NULL,
	"school_year" text NOT NULL,
	"policy_id" integer NOT NULL,
	"term_id" integer,
	"unit_id" integer NOT NULL,
	"teacher_id" integer,
	"section_id" integer,
	"course_id" integer,
	"evidence" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"order_id" integer,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"note" text,
	"raised_at" timestamp with time zone NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "warnings_rule_subject_uq" UNIQUE("rule_key","subject_key"),
	CONSTRAINT "warnings_order_ck" CHECK (("warnings"."status" = 'converted') = ("warnings"."order_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "improvement_items" ADD COLUMN "figure" jsonb;--> statement-breakpoint
ALTER TABLE "warning_rule_sets" ADD CONSTRAINT "warning_rule_sets_created_by_persons_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_rule_sets" ADD CONSTRAINT "warning_rule_sets_approved_by_persons_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_rule_sets" ADD CONSTRAINT "warning_rule_sets_retired_by_persons_id_fk" FOREIGN KEY ("retired_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_rule_set_id_warning_rule_sets_id_fk" FOREIGN KEY ("rule_set_id") REFERENCES "public"."warning_rule_sets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_policy_id_scoring_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."scoring_policies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_teacher_id_persons_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."persons"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_order_id_improvement_items_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."improvement_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warnings" ADD CONSTRAINT "warnings_decided_by_persons_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "warnings_status_idx" ON "warnings" USING btree ("status","school_year");