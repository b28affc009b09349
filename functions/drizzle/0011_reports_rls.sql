-- Row-level security for the report tables (issue #7), as 0005 does for the alarm tables: enabled
-- and forced, one tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON report_definitions, report_runs, report_downloads TO plantwatch_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['report_definitions', 'report_runs', 'report_downloads'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())',
      t);
  END LOOP;
END $$;
--> statement-breakpoint
-- The scheduler must find enabled reports across tenants before it can enter one. Like the auth
-- lookups of 0001, one SECURITY DEFINER function owned by plantwatch_auth answers exactly that
-- (ids, schedule, zone, last slot) and nothing else; every other read goes through a tenant.
GRANT SELECT ON report_definitions TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY scheduler_lookup ON report_definitions FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE FUNCTION reports_enabled_schedules()
  RETURNS TABLE (tenant_id uuid, report_id uuid, schedule jsonb, time_zone text, last_slot_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT tenant_id, id, settings -> 'schedule', time_zone, last_slot_at
        FROM report_definitions WHERE enabled ORDER BY tenant_id, id $$;
--> statement-breakpoint
ALTER FUNCTION reports_enabled_schedules() OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reports_enabled_schedules() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reports_enabled_schedules() TO plantwatch_app;
