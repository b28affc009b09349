CREATE TABLE "gateway_health" (
	"gateway_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"online" boolean,
	"since" timestamp with time zone,
	"last_status_at" timestamp with time zone,
	"last_data_at" timestamp with time zone,
	"gateway_version" text,
	"applied_version" integer,
	"rejected" jsonb,
	"buffer" jsonb,
	"devices" jsonb,
	"status_ts" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "gateway_health" ADD CONSTRAINT "gateway_health_gateway_fk" FOREIGN KEY ("tenant_id","gateway_id") REFERENCES "public"."gateways"("tenant_id","id") ON DELETE cascade ON UPDATE no action;