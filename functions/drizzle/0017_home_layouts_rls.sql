-- Row-level security for home layouts (issue #6), as 0005 does for the alarm tables: enabled and
-- forced, one tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON home_layouts TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE home_layouts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE home_layouts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON home_layouts
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
