CREATE TABLE "comment_decisions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "comment_decisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"comment_id" uuid NOT NULL,
	"actor_id" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"decision" text NOT NULL,
	"text" text
);
--> statement-breakpoint
CREATE TABLE "comment_words" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "comment_words_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"word" text NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "comment_words_word_unique" UNIQUE("word")
);
--> statement-breakpoint
CREATE TABLE "student_comments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"campaign_id" integer NOT NULL,
	"target_id" integer NOT NULL,
	"rater_group" "rater_group" NOT NULL,
	"question" text NOT NULL,
	"original" text NOT NULL,
	"edited" text,
	"decision" text DEFAULT 'pending' NOT NULL,
	"marks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"mark_kinds" text[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "comment_decisions" ADD CONSTRAINT "comment_decisions_comment_id_student_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."student_comments"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_decisions" ADD CONSTRAINT "comment_decisions_actor_id_persons_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."persons"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_words" ADD CONSTRAINT "comment_words_created_by_persons_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_comments" ADD CONSTRAINT "student_comments_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_comments" ADD CONSTRAINT "student_comments_target_id_campaign_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."campaign_targets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comment_decisions_comment_idx" ON "comment_decisions" USING btree ("comment_id");--> statement-breakpoint
CREATE INDEX "student_comments_campaign_idx" ON "student_comments" USING btree ("campaign_id","decision");--> statement-breakpoint
CREATE INDEX "student_comments_target_idx" ON "student_comments" USING btree ("target_id");--> statement-breakpoint
-- Hand-written: the decision log is append-only, and what the student wrote never changes.
CREATE TRIGGER comment_decisions_append_only BEFORE UPDATE OR DELETE ON comment_decisions
  FOR EACH ROW EXECUTE FUNCTION appraisal_append_only();
--> statement-breakpoint
CREATE FUNCTION student_comments_original_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.original IS DISTINCT FROM OLD.original OR NEW.target_id IS DISTINCT FROM OLD.target_id
     OR NEW.campaign_id IS DISTINCT FROM OLD.campaign_id OR NEW.question IS DISTINCT FROM OLD.question THEN
    RAISE EXCEPTION 'a comment''s original text is kept as written' USING ERRCODE = 'P0001', HINT = 'original_kept';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER student_comments_original_kept BEFORE UPDATE ON student_comments
  FOR EACH ROW EXECUTE FUNCTION student_comments_original_kept();
