CREATE TABLE "escalations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"execution_name" text NOT NULL,
	"alarm_event_id" uuid NOT NULL,
	"alarm_id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"status" text NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"level" integer,
	"last_notified_at" timestamp with time zone,
	"reason" text,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "escalations_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "escalations_tenant_execution_name_key" UNIQUE("tenant_id","execution_name")
);
--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "escalations_tenant_alarm_status_idx" ON "escalations" USING btree ("tenant_id","alarm_id","status");