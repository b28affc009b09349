-- Row-level security for the tenant's logo (issue #7), as 0005 does for the alarm tables: enabled
-- and forced, one tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_logos TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE tenant_logos ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenant_logos FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenant_logos
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
