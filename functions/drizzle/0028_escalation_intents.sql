CREATE TABLE "escalation_intents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"seq" bigserial NOT NULL,
	"kind" text NOT NULL,
	"rule_id" uuid NOT NULL,
	"alarm_id" uuid NOT NULL,
	"alarm_event_id" uuid NOT NULL,
	"policy_id" uuid,
	"reason" text,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "escalation_intents" ADD CONSTRAINT "escalation_intents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "escalation_intents_tenant_state_next_idx" ON "escalation_intents" USING btree ("tenant_id","state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "escalation_intents_tenant_alarm_seq_idx" ON "escalation_intents" USING btree ("tenant_id","alarm_id","seq");--> statement-breakpoint
CREATE INDEX "escalation_intents_tenant_rule_created_idx" ON "escalation_intents" USING btree ("tenant_id","rule_id","created_at");