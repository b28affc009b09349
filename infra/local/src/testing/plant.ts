// Test helper: a new tenant with a site, a gateway, one device and its tags, made through the API as
// a user would (sign-up, then POST /v1/sites, /v1/gateways, /v1/devices, /v1/tags).
import type { TestApi } from './harness.ts';

export interface PlantTagSpec {
  key: string;
  name?: string;
  unit?: string;
  scale?: number;
}

export interface ApiPlant {
  token: string;
  tenantId: string;
  userId: string;
  siteId: string;
  gatewayId: string;
  deviceId: string;
  /** By tag key. */
  tagIds: Record<string, string>;
}

export interface PlantSpec {
  /** Default `<label> works`. */
  siteName?: string;
  device: { key: string; name: string; connection: Record<string, unknown> };
  /** Tag `i` reads Modbus holding register `i`. */
  tags: readonly PlantTagSpec[];
}

/** A site, gateway, device and tags in the tenant of `token`. */
export async function addPlantOverApi(
  api: Pick<TestApi, 'call'>,
  token: string,
  spec: PlantSpec,
): Promise<Pick<ApiPlant, 'siteId' | 'gatewayId' | 'deviceId' | 'tagIds'>> {
  const created = async (path: string, body: Record<string, unknown>): Promise<string> => {
    const res = await api.call('POST', path, { token, body });
    if (res.status !== 201) throw new Error(`POST ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  };
  const siteId = await created('/v1/sites', { name: spec.siteName ?? 'North works' });
  const gatewayId = await created('/v1/gateways', { siteId, name: 'gw' });
  const deviceId = await created('/v1/devices', { gatewayId, ...spec.device });
  const tagIds: Record<string, string> = {};
  for (const [address, tag] of spec.tags.entries()) {
    tagIds[tag.key] = await created('/v1/tags', {
      deviceId,
      key: tag.key,
      name: tag.name ?? tag.key,
      unit: tag.unit ?? '',
      ...(tag.scale === undefined ? {} : { scale: tag.scale }),
      address: { kind: 'modbus', area: 'holding', address, type: 'uint16' },
    });
  }
  return { siteId, gatewayId, deviceId, tagIds };
}

/** A new tenant (signed up as `label`) with a site, gateway, device and tags. */
export async function createPlantOverApi(api: TestApi, label: string, spec: PlantSpec): Promise<ApiPlant> {
  const owner = await api.signUp(label);
  const plant = await addPlantOverApi(api, owner.token, { siteName: `${label} works`, ...spec });
  return { token: owner.token, tenantId: owner.tenantId, userId: owner.userId, ...plant };
}

/** The id of the plant's tag `key` (it was created, or the fixture threw). */
export function tagIdOf(plant: Pick<ApiPlant, 'tagIds'>, key: string): string {
  const id = plant.tagIds[key];
  if (!id) throw new Error(`the plant has no tag ${key}`);
  return id;
}

/** Two flow meters on one device, `in` and `out` (m³/h): what derived-tag tests compute a balance of. */
export const flowMeters: PlantSpec = {
  device: { key: 'meter', name: 'Meters', connection: { protocol: 'modbus-tcp', host: '127.0.0.1' } },
  tags: [
    { key: 'in', unit: 'm³/h' },
    { key: 'out', unit: 'm³/h' },
  ],
};

/** The level tag most alarm tests watch, on one PLC. */
export const liftStation: PlantSpec = {
  siteName: 'Lift station',
  device: { key: 'plc-1', name: 'PLC', connection: { protocol: 'modbus-tcp', host: '127.0.0.1' } },
  tags: [{ key: 'level', name: 'Wet well level' }],
};
