-- Row-level security for the escalation intents (issue "Alarm delivery"), as for every tenant table:
-- enabled and forced, one tenant_isolation policy, privileges for plantwatch_app.
-- The re-drive (the periodic check) must find which tenants have intents due before it can open any
-- tenant's transaction, and the health check counts intents pending or failed across tenants: like
-- alarm_check_tenants (0013) both go through SECURITY DEFINER functions owned by plantwatch_auth that
-- return tenant ids or counts, nothing else.
GRANT SELECT, INSERT, UPDATE, DELETE ON escalation_intents TO plantwatch_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE escalation_intents_seq_seq TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE escalation_intents ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE escalation_intents FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON escalation_intents USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
GRANT SELECT ON escalation_intents TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY escalation_redrive ON escalation_intents FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE FUNCTION escalation_intents_due()
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT i.tenant_id FROM escalation_intents i
        WHERE i.state = 'pending' AND i.next_attempt_at <= now() $$;
--> statement-breakpoint
ALTER FUNCTION escalation_intents_due() OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION escalation_intents_due() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION escalation_intents_due() TO plantwatch_app;
--> statement-breakpoint
CREATE FUNCTION escalation_intents_summary()
  RETURNS TABLE (pending bigint, failed bigint, oldest_pending timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT count(*) FILTER (WHERE i.state = 'pending'),
               count(*) FILTER (WHERE i.state = 'failed'),
               min(i.created_at) FILTER (WHERE i.state = 'pending')
        FROM escalation_intents i $$;
--> statement-breakpoint
ALTER FUNCTION escalation_intents_summary() OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION escalation_intents_summary() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION escalation_intents_summary() TO plantwatch_app;
