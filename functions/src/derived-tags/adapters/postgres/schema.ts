// Derived tags (issue 17, ADR 0039): a formula over other tags of the same site. Tenant-owned like every
// table: tenant_id on the row, the site referenced by (tenant_id, id), row-level security in a
// hand-written migration (drizzle/*_derived_tags_rls.sql).
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { sites } from '../../../plant/adapters/postgres/schema.ts';
import { createdAt, tenantForeignKey, tenantIdColumn, updatedAt } from '../../../platform/database/schema.ts';

export const derivedTags = pgTable(
  'derived_tags',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    siteId: uuid('site_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    formula: text('formula').notNull(),
    unit: text('unit').notNull().default(''),
    /**
     * What the formula's references resolved to when it was saved ({reference, kind, id}), so ingest
     * finds the derived tags an incoming tag feeds without parsing formulas again.
     */
    inputs: jsonb('inputs').$type<{ reference: string; kind: 'tag' | 'derived'; id: string }[]>().notNull(),
    /** Also computed at every multiple of this many seconds since the epoch (ADR 0051); null: on input changes only. */
    periodSeconds: integer('period_seconds'),
    /** An input not heard from for longer makes the result uncertain (ADR 0051); null: held for ever. */
    staleAfterSeconds: integer('stale_after_seconds'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('derived_tags_tenant_id_id_key').on(t.tenantId, t.id),
    unique('derived_tags_site_key_key').on(t.siteId, t.key),
    index('derived_tags_tenant_site_idx').on(t.tenantId, t.siteId),
    tenantForeignKey('derived_tags_site_fk', [t.tenantId, t.siteId], sites).onDelete('cascade'),
    check('derived_tags_period_seconds_range', sql`${t.periodSeconds} BETWEEN 1 AND 3600`),
    check('derived_tags_stale_after_seconds_range', sql`${t.staleAfterSeconds} BETWEEN 1 AND 604800`),
  ],
);
