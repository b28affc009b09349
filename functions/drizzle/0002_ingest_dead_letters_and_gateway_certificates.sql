CREATE TABLE "gateway_certificates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"gateway_id" uuid NOT NULL,
	"serial" text NOT NULL,
	"fingerprint_sha256" text NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "gateway_certificates_serial_key" UNIQUE("serial"),
	CONSTRAINT "gateway_certificates_fingerprint_key" UNIQUE("fingerprint_sha256")
);
--> statement-breakpoint
CREATE TABLE "ingest_dead_letters" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"site_id" uuid,
	"gateway_id" uuid,
	"topic" text NOT NULL,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"payload" text NOT NULL,
	"payload_bytes" integer NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gateway_certificates" ADD CONSTRAINT "gateway_certificates_gateway_fk" FOREIGN KEY ("tenant_id","gateway_id") REFERENCES "public"."gateways"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingest_dead_letters" ADD CONSTRAINT "ingest_dead_letters_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ingest_dead_letters_tenant_received_idx" ON "ingest_dead_letters" USING btree ("tenant_id","received_at");