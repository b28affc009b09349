// The config store's shared schema pieces (PostgreSQL dialect; PGlite locally, Aurora PostgreSQL on
// AWS): the tenants table every tenant-owned table hangs from, and the column helpers each capability's
// schema file (functions/src/<capability>/adapters/postgres/schema.ts) builds its tables with.
// Every tenant-owned table carries tenant_id, and children reference parents by (tenant_id, id), so
// even a raw insert cannot attach a row to another tenant's parent. Row-level security policies live
// in the hand-written migrations (drizzle/*_rls.sql).
import { type AnyPgColumn, foreignKey, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The created_at and updated_at columns every area's tables share. */
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull(),
  createdAt: createdAt(),
});

/** tenant_id of a row that hangs directly from its tenant (deleted with it). */
export const tenantOwnerColumn = () =>
  uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });

/** tenant_id of a child row: its parent is referenced by (tenant_id, id) with tenantForeignKey. */
export const tenantIdColumn = () => uuid('tenant_id').notNull();

/**
 * A child's reference to its parent by (tenant_id, parent id), so a row can only ever point at a
 * parent of its own tenant. Chain `.onDelete(…)` as the relation needs.
 */
export function tenantForeignKey(
  name: string,
  columns: [tenantId: AnyPgColumn, parentId: AnyPgColumn],
  parent: { tenantId: AnyPgColumn; id: AnyPgColumn },
) {
  return foreignKey({ name, columns, foreignColumns: [parent.tenantId, parent.id] });
}
