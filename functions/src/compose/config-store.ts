// ConfigStore on PostgreSQL (PGlite or a server) through drizzle. Every tenant query filters on
// tenant_id in code *and* runs in a transaction whose app.tenant_id makes RLS enforce the same.
import {
  type AlarmRule,
  type ApiKey,
  alarmRuleSchema,
  ConflictError,
  type DeadLetter,
  type DeadLetterReason,
  type Device,
  type Gateway,
  type Role,
  type Site,
  type Tag,
  type Tenant,
  type User,
} from '@plantwatch/shared';
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, type SQL, sql } from 'drizzle-orm';
import { toAlarmEvent } from '../alarms/adapters/postgres/alarm-event-rows.ts';
import { escalationRepositories } from '../escalation/adapters/postgres/escalation-repos.ts';
import { layoutRepositories } from '../layout/adapters/postgres/layout-repos.ts';
import { notifyRepositories } from '../notify/adapters/postgres/notify-repos.ts';
import { peopleRepositories } from '../people/adapters/postgres/people-repos.ts';
import type {
  AlarmRuleRecord,
  ConfigStore,
  DeadLetterFilter,
  SiteScope,
  TenantRepositories,
} from '../platform/database/config-store.ts';
import type { ConfigDb } from '../platform/database/database.ts';
import {
  alarmEvents,
  alarmRules,
  alarmStates,
  apiKeys,
  devices,
  gatewayCertificates,
  gateways,
  ingestDeadLetters,
  sessions,
  sites,
  tags,
  tenants,
  users,
} from '../platform/database/schema.ts';
import { getTenantRow, removeTenantRow, updateTenantRow } from '../platform/database/tenant-rows.ts';
import { logoRepositories } from '../reports/adapters/postgres/logo-repos.ts';
import { reportsRepositories } from '../reports/adapters/postgres/reports-repos.ts';

type Row<T extends { $inferSelect: unknown }> = T['$inferSelect'];

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

const toTenant = (r: Row<typeof tenants>): Tenant => ({
  id: r.id,
  name: r.name,
  timeZone: r.timeZone,
  createdAt: iso(r.createdAt),
});

const toUser = (r: Row<typeof users>): User => ({
  id: r.id,
  tenantId: r.tenantId,
  email: r.email,
  name: r.name,
  role: r.role,
  siteIds: r.siteIds,
  status: r.status,
  createdAt: iso(r.createdAt),
});

const toApiKey = (r: Row<typeof apiKeys>): ApiKey => ({
  id: r.id,
  tenantId: r.tenantId,
  name: r.name,
  role: r.role,
  prefix: r.prefix,
  createdAt: iso(r.createdAt),
  lastUsedAt: isoOrNull(r.lastUsedAt),
  revokedAt: isoOrNull(r.revokedAt),
});

