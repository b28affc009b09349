CREATE TABLE "asset_alarm_rules" (
	"tenant_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"measurement" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "asset_alarm_rules_pkey" PRIMARY KEY("tenant_id","rule_id")
);
--> statement-breakpoint
CREATE TABLE "asset_measurements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"tag_id" uuid,
	CONSTRAINT "asset_measurements_asset_name_key" UNIQUE("asset_id","name")
);
--> statement-breakpoint
CREATE TABLE "asset_models" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"level" text DEFAULT '' NOT NULL,
	"measurements" jsonb NOT NULL,
	"alarm_rules" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "asset_models_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "asset_models_tenant_name_key" UNIQUE("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "assets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"parent_id" uuid,
	"asset_model_id" uuid,
	"name" text NOT NULL,
	"level" text DEFAULT '' NOT NULL,
	"make" text DEFAULT '' NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"serial" text DEFAULT '' NOT NULL,
	"install_date" date,
	"documents" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assets_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "assets_site_parent_name_key" UNIQUE NULLS NOT DISTINCT("site_id","parent_id","name")
);
--> statement-breakpoint
ALTER TABLE "asset_alarm_rules" ADD CONSTRAINT "asset_alarm_rules_rule_fk" FOREIGN KEY ("tenant_id","rule_id") REFERENCES "public"."alarm_rules"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_alarm_rules" ADD CONSTRAINT "asset_alarm_rules_asset_fk" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."assets"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_measurements" ADD CONSTRAINT "asset_measurements_asset_fk" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."assets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_models" ADD CONSTRAINT "asset_models_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "public"."assets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "asset_alarm_rules_asset_idx" ON "asset_alarm_rules" USING btree ("tenant_id","asset_id");--> statement-breakpoint
CREATE INDEX "asset_measurements_tenant_tag_idx" ON "asset_measurements" USING btree ("tenant_id","tag_id");--> statement-breakpoint
CREATE INDEX "assets_tenant_site_idx" ON "assets" USING btree ("tenant_id","site_id");