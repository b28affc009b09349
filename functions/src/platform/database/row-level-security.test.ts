// Row-level security on every tenant-owned table, found in the catalog rather than in a hand-kept
// list: any table with a tenant_id column must have RLS enabled and forced, and the tenant_isolation
// policy that limits every command, reads and writes, to the current tenant's rows; no other policy
// may open its rows to the application role. A new table without them fails here.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configDatabaseTargets } from '../testing/config-databases.ts';
import { APP_ROLE, type ConfigDatabase } from './database.ts';

const isolation = '(tenant_id = app_current_tenant())';

interface Policy {
  name: string;
  command: string;
  permissive: boolean;
  roles: string[];
  using: string | null;
  check: string | null;
}

interface TenantTable {
  name: string;
  enabled: boolean;
  forced: boolean;
  policies: Policy[];
}

/** Every ordinary or partitioned table outside the system schemas (pg_*, information_schema) with a tenant_id column. */
async function tenantTables(database: ConfigDatabase): Promise<TenantTable[]> {
  const result = (await database.db.execute(sql`
    SELECT n.nspname || '.' || c.relname AS name,
           c.relrowsecurity AS enabled,
           c.relforcerowsecurity AS forced,
           coalesce((
             SELECT json_agg(json_build_object(
                      'name', p.polname,
                      'command', p.polcmd,
                      'permissive', p.polpermissive,
                      'roles', (SELECT coalesce(array_agg(CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END), '{}')
                                FROM unnest(p.polroles) AS r),
                      'using', pg_get_expr(p.polqual, p.polrelid),
                      'check', pg_get_expr(p.polwithcheck, p.polrelid)) ORDER BY p.polname)
             FROM pg_policy p WHERE p.polrelid = c.oid), '[]') AS policies
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND n.nspname <> 'information_schema'
      AND n.nspname !~ '^pg_'
      AND EXISTS (SELECT 1 FROM pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
    ORDER BY 1`)) as { rows: TenantTable[] };
  return result.rows;
}

/** For every command and every role, only the current tenant's rows, read or written. */
function isolatesTenants(policy: Policy): boolean {
  // without a WITH CHECK of its own, a policy checks written rows with its USING expression
  return (
    policy.command === '*' &&
    policy.permissive &&
    policy.roles.includes('public') &&
    policy.using === isolation &&
    (policy.check ?? policy.using) === isolation
  );
}

/** What is missing on each tenant-owned table, one line per problem, naming the table. */
async function unprotected(database: ConfigDatabase): Promise<string[]> {
  const problems: string[] = [];
  for (const table of await tenantTables(database)) {
    if (!table.enabled) problems.push(`${table.name}: row-level security is not enabled`);
    if (!table.forced) problems.push(`${table.name}: row-level security is not forced on the owner`);
    const tenantIsolation = table.policies.find((policy) => policy.name === 'tenant_isolation');
    if (!tenantIsolation || !isolatesTenants(tenantIsolation)) {
      problems.push(`${table.name}: no tenant_isolation policy ${isolation} for every command and role`);
    }
    for (const policy of table.policies) {
      if (policy === tenantIsolation || !policy.permissive) continue;
      const opened = policy.roles.filter((role) => role === 'public' || role === APP_ROLE);
      if (opened.length > 0)
        problems.push(`${table.name}: policy ${policy.name} also opens rows to ${opened.join(', ')}`);
    }
  }
  return problems;
}

/** Runs DDL as the database's owner login: the handle itself runs as the application role. */
async function asOwner(database: ConfigDatabase, statement: string): Promise<void> {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql.raw('SET LOCAL ROLE NONE'));
    await tx.execute(sql.raw(statement));
  });
}

describe.each(configDatabaseTargets)('row-level security on $name', (target) => {
  let database: ConfigDatabase;

  beforeAll(async () => {
    database = await target.open();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('is enabled, forced and isolating on every table that has a tenant_id column', async () => {
    const tables = (await tenantTables(database)).map((table) => table.name);
    // the catalog query finds the tenant-owned tables of every capability (not an empty list)
    expect(tables).toEqual(
      expect.arrayContaining([
        'public.sites',
        'public.alarm_events',
        'public.notifications',
        'public.report_runs',
      ]),
    );
    expect(await unprotected(database)).toEqual([]);
  });

  it('names a table with a tenant_id column until it has row-level security and its policy', async () => {
    const table = `rls_probe_${randomBytes(4).toString('hex')}`;
    await asOwner(database, `CREATE TABLE ${table} (id uuid PRIMARY KEY, tenant_id uuid NOT NULL)`);
    try {
      expect(await unprotected(database)).toEqual([
        `public.${table}: row-level security is not enabled`,
        `public.${table}: row-level security is not forced on the owner`,
        `public.${table}: no tenant_isolation policy ${isolation} for every command and role`,
      ]);

      await asOwner(database, `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY`);
      await asOwner(database, `CREATE POLICY tenant_isolation ON ${table} USING (true)`);
      expect(await unprotected(database)).toEqual([
        `public.${table}: no tenant_isolation policy ${isolation} for every command and role`,
      ]);

      await asOwner(
        database,
        `ALTER POLICY tenant_isolation ON ${table} USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())`,
      );
      await asOwner(database, `CREATE POLICY reporting ON ${table} FOR SELECT TO ${APP_ROLE} USING (true)`);
      expect(await unprotected(database)).toEqual([
        `public.${table}: policy reporting also opens rows to ${APP_ROLE}`,
      ]);

      await asOwner(database, `DROP POLICY reporting ON ${table}`);
      expect(await unprotected(database)).toEqual([]);
    } finally {
      await asOwner(database, `DROP TABLE IF EXISTS ${table}`);
    }
  });
});
