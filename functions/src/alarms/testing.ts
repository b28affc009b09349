// Test helpers: telemetry records resolved to their tags and devices, as ingest hands them to the
// alarms; the stores and plant a backtest-against-ingest test starts from.
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import { newTestPlant, testTagId } from '../plant/testing/plant.ts';
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
  const plant = await newTestPlant(store, {
    label: 'backtest',
    siteName: 'Works',
    timeZone: 'UTC',
    devices: [{ key: 'plc-1', name: 'PLC', tags }],
  });
  const device = plant.devices[0];
  if (!device) throw new Error('no device in the backtest plant');
  return {
    store,
    telemetry,
    principal: plant.principal,
    tenantId: plant.tenantId,
    siteId: plant.siteId,
    gatewayId: plant.gatewayId,
    deviceId: device.id,
    tagIds: Object.fromEntries(tags.map((tag) => [tag.key, testTagId(plant, tag.key)])),
    async close() {
      await telemetry.close();
      await store.close();
    },
  };
}
