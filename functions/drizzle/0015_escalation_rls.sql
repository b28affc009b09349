-- Row-level security for the escalations table (issue #5), as 0005 does for the alarm tables:
-- enabled and forced, one tenant_isolation policy, privileges for plantwatch_app.
-- At start-up the local runtime must find the chains that were running when it stopped, before it
-- can open any tenant's transaction: like alarm_check_tenants (0013) that lookup goes through one
-- SECURITY DEFINER function owned by plantwatch_auth, returning tenant ids and execution names only.
GRANT SELECT, INSERT, UPDATE, DELETE ON escalations TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE escalations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE escalations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON escalations USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
GRANT SELECT ON escalations TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY escalation_resume ON escalations FOR SELECT TO plantwatch_auth USING (status = 'running');
--> statement-breakpoint
CREATE FUNCTION escalations_running()
  RETURNS TABLE (tenant_id uuid, execution_name text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT e.tenant_id, e.execution_name FROM escalations e WHERE e.status = 'running' ORDER BY e.started_at $$;
--> statement-breakpoint
ALTER FUNCTION escalations_running() OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION escalations_running() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION escalations_running() TO plantwatch_app;
