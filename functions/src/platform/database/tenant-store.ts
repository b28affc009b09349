// The config store's one rule: whatever a tenant owns is reached inside a transaction in which the
// database itself (row-level security, app.tenant_id) shows only that tenant's rows. Each capability
// names the repositories it needs (AlarmRepositories, PlantRepositories, …); composition builds the
// whole set once (compose/config-store.ts) and every use-case sees only the part it asked for.
import { type SQL, sql } from 'drizzle-orm';
import type { ConfigDb } from './database.ts';

/** `null` means every site; a list restricts site-scoped reads to those sites. */
export type SiteScope = readonly string[] | null;

export interface TenantStore<R> {
  /** Runs `work` in one transaction that sees and changes only `tenantId`'s rows. */
  inTenant<T>(tenantId: string, work: (repos: R) => Promise<T>): Promise<T>;
}

/** Makes the transaction the tenant's: row-level security reads app.tenant_id. */
export async function setTenant(tx: ConfigDb, tenantId: string): Promise<void> {
  // Transaction-local (third argument true): gone at COMMIT/ROLLBACK, so a pooled connection
  // never carries one tenant's context into the next transaction.
  await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
}

/** inTenant over a database: one transaction per call, the repositories built on it. */
export function tenantTransactions<R>(
  db: ConfigDb,
  repositories: (tx: ConfigDb, tenantId: string) => R,
): TenantStore<R>['inTenant'] {
  return (tenantId, work) =>
    db.transaction(async (tx) => {
      await setTenant(tx, tenantId);
      return work(repositories(tx, tenantId));
    });
}

/** Both drivers (PGlite, node-postgres) answer a raw query with `{ rows }`. */
export async function firstRow<T>(db: ConfigDb, query: SQL): Promise<T | undefined> {
  const result = (await db.execute(query)) as { rows: T[] };
  return result.rows[0];
}
