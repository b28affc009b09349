// What every tenant-owned table's repository repeats: change or remove one row by id, and for named
// tables (contacts, rotations, policies) list by name, get one, lock several. Each runs inside
// `inTenant`'s transaction, with the tenant_id filter beside row-level security like every query.
import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { ConfigDb } from './database.ts';
import type { SiteScope } from './tenant-store.ts';

/** A table's row as drizzle selects it. */
export type Row<T extends { $inferSelect: unknown }> = T['$inferSelect'];

export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** The row an INSERT … RETURNING gave back (always one). */
export function required<T>(row: T | undefined): T {
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return row;
}

/** Restricts a site-scoped read to the caller's sites: no condition for every site, none at all for no site. */
export function siteFilter(column: PgColumn, scope: SiteScope): SQL | undefined {
  if (scope === null) return undefined;
  if (scope.length === 0) return sql`false`;
  return inArray(column, [...scope]);
}

type TenantTable = PgTable & { id: PgColumn; tenantId: PgColumn };
type NamedTenantTable = TenantTable & { name: PgColumn };

/** The tenant's row `id` as a record, null when there is none. */
export async function getTenantRow<T extends TenantTable, R>(
  tx: ConfigDb,
  tenantId: string,
  table: T,
  id: string,
  toRecord: (row: T['$inferSelect']) => R,
): Promise<R | null> {
  // drizzle cannot infer a select from a generic table; the rows are the table's by construction.
  const [row] = (await tx
    .select()
    .from(table as PgTable)
    .where(and(eq(table.tenantId, tenantId), eq(table.id, id)))) as T['$inferSelect'][];
  return row ? toRecord(row) : null;
}

/** Deletes the tenant's row `id`: true when there was one. */
export async function removeTenantRow(
  tx: ConfigDb,
  tenantId: string,
  table: TenantTable,
  id: string,
): Promise<boolean> {
  const rows = await tx
    .delete(table)
    .where(and(eq(table.tenantId, tenantId), eq(table.id, id)))
    .returning({ id: table.id });
  return rows.length > 0;
}

/** Sets `values` (and updatedAt) on the tenant's row `id`: the changed record, null when there is none. */
export async function updateTenantRow<T extends TenantTable & { updatedAt: PgColumn }, R>(
  tx: ConfigDb,
  tenantId: string,
  table: T,
  id: string,
  values: Partial<T['$inferInsert']>,
  toRecord: (row: T['$inferSelect']) => R,
): Promise<R | null> {
  // drizzle cannot type a set or a returning row for a generic table; both are the table's own.
  const [row] = (await tx
    .update(table as PgTable)
    .set({ ...values, updatedAt: new Date() } as Record<string, unknown>)
    .where(and(eq(table.tenantId, tenantId), eq(table.id, id)))
    .returning()) as T['$inferSelect'][];
  return row ? toRecord(row) : null;
}

export interface NamedTenantRows<R> {
  /** By name, then id. */
  list(): Promise<R[]>;
  get(id: string): Promise<R | null>;
  /** The ones of `ids` that exist, share-locked until the transaction ends (so none can be removed). */
  lockExisting(ids: readonly string[]): Promise<R[]>;
  remove(id: string): Promise<boolean>;
}

export function namedTenantRows<T extends NamedTenantTable, R>(
  tx: ConfigDb,
  tenantId: string,
  table: T,
  toRecord: (row: T['$inferSelect']) => R,
): NamedTenantRows<R> {
  const ofTenant = eq(table.tenantId, tenantId);
  // drizzle cannot infer a select from a generic table; the rows are the table's by construction.
  const select = () => tx.select().from(table as PgTable);
  const records = (rows: unknown[]) => (rows as T['$inferSelect'][]).map(toRecord);
  return {
    async list() {
      return records(await select().where(ofTenant).orderBy(asc(table.name), asc(table.id)));
    },
    get: (id) => getTenantRow(tx, tenantId, table, id, toRecord),
    async lockExisting(ids) {
      if (ids.length === 0) return [];
      return records(
        await select()
          .where(and(ofTenant, inArray(table.id, [...new Set(ids)])))
          .for('share'),
      );
    },
    remove: (id) => removeTenantRow(tx, tenantId, table, id),
  };
}
