CREATE TABLE "report_definitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"owner_user_id" uuid,
	"owner_site_ids" uuid[],
	"created_by" jsonb NOT NULL,
	"scope" jsonb NOT NULL,
	"scope_site_ids" uuid[] NOT NULL,
	"settings" jsonb NOT NULL,
	"time_zone" text NOT NULL,
	"enabled" boolean NOT NULL,
	"last_slot_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_definitions_tenant_id_id_key" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "report_downloads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"issued_to" text NOT NULL,
	"client_ip" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" jsonb NOT NULL,
	"slot_at" timestamp with time zone,
	"period_from" timestamp with time zone NOT NULL,
	"period_to" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"files" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"delivery" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "report_runs_tenant_id_id_key" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "report_definitions" ADD CONSTRAINT "report_definitions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_downloads" ADD CONSTRAINT "report_downloads_run_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "public"."report_runs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_runs" ADD CONSTRAINT "report_runs_report_fk" FOREIGN KEY ("tenant_id","report_id") REFERENCES "public"."report_definitions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_definitions_enabled_idx" ON "report_definitions" USING btree ("enabled");--> statement-breakpoint
CREATE INDEX "report_downloads_tenant_run_idx" ON "report_downloads" USING btree ("tenant_id","run_id");--> statement-breakpoint
CREATE INDEX "report_runs_tenant_report_created_idx" ON "report_runs" USING btree ("tenant_id","report_id","created_at");