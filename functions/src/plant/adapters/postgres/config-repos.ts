// The gateways' config versions (an outbox of retained messages), plant snapshots for rollback, and
// device templates on PostgreSQL; and the cross-tenant lookups of the config re-drive.
import { and, asc, desc, eq, getTableColumns, inArray, lte, ne, notInArray, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import { conflictsAsErrors } from '../../../platform/database/pg-errors.ts';
import { type Row, removeTenantRow, siteFilter } from '../../../platform/database/tenant-rows.ts';
import { firstRow } from '../../../platform/database/tenant-store.ts';
import type {
  ConfigPublishLookups,
  ConfigPublishState,
  ConfigVersionRepositories,
  DeviceTemplateRepositories,
  PlantSnapshot,
  StoredConfigVersion,
} from '../../ports.ts';
import { devices, gateways, tags } from './schema.ts';
import { deviceTemplates, gatewayConfigVersions } from './schema-config.ts';

const { config: _c, snapshot: _s, message: _m, ...listedColumns } = getTableColumns(gatewayConfigVersions);
const listed = {
  ...listedColumns,
  messageBytes: sql<number>`octet_length(${gatewayConfigVersions.message})`,
};

type ListedRow = Omit<Row<typeof gatewayConfigVersions>, 'config' | 'snapshot' | 'message'> & {
  messageBytes: number;
};

const toStored = (r: ListedRow): StoredConfigVersion => ({
  id: r.id,
  gatewayId: r.gatewayId,
  version: r.version,
  change: r.change,
  changedBy: r.changedBy,
  rollbackOf: r.rollbackOf,
  publishState: r.publishState as ConfigPublishState,
  publishAttempts: r.publishAttempts,
  lastError: r.lastError,
  publishedAt: r.publishedAt,
  createdAt: r.createdAt,
  messageBytes: Number(r.messageBytes),
});

const templateMessages = {
  device_templates_tenant_name_key: 'a device template with this name already exists',
};
const restoreMessages = {
  devices_gateway_key_key: 'the rollback would give two devices the same key',
  tags_device_key_key: 'the rollback would give two tags of a device the same key',
};

/** A column set to the value the INSERT proposed (for ON CONFLICT DO UPDATE). */
const excluded = (column: string) => sql.raw(`excluded."${column}"`);

export function configVersionRepositories(
  tx: ConfigDb,
  tenantId: string,
): ConfigVersionRepositories & DeviceTemplateRepositories {
  const versionOf = (gatewayId: string) =>
    and(eq(gatewayConfigVersions.tenantId, tenantId), eq(gatewayConfigVersions.gatewayId, gatewayId));
  return {
    gatewayConfigVersions: {
      async insert(row) {
        await tx
          .update(gatewayConfigVersions)
          .set({ publishState: 'superseded' })
          .where(and(versionOf(row.gatewayId), eq(gatewayConfigVersions.publishState, 'pending')));
        await tx.insert(gatewayConfigVersions).values({
          id: row.id,
          tenantId,
          gatewayId: row.gatewayId,
          version: row.version,
          config: row.config,
          snapshot: row.snapshot,
          message: row.message,
          change: row.change,
          changedBy: row.changedBy,
          rollbackOf: row.rollbackOf,
          publishState: 'pending',
          nextAttemptAt: row.at,
          createdAt: row.at,
        });
      },
      async list(gatewayId, limit) {
        const rows = await tx
          .select(listed)
          .from(gatewayConfigVersions)
          .where(versionOf(gatewayId))
          .orderBy(desc(gatewayConfigVersions.version))
          .limit(limit);
        return rows.map(toStored);
      },
      async get(gatewayId, version) {
        const [row] = await tx
          .select({
            ...listed,
            config: gatewayConfigVersions.config,
            snapshot: gatewayConfigVersions.snapshot,
          })
          .from(gatewayConfigVersions)
          .where(and(versionOf(gatewayId), eq(gatewayConfigVersions.version, version)));
        return row ? { ...toStored(row), config: row.config, snapshot: row.snapshot } : null;
      },
      async latest(gatewayId) {
        const [row] = await tx
          .select(listed)
          .from(gatewayConfigVersions)
          .where(versionOf(gatewayId))
          .orderBy(desc(gatewayConfigVersions.version))
          .limit(1);
        return row ? toStored(row) : null;
      },
      async claimDue({ now, leaseMs, limit, gatewayId }) {
        const due = await tx
          .select({
            id: gatewayConfigVersions.id,
            gatewayId: gatewayConfigVersions.gatewayId,
            siteId: gateways.siteId,
            version: gatewayConfigVersions.version,
            message: gatewayConfigVersions.message,
            publishAttempts: gatewayConfigVersions.publishAttempts,
          })
          .from(gatewayConfigVersions)
          .innerJoin(gateways, eq(gateways.id, gatewayConfigVersions.gatewayId))
          .where(
            and(
              eq(gatewayConfigVersions.tenantId, tenantId),
              eq(gatewayConfigVersions.publishState, 'pending'),
              lte(gatewayConfigVersions.nextAttemptAt, now),
              gatewayId ? eq(gatewayConfigVersions.gatewayId, gatewayId) : undefined,
            ),
          )
          .orderBy(asc(gatewayConfigVersions.createdAt))
          .limit(limit)
          .for('update', { of: gatewayConfigVersions, skipLocked: true });
        if (due.length === 0) return [];
        await tx
          .update(gatewayConfigVersions)
          .set({
            publishAttempts: sql`${gatewayConfigVersions.publishAttempts} + 1`,
            nextAttemptAt: new Date(now.getTime() + leaseMs),
          })
          .where(
            and(
              eq(gatewayConfigVersions.tenantId, tenantId),
              inArray(
                gatewayConfigVersions.id,
                due.map((d) => d.id),
              ),
            ),
          );
        return due.map((d) => ({ ...d, publishAttempts: d.publishAttempts + 1 }));
      },
      async markPublished(id, at) {
        const ofTenant = eq(gatewayConfigVersions.tenantId, tenantId);
        const [row] = await tx
          .update(gatewayConfigVersions)
          .set({ publishState: 'published', publishedAt: at, lastError: null })
          .where(
            and(
              ofTenant,
              eq(gatewayConfigVersions.id, id),
              eq(gatewayConfigVersions.publishState, 'pending'),
            ),
          )
          .returning({ id: gatewayConfigVersions.id });
        if (row) return { republish: false };
        // Superseded while in flight: the newest version goes (again) after this one.
        const [published] = await tx
          .select({ gatewayId: gatewayConfigVersions.gatewayId })
          .from(gatewayConfigVersions)
          .where(and(ofTenant, eq(gatewayConfigVersions.id, id)));
        if (!published) return { republish: false };
        const newest = tx
          .select({ id: gatewayConfigVersions.id })
          .from(gatewayConfigVersions)
          .where(versionOf(published.gatewayId))
          .orderBy(desc(gatewayConfigVersions.version))
          .limit(1);
        const requeued = await tx
          .update(gatewayConfigVersions)
          .set({ publishState: 'pending', nextAttemptAt: at })
          .where(and(ofTenant, inArray(gatewayConfigVersions.id, newest), ne(gatewayConfigVersions.id, id)))
          .returning({ id: gatewayConfigVersions.id });
        return { republish: requeued.length > 0 };
      },
      async markUnpublished(id, { error, retryAt }) {
        await tx
          .update(gatewayConfigVersions)
          .set({ lastError: error.slice(0, 2000), nextAttemptAt: retryAt })
          .where(and(eq(gatewayConfigVersions.tenantId, tenantId), eq(gatewayConfigVersions.id, id)));
      },
    },

    plantSnapshots: {
      async read(gatewayId) {
        const [gateway] = await tx
          .select({ bufferPolicy: gateways.bufferPolicy })
          .from(gateways)
          .where(and(eq(gateways.tenantId, tenantId), eq(gateways.id, gatewayId)));
        const deviceRows = await tx
          .select()
          .from(devices)
          .where(and(eq(devices.tenantId, tenantId), eq(devices.gatewayId, gatewayId)))
          .orderBy(asc(devices.key));
        const tagRows =
          deviceRows.length === 0
            ? []
            : await tx
                .select()
                .from(tags)
                .where(
                  and(
                    eq(tags.tenantId, tenantId),
                    inArray(
                      tags.deviceId,
                      deviceRows.map((d) => d.id),
                    ),
                  ),
                )
                .orderBy(asc(tags.key));
        return {
          bufferPolicy: gateway?.bufferPolicy ?? null,
          devices: deviceRows.map((d) => ({
            id: d.id,
            key: d.key,
            name: d.name,
            description: d.description,
            enabled: d.enabled,
            connection: d.connection,
            heartbeatMs: d.heartbeatMs,
            templateId: d.templateId,
          })),
          tags: tagRows.map((t) => ({
            id: t.id,
            deviceId: t.deviceId,
            key: t.key,
            name: t.name,
            description: t.description,
            address: t.address,
            scale: t.scale,
            offset: t.offset,
            unit: t.unit,
            deadband: t.deadband,
          })),
        };
      },
      restore: (gatewayId, snapshot) =>
        conflictsAsErrors(restoreMessages, () => restore(tx, tenantId, gatewayId, snapshot)),
    },

    deviceTemplates: {
      async list() {
        return tx
          .select()
          .from(deviceTemplates)
          .where(eq(deviceTemplates.tenantId, tenantId))
          .orderBy(asc(deviceTemplates.name))
          .then((rows) => rows.map(toTemplate));
      },
      async get(id) {
        const [row] = await tx
          .select()
          .from(deviceTemplates)
          .where(and(eq(deviceTemplates.tenantId, tenantId), eq(deviceTemplates.id, id)));
        return row ? toTemplate(row) : null;
      },
      create: (template) =>
        conflictsAsErrors(templateMessages, async () => {
          await tx.insert(deviceTemplates).values({ ...template, tenantId });
        }),
      update: (id, patch) =>
        conflictsAsErrors(templateMessages, async () => {
          const rows = await tx
            .update(deviceTemplates)
            .set({ ...patch, updatedAt: new Date() })
            .where(and(eq(deviceTemplates.tenantId, tenantId), eq(deviceTemplates.id, id)))
            .returning({ id: deviceTemplates.id });
          return rows.length > 0;
        }),
      async remove(id) {
        // Devices made from it keep their tags; they only stop naming it.
        await tx
          .update(devices)
          .set({ templateId: null })
          .where(and(eq(devices.tenantId, tenantId), eq(devices.templateId, id)));
        return removeTenantRow(tx, tenantId, deviceTemplates, id);
      },
      async devicesUsing(id, scope) {
        const rows = await tx
          .select({ id: devices.id })
          .from(devices)
          .innerJoin(gateways, eq(gateways.id, devices.gatewayId))
          .where(
            and(
              eq(devices.tenantId, tenantId),
              eq(devices.templateId, id),
              siteFilter(gateways.siteId, scope),
            ),
          )
          .orderBy(asc(devices.key));
        return rows.map((r) => r.id);
      },
    },
  };
}

function toTemplate(r: Row<typeof deviceTemplates>) {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    protocol: r.protocol as 'modbus' | 'opcua',
    tags: r.tags,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * Makes the gateway's plant what the snapshot says. Devices and tags keep their ids (alarm rules
 * and history hang from them): those added since go, those removed since come back, the rest take
 * their old settings. Keys are parked first, so two rows that swapped keys do not collide midway.
 */
async function restore(tx: ConfigDb, tenantId: string, gatewayId: string, snapshot: PlantSnapshot) {
  const now = new Date();
  await tx
    .update(gateways)
    .set({ bufferPolicy: snapshot.bufferPolicy, updatedAt: now })
    .where(and(eq(gateways.tenantId, tenantId), eq(gateways.id, gatewayId)));
  const keepDevices = snapshot.devices.map((d) => d.id);
  const onGateway = and(eq(devices.tenantId, tenantId), eq(devices.gatewayId, gatewayId));
  // Tags go with their devices (on delete cascade), and with them their alarm rules, as on any delete.
  await tx
    .delete(devices)
    .where(keepDevices.length > 0 ? and(onGateway, notInArray(devices.id, keepDevices)) : onGateway);
  const keepTags = snapshot.tags.map((t) => t.id);
  if (keepDevices.length > 0) {
    const ofDevices = and(eq(tags.tenantId, tenantId), inArray(tags.deviceId, keepDevices));
    await tx
      .delete(tags)
      .where(keepTags.length > 0 ? and(ofDevices, notInArray(tags.id, keepTags)) : ofDevices);
    await tx
      .update(tags)
      .set({ key: sql`'~rollback~' || ${tags.id}` })
      .where(ofDevices);
  }
  await tx
    .update(devices)
    .set({ key: sql`'~rollback~' || ${devices.id}` })
    .where(onGateway);
  if (snapshot.devices.length > 0) {
    await tx
      .insert(devices)
      .values(snapshot.devices.map((d) => ({ ...d, tenantId, gatewayId, updatedAt: now })))
      .onConflictDoUpdate({
        target: devices.id,
        set: {
          key: excluded('key'),
          name: excluded('name'),
          description: excluded('description'),
          enabled: excluded('enabled'),
          connection: excluded('connection'),
          heartbeatMs: excluded('heartbeat_ms'),
          templateId: excluded('template_id'),
          updatedAt: now,
        },
      });
  }
  if (snapshot.tags.length > 0) {
    await tx
      .insert(tags)
      .values(snapshot.tags.map((t) => ({ ...t, tenantId, updatedAt: now })))
      .onConflictDoUpdate({
        target: tags.id,
        set: {
          key: excluded('key'),
          name: excluded('name'),
          description: excluded('description'),
          address: excluded('address'),
          scale: excluded('scale'),
          offset: excluded('offset'),
          unit: excluded('unit'),
          deadband: excluded('deadband'),
          updatedAt: now,
        },
      });
  }
}

export function configPublishLookups(db: ConfigDb): ConfigPublishLookups {
  return {
    async findTenantsWithDueConfigPublishes() {
      const result = (await db.execute(sql`select tenant_id from config_publishes_due()`)) as {
        rows: { tenant_id: string }[];
      };
      return result.rows.map((r) => r.tenant_id);
    },
    async configPublishSummary() {
      const row = await firstRow<{ pending: string | number; oldest_pending: string | Date | null }>(
        db,
        sql`select * from config_publish_summary()`,
      );
      return {
        pending: Number(row?.pending ?? 0),
        oldestPendingAt: row?.oldest_pending ? new Date(row.oldest_pending) : null,
      };
    },
  };
}
