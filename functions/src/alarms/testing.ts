// Test helpers: telemetry records resolved to their tags and devices, as ingest hands them to the
// alarms; the stores and plant a backtest-against-ingest test starts from.
import { randomUUID } from 'node:crypto';
import { modbusTcpConnectionSchema, type TelemetryPointRecord } from '@plantwatch/shared';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { Principal } from '../platform/principal.ts';
import { openDuckDbTelemetryStore } from '../telemetry/adapters/duckdb/telemetry-store.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import type { AlarmPoint } from './ports.ts';

export async function resolveForAlarms(
  store: TenantStore<Pick<PlantRepositories, 'gateways'>>,
  records: readonly TelemetryPointRecord[],
): Promise<AlarmPoint[]> {
  const models = new Map<string, Awaited<ReturnType<PlantRepositories['gateways']['telemetryModel']>>>();
  const points: AlarmPoint[] = [];
  for (const record of records) {
    const key = `${record.tenantId}/${record.gatewayId}`;
    let model = models.get(key);
    if (!model) {
      model = await store.inTenant(record.tenantId, (repos) =>
        repos.gateways.telemetryModel(record.gatewayId),
      );
      models.set(key, model);
    }
    const device = model.get(record.deviceKey);
    const tagId = device?.tags.get(record.tagKey);
    if (!device || !tagId) throw new Error(`no tag ${record.deviceKey}/${record.tagKey} on the gateway`);
    points.push({
      tagId,
      deviceId: device.deviceId,
      ts: record.ts,
      value: record.value,
      quality: record.quality,
    });
  }
  return points;
}

export interface BacktestPlant {
  store: ConfigStore;
  telemetry: TelemetryStore;
  principal: Principal;
  tenantId: string;
  siteId: string;
  gatewayId: string;
  deviceId: string;
  /** Tag ids by key. */
  tagIds: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A config store on PGlite and an in-memory DuckDB store keeping 30 days, with a tenant (UTC) whose
 * site has one gateway and one Modbus device `plc-1` holding these tags; its owner as the principal.
 */
export async function openBacktestPlant(
  tags: readonly { key: string; name: string; unit: string }[],
): Promise<BacktestPlant> {
  const database = await openConfigDatabase({ kind: 'pglite' });
  const store = createPostgresConfigStore(database.db, () => database.close());
  const telemetry = await openDuckDbTelemetryStore({ path: ':memory:', maxPointAgeMs: 30 * 86_400_000 });
  const tenantId = randomUUID();
  await store.createTenant({
    tenant: { id: tenantId, name: `Backtest ${tenantId}`, timeZone: 'UTC' },
    owner: { id: randomUUID(), email: `${tenantId}@example.com`, name: 'Owner', passwordHash: 'x' },
  });
  const principal: Principal = {
    tenantId,
    role: 'owner',
    siteIds: null,
    userId: null,
    apiKeyId: null,
    sessionId: null,
  };
  const plant = await store.inTenant(tenantId, async (repos) => {
    const site = await repos.sites.create({
      id: randomUUID(),
      name: 'Works',
      description: '',
      timeZone: 'UTC',
      location: null,
    });
    const gateway = await repos.gateways.create({
      id: randomUUID(),
      siteId: site.id,
      name: 'gw',
      description: '',
    });
    const device = await repos.devices.create({
      id: randomUUID(),
      gatewayId: gateway.id,
      key: 'plc-1',
      name: 'PLC',
      description: '',
      enabled: true,
      connection: modbusTcpConnectionSchema.parse({ protocol: 'modbus-tcp', host: '127.0.0.1' }),
    });
    const tagIds: Record<string, string> = {};
    for (const [index, tag] of tags.entries()) {
      const created = await repos.tags.create({
        id: randomUUID(),
        deviceId: device.id,
        key: tag.key,
        name: tag.name,
        description: '',
        address: { kind: 'modbus', area: 'holding', address: index + 1, type: 'uint16' },
        scale: 1,
        offset: 0,
        unit: tag.unit,
        deadband: 0,
      });
      tagIds[tag.key] = created.id;
    }
    return { siteId: site.id, gatewayId: gateway.id, deviceId: device.id, tagIds };
  });
  return {
    store,
    telemetry,
    principal,
    tenantId,
    ...plant,
    async close() {
      await telemetry.close();
      await store.close();
    },
  };
}
