// Home layouts (issue #6): one row per user holding their pins in order (ADR 0019).
// Tenant-owned like every table in schema.ts: tenant_id on the row, the user referenced by
// (tenant_id, id), row-level security in a hand-written migration (drizzle/*_home_layouts_rls.sql).

import { jsonb, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../../accounts/adapters/postgres/schema.ts';
import { tenantForeignKey, tenantOwnerColumn, updatedAt } from '../../../platform/database/schema.ts';

/** A pin as stored; the repository checks it against the shared schema when it reads it back. */
export type HomePinJson = { kind: string; tagId?: string; tagIds?: string[]; range?: string };

/**
 * One user's home layout. The pins are one JSON array because the page saves and shows them as one
 * ordered list; deleting the user deletes the row, while a deleted tag is left out when the layout is
 * read (a chart pin names several tags, so no foreign key could cascade it).
 */
export const homeLayouts = pgTable(
  'home_layouts',
  {
    tenantId: tenantOwnerColumn(),
    userId: uuid('user_id').notNull(),
    pins: jsonb('pins').$type<HomePinJson[]>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: 'home_layouts_pkey', columns: [t.tenantId, t.userId] }),
    tenantForeignKey('home_layouts_user_fk', [t.tenantId, t.userId], users).onDelete('cascade'),
  ],
);
