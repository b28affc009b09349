// Test helpers: telemetry records resolved to their tags and devices, as ingest hands them to the
// alarms; the stores and plant a backtest-against-ingest test starts from, and the replay through
// ingest it ends with.
import { type CreateAlarmRule, type TelemetryPointRecord, telemetryTopic } from '@plantwatch/shared';
import { expect } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { createTelemetryIngestor } from '../ingest/ingest.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import { newTestPlant, testTagId } from '../plant/testing/plant.ts';
import type { Clock } from '../platform/clock.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { openDuckDbTelemetryStore } from '../telemetry/adapters/duckdb/telemetry-store.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { createAlarmRule } from './alarms.ts';
import { createAlarmEvaluator } from './evaluator.ts';
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

/**
 * The check that a backtest is the live engine: saves `rule`, replays the stored samples of `plc-1`'s
 * tag `tagKey` in [from, to) through ingest (with the real alarm evaluator) `batch` at a time, each
 * batch stored, and returns the saved rule with its whole journal, to set beside the backtest.
 */
export async function replayThroughIngest(
  plant: BacktestPlant,
  options: { rule: CreateAlarmRule; tagKey: string; from: number; to: number; batch: number; clock: Clock },
) {
  const { store, telemetry } = plant;
  const { tagKey, from, to, batch, clock } = options;
  const alarmDeps = { store, ids: uuidV7Ids, clock };
  const rule = await createAlarmRule(alarmDeps, plant.principal, options.rule);
  const ingestor = createTelemetryIngestor({
    store,
    telemetry,
    alarms: createAlarmEvaluator(alarmDeps),
    clock,
    ids: uuidV7Ids,
  });
  const stored = await telemetry.range(
    plant.tenantId,
    { gatewayId: plant.gatewayId, deviceKey: 'plc-1', tagKey },
    from,
    to,
    100_000,
  );
  for (let start = 0; start < stored.length; start += batch) {
    const points = stored
      .slice(start, start + batch)
      .map((s) => ({ d: 'plc-1', t: tagKey, ts: s.ts, v: s.value, q: s.quality }));
    const outcome = await ingestor.ingest({
      topic: telemetryTopic(plant),
      payload: Buffer.from(JSON.stringify({ v: 1, gw: plant.gatewayId, seq: start, points })),
      receivedAt: clock.now().getTime(),
    });
    expect(outcome.status).toBe('stored');
  }
  const journal = await store.inTenant(plant.tenantId, (repos) =>
    repos.alarmEvents.list({ ruleId: rule.id }, 10_000),
  );
  return { rule, journal };
}
