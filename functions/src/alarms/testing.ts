// Test helper: telemetry records resolved to their tags and devices, as ingest hands them to the alarms.
import type { TelemetryPointRecord } from '@plantwatch/shared';
import type { PlantRepositories } from '../plant/ports.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
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
