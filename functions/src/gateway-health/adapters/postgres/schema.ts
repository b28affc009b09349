// Each gateway's latest health, as its retained status topic and ingest last reported it.
import type { BufferHealth, DeviceHealth } from '@plantwatch/shared';
import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { gateways } from '../../../plant/adapters/postgres/schema.ts';
import { tenantForeignKey, tenantIdColumn } from '../../../platform/database/schema.ts';

export const gatewayHealth = pgTable(
  'gateway_health',
  {
    gatewayId: uuid('gateway_id').primaryKey(),
    tenantId: tenantIdColumn(),
    /** null until the first status arrives; telemetry alone does not say online. */
    online: boolean('online'),
    /** When `online` last changed (the broker's receive time). */
    since: timestamp('since', { withTimezone: true, mode: 'date' }),
    lastStatusAt: timestamp('last_status_at', { withTimezone: true, mode: 'date' }),
    lastDataAt: timestamp('last_data_at', { withTimezone: true, mode: 'date' }),
    gatewayVersion: text('gateway_version'),
    appliedVersion: integer('applied_version'),
    rejected: jsonb('rejected').$type<{ version: number | null; reason: string; ts: number }>(),
    buffer: jsonb('buffer').$type<BufferHealth>(),
    devices: jsonb('devices').$type<DeviceHealth[]>(),
    /** The gateway's clock at its last status, to turn its lastDroppedTs into the broker's time. */
    statusTs: timestamp('status_ts', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    tenantForeignKey('gateway_health_gateway_fk', [t.tenantId, t.gatewayId], gateways).onDelete('cascade'),
  ],
);
