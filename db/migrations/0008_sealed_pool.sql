CREATE TABLE "sealed_submissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" integer NOT NULL,
	"sealed" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "spent_tokens" (
	"hash" text PRIMARY KEY NOT NULL,
	"target_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "token_transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"ciphertext" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sealed_submissions" ADD CONSTRAINT "sealed_submissions_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spent_tokens" ADD CONSTRAINT "spent_tokens_target_id_campaign_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."campaign_targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "token_transfers" ADD CONSTRAINT "token_transfers_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sealed_submissions_campaign_idx" ON "sealed_submissions" USING btree ("campaign_id");--> statement-breakpoint
CREATE INDEX "spent_tokens_target_idx" ON "spent_tokens" USING btree ("target_id");--> statement-breakpoint
CREATE INDEX "token_transfers_person_idx" ON "token_transfers" USING btree ("person_id");--> statement-breakpoint
-- Tokens already spent in campaigns still open stay spent: a retry after the upgrade is a duplicate.
INSERT INTO "spent_tokens" ("hash", "target_id")
SELECT r."spent_token_hash", r."target_id" FROM "responses" r
  JOIN "campaign_targets" t ON t."id" = r."target_id" JOIN "campaigns" c ON c."id" = t."campaign_id"
WHERE c."state" = 'open' AND r."rater_group" IN ('student', 'alumni', 'employer')
ON CONFLICT DO NOTHING;
