// The reads and the delete every named, tenant-owned table repeats (contacts, rotations, policies):
// list by name, get one, lock several, remove one. Each runs inside `inTenant`'s transaction, with the
// tenant_id filter beside row-level security like every other query.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { ConfigDb } from './database.ts';

type NamedTenantTable = PgTable & { id: PgColumn; tenantId: PgColumn; name: PgColumn };

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
    async get(id) {
      const [row] = records(await select().where(and(ofTenant, eq(table.id, id))));
      return row ?? null;
    },
    async lockExisting(ids) {
      if (ids.length === 0) return [];
      return records(
        await select()
          .where(and(ofTenant, inArray(table.id, [...new Set(ids)])))
          .for('share'),
      );
    },
    async remove(id) {
      const rows = await tx
        .delete(table)
        .where(and(ofTenant, eq(table.id, id)))
        .returning({ id: table.id });
      return rows.length > 0;
    },
  };
}
