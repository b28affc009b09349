-- Login rate limit counters (rate_limit_counters; ADR 0005, update of 2026-11-22). The table belongs
-- to no tenant: a login attempt is counted before anyone knows the tenant. So, like the credential
-- lookups of 0001, the application reaches it only through SECURITY DEFINER functions, and plantwatch_app
-- gets no right on the table itself. The functions belong to plantwatch_ratelimit, a role with rights on
-- this one table and nothing else (not plantwatch_auth, which reads credentials: a hole in one should not
-- widen the other). Row-level security with a policy for plantwatch_ratelimit alone keeps the table shut
-- to every other role even if a grant is added by mistake later.
-- Time comes from the caller (the functions' clock, the same one housekeeping's cutoffs use).
DO $$
BEGIN
  CREATE ROLE plantwatch_ratelimit NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  -- the migrating login must be able to hand the functions to plantwatch_ratelimit
  EXECUTE format('GRANT plantwatch_ratelimit TO %I', current_user);
EXCEPTION WHEN OTHERS THEN NULL; -- a superuser is a member of every role already
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO plantwatch_ratelimit;
--> statement-breakpoint
-- As for plantwatch_auth in 0001: needed to hand it the functions when migrating as a non-superuser.
GRANT CREATE ON SCHEMA public TO plantwatch_ratelimit;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit_counters TO plantwatch_ratelimit;
--> statement-breakpoint
ALTER TABLE rate_limit_counters ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rate_limit_counters FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY rate_limiting ON rate_limit_counters TO plantwatch_ratelimit USING (true) WITH CHECK (true);
--> statement-breakpoint
-- One attempt, atomically: the row is created, counted on, or restarted at 1 when its window has ended.
-- Two concurrent attempts on a new key meet at the primary key; the second becomes the update.
CREATE FUNCTION rate_limit_consume(p_limiter text, p_key_hash text, p_now timestamptz, p_window_seconds integer)
  RETURNS TABLE (attempts integer, window_ends timestamptz)
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ INSERT INTO rate_limit_counters AS c (limiter, key_hash, window_start, expires_at, count)
        VALUES (p_limiter, p_key_hash, p_now, p_now + p_window_seconds * interval '1 second', 1)
        ON CONFLICT (limiter, key_hash) DO UPDATE SET
          window_start = CASE WHEN c.expires_at <= p_now THEN excluded.window_start ELSE c.window_start END,
          expires_at = CASE WHEN c.expires_at <= p_now THEN excluded.expires_at ELSE c.expires_at END,
          count = CASE WHEN c.expires_at <= p_now THEN 1 ELSE c.count + 1 END
        RETURNING c.count, c.expires_at $$;
--> statement-breakpoint
CREATE FUNCTION rate_limit_peek(p_limiter text, p_key_hash text, p_now timestamptz)
  RETURNS TABLE (attempts integer, window_ends timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT count, expires_at FROM rate_limit_counters
        WHERE limiter = p_limiter AND key_hash = p_key_hash AND expires_at > p_now $$;
--> statement-breakpoint
CREATE FUNCTION rate_limit_reset(p_limiter text, p_key_hash text)
  RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ DELETE FROM rate_limit_counters WHERE limiter = p_limiter AND key_hash = p_key_hash $$;
--> statement-breakpoint
-- Housekeeping: windows that ended before p_before count nothing any more.
CREATE FUNCTION rate_limit_purge(p_before timestamptz)
  RETURNS integer
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ WITH gone AS (DELETE FROM rate_limit_counters WHERE expires_at <= p_before RETURNING 1)
        SELECT count(*)::integer FROM gone $$;
--> statement-breakpoint
DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['rate_limit_consume(text, text, timestamptz, integer)',
                           'rate_limit_peek(text, text, timestamptz)', 'rate_limit_reset(text, text)',
                           'rate_limit_purge(timestamptz)'] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO plantwatch_ratelimit', f);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO plantwatch_app', f);
  END LOOP;
END $$;
