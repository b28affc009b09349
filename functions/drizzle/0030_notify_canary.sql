ALTER TABLE "notification_ack_tokens" ALTER COLUMN "alarm_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "notification_ack_tokens" ADD COLUMN "canary_run_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "canary_run_id" uuid;