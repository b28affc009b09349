// PlantRepositories and PlantLookups on PostgreSQL: sites → gateways → devices → tags, and the
// gateways' certificates (found across tenants by fingerprint through a SECURITY DEFINER function).
import type { Device, Gateway, Site, Tag } from '@plantwatch/shared';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { conflictsAsErrors } from '../../../platform/database/pg-errors.ts';
import {
  getTenantRow,
  iso,
  type Row,
  removeTenantRow,
  required,
  siteFilter,
  updateTenantRow,
} from '../../../platform/database/tenant-rows.ts';
import { firstRow } from '../../../platform/database/tenant-store.ts';
import type { GatewayTelemetryModel, PlantLookups, PlantRepositories } from '../../ports.ts';
import { devices, gatewayCertificates, gateways, sites, tags } from './schema.ts';

/** What a violated constraint means to the person who sent the request. */
const constraintMessages = {
  sites_tenant_name_key: 'a site with this name already exists',
  gateways_site_name_key: 'a gateway with this name already exists on this site',
  devices_gateway_key_key: 'a device with this key already exists on this gateway',
  tags_device_key_key: 'a tag with this key already exists on this device',
  gateways_site_fk: 'the site still has gateways; delete or move them first',
  devices_gateway_fk: 'the gateway still has devices; delete them first',
};
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
  bufferPolicy: r.bufferPolicy ?? null,
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
  heartbeatMs: r.heartbeatMs,
  templateId: r.templateId,
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

export function plantRepositories(tx: ConfigDb, tenantId: string): PlantRepositories {
  const now = () => new Date();
  return {
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
        conflictsAsErrors(constraintMessages, async () => {
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
        conflictsAsErrors(constraintMessages, async () => {
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
      remove: (id) => conflictsAsErrors(constraintMessages, () => removeTenantRow(tx, tenantId, sites, id)),
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
        conflictsAsErrors(constraintMessages, async () => {
          const [row] = await tx
            .insert(gateways)
            .values({ id: g.id, tenantId, siteId: g.siteId, name: g.name, description: g.description })
            .returning();
          return toGateway(required(row));
        }),
      update: (id, patch) =>
        conflictsAsErrors(constraintMessages, () =>
          updateTenantRow(tx, tenantId, gateways, id, patch, toGateway),
        ),
      async telemetryModel(id) {
        const rows = await tx
          .select({ deviceKey: devices.key, deviceId: devices.id, tagKey: tags.key, tagId: tags.id })
          .from(devices)
          .leftJoin(tags, and(eq(tags.tenantId, devices.tenantId), eq(tags.deviceId, devices.id)))
          .where(and(eq(devices.tenantId, tenantId), eq(devices.gatewayId, id)));
        const model: GatewayTelemetryModel = new Map();
        for (const row of rows) {
          const device = model.get(row.deviceKey) ?? {
            deviceId: row.deviceId,
            tags: new Map<string, string>(),
          };
          if (row.tagKey !== null && row.tagId !== null) device.tags.set(row.tagKey, row.tagId);
          model.set(row.deviceKey, device);
        }
        return model;
      },
      async bumpConfigVersion(id) {
        const [row] = await tx
          .update(gateways)
          .set({ configVersion: sql`${gateways.configVersion} + 1`, updatedAt: now() })
          .where(and(eq(gateways.tenantId, tenantId), eq(gateways.id, id)))
          .returning({ configVersion: gateways.configVersion });
        return required(row).configVersion;
      },
      remove: (id) =>
        conflictsAsErrors(constraintMessages, () => removeTenantRow(tx, tenantId, gateways, id)),
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
        conflictsAsErrors(constraintMessages, async () => {
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
              heartbeatMs: d.heartbeatMs ?? 60_000,
              templateId: d.templateId ?? null,
            })
            .returning();
          return toDevice(required(row));
        }),
      update: (id, patch) =>
        conflictsAsErrors(constraintMessages, () =>
          updateTenantRow(tx, tenantId, devices, id, patch, toDevice),
        ),
      remove: (id) => removeTenantRow(tx, tenantId, devices, id),
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
        conflictsAsErrors(constraintMessages, async () => {
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
      update: (id, patch) =>
        conflictsAsErrors(constraintMessages, () => updateTenantRow(tx, tenantId, tags, id, patch, toTag)),
      remove: (id) => removeTenantRow(tx, tenantId, tags, id),
    },
  };
}

export function plantLookups(db: ConfigDb): PlantLookups {
  return {
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
  };
}
