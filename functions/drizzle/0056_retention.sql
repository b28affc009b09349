CREATE TABLE "retention_deletions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"ran_at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"older_than" timestamp with time zone NOT NULL,
	"deleted" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_runs" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"last_applied_on" date NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"raw_points_days" integer NOT NULL,
	"rollups_minute_days" integer NOT NULL,
	"rollups_hour_days" integer NOT NULL,
	"alarm_journal_days" integer NOT NULL,
	"message_log_days" integer NOT NULL,
	"report_files_days" integer NOT NULL,
	"dead_letters_days" integer NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "retention_deletions" ADD CONSTRAINT "retention_deletions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_runs" ADD CONSTRAINT "retention_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_settings" ADD CONSTRAINT "retention_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "retention_deletions_tenant_ran_idx" ON "retention_deletions" USING btree ("tenant_id","ran_at");