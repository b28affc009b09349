// The plant model: sites → gateways → devices → tags, and the gateways' client certificates.
import type { BufferPolicy, DeviceConnection, TagAddress } from '@plantwatch/shared';
import {
  boolean,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  createdAt,
  tenantForeignKey,
  tenantIdColumn,
  tenantOwnerColumn,
  updatedAt,
} from '../../../platform/database/schema.ts';

export const sites = pgTable(
  'sites',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantOwnerColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    timeZone: text('time_zone').notNull(),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('sites_tenant_id_id_key').on(t.tenantId, t.id),
    unique('sites_tenant_name_key').on(t.tenantId, t.name),
  ],
);

export const gateways = pgTable(
  'gateways',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    siteId: uuid('site_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    configVersion: integer('config_version').notNull().default(1),
    /** Pushed to the gateway with its config; null: the gateway's own config file decides. */
    bufferPolicy: jsonb('buffer_policy').$type<BufferPolicy>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('gateways_tenant_id_id_key').on(t.tenantId, t.id),
    unique('gateways_site_name_key').on(t.siteId, t.name),
    tenantForeignKey('gateways_site_fk', [t.tenantId, t.siteId], sites).onDelete('restrict'),
  ],
);

export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    gatewayId: uuid('gateway_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    enabled: boolean('enabled').notNull().default(true),
    connection: jsonb('connection').$type<DeviceConnection>().notNull(),
    heartbeatMs: integer('heartbeat_ms').notNull().default(60_000),
    /** The device template its tags came from (no foreign key: deleting a template clears it). */
    templateId: uuid('template_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('devices_tenant_id_id_key').on(t.tenantId, t.id),
    unique('devices_gateway_key_key').on(t.gatewayId, t.key),
    tenantForeignKey('devices_gateway_fk', [t.tenantId, t.gatewayId], gateways).onDelete('restrict'),
  ],
);

export const tags = pgTable(
  'tags',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    deviceId: uuid('device_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    address: jsonb('address').$type<TagAddress>().notNull(),
    scale: doublePrecision('scale').notNull().default(1),
    offset: doublePrecision('offset').notNull().default(0),
    unit: text('unit').notNull().default(''),
    deadband: doublePrecision('deadband').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('tags_device_key_key').on(t.deviceId, t.key),
    unique('tags_tenant_id_id_key').on(t.tenantId, t.id),
    tenantForeignKey('tags_device_fk', [t.tenantId, t.deviceId], devices).onDelete('cascade'),
  ],
);

/**
 * Client certificates issued to gateways for the MQTT broker. Only the SHA-256 fingerprint and the
 * serial are kept: the private key is handed out once, in the provisioning bundle.
 */
export const gatewayCertificates = pgTable(
  'gateway_certificates',
  {
    id: uuid('id').primaryKey(),
    tenantId: tenantIdColumn(),
    gatewayId: uuid('gateway_id').notNull(),
    serial: text('serial').notNull().unique('gateway_certificates_serial_key'),
    fingerprintSha256: text('fingerprint_sha256').notNull().unique('gateway_certificates_fingerprint_key'),
    notAfter: timestamp('not_after', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    tenantForeignKey('gateway_certificates_gateway_fk', [t.tenantId, t.gatewayId], gateways).onDelete(
      'cascade',
    ),
  ],
);
