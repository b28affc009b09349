-- Row-level security for the gateways' config versions and the device templates (issue 13), as for
-- every tenant table: enabled and forced, one tenant_isolation policy, privileges for plantwatch_app.
-- The re-drive of config publishes must find which tenants have versions due before it can open any
-- tenant's transaction, and the health check counts what is pending: like escalation_intents_due
-- (0029) both go through SECURITY DEFINER functions owned by plantwatch_auth that return tenant ids
-- or counts, nothing else.
GRANT SELECT, INSERT, UPDATE, DELETE ON gateway_config_versions TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE gateway_config_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE gateway_config_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON gateway_config_versions USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON device_templates TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE device_templates ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE device_templates FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON device_templates USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
GRANT SELECT ON gateway_config_versions TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY config_publish_redrive ON gateway_config_versions FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE FUNCTION config_publishes_due()
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT v.tenant_id FROM gateway_config_versions v
        WHERE v.publish_state = 'pending' AND v.next_attempt_at <= now() $$;
--> statement-breakpoint
ALTER FUNCTION config_publishes_due() OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION config_publishes_due() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION config_publishes_due() TO plantwatch_app;
--> statement-breakpoint
CREATE FUNCTION config_publish_summary()
  RETURNS TABLE (pending bigint, oldest_pending timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT count(*), min(v.created_at) FROM gateway_config_versions v
        WHERE v.publish_state = 'pending' $$;
--> statement-breakpoint
ALTER FUNCTION config_publish_summary() OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION config_publish_summary() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION config_publish_summary() TO plantwatch_app;
