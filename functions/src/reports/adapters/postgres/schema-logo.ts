// The tenant's logo (issue #7: report covers carry the tenant's name and logo). One row per tenant
// holding the image bytes: a logo is at most 512 KB, so it lives in the config store beside the rest
// of the tenant's settings rather than in a file store. Tenant-owned with row-level security in a
// hand-written migration (drizzle/*_tenant_logo_rls.sql).

import { customType, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenants } from '../../../platform/database/schema.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const tenantLogos = pgTable('tenant_logos', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  /** 'image/png' or 'image/jpeg', as the bytes' signature says (checked by the use-case). */
  mediaType: text('media_type').notNull(),
  data: bytea('data').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
