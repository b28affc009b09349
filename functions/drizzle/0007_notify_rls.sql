-- Row-level security for the notification tables (issue #5), as 0005 does for the alarm tables:
-- enabled and forced, one tenant_isolation policy, privileges for plantwatch_app.
GRANT SELECT, INSERT, UPDATE, DELETE ON notifications, notification_ack_tokens, notification_settings TO plantwatch_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['notifications', 'notification_ack_tokens', 'notification_settings'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())',
      t);
  END LOOP;
END $$;
