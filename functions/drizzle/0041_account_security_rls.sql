-- Account security (issue 15): row-level security for the new tenant tables, the one cross-tenant
-- lookup of a single-use account token, and the credential lookups brought up to date.
GRANT SELECT, INSERT, UPDATE, DELETE ON account_tokens, trusted_devices, tenant_security_policies TO plantwatch_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['account_tokens', 'trusted_devices', 'tenant_security_policies'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())',
      t);
  END LOOP;
END $$;
--> statement-breakpoint
-- An e-mailed link (verification, password reset) or a login challenge names no tenant: finding which
-- tenant it belongs to goes through this function, which returns that and nothing else (ADR 0005).
GRANT SELECT ON account_tokens, tenant_security_policies TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY auth_lookup ON account_tokens FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE POLICY auth_lookup ON tenant_security_policies FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE FUNCTION auth_account_token_by_hash(p_token_hash text)
  RETURNS TABLE (token_id uuid, tenant_id uuid, user_id uuid, purpose text, expires_at timestamptz,
                 used_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT id, tenant_id, user_id, purpose, expires_at, used_at FROM account_tokens
        WHERE token_hash = p_token_hash $$;
--> statement-breakpoint
-- Invitations may now name an address registered in another tenant: a login finds the one account
-- (active, or pending verification) and never an invitation.
CREATE OR REPLACE FUNCTION auth_credentials_by_email(p_email text)
  RETURNS TABLE (user_id uuid, tenant_id uuid, password_hash text, status text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT id, tenant_id, password_hash, status FROM users
        WHERE email = p_email AND status IN ('active', 'pending') $$;
--> statement-breakpoint
-- Sessions now have an idle end besides the absolute one, and say when they were last used.
DROP FUNCTION auth_session_by_token_hash(text);
--> statement-breakpoint
CREATE FUNCTION auth_session_by_token_hash(p_token_hash text)
  RETURNS TABLE (session_id uuid, tenant_id uuid, user_id uuid, expires_at timestamptz,
                 role text, site_ids uuid[], user_status text, idle_expires_at timestamptz,
                 last_used_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT s.id, s.tenant_id, s.user_id, s.expires_at, u.role, u.site_ids, u.status,
               s.idle_expires_at, s.last_used_at
        FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
        WHERE s.token_hash = p_token_hash $$;
--> statement-breakpoint
DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['auth_account_token_by_hash(text)', 'auth_session_by_token_hash(text)'] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO plantwatch_auth', f);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO plantwatch_app', f);
  END LOOP;
END $$;
