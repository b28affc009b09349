ALTER TABLE "devices" ADD COLUMN "heartbeat_ms" integer DEFAULT 60000 NOT NULL;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "template_id" uuid;--> statement-breakpoint
ALTER TABLE "gateways" ADD COLUMN "buffer_policy" jsonb;