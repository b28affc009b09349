-- Row-level security for the gateways' health (issue 13), as for every tenant table: enabled and
-- forced, one tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON gateway_health TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE gateway_health ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE gateway_health FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON gateway_health USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
