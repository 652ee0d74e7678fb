CREATE TABLE "improvement_attachments" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "improvement_attachments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"item_id" integer NOT NULL,
	"event_id" integer NOT NULL,
	"name" text NOT NULL,
	"mime" text NOT NULL,
	"size" integer NOT NULL,
	"content" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "improvement_events" DROP CONSTRAINT "improvement_events_item_id_improvement_items_id_fk";
--> statement-breakpoint
ALTER TABLE "improvement_events" DROP CONSTRAINT "improvement_events_actor_id_persons_id_fk";
--> statement-breakpoint
ALTER TABLE "improvement_items" ALTER COLUMN "unit_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "improvement_items" ALTER COLUMN "deadline" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "improvement_items" ALTER COLUMN "status" SET DEFAULT 'issued';--> statement-breakpoint
ALTER TABLE "improvement_events" ADD COLUMN "from_status" text;--> statement-breakpoint
ALTER TABLE "improvement_events" ADD COLUMN "to_status" text;--> statement-breakpoint
ALTER TABLE "improvement_events" ADD COLUMN "data" jsonb;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD COLUMN "course_id" integer;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD COLUMN "programme_id" integer;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD COLUMN "subject_person_id" integer;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD COLUMN "escalation" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD COLUMN "reopen_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD COLUMN "answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD COLUMN "public_summary" text;--> statement-breakpoint
ALTER TABLE "improvement_attachments" ADD CONSTRAINT "improvement_attachments_item_id_improvement_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."improvement_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "improvement_attachments" ADD CONSTRAINT "improvement_attachments_event_id_improvement_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."improvement_events"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "improvement_attachments_item_idx" ON "improvement_attachments" USING btree ("item_id");--> statement-breakpoint
ALTER TABLE "improvement_events" ADD CONSTRAINT "improvement_events_item_id_improvement_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."improvement_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "improvement_events" ADD CONSTRAINT "improvement_events_actor_id_persons_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."persons"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD CONSTRAINT "improvement_items_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD CONSTRAINT "improvement_items_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "improvement_items" ADD CONSTRAINT "improvement_items_subject_person_id_persons_id_fk" FOREIGN KEY ("subject_person_id") REFERENCES "public"."persons"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "improvement_events_item_idx" ON "improvement_events" USING btree ("item_id","at");--> statement-breakpoint
CREATE INDEX "improvement_items_status_deadline_idx" ON "improvement_items" USING btree ("status","deadline");--> statement-breakpoint
CREATE INDEX "improvement_items_created_idx" ON "improvement_items" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "improvement_items_course_idx" ON "improvement_items" USING btree ("course_id");--> statement-breakpoint
CREATE UNIQUE INDEX "improvement_items_open_dedupe_uq" ON "improvement_items" USING btree ("dedupe_key") WHERE dedupe_key is not null and status not in ('closed', 'cancelled');--> statement-breakpoint
-- Orders follow the transition table of server/improvement/states.ts: any other change of
-- status is refused here too; an order is never deleted; its events are append-only.
CREATE FUNCTION "improvement_items_status_forward"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
    (NEW.status = 'answered' AND OLD.status IN ('issued', 'reopened', 'continuing'))
    OR (NEW.status = 'verifying' AND OLD.status = 'answered')
    OR (NEW.status = 'closed' AND OLD.status = 'verifying')
    OR (NEW.status = 'continuing' AND OLD.status = 'verifying')
    OR (NEW.status = 'reopened' AND OLD.status IN ('answered', 'verifying'))
    OR (NEW.status = 'cancelled' AND OLD.status IN ('issued', 'answered', 'verifying', 'continuing', 'reopened'))) THEN
    RAISE EXCEPTION 'improvement order %: status % cannot become %', OLD.id, OLD.status, NEW.status;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "improvement_items_status_forward" BEFORE UPDATE OF "status" ON "improvement_items"
  FOR EACH ROW EXECUTE FUNCTION "improvement_items_status_forward"();--> statement-breakpoint
CREATE FUNCTION "improvement_never_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%: rows are never deleted', TG_TABLE_NAME;
END
$$;--> statement-breakpoint
CREATE TRIGGER "improvement_items_never_delete" BEFORE DELETE ON "improvement_items"
  FOR EACH ROW EXECUTE FUNCTION "improvement_never_delete"();--> statement-breakpoint
CREATE FUNCTION "improvement_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'improvement_events: events are append-only (% refused)', TG_OP;
END
$$;--> statement-breakpoint
CREATE TRIGGER "improvement_events_append_only" BEFORE UPDATE OR DELETE ON "improvement_events"
  FOR EACH ROW EXECUTE FUNCTION "improvement_events_append_only"();--> statement-breakpoint
CREATE TRIGGER "improvement_attachments_append_only" BEFORE UPDATE OR DELETE ON "improvement_attachments"
  FOR EACH ROW EXECUTE FUNCTION "improvement_events_append_only"();
