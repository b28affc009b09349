CREATE TABLE "device_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"protocol" text NOT NULL,
	"tags" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "device_templates_tenant_name_key" UNIQUE("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "gateway_config_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"gateway_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"config" jsonb NOT NULL,
	"snapshot" jsonb NOT NULL,
	"message" text NOT NULL,
	"change" text NOT NULL,
	"changed_by" jsonb NOT NULL,
	"rollback_of" integer,
	"publish_state" text NOT NULL,
	"publish_attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gateway_config_versions_gateway_version_key" UNIQUE("gateway_id","version")
);
--> statement-breakpoint
ALTER TABLE "device_templates" ADD CONSTRAINT "device_templates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gateway_config_versions" ADD CONSTRAINT "gateway_config_versions_gateway_fk" FOREIGN KEY ("tenant_id","gateway_id") REFERENCES "public"."gateways"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gateway_config_versions_tenant_state_next_idx" ON "gateway_config_versions" USING btree ("tenant_id","publish_state","next_attempt_at");