// Operating-curve templates (issue 17, ADR 0048): a tenant's named X-vs-Y curves its curve rules share.
// Tenant-owned like every table: tenant_id on the row, row-level security in a hand-written migration
// (drizzle/*_alarm_curves_rls.sql).
import { jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, tenants, updatedAt } from '../../../platform/database/schema.ts';

export const alarmCurves = pgTable(
  'alarm_curves',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    xUnit: text('x_unit').notNull().default(''),
    yUnit: text('y_unit').notNull().default(''),
    /** [x, y] pairs, x strictly increasing (checked by the API's schema). */
    points: jsonb('points').$type<[number, number][]>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('alarm_curves_tenant_id_id_key').on(t.tenantId, t.id),
    unique('alarm_curves_tenant_name_key').on(t.tenantId, t.name),
  ],
);
