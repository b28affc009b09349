-- Row-level security for the tenant canary (issue 12), as for every tenant table: enabled and forced,
-- one tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_canaries, canary_runs TO plantwatch_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_canaries', 'canary_runs'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())',
      t);
  END LOOP;
END $$;
--> statement-breakpoint
-- The periodic check must find the tenants with canary work (a slot due, a page to send or retry, a
-- deadline passed) before it can enter one: like escalation_intents_due (0029), one SECURITY DEFINER
-- function owned by plantwatch_auth answers exactly that (tenant ids) and nothing else.
GRANT SELECT ON tenant_canaries, canary_runs TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY canary_schedule ON tenant_canaries FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE POLICY canary_schedule ON canary_runs FOR SELECT TO plantwatch_auth USING (status IN ('pending', 'sent'));
--> statement-breakpoint
CREATE FUNCTION tenant_canary_work(due_at timestamptz)
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT c.tenant_id FROM tenant_canaries c WHERE c.enabled AND c.next_due_at <= due_at
        UNION
        SELECT r.tenant_id FROM canary_runs r
        WHERE r.status IN ('pending', 'sent')
          AND (r.due_by <= due_at OR (r.status = 'pending' AND r.next_attempt_at <= due_at)) $$;
--> statement-breakpoint
ALTER FUNCTION tenant_canary_work(timestamptz) OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tenant_canary_work(timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tenant_canary_work(timestamptz) TO plantwatch_app;
