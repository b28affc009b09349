-- Row-level security for the commands sent through gateways and their answers' parts (issue 13), as
-- for every tenant table: enabled and forced, one tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON gateway_commands TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE gateway_commands ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE gateway_commands FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON gateway_commands USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON gateway_command_parts TO plantwatch_app;
--> statement-breakpoint
ALTER TABLE gateway_command_parts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE gateway_command_parts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON gateway_command_parts USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
