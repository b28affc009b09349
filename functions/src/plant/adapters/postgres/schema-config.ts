// The gateways' numbered config versions (what each pushed config held, who changed what, whether
// the broker took it) and the device templates many devices share.
import type { ConfigActor, NewTag, PushedConfig } from '@plantwatch/shared';
import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import {
  createdAt,
  tenantForeignKey,
  tenantIdColumn,
  tenantOwnerColumn,
  updatedAt,
} from '../../../platform/database/schema.ts';
import type { PlantSnapshot } from '../../ports.ts';
import { gateways } from './schema.ts';

/**
 * One row per config version of a gateway. `message` is the retained MQTT payload exactly as
 * published (a re-publish sends the same bytes); `snapshot` is the plant as it was, for a rollback.
 * The publish columns make it an outbox: pending until the broker took it, retried with backoff.
 */
export const gatewayConfigVersions = pgTable(
  'gateway_config_versions',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    gatewayId: uuid('gateway_id').notNull(),
    version: integer('version').notNull(),
    config: jsonb('config').$type<PushedConfig>().notNull(),
    snapshot: jsonb('snapshot').$type<PlantSnapshot>().notNull(),
    message: text('message').notNull(),
    change: text('change').notNull(),
    changedBy: jsonb('changed_by').$type<ConfigActor>().notNull(),
    rollbackOf: integer('rollback_of'),
    publishState: text('publish_state').notNull(),
    publishAttempts: integer('publish_attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastError: text('last_error'),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [
    unique('gateway_config_versions_gateway_version_key').on(t.gatewayId, t.version),
    index('gateway_config_versions_tenant_state_next_idx').on(t.tenantId, t.publishState, t.nextAttemptAt),
    tenantForeignKey('gateway_config_versions_gateway_fk', [t.tenantId, t.gatewayId], gateways).onDelete(
      'cascade',
    ),
  ],
);

/** A register map or node list with units and scaling, applied to as many devices as use it. */
export const deviceTemplates = pgTable(
  'device_templates',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    protocol: text('protocol').notNull(),
    tags: jsonb('tags').$type<NewTag[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('device_templates_tenant_name_key').on(t.tenantId, t.name)],
);
