-- Row-level security for the flood windows and Telegram link codes (issue 12), as 0007 does for the
-- notification tables: enabled and forced, one tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON notification_flood_windows, telegram_link_codes TO plantwatch_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['notification_flood_windows', 'telegram_link_codes'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())',
      t);
  END LOOP;
END $$;
--> statement-breakpoint
-- The digest flush must find the tenants with held pages whose flood window has closed before it can
-- enter one: like escalations_running (0015), one SECURITY DEFINER function owned by plantwatch_auth
-- answers exactly that (tenant ids) and nothing else.
GRANT SELECT ON notifications TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY digest_flush ON notifications FOR SELECT TO plantwatch_auth USING (status = 'held');
--> statement-breakpoint
CREATE FUNCTION notifications_held_due(due_at timestamptz)
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT n.tenant_id FROM notifications n WHERE n.status = 'held' AND n.flush_at <= due_at $$;
--> statement-breakpoint
ALTER FUNCTION notifications_held_due(timestamptz) OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION notifications_held_due(timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION notifications_held_due(timestamptz) TO plantwatch_app;
