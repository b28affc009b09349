// HTTP push device keys (issue 18): one row per key, only its SHA-256 stored. Tenant-owned like every
// table: tenant_id on the row, the device referenced by (tenant_id, id), row-level security in a
// hand-written migration (drizzle/*_device_keys_rls.sql).
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { devices } from '../../../plant/adapters/postgres/schema.ts';
import { createdAt, tenantForeignKey, tenantIdColumn } from '../../../platform/database/schema.ts';

export const deviceKeys = pgTable(
  'device_keys',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    deviceId: uuid('device_id').notNull(),
    name: text('name').notNull(),
    /** SHA-256 (hex) of the whole key. */
    keyHash: text('key_hash').notNull(),
    /** The key's first characters, shown to tell keys apart. */
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    /** Who made it: a user or an API key id (audit). */
    createdBy: text('created_by').notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    tenantForeignKey('device_keys_device_fk', [t.tenantId, t.deviceId], devices).onDelete('cascade'),
    index('device_keys_device_idx').on(t.tenantId, t.deviceId),
  ],
);
