CREATE TABLE "campaign_cohorts" (
	"campaign_id" integer NOT NULL,
	"graduation_year" smallint NOT NULL,
	"offset_years" numeric(3, 1) NOT NULL,
	CONSTRAINT "campaign_cohorts_campaign_id_graduation_year_pk" PRIMARY KEY("campaign_id","graduation_year")
);
--> statement-breakpoint
CREATE TABLE "campaign_employers" (
	"campaign_id" integer NOT NULL,
	"employer_id" integer NOT NULL,
	CONSTRAINT "campaign_employers_campaign_id_employer_id_pk" PRIMARY KEY("campaign_id","employer_id")
);
--> statement-breakpoint
CREATE TABLE "campaign_exclusions" (
	"campaign_id" integer NOT NULL,
	"section_id" integer NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "campaign_exclusions_campaign_id_section_id_pk" PRIMARY KEY("campaign_id","section_id")
);
--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "generation_options" jsonb;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "generated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "opened_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaign_cohorts" ADD CONSTRAINT "campaign_cohorts_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_employers" ADD CONSTRAINT "campaign_employers_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_employers" ADD CONSTRAINT "campaign_employers_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_exclusions" ADD CONSTRAINT "campaign_exclusions_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_exclusions" ADD CONSTRAINT "campaign_exclusions_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_targets_section_idx" ON "campaign_targets" USING btree ("section_id");--> statement-breakpoint
CREATE INDEX "campaigns_term_idx" ON "campaigns" USING btree ("term_id");--> statement-breakpoint
CREATE INDEX "observation_assignments_observer_idx" ON "observation_assignments" USING btree ("observer_id");--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_window_ck" CHECK ("campaigns"."opens_at" < "campaigns"."closes_at");--> statement-breakpoint
-- Hand-written: a campaign keeps the instrument versions it was opened with. Once its
-- state is no longer draft, its campaign_instruments rows cannot be added, changed or
-- removed (a cascade from deleting the campaign itself finds no campaign and passes).
CREATE FUNCTION "campaign_instruments_frozen"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  st text;
BEGIN
  SELECT state INTO st FROM campaigns WHERE id = COALESCE(NEW.campaign_id, OLD.campaign_id);
  IF st IS NOT NULL AND st <> 'draft' THEN
    RAISE EXCEPTION 'campaign %: instrument versions are fixed once the campaign has opened', COALESCE(NEW.campaign_id, OLD.campaign_id);
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.campaign_id IS DISTINCT FROM OLD.campaign_id THEN
    SELECT state INTO st FROM campaigns WHERE id = OLD.campaign_id;
    IF st IS NOT NULL AND st <> 'draft' THEN
      RAISE EXCEPTION 'campaign %: instrument versions are fixed once the campaign has opened', OLD.campaign_id;
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "campaign_instruments_frozen" BEFORE INSERT OR UPDATE OR DELETE ON "campaign_instruments"
  FOR EACH ROW EXECUTE FUNCTION "campaign_instruments_frozen"();--> statement-breakpoint
-- Hand-written: a campaign's state only moves forward (draft → open → closed → published).
CREATE FUNCTION "campaigns_state_forward"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IS DISTINCT FROM OLD.state AND NOT (
    (OLD.state = 'draft' AND NEW.state = 'open') OR (OLD.state = 'open' AND NEW.state = 'closed')
    OR (OLD.state = 'closed' AND NEW.state = 'published')) THEN
    RAISE EXCEPTION 'campaign %: state % cannot become %', OLD.id, OLD.state, NEW.state;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "campaigns_state_forward" BEFORE UPDATE OF "state" ON "campaigns"
  FOR EACH ROW EXECUTE FUNCTION "campaigns_state_forward"();
