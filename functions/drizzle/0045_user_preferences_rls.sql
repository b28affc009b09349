-- Row-level security for user preferences, as for home layouts: enabled and forced, one
-- tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON user_preferences TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE user_preferences ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE user_preferences FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON user_preferences
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
