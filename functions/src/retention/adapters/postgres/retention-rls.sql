-- Row-level security for the retention tables, as for every tenant table: enabled and forced, one
-- tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON retention_settings TO plantwatch_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON retention_runs TO plantwatch_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON retention_deletions TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE retention_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE retention_settings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON retention_settings
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
ALTER TABLE retention_runs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE retention_runs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON retention_runs
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
ALTER TABLE retention_deletions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE retention_deletions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON retention_deletions
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
