CREATE TABLE "canary_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"slot_at" timestamp with time zone NOT NULL,
	"trigger" text NOT NULL,
	"contact_id" uuid NOT NULL,
	"contact_name" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"channel" text,
	"recipient" text,
	"notification_id" uuid,
	"sent_at" timestamp with time zone,
	"due_by" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"acknowledged_via" text,
	"missed_reason" text,
	"admin_notice" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "canary_runs_tenant_slot_key" UNIQUE("tenant_id","trigger","slot_at")
);
--> statement-breakpoint
CREATE TABLE "tenant_canaries" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"enabled" boolean NOT NULL,
	"contact_id" uuid NOT NULL,
	"at" text NOT NULL,
	"days" smallint[] NOT NULL,
	"time_zone" text NOT NULL,
	"ack_within_minutes" integer NOT NULL,
	"notify_admins" boolean NOT NULL,
	"last_slot_at" timestamp with time zone NOT NULL,
	"next_due_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "canary_runs" ADD CONSTRAINT "canary_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_canaries" ADD CONSTRAINT "tenant_canaries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "canary_runs_tenant_created_idx" ON "canary_runs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "canary_runs_status_due_idx" ON "canary_runs" USING btree ("status","due_by");