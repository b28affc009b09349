-- Row-level security for HTTP push device keys, as for every tenant table: enabled and forced, one
-- tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON device_keys TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE device_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE device_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON device_keys
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
