-- Plans and usage (issue 15). The catalogue belongs to no tenant: plantwatch_app may read it and
-- nothing more (operators change it as the owner login, docs/accounts.md). The default tiers follow
-- the tag-count tiers of the SyncTide product we measure against; the other limits are ours.
GRANT SELECT ON plans TO plantwatch_app;
--> statement-breakpoint
INSERT INTO plans (id, name, position, limits) VALUES
  ('starter', 'Starter', 1, '{"tags": 50, "gateways": 1, "users": 3, "reportDefinitions": 2, "smsPerMonth": 50, "voiceCallsPerMonth": 10, "pointsPerDay": 500000}'),
  ('standard', 'Standard', 2, '{"tags": 250, "gateways": 3, "users": 10, "reportDefinitions": 10, "smsPerMonth": 250, "voiceCallsPerMonth": 50, "pointsPerDay": 2500000}'),
  ('professional', 'Professional', 3, '{"tags": 500, "gateways": 5, "users": 25, "reportDefinitions": 25, "smsPerMonth": 500, "voiceCallsPerMonth": 100, "pointsPerDay": 5000000}'),
  ('enterprise', 'Enterprise', 4, '{"tags": 1000, "gateways": 10, "users": 50, "reportDefinitions": 50, "smsPerMonth": 1000, "voiceCallsPerMonth": 200, "pointsPerDay": 10000000}'),
  ('industrial', 'Industrial', 5, '{"tags": 2500, "gateways": 25, "users": 100, "reportDefinitions": 100, "smsPerMonth": 2500, "voiceCallsPerMonth": 500, "pointsPerDay": 25000000}'),
  ('unlimited', 'Unlimited', 6, '{"tags": null, "gateways": null, "users": null, "reportDefinitions": null, "smsPerMonth": null, "voiceCallsPerMonth": null, "pointsPerDay": null}')
ON CONFLICT (id) DO NOTHING;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_plans, usage_daily TO plantwatch_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_plans', 'usage_daily'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())',
      t);
  END LOOP;
END $$;
--> statement-breakpoint
-- The daily usage snapshot runs over every tenant: which tenants exist crosses tenants, so it goes
-- through one SECURITY DEFINER function returning tenant ids and nothing else (like housekeeping's).
GRANT SELECT ON tenants TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY usage_lookup ON tenants FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE FUNCTION usage_tenants()
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT id FROM tenants $$;
--> statement-breakpoint
ALTER FUNCTION usage_tenants() OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION usage_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION usage_tenants() TO plantwatch_app;
