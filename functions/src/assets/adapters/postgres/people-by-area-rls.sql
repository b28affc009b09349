-- Row-level security for people and paging by area (ADR 0042), as for every tenant table: enabled
-- and forced, one tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON asset_escalation_policies, user_asset_scopes, user_contacts TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE asset_escalation_policies ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE asset_escalation_policies FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON asset_escalation_policies
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
ALTER TABLE user_asset_scopes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE user_asset_scopes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON user_asset_scopes
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
ALTER TABLE user_contacts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE user_contacts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON user_contacts
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
