-- Housekeeping (expired sessions and acknowledgement links, report runs that never finished) must
-- find which tenants have anything to clean before it can open any tenant's transaction: that lookup
-- crosses tenants. Like the alarm check's (0013) it goes only through one SECURITY DEFINER function
-- owned by plantwatch_auth that returns tenant ids and nothing else; the deletes and updates then run
-- in each tenant's own transaction under row-level security as usual.
GRANT SELECT ON notification_ack_tokens, report_runs TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY housekeeping ON notification_ack_tokens FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE POLICY housekeeping ON report_runs FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
-- sessions: plantwatch_auth reads them already (auth_lookup, 0001).
CREATE FUNCTION housekeeping_tenants(p_expired_before timestamptz, p_stuck_before timestamptz)
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT s.tenant_id FROM sessions s WHERE s.expires_at < p_expired_before
        UNION
        SELECT t.tenant_id FROM notification_ack_tokens t
        WHERE t.expires_at < p_expired_before OR t.used_at < p_expired_before
        UNION
        SELECT r.tenant_id FROM report_runs r
        WHERE (r.status = 'running' AND coalesce(r.started_at, r.created_at) < p_stuck_before)
           OR (r.status = 'queued' AND r.created_at < p_stuck_before) $$;
--> statement-breakpoint
ALTER FUNCTION housekeeping_tenants(timestamptz, timestamptz) OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION housekeeping_tenants(timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION housekeeping_tenants(timestamptz, timestamptz) TO plantwatch_app;
