-- Row-level security for the asset hierarchy, as for every tenant table: enabled and forced, one
-- tenant_isolation policy, privileges for plantwatch_app. And a measurement's reference to its tag by
-- (tenant_id, tag_id), so it can only name a tag of its own tenant, with ON DELETE SET NULL (tag_id):
-- deleting a tag unbinds the measurement and keeps it (drizzle's schema cannot say "of tag_id only").
GRANT SELECT, INSERT, UPDATE, DELETE ON asset_models, assets, asset_measurements, asset_alarm_rules TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE asset_models ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE asset_models FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON asset_models
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
ALTER TABLE assets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE assets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON assets
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
ALTER TABLE asset_measurements ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE asset_measurements FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON asset_measurements
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
ALTER TABLE asset_alarm_rules ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE asset_alarm_rules FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON asset_alarm_rules
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
ALTER TABLE asset_measurements ADD CONSTRAINT asset_measurements_tag_fk
  FOREIGN KEY (tenant_id, tag_id) REFERENCES tags (tenant_id, id) ON DELETE SET NULL (tag_id);
