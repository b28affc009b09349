-- The periodic alarm check (issue #5) must find which tenants have alarms that time alone can change
-- (communication-loss rules, on/off delays, shelvings that expire) before it can open any tenant's
-- transaction: that lookup crosses tenants. Like the credential lookups of 0001 and 0003 it goes only
-- through one SECURITY DEFINER function owned by plantwatch_auth, and it returns tenant ids, nothing
-- else; the check then reads and writes each tenant's alarms under row-level security as usual.
GRANT SELECT ON alarm_rules, alarm_states TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY alarm_check ON alarm_rules FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE POLICY alarm_check ON alarm_states FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE FUNCTION alarm_check_tenants()
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT r.tenant_id FROM alarm_rules r
        WHERE coalesce((r.settings->>'enabled')::boolean, true)
          AND (r.kind = 'commLoss'
               OR coalesce((r.settings->>'onDelayMs')::bigint, 0) > 0
               OR coalesce((r.settings->>'offDelayMs')::bigint, 0) > 0)
        UNION
        SELECT s.tenant_id FROM alarm_states s
        WHERE jsonb_path_exists(s.state, '$.alarms.*.shelvedUntil ? (@ != null)') $$;
--> statement-breakpoint
ALTER FUNCTION alarm_check_tenants() OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION alarm_check_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION alarm_check_tenants() TO plantwatch_app;
