CREATE TABLE "gateway_command_parts" (
	"command_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"part" integer NOT NULL,
	"parts" integer NOT NULL,
	"chunk" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "gateway_command_parts_pkey" PRIMARY KEY("command_id","part")
);
--> statement-breakpoint
CREATE TABLE "gateway_commands" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"gateway_id" uuid NOT NULL,
	"device_id" uuid,
	"kind" text NOT NULL,
	"params" jsonb NOT NULL,
	"requested_by" jsonb NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"answered_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "gateway_commands_tenant_id_id_key" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "gateway_command_parts" ADD CONSTRAINT "gateway_command_parts_command_fk" FOREIGN KEY ("tenant_id","command_id") REFERENCES "public"."gateway_commands"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gateway_commands" ADD CONSTRAINT "gateway_commands_gateway_fk" FOREIGN KEY ("tenant_id","gateway_id") REFERENCES "public"."gateways"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gateway_commands_tenant_gateway_requested_idx" ON "gateway_commands" USING btree ("tenant_id","gateway_id","requested_at");