ALTER TABLE "derived_tags" ADD COLUMN "period_seconds" integer;--> statement-breakpoint
ALTER TABLE "derived_tags" ADD COLUMN "stale_after_seconds" integer;--> statement-breakpoint
ALTER TABLE "derived_tags" ADD CONSTRAINT "derived_tags_period_seconds_range" CHECK ("derived_tags"."period_seconds" BETWEEN 1 AND 3600);--> statement-breakpoint
ALTER TABLE "derived_tags" ADD CONSTRAINT "derived_tags_stale_after_seconds_range" CHECK ("derived_tags"."stale_after_seconds" BETWEEN 1 AND 604800);