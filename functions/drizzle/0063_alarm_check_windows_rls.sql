-- ADR 0045: the periodic alarm check also visits tenants whose rules change with time alone in the
-- two new ways: a limit level with its own on- or off-delay, and totalizer and counter rules (their
-- sliding window empties with time, so a total or a count falls back under its threshold without
-- any new sample). Same function, same owner and grants; only the rule filter grows.
CREATE OR REPLACE FUNCTION alarm_check_tenants()
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT r.tenant_id FROM alarm_rules r
        WHERE coalesce((r.settings->>'enabled')::boolean, true)
          AND (r.kind IN ('commLoss', 'totalizer', 'counter')
               OR coalesce((r.settings->>'onDelayMs')::bigint, 0) > 0
               OR coalesce((r.settings->>'offDelayMs')::bigint, 0) > 0
               OR jsonb_path_exists(r.settings, '$.levels[*] ? (@.onDelayMs > 0 || @.offDelayMs > 0)'))
        UNION
        SELECT s.tenant_id FROM alarm_states s
        WHERE jsonb_path_exists(s.state, '$.alarms.*.shelvedUntil ? (@ != null)') $$;
