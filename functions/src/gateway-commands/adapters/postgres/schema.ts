// The commands sent through gateways (the audit log: who asked what of which gateway, and how it
// ended) and the parts of their answers as ingest receives them.
import type { GatewayCommandKind } from '@plantwatch/shared';
import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { gateways } from '../../../plant/adapters/postgres/schema.ts';
import { tenantForeignKey, tenantIdColumn } from '../../../platform/database/schema.ts';

export const gatewayCommands = pgTable(
  'gateway_commands',
  {
    /** The correlation id the request and its response carry. */
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    gatewayId: uuid('gateway_id').notNull(),
    /** The device it was about; no foreign key: the audit entry outlives a deleted device. */
    deviceId: uuid('device_id'),
    kind: text('kind').$type<GatewayCommandKind>().notNull(),
    params: jsonb('params').$type<unknown>().notNull(),
    requestedBy: jsonb('requested_by').$type<{ type: 'user' | 'apiKey'; id?: string }>().notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull(),
    deadline: timestamp('deadline', { withTimezone: true, mode: 'date' }).notNull(),
    status: text('status').notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'date' }),
    error: text('error'),
  },
  (t) => [
    unique('gateway_commands_tenant_id_id_key').on(t.tenantId, t.id),
    index('gateway_commands_tenant_gateway_requested_idx').on(t.tenantId, t.gatewayId, t.requestedAt),
    tenantForeignKey('gateway_commands_gateway_fk', [t.tenantId, t.gatewayId], gateways).onDelete('cascade'),
  ],
);

/** One message of an answer; a part that arrives twice (QoS 1) is kept once. */
export const gatewayCommandParts = pgTable(
  'gateway_command_parts',
  {
    commandId: uuid('command_id').notNull(),
    tenantId: tenantIdColumn(),
    part: integer('part').notNull(),
    parts: integer('parts').notNull(),
    chunk: text('chunk').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'gateway_command_parts_pkey', columns: [t.commandId, t.part] }),
    tenantForeignKey('gateway_command_parts_command_fk', [t.tenantId, t.commandId], gatewayCommands).onDelete(
      'cascade',
    ),
  ],
);