const toSite = (r: Row<typeof sites>): Site => ({
  id: r.id,
  tenantId: r.tenantId,
  name: r.name,
  description: r.description,
  timeZone: r.timeZone,
  location:
    r.latitude !== null && r.longitude !== null ? { latitude: r.latitude, longitude: r.longitude } : null,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

const toGateway = (r: Row<typeof gateways>): Gateway => ({
  id: r.id,
  tenantId: r.tenantId,
  siteId: r.siteId,
  name: r.name,
  description: r.description,
  configVersion: r.configVersion,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

const toDevice = (r: Row<typeof devices>): Device => ({
  id: r.id,
  tenantId: r.tenantId,
  gatewayId: r.gatewayId,
  key: r.key,
  name: r.name,
  description: r.description,
  enabled: r.enabled,
  connection: r.connection,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

const toTag = (r: Row<typeof tags>): Tag => ({
  id: r.id,
  tenantId: r.tenantId,
  deviceId: r.deviceId,
  key: r.key,
  name: r.name,
  description: r.description,
  address: r.address,
  scale: r.scale,
  offset: r.offset,
  unit: r.unit,
  deadband: r.deadband,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

/** What a violated constraint means to the person who sent the request. */
const constraintMessages: Record<string, string> = {
  users_email_key: 'a user with this e-mail address already exists',
  sites_tenant_name_key: 'a site with this name already exists',
  gateways_site_name_key: 'a gateway with this name already exists on this site',
  devices_gateway_key_key: 'a device with this key already exists on this gateway',
  tags_device_key_key: 'a tag with this key already exists on this device',
  gateways_site_fk: 'the site still has gateways; delete or move them first',
  devices_gateway_fk: 'the gateway still has devices; delete them first',
};

function pgError(error: unknown): { code?: string; constraint?: string } | undefined {
  for (let e: unknown = error; e instanceof Error || (typeof e === 'object' && e !== null); ) {
    const candidate = e as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        constraint: typeof candidate.constraint === 'string' ? candidate.constraint : undefined,
      };
    }
    e = candidate.cause;
  }
  return undefined;
}

/** Turns unique and foreign-key violations into ConflictError; anything else passes through. */
async function conflictsAsErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const pgErr = pgError(error);
    if (pgErr?.code === '23505' || pgErr?.code === '23503' || pgErr?.code === '23001') {
      const message =
        (pgErr.constraint && constraintMessages[pgErr.constraint]) ??
        (pgErr.code === '23505' ? 'this already exists' : 'this is still referenced by other objects');
      throw new ConflictError(message, { cause: error });
    }
    throw error;
  }
}

function siteFilter(
  column: typeof sites.id | typeof gateways.siteId | typeof alarmRules.siteId,
  scope: SiteScope,
): SQL | undefined {
  if (scope === null) return undefined;
  if (scope.length === 0) return sql`false`;
  return inArray(column, [...scope]);
}

// What a rule watches and when it was made are columns; everything else is the settings document.
const toAlarmRule = (r: Row<typeof alarmRules>): AlarmRule =>
  alarmRuleSchema.parse({
    ...r.settings,
    id: r.id,
    tenantId: r.tenantId,
    siteId: r.siteId,
    tagId: r.tagId,
    kind: r.kind,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  });

function alarmRuleSettings(rule: AlarmRuleRecord): Record<string, unknown> {
  const { id: _id, siteId: _siteId, tagId: _tagId, kind: _kind, ...settings } = rule;
  return settings;
}

const toDeadLetter = (r: Row<typeof ingestDeadLetters>): DeadLetter => ({
  id: r.id,
  siteId: r.siteId,
  gatewayId: r.gatewayId,
  topic: r.topic,
  reason: r.reason as DeadLetterReason,
  detail: r.detail,
  payload: r.payload,
  payloadBytes: r.payloadBytes,
  receivedAt: iso(r.receivedAt),
});

/** A dead letter without a site (its topic named none we know) is shown only to callers who see every site. */
function deadLetterWhere(tenantId: string, filter: DeadLetterFilter): SQL | undefined {
  const { scope } = filter;
  return and(
    eq(ingestDeadLetters.tenantId, tenantId),
    filter.siteId ? eq(ingestDeadLetters.siteId, filter.siteId) : undefined,
    filter.gatewayId ? eq(ingestDeadLetters.gatewayId, filter.gatewayId) : undefined,
    filter.reason ? eq(ingestDeadLetters.reason, filter.reason) : undefined,
    filter.from ? gte(ingestDeadLetters.receivedAt, filter.from) : undefined,
    filter.to ? lt(ingestDeadLetters.receivedAt, filter.to) : undefined,
    scope === null
      ? undefined
      : scope.length === 0
        ? sql`false`
        : inArray(ingestDeadLetters.siteId, [...scope]),
  );
}

function tenantRepositories(tx: ConfigDb, tenantId: string): TenantRepositories {
  const now = () => new Date();
  return {
    ...peopleRepositories(tx, tenantId),
    ...notifyRepositories(tx, tenantId),
    ...escalationRepositories(tx, tenantId),
    ...reportsRepositories(tx, tenantId),
    ...layoutRepositories(tx, tenantId),
    ...logoRepositories(tx, tenantId),
    tenant: {
      async get() {
        const [row] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
        if (!row) throw new Error(`tenant ${tenantId} is not visible in its own context`);
        return toTenant(row);
      },
      async update(patch) {
        const [row] = await tx.update(tenants).set(patch).where(eq(tenants.id, tenantId)).returning();
        if (!row) throw new Error(`tenant ${tenantId} is not visible in its own context`);
        return toTenant(row);
      },
    },

    users: {
      async list() {
        return (
          await tx.select().from(users).where(eq(users.tenantId, tenantId)).orderBy(asc(users.email))
        ).map(toUser);
      },
      get: (id) => getTenantRow(tx, tenantId, users, id, toUser),
      insertInvited: (u) =>
        conflictsAsErrors(async () => {
          const [row] = await tx
            .insert(users)
            .values({
              id: u.id,
              tenantId,
              email: u.email,
              name: u.name,
              role: u.role,
              siteIds: u.siteIds,
              status: 'invited',
              inviteTokenHash: u.inviteTokenHash,
              inviteExpiresAt: u.inviteExpiresAt,
            })
            .returning();
          return toUser(required(row));
        }),
      async activate(id, passwordHash, name) {
        const [row] = await tx
          .update(users)
          .set({
            passwordHash,
            status: 'active',
            inviteTokenHash: null,
            inviteExpiresAt: null,
            ...(name ? { name } : {}),
          })
          .where(and(eq(users.tenantId, tenantId), eq(users.id, id), eq(users.status, 'invited')))
          .returning();
        return row ? toUser(row) : null;
      },
      async update(id, patch) {
        const [row] = await tx
          .update(users)
          .set(patch)
          .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
          .returning();
        return row ? toUser(row) : null;
      },
      async remove(id) {
        const rows = await tx
          .delete(users)
          .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
          .returning({ id: users.id });
        return rows.length > 0;
      },
      async countOwners() {
        const [row] = await tx
          .select({ n: count() })
          .from(users)
          .where(and(eq(users.tenantId, tenantId), eq(users.role, 'owner'), eq(users.status, 'active')));
        return row?.n ?? 0;
      },
    },

    sessions: {
      async create(s) {
        await tx.insert(sessions).values({ ...s, tenantId });
      },
      async remove(id) {
        const rows = await tx
          .delete(sessions)
          .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, id)))
          .returning({ id: sessions.id });
        return rows.length > 0;
      },
      async removeForUser(userId) {
        const rows = await tx
          .delete(sessions)
          .where(and(eq(sessions.tenantId, tenantId), eq(sessions.userId, userId)))
          .returning({ id: sessions.id });
        return rows.length;
      },
    },

    apiKeys: {
      async list() {
        return (
          await tx
            .select()
            .from(apiKeys)
            .where(eq(apiKeys.tenantId, tenantId))
            .orderBy(asc(apiKeys.createdAt))
        ).map(toApiKey);
      },
      async create(k) {
        const [row] = await tx
          .insert(apiKeys)
          .values({ ...k, tenantId })
          .returning();
        return toApiKey(required(row));
      },
      async revoke(id, at) {
        const [row] = await tx
          .update(apiKeys)
          .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${at.toISOString()}::timestamptz)` })
          .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
          .returning();
        return row ? toApiKey(row) : null;
      },
      async touch(id, at) {
        await tx
          .update(apiKeys)
          .set({ lastUsedAt: at })
          .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
      },
    },

    sites: {
      async list(scope) {
        return (
          await tx
            .select()
            .from(sites)
            .where(and(eq(sites.tenantId, tenantId), siteFilter(sites.id, scope)))
            .orderBy(asc(sites.name))
        ).map(toSite);
      },
      get: (id) => getTenantRow(tx, tenantId, sites, id, toSite),
      create: (s) =>
        conflictsAsErrors(async () => {
          const [row] = await tx
            .insert(sites)
            .values({
              id: s.id,
              tenantId,
              name: s.name,
              description: s.description,
              timeZone: s.timeZone,
              latitude: s.location?.latitude ?? null,
              longitude: s.location?.longitude ?? null,
            })
            .returning();
          return toSite(required(row));
        }),
      update: (id, patch) =>
        conflictsAsErrors(async () => {
          const { location, ...rest } = patch;
          const [row] = await tx
            .update(sites)
            .set({
              ...rest,
              ...(location !== undefined
                ? { latitude: location?.latitude ?? null, longitude: location?.longitude ?? null }
                : {}),
              updatedAt: now(),
            })
            .where(and(eq(sites.tenantId, tenantId), eq(sites.id, id)))
            .returning();
          return row ? toSite(row) : null;
        }),
      remove: (id) => conflictsAsErrors(() => removeTenantRow(tx, tenantId, sites, id)),
    },

    gateways: {
      async list({ siteId, scope }) {
        return (
          await tx
            .select()
            .from(gateways)
            .where(
              and(
                eq(gateways.tenantId, tenantId),
                siteId ? eq(gateways.siteId, siteId) : undefined,
                siteFilter(gateways.siteId, scope),
              ),
            )
            .orderBy(asc(gateways.name))
        ).map(toGateway);
      },
      get: (id) => getTenantRow(tx, tenantId, gateways, id, toGateway),
      create: (g) =>
        conflictsAsErrors(async () => {
          const [row] = await tx
            .insert(gateways)
            .values({ id: g.id, tenantId, siteId: g.siteId, name: g.name, description: g.description })
            .returning();
          return toGateway(required(row));
        }),
      update: (id, patch) =>
        conflictsAsErrors(() => updateTenantRow(tx, tenantId, gateways, id, patch, toGateway)),
      async tagKeys(id) {
        const rows = await tx
          .select({ deviceKey: devices.key, tagKey: tags.key })
          .from(devices)
          .leftJoin(tags, and(eq(tags.tenantId, devices.tenantId), eq(tags.deviceId, devices.id)))
          .where(and(eq(devices.tenantId, tenantId), eq(devices.gatewayId, id)));
        const keys = new Map<string, Set<string>>();
        for (const row of rows) {
          const tagKeys = keys.get(row.deviceKey) ?? new Set<string>();
          if (row.tagKey !== null) tagKeys.add(row.tagKey);
          keys.set(row.deviceKey, tagKeys);
        }
        return keys;
      },
      async bumpConfigVersion(id) {
        await tx
          .update(gateways)
          .set({ configVersion: sql`${gateways.configVersion} + 1`, updatedAt: now() })
          .where(and(eq(gateways.tenantId, tenantId), eq(gateways.id, id)));
      },
      remove: (id) => conflictsAsErrors(() => removeTenantRow(tx, tenantId, gateways, id)),
    },

    devices: {
      async list({ gatewayId, scope }) {
        const rows = await tx
          .select({ device: devices })
          .from(devices)
          .innerJoin(gateways, eq(gateways.id, devices.gatewayId))
          .where(
            and(
              eq(devices.tenantId, tenantId),
              gatewayId ? eq(devices.gatewayId, gatewayId) : undefined,
              siteFilter(gateways.siteId, scope),
            ),
          )
          .orderBy(asc(devices.key));
        return rows.map((r) => toDevice(r.device));
      },
      async get(id) {
        const [row] = await tx
          .select({ device: devices, siteId: gateways.siteId })
          .from(devices)
          .innerJoin(gateways, eq(gateways.id, devices.gatewayId))
          .where(and(eq(devices.tenantId, tenantId), eq(devices.id, id)));
        return row ? { ...toDevice(row.device), siteId: row.siteId } : null;
      },
      create: (d) =>
        conflictsAsErrors(async () => {
          const [row] = await tx
            .insert(devices)
            .values({
              id: d.id,
              tenantId,
              gatewayId: d.gatewayId,
              key: d.key,
              name: d.name,
              description: d.description,
              enabled: d.enabled,
              connection: d.connection,
            })
            .returning();
          return toDevice(required(row));
        }),
      update: (id, patch) =>
        conflictsAsErrors(() => updateTenantRow(tx, tenantId, devices, id, patch, toDevice)),
      remove: (id) => removeTenantRow(tx, tenantId, devices, id),
    },

    deadLetters: {
      async insert(deadLetter) {
        await tx.insert(ingestDeadLetters).values({ ...deadLetter, tenantId });
      },
      async list(filter, limit) {
        const rows = await tx
          .select()
          .from(ingestDeadLetters)
          .where(deadLetterWhere(tenantId, filter))
          .orderBy(desc(ingestDeadLetters.receivedAt), desc(ingestDeadLetters.id))
          .limit(limit);
        return rows.map(toDeadLetter);
      },
      async count(filter) {
        const rows = await tx
          .select({ reason: ingestDeadLetters.reason, n: count() })
          .from(ingestDeadLetters)
          .where(deadLetterWhere(tenantId, filter))
          .groupBy(ingestDeadLetters.reason);
        return Object.fromEntries(rows.map((row) => [row.reason, Number(row.n)]));
      },
    },
    gatewayCertificates: {
      async create(certificate) {
        await tx.insert(gatewayCertificates).values({ ...certificate, tenantId });
      },
      async revokeAll(gatewayId, at) {
        const rows = await tx
          .update(gatewayCertificates)
          .set({ revokedAt: at })
          .where(
            and(
              eq(gatewayCertificates.tenantId, tenantId),
              eq(gatewayCertificates.gatewayId, gatewayId),
              isNull(gatewayCertificates.revokedAt),
            ),
          )
          .returning({ id: gatewayCertificates.id });
        return rows.length;
      },
    },
    tags: {
      async list({ deviceId, scope }) {
        const rows = await tx
          .select({ tag: tags })
          .from(tags)
          .innerJoin(devices, eq(devices.id, tags.deviceId))
          .innerJoin(gateways, eq(gateways.id, devices.gatewayId))
          .where(
            and(
              eq(tags.tenantId, tenantId),
              deviceId ? eq(tags.deviceId, deviceId) : undefined,
              siteFilter(gateways.siteId, scope),
            ),
          )
          .orderBy(asc(tags.key));
        return rows.map((r) => toTag(r.tag));
      },
      async telemetryRefs({ siteId, gatewayId, deviceId, tagIds, scope }) {
        if (tagIds?.length === 0) return [];
        const rows = await tx
          .select({
            tagId: tags.id,
            tagKey: tags.key,
            name: tags.name,
            unit: tags.unit,
            deviceId: devices.id,
            deviceKey: devices.key,
            gatewayId: gateways.id,
            siteId: gateways.siteId,
          })
          .from(tags)
          .innerJoin(devices, eq(devices.id, tags.deviceId))
          .innerJoin(gateways, eq(gateways.id, devices.gatewayId))
          .where(
            and(
              eq(tags.tenantId, tenantId),
              siteId ? eq(gateways.siteId, siteId) : undefined,
              gatewayId ? eq(gateways.id, gatewayId) : undefined,
              deviceId ? eq(devices.id, deviceId) : undefined,
              tagIds ? inArray(tags.id, [...tagIds]) : undefined,
              siteFilter(gateways.siteId, scope),
            ),
          )
          .orderBy(asc(gateways.id), asc(devices.key), asc(tags.key));
        return rows;
      },
      async get(id) {
        const [row] = await tx
          .select({ tag: tags, siteId: gateways.siteId, gatewayId: gateways.id })
          .from(tags)
          .innerJoin(devices, eq(devices.id, tags.deviceId))
          .innerJoin(gateways, eq(gateways.id, devices.gatewayId))
          .where(and(eq(tags.tenantId, tenantId), eq(tags.id, id)));
        return row ? { ...toTag(row.tag), siteId: row.siteId, gatewayId: row.gatewayId } : null;
      },
      create: (t) =>
        conflictsAsErrors(async () => {
          const [row] = await tx
            .insert(tags)
            .values({
              id: t.id,
              tenantId,
              deviceId: t.deviceId,
              key: t.key,
              name: t.name,
              description: t.description,
              address: t.address,
              scale: t.scale,
              offset: t.offset,
              unit: t.unit,
              deadband: t.deadband,
            })
            .returning();
          return toTag(required(row));
        }),
      update: (id, patch) => conflictsAsErrors(() => updateTenantRow(tx, tenantId, tags, id, patch, toTag)),
      remove: (id) => removeTenantRow(tx, tenantId, tags, id),
    },
    alarmRules: {
      async list({ siteId, tagIds, scope }) {
        if (tagIds?.length === 0) return [];
        const rows = await tx
          .select()
          .from(alarmRules)
          .where(
            and(
              eq(alarmRules.tenantId, tenantId),
              siteId ? eq(alarmRules.siteId, siteId) : undefined,
              tagIds ? inArray(alarmRules.tagId, [...tagIds]) : undefined,
              siteFilter(alarmRules.siteId, scope),
            ),
          )
          .orderBy(asc(alarmRules.createdAt), asc(alarmRules.id));
        return rows.map(toAlarmRule);
      },
      get: (id) => getTenantRow(tx, tenantId, alarmRules, id, toAlarmRule),
      async create(rule) {
        const [row] = await tx
          .insert(alarmRules)
          .values({
            id: rule.id,
            tenantId,
            siteId: rule.siteId,
            tagId: rule.tagId,
            kind: rule.kind,
            settings: alarmRuleSettings(rule),
          })
          .returning();
        return toAlarmRule(required(row));
      },
      async replace(rule) {
        const [row] = await tx
          .update(alarmRules)
          .set({ settings: alarmRuleSettings(rule), updatedAt: now() })
          .where(
            and(
              eq(alarmRules.tenantId, tenantId),
              eq(alarmRules.id, rule.id),
              eq(alarmRules.kind, rule.kind),
            ),
          )
          .returning();
        return row ? toAlarmRule(row) : null;
      },
      async remove(id) {
        const rows = await tx
          .delete(alarmRules)
          .where(and(eq(alarmRules.tenantId, tenantId), eq(alarmRules.id, id)))
          .returning({ id: alarmRules.id });
        return rows.length > 0;
      },
    },
    alarmStates: {
      async list(ruleIds) {
        if (ruleIds.length === 0) return [];
        return tx
          .select({ ruleId: alarmStates.ruleId, state: alarmStates.state, updatedAt: alarmStates.updatedAt })
          .from(alarmStates)
          .where(and(eq(alarmStates.tenantId, tenantId), inArray(alarmStates.ruleId, [...ruleIds])));
      },
      async lock(ruleIds) {
        if (ruleIds.length === 0) return;
        // NO KEY UPDATE: excludes another locker, but not the key-share locks that inserting the
        // rule's events and state takes for their foreign keys.
        await tx
          .select({ id: alarmRules.id })
          .from(alarmRules)
          .where(and(eq(alarmRules.tenantId, tenantId), inArray(alarmRules.id, [...ruleIds])))
          .orderBy(asc(alarmRules.id))
          .for('no key update');
      },
      async put(ruleId, state, at) {
        await tx
          .insert(alarmStates)
          .values({ ruleId, tenantId, state, updatedAt: at })
          .onConflictDoUpdate({ target: alarmStates.ruleId, set: { state, updatedAt: at } });
      },
    },
    alarmEvents: {
      async insert(events) {
        if (events.length === 0) return;
        await tx.insert(alarmEvents).values(
          events.map((event) => ({
            id: event.id,
            tenantId,
            ruleId: event.ruleId,
            alarmId: event.alarmId,
            alarmKey: event.alarmKey,
            siteId: event.siteId,
            at: new Date(event.at),
            fromState: event.from,
            toState: event.to,
            kind: event.kind,
            by: event.by,
            channel: event.channel,
            value: event.value ?? null,
            comment: event.comment ?? null,
          })),
        );
      },
      async list({ ruleId }, limit) {
        const rows = await tx
          .select()
          .from(alarmEvents)
          .where(and(eq(alarmEvents.tenantId, tenantId), eq(alarmEvents.ruleId, ruleId)))
          .orderBy(desc(alarmEvents.at), desc(alarmEvents.createdAt), desc(alarmEvents.id))
          .limit(limit);
        return rows.map(toAlarmEvent);
      },
      async alarmIdsBetween({ from, to }) {
        const rows = await tx
          .selectDistinct({ alarmId: alarmEvents.alarmId })
          .from(alarmEvents)
          .where(and(eq(alarmEvents.tenantId, tenantId), gte(alarmEvents.at, from), lt(alarmEvents.at, to)));
        return rows.map((row) => row.alarmId);
      },
    },
  };
}

function required<T>(row: T | undefined): T {
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return row;
}

/** Both drivers (PGlite, node-postgres) answer a raw query with `{ rows }`. */
async function firstRow<T>(db: ConfigDb, query: SQL): Promise<T | undefined> {
  const result = (await db.execute(query)) as { rows: T[] };
  return result.rows[0];
}

async function setTenant(tx: ConfigDb, tenantId: string): Promise<void> {
  // Transaction-local (third argument true): gone at COMMIT/ROLLBACK, so a pooled connection
  // never carries one tenant's context into the next transaction.
  await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
}

export function createPostgresConfigStore(db: ConfigDb, close: () => Promise<void>): ConfigStore {
  return {
    createTenant: ({ tenant, owner }) =>
      conflictsAsErrors(() =>
        db.transaction(async (tx) => {
          await setTenant(tx, tenant.id);
          const [tenantRow] = await tx.insert(tenants).values(tenant).returning();
          const [ownerRow] = await tx
            .insert(users)
            .values({ ...owner, tenantId: tenant.id, role: 'owner', status: 'active', siteIds: null })
            .returning();
          return { tenant: toTenant(required(tenantRow)), owner: toUser(required(ownerRow)) };
        }),
      ),

    async findCredentialsByEmail(email) {
      const row = await firstRow<{
        user_id: string;
        tenant_id: string;
        password_hash: string | null;
        status: User['status'];
      }>(db, sql`select * from auth_credentials_by_email(${email})`);
      return row
        ? {
            userId: row.user_id,
            tenantId: row.tenant_id,
            passwordHash: row.password_hash,
            status: row.status,
          }
        : null;
    },

    async findSessionByTokenHash(tokenHash) {
      const row = await firstRow<{
        session_id: string;
        tenant_id: string;
        user_id: string;
        expires_at: string | Date;
        role: Role;
        site_ids: string[] | null;
        user_status: User['status'];
      }>(db, sql`select * from auth_session_by_token_hash(${tokenHash})`);
      return row
        ? {
            sessionId: row.session_id,
            tenantId: row.tenant_id,
            userId: row.user_id,
            expiresAt: new Date(row.expires_at),
            role: row.role,
            siteIds: row.site_ids,
            userStatus: row.user_status,
          }
        : null;
    },

    async findApiKeyByHash(keyHash) {
      const row = await firstRow<{
        api_key_id: string;
        tenant_id: string;
        role: Role;
        revoked_at: string | Date | null;
      }>(db, sql`select * from auth_api_key_by_hash(${keyHash})`);
      return row
        ? {
            apiKeyId: row.api_key_id,
            tenantId: row.tenant_id,
            role: row.role,
            revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
          }
        : null;
    },

    async findInviteByTokenHash(tokenHash) {
      const row = await firstRow<{ user_id: string; tenant_id: string; expires_at: string | Date }>(
        db,
        sql`select * from auth_invite_by_token_hash(${tokenHash})`,
      );
      return row
        ? { userId: row.user_id, tenantId: row.tenant_id, expiresAt: new Date(row.expires_at) }
        : null;
    },

    async findTenantsWithAlarmTimers() {
      const result = (await db.execute(sql`select tenant_id from alarm_check_tenants()`)) as {
        rows: { tenant_id: string }[];
      };
      return result.rows.map((row) => row.tenant_id);
    },

    async findGatewayByCertificate(fingerprintSha256) {
      const row = await firstRow<{
        tenant_id: string;
        site_id: string;
        gateway_id: string;
        not_after: string | Date;
        revoked_at: string | Date | null;
      }>(db, sql`select * from auth_gateway_by_certificate(${fingerprintSha256})`);
      return row
        ? {
            tenantId: row.tenant_id,
            siteId: row.site_id,
            gatewayId: row.gateway_id,
            notAfter: new Date(row.not_after),
            revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
          }
        : null;
    },

    inTenant: (tenantId, work) =>
      db.transaction(async (tx) => {
        await setTenant(tx, tenantId);
        return work(tenantRepositories(tx, tenantId));
      }),

    close,
  };
}
