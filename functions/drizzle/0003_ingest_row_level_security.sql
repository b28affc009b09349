-- Row-level security for the ingest tables (issue #4), as 0001 does for the others: enabled and
-- forced, one tenant_isolation policy, privileges for plantwatch_app.
--
-- The MQTT broker learns which gateway is connecting from its client certificate, before it knows
-- the tenant: that lookup crosses tenants, so, like the credential lookups of 0001, it goes only
-- through one SECURITY DEFINER function owned by plantwatch_auth, which may read just these rows.
GRANT SELECT, INSERT, UPDATE, DELETE ON ingest_dead_letters, gateway_certificates TO plantwatch_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ingest_dead_letters', 'gateway_certificates'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())',
      t);
  END LOOP;
END $$;
--> statement-breakpoint
GRANT SELECT ON gateway_certificates, gateways TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY auth_lookup ON gateway_certificates FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE POLICY auth_lookup ON gateways FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE FUNCTION auth_gateway_by_certificate(p_fingerprint text)
  RETURNS TABLE (tenant_id uuid, site_id uuid, gateway_id uuid, not_after timestamptz, revoked_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT c.tenant_id, g.site_id, c.gateway_id, c.not_after, c.revoked_at
        FROM gateway_certificates c JOIN gateways g ON g.tenant_id = c.tenant_id AND g.id = c.gateway_id
        WHERE c.fingerprint_sha256 = p_fingerprint $$;
--> statement-breakpoint
ALTER FUNCTION auth_gateway_by_certificate(text) OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION auth_gateway_by_certificate(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION auth_gateway_by_certificate(text) TO plantwatch_app;
