CREATE TABLE "asset_escalation_policies" (
	"tenant_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"escalation_policy_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "asset_escalation_policies_pkey" PRIMARY KEY("tenant_id","asset_id")
);
--> statement-breakpoint
CREATE TABLE "user_asset_scopes" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_asset_scopes_pkey" PRIMARY KEY("tenant_id","user_id","asset_id")
);
--> statement-breakpoint
CREATE TABLE "user_contacts" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_contacts_pkey" PRIMARY KEY("tenant_id","user_id"),
	CONSTRAINT "user_contacts_contact_key" UNIQUE("tenant_id","contact_id")
);
--> statement-breakpoint
ALTER TABLE "asset_escalation_policies" ADD CONSTRAINT "asset_escalation_policies_asset_fk" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."assets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_escalation_policies" ADD CONSTRAINT "asset_escalation_policies_policy_fk" FOREIGN KEY ("tenant_id","escalation_policy_id") REFERENCES "public"."escalation_policies"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_asset_scopes" ADD CONSTRAINT "user_asset_scopes_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_asset_scopes" ADD CONSTRAINT "user_asset_scopes_asset_fk" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."assets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_contacts" ADD CONSTRAINT "user_contacts_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_contacts" ADD CONSTRAINT "user_contacts_contact_fk" FOREIGN KEY ("tenant_id","contact_id") REFERENCES "public"."contacts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "asset_escalation_policies_policy_idx" ON "asset_escalation_policies" USING btree ("tenant_id","escalation_policy_id");--> statement-breakpoint
CREATE INDEX "user_asset_scopes_asset_idx" ON "user_asset_scopes" USING btree ("tenant_id","asset_id");