-- Row-level security: the database enforces tenant isolation a second time, behind the
-- tenant_id filter every query already carries. See docs/decisions/0004-row-level-security.md.
--
-- plantwatch_app  the role the application runs as (SET ROLE at connect); subject to every policy.
-- plantwatch_auth owns the few SECURITY DEFINER lookups that find which tenant a credential
--                 belongs to; it may read users, sessions and api_keys rows and nothing else.
-- The tenant of a transaction is set with set_config('app.tenant_id', id, true): transaction-local,
-- so it can never leak to the next transaction on a pooled connection.
DO $$
BEGIN
  CREATE ROLE plantwatch_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  CREATE ROLE plantwatch_auth NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  -- the migrating login must be able to SET ROLE plantwatch_app and hand functions to plantwatch_auth
  EXECUTE format('GRANT plantwatch_app TO %I', current_user);
  EXECUTE format('GRANT plantwatch_auth TO %I', current_user);
EXCEPTION WHEN OTHERS THEN NULL; -- a superuser is a member of every role already
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO plantwatch_app, plantwatch_auth;
--> statement-breakpoint
-- Since PostgreSQL 15 a function can be handed to a role only if that role may create in its
-- schema; a managed database's master user (Aurora) is no superuser, so say so explicitly.
GRANT CREATE ON SCHEMA public TO plantwatch_auth;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, users, sessions, api_keys, sites, gateways, devices, tags TO plantwatch_app;
--> statement-breakpoint
GRANT SELECT ON users, sessions, api_keys TO plantwatch_auth;
--> statement-breakpoint
CREATE FUNCTION app_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenants USING (id = app_current_tenant()) WITH CHECK (id = app_current_tenant());
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'sessions', 'api_keys', 'sites', 'gateways', 'devices', 'tags'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())',
      t);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE POLICY auth_lookup ON users FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE POLICY auth_lookup ON sessions FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE POLICY auth_lookup ON api_keys FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE FUNCTION auth_credentials_by_email(p_email text)
  RETURNS TABLE (user_id uuid, tenant_id uuid, password_hash text, status text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT id, tenant_id, password_hash, status FROM users WHERE email = p_email $$;
--> statement-breakpoint
-- Returns what authorisation needs about the user too (role, sites, status), so a request is
-- authenticated with one round trip.
CREATE FUNCTION auth_session_by_token_hash(p_token_hash text)
  RETURNS TABLE (session_id uuid, tenant_id uuid, user_id uuid, expires_at timestamptz,
                 role text, site_ids uuid[], user_status text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT s.id, s.tenant_id, s.user_id, s.expires_at, u.role, u.site_ids, u.status
        FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
        WHERE s.token_hash = p_token_hash $$;
--> statement-breakpoint
CREATE FUNCTION auth_api_key_by_hash(p_key_hash text)
  RETURNS TABLE (api_key_id uuid, tenant_id uuid, role text, revoked_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT id, tenant_id, role, revoked_at FROM api_keys WHERE key_hash = p_key_hash $$;
--> statement-breakpoint
CREATE FUNCTION auth_invite_by_token_hash(p_token_hash text)
  RETURNS TABLE (user_id uuid, tenant_id uuid, expires_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT id, tenant_id, invite_expires_at FROM users WHERE invite_token_hash = p_token_hash AND status = 'invited' $$;
--> statement-breakpoint
DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['auth_credentials_by_email(text)', 'auth_session_by_token_hash(text)',
                           'auth_api_key_by_hash(text)', 'auth_invite_by_token_hash(text)'] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO plantwatch_auth', f);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO plantwatch_app', f);
  END LOOP;
END $$;
