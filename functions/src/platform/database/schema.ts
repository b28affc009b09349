// Config store tables (PostgreSQL dialect; PGlite locally, Aurora PostgreSQL on AWS).
// Every tenant-owned table carries tenant_id, and children reference parents by (tenant_id, id),
// so even a raw insert cannot attach a row to another tenant's parent. Row-level security
// policies live in the hand-written migration drizzle/0001_row_level_security.sql.

import type { DeviceConnection, TagAddress } from '@plantwatch/shared';
import {
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';

/** The created_at and updated_at columns every area's tables share (schema-*.ts import them). */
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull(),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    email: text('email').notNull().unique('users_email_key'),
    name: text('name').notNull(),
    role: text('role', { enum: ['viewer', 'operator', 'engineer', 'admin', 'owner'] }).notNull(),
    siteIds: uuid('site_ids').array(),
    status: text('status', { enum: ['active', 'invited'] }).notNull(),
    passwordHash: text('password_hash'),
    inviteTokenHash: text('invite_token_hash').unique('users_invite_token_hash_key'),
    inviteExpiresAt: timestamp('invite_expires_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
  },
  (t) => [unique('users_tenant_id_id_key').on(t.tenantId, t.id)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    tokenHash: text('token_hash').notNull().unique('sessions_token_hash_key'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    // Housekeeping deletes each tenant's expired sessions.
    index('sessions_tenant_expires_idx').on(t.tenantId, t.expiresAt),
    foreignKey({
      name: 'sessions_user_fk',
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
    }).onDelete('cascade'),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: text('role', { enum: ['viewer', 'operator', 'engineer', 'admin', 'owner'] }).notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique('api_keys_key_hash_key'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('api_keys_tenant_idx').on(t.tenantId)],
);

export const sites = pgTable(
  'sites',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
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
    tenantId: uuid('tenant_id').notNull(),
    siteId: uuid('site_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    configVersion: integer('config_version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('gateways_tenant_id_id_key').on(t.tenantId, t.id),
    unique('gateways_site_name_key').on(t.siteId, t.name),
    foreignKey({
      name: 'gateways_site_fk',
      columns: [t.tenantId, t.siteId],
      foreignColumns: [sites.tenantId, sites.id],
    }).onDelete('restrict'),
  ],
);

export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    gatewayId: uuid('gateway_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    enabled: boolean('enabled').notNull().default(true),
    connection: jsonb('connection').$type<DeviceConnection>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('devices_tenant_id_id_key').on(t.tenantId, t.id),
    unique('devices_gateway_key_key').on(t.gatewayId, t.key),
    foreignKey({
      name: 'devices_gateway_fk',
      columns: [t.tenantId, t.gatewayId],
      foreignColumns: [gateways.tenantId, gateways.id],
    }).onDelete('restrict'),
  ],
);

export const tags = pgTable(
  'tags',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
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
    foreignKey({
      name: 'tags_device_fk',
      columns: [t.tenantId, t.deviceId],
      foreignColumns: [devices.tenantId, devices.id],
    }).onDelete('cascade'),
  ],
);

/** Tables that carry tenant_id and are protected by row-level security (the tenants table by its id). */
export const tenantOwnedTables = [
  'users',
  'sessions',
  'api_keys',
  'sites',
  'gateways',
  'devices',
  'tags',
  'ingest_dead_letters',
  'gateway_certificates',
  'alarm_rules',
  'alarm_states',
  'alarm_events',
] as const;

/**
 * Telemetry messages ingest could never store, with the reason (issue #4): counted and listed by the
 * API so a misconfigured gateway is visible instead of silently losing data. The payload is kept
 * (cut to its first 8 KiB) for diagnosis.
 */
export const ingestDeadLetters = pgTable(
  'ingest_dead_letters',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
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

/**
 * Client certificates issued to gateways for the MQTT broker. Only the SHA-256 fingerprint and the
 * serial are kept: the private key is handed out once, in the provisioning bundle.
 */
export const gatewayCertificates = pgTable(
  'gateway_certificates',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    gatewayId: uuid('gateway_id').notNull(),
    serial: text('serial').notNull().unique('gateway_certificates_serial_key'),
    fingerprintSha256: text('fingerprint_sha256').notNull().unique('gateway_certificates_fingerprint_key'),
    notAfter: timestamp('not_after', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    foreignKey({
      name: 'gateway_certificates_gateway_fk',
      columns: [t.tenantId, t.gatewayId],
      foreignColumns: [gateways.tenantId, gateways.id],
    }).onDelete('cascade'),
  ],
);

/**
 * Alarm rules (issue #5). What a rule watches is in columns (site, tag) so that deleting a tag
 * takes its rules with it and the ingest path finds a batch's rules by tag; the kind-specific
 * settings are one JSON document, checked against alarmRuleSchema whenever it is read.
 */
export const alarmRules = pgTable(
  'alarm_rules',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    siteId: uuid('site_id').notNull(),
    tagId: uuid('tag_id'),
    kind: text('kind').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('alarm_rules_tenant_id_id_key').on(t.tenantId, t.id),
    index('alarm_rules_tenant_tag_idx').on(t.tenantId, t.tagId),
    foreignKey({
      name: 'alarm_rules_site_fk',
      columns: [t.tenantId, t.siteId],
      foreignColumns: [sites.tenantId, sites.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'alarm_rules_tag_fk',
      columns: [t.tenantId, t.tagId],
      foreignColumns: [tags.tenantId, tags.id],
    }).onDelete('cascade'),
  ],
);

/** The alarm engine's state per rule (plain JSON), so a restart or a second instance continues. */
export const alarmStates = pgTable(
  'alarm_states',
  {
    ruleId: uuid('rule_id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    state: jsonb('state').$type<unknown>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      name: 'alarm_states_rule_fk',
      columns: [t.tenantId, t.ruleId],
      foreignColumns: [alarmRules.tenantId, alarmRules.id],
    }).onDelete('cascade'),
  ],
);

/** The alarm journal: every transition, with who caused it and through which channel. */
export const alarmEvents = pgTable(
  'alarm_events',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    ruleId: uuid('rule_id').notNull(),
    alarmId: uuid('alarm_id').notNull(),
    /** The limit-stack level, or "alarm" for the other kinds. */
    alarmKey: text('alarm_key').notNull(),
    siteId: uuid('site_id').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    kind: text('kind').notNull(),
    by: jsonb('by').$type<{ type: string; id?: string; name?: string }>().notNull(),
    channel: text('channel').notNull(),
    value: jsonb('value').$type<unknown>(),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (t) => [
    index('alarm_events_tenant_rule_at_idx').on(t.tenantId, t.ruleId, t.at),
    // the alarm history across rules: which alarms changed in a time range
    index('alarm_events_tenant_at_idx').on(t.tenantId, t.at),
    foreignKey({
      name: 'alarm_events_rule_fk',
      columns: [t.tenantId, t.ruleId],
      foreignColumns: [alarmRules.tenantId, alarmRules.id],
    }).onDelete('cascade'),
  ],
);
