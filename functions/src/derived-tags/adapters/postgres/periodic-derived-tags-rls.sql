-- ADR 0051: derived tags with an evaluation period are computed on a timer, which must first find the
-- tenants that have any. Like alarm_check_tenants() (0013) that lookup crosses tenants, so it goes only
-- through one SECURITY DEFINER function owned by plantwatch_auth that returns tenant ids and nothing
-- else; the timer then reads each tenant's derived tags under row-level security as usual.
GRANT SELECT ON derived_tags TO plantwatch_auth;
--> statement-breakpoint
CREATE POLICY periodic_lookup ON derived_tags FOR SELECT TO plantwatch_auth USING (true);
--> statement-breakpoint
CREATE FUNCTION periodic_derived_tag_tenants()
  RETURNS TABLE (tenant_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT d.tenant_id FROM derived_tags d WHERE d.period_seconds IS NOT NULL $$;
--> statement-breakpoint
ALTER FUNCTION periodic_derived_tag_tenants() OWNER TO plantwatch_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION periodic_derived_tag_tenants() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION periodic_derived_tag_tenants() TO plantwatch_app;
