import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, tenantOwnerColumn } from '../../../platform/database/schema.ts';

/**
 * Telemetry messages ingest could never store, with the reason (issue #4): counted and listed by the
 * API so a misconfigured gateway is visible instead of silently losing data. The payload is kept
 * (cut to its first 8 KiB) for diagnosis.
 */
export const ingestDeadLetters = pgTable(
  'ingest_dead_letters',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    siteId: uuid('site_id'),
    gatewayId: uuid('gateway_id'),
    topic: text('topic').notNull(),
    reason: text('reason').notNull(),
    detail: text('detail').notNull(),
    payload: text('payload').notNull(),
    payloadBytes: integer('payload_bytes').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('ingest_dead_letters_tenant_received_idx').on(t.tenantId, t.receivedAt)],
);
