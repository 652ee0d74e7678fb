ALTER TABLE "instrument_versions" ALTER COLUMN "definition" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "instrument_versions" ADD COLUMN "hash" text NOT NULL;--> statement-breakpoint
ALTER TABLE "instrument_versions" ADD COLUMN "retired_by" integer;--> statement-breakpoint
ALTER TABLE "instrument_versions" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "instrument_versions" ADD CONSTRAINT "instrument_versions_retired_by_persons_id_fk" FOREIGN KEY ("retired_by") REFERENCES "public"."persons"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instrument_versions" ADD CONSTRAINT "instrument_versions_hash_uq" UNIQUE("instrument_id","hash");--> statement-breakpoint
-- Hand-written: a version's content never changes after creation, an approval is
-- recorded once, and a retired version stays retired. Only status and the approval and
-- retirement columns may be set (and person references nulled when a person is deleted).
CREATE FUNCTION "instrument_versions_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.instrument_id IS DISTINCT FROM OLD.instrument_id OR NEW.version IS DISTINCT FROM OLD.version
    OR NEW.definition::text IS DISTINCT FROM OLD.definition::text OR NEW.indicators IS DISTINCT FROM OLD.indicators
    OR NEW.hash IS DISTINCT FROM OLD.hash OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'instrument_versions %: a version never changes; make a new version', OLD.id;
  END IF;
  IF OLD.approved_at IS NOT NULL AND (NEW.approved_at IS DISTINCT FROM OLD.approved_at
    OR NEW.approval_note IS DISTINCT FROM OLD.approval_note) THEN
    RAISE EXCEPTION 'instrument_versions %: the approval is recorded once', OLD.id;
  END IF;
  IF OLD.status = 'retired' AND NEW.status <> 'retired' THEN
    RAISE EXCEPTION 'instrument_versions %: a retired version stays retired', OLD.id;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "instrument_versions_immutable" BEFORE UPDATE ON "instrument_versions"
  FOR EACH ROW EXECUTE FUNCTION "instrument_versions_immutable"();
