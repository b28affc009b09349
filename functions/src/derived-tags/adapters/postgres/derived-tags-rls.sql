-- Row-level security for derived tags, as for every tenant table: enabled and forced, one
-- tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON derived_tags TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE derived_tags ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE derived_tags FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON derived_tags
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
