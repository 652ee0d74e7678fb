CREATE TABLE "campaign_reminders" (
	"campaign_id" integer NOT NULL,
	"days_before" smallint NOT NULL,
	"sent_on" date NOT NULL,
	"recipients" integer NOT NULL,
	CONSTRAINT "campaign_reminders_campaign_id_days_before_pk" PRIMARY KEY("campaign_id","days_before")
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "kind" text DEFAULT 'notice' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "campaign_id" integer;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "reminder_days" smallint[] DEFAULT '{3}'::smallint[] NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "observers_named_to_teacher" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "nonce" text NOT NULL;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "token_issued_on" date;--> statement-breakpoint
ALTER TABLE "campaign_reminders" ADD CONSTRAINT "campaign_reminders_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_alumnus_uq" UNIQUE("target_id","alumnus_id");--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_contact_uq" UNIQUE("target_id","contact_id");