ALTER TABLE "diagnosis_targets" DROP CONSTRAINT "diagnosis_targets_uq";--> statement-breakpoint
ALTER TABLE "diagnosis_targets" ADD COLUMN "term_id" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "diagnosis_targets" ADD COLUMN "rater_group" "rater_group" NOT NULL;--> statement-breakpoint
ALTER TABLE "diagnosis_targets" ADD COLUMN "instrument" text NOT NULL;--> statement-breakpoint
ALTER TABLE "diagnosis_targets" ADD COLUMN "norm" double precision;--> statement-breakpoint
ALTER TABLE "diagnosis_targets" ADD CONSTRAINT "diagnosis_targets_term_id_terms_id_fk" FOREIGN KEY ("term_id") REFERENCES "public"."terms"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "diagnosis_targets" ADD CONSTRAINT "diagnosis_targets_term_uq" UNIQUE("teacher_id","term_id","rater_group","instrument","indicator");