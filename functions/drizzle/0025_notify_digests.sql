CREATE TABLE "notification_flood_windows" (
	"tenant_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"alarm_id" uuid NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_flood_windows_tenant_id_contact_id_site_id_pk" PRIMARY KEY("tenant_id","contact_id","site_id")
);
--> statement-breakpoint
CREATE TABLE "telegram_link_codes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "telegram_link_codes_tenant_hash_key" UNIQUE("tenant_id","code_hash")
);
--> statement-breakpoint
ALTER TABLE "notification_ack_tokens" ADD COLUMN "alarm_ids" uuid[];--> statement-breakpoint
ALTER TABLE "notification_settings" ADD COLUMN "twilio_whatsapp_from_number" text;--> statement-breakpoint
ALTER TABLE "notification_settings" ADD COLUMN "flood_window_seconds" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "notification_settings" ADD COLUMN "telegram_bot_username" text;--> statement-breakpoint
ALTER TABLE "notification_settings" ADD COLUMN "telegram_webhook_error" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "alarm_ids" uuid[];--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "purpose" text DEFAULT 'page' NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "site_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "flush_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "digest_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "summary" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "fallbacks" jsonb;--> statement-breakpoint
ALTER TABLE "notification_flood_windows" ADD CONSTRAINT "notification_flood_windows_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telegram_link_codes" ADD CONSTRAINT "telegram_link_codes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_tenant_flush_idx" ON "notifications" USING btree ("tenant_id","flush_at");--> statement-breakpoint
CREATE INDEX "notifications_tenant_provider_message_idx" ON "notifications" USING btree ("tenant_id","provider","provider_message_id");