CREATE TABLE "derived_tags" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"formula" text NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"inputs" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "derived_tags_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "derived_tags_site_key_key" UNIQUE("site_id","key")
);
--> statement-breakpoint
ALTER TABLE "derived_tags" ADD CONSTRAINT "derived_tags_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."sites"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "derived_tags_tenant_site_idx" ON "derived_tags" USING btree ("tenant_id","site_id");