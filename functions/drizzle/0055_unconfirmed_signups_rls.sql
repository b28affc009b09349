-- Sign-ups never confirmed (issue 15): housekeeping removes a pending owner a week after the sign-up,
-- once no verification link of theirs is still valid, and the tenant with them when nobody else is in
-- it. Finding which tenants have one crosses tenants: like housekeeping_tenants (0018) it goes through
-- one SECURITY DEFINER function owned by plantwatch_auth (which reads users and account_tokens
-- already: 0001, 0041) that returns tenant ids and nothing else; the deletes run in each tenant's own
-- transaction under row-level security.
CREATE FUNCTION housekeeping_unconfirmed_signup_tenants(p_created_before timestamptz, p_now timestamptz)
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT u.tenant_id FROM users u
        WHERE u.status = 'pending' AND u.created_at < p_created_before
          AND NOT EXISTS (SELECT 1 FROM account_tokens t
                          WHERE t.tenant_id = u.tenant_id AND t.user_id = u.id
                            AND t.purpose = 'verify-email' AND t.used_at IS NULL
                            AND t.expires_at > p_now) $$;
--> statement-breakpoint
ALTER FUNCTION housekeeping_unconfirmed_signup_tenants(timestamptz, timestamptz) OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION housekeeping_unconfirmed_signup_tenants(timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION housekeeping_unconfirmed_signup_tenants(timestamptz, timestamptz) TO plantwatch_app;
