ALTER TYPE "public"."instrument_kind" ADD VALUE 'mid_term_feedback';--> statement-breakpoint
ALTER TYPE "public"."campaign_kind" ADD VALUE 'mid_term';