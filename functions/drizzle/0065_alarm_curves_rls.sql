-- Row-level security for operating-curve templates (ADR 0048), as for every tenant table: enabled and
-- forced, one tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON alarm_curves TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE alarm_curves ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE alarm_curves FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON alarm_curves
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
