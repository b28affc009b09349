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

/** Tag `i` of `tags` reads Modbus holding register `i`. */
export async function createPlantOverApi(
  api: TestApi,
  label: string,
  spec: {
    device: { key: string; name: string; connection: Record<string, unknown> };
    tags: readonly PlantTagSpec[];
  },
): Promise<ApiPlant> {
  const owner = await api.signUp(label);
  const token = owner.token;
  const created = async (path: string, body: Record<string, unknown>): Promise<string> => {
    const res = await api.call('POST', path, { token, body });
    if (res.status !== 201) throw new Error(`POST ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  };
  const siteId = await created('/v1/sites', { name: `${label} works` });
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
  return { token, tenantId: owner.tenantId, userId: owner.userId, siteId, gatewayId, deviceId, tagIds };
}
