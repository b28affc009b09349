import 'server-only';
// The data layer pages read through: each function checks the viewer's role, then asks the API
// with the viewer's token (the API checks again, and scopes everything to the viewer's tenant).
import {
  type ApiKey,
  apiKeySchema,
  type Device,
  deviceSchema,
  type Gateway,
  gatewaySchema,
  type Site,
  siteSchema,
  type Tag,
  tagSchema,
  type User,
  userSchema,
} from '@plantwatch/shared';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ApiError, callApi } from './api.ts';
import { viewerWithRole } from './viewer.ts';

export async function read<T>(
  path: string,
  schema: z.ZodType<T>,
  role: 'viewer' | 'admin' = 'viewer',
): Promise<T> {
  const viewer = await viewerWithRole(role);
  try {
    return schema.parse(await callApi('GET', path, { token: viewer.token }));
  } catch (error) {
    // Absent and "another tenant's" are the same answer, by design.
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  }
}

export const query = (params: Record<string, string | undefined>) => {
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return defined.length ? `?${new URLSearchParams(defined)}` : '';
};

export const listSites = async (): Promise<Site[]> =>
  (await read('/v1/sites', z.object({ sites: z.array(siteSchema) }))).sites;

export const getSite = (siteId: string): Promise<Site> =>
  read(`/v1/sites/${encodeURIComponent(siteId)}`, siteSchema);

export const listGateways = async (siteId?: string): Promise<Gateway[]> =>
  (await read(`/v1/gateways${query({ siteId })}`, z.object({ gateways: z.array(gatewaySchema) }))).gateways;

export const listDevices = async (gatewayId?: string): Promise<Device[]> =>
  (await read(`/v1/devices${query({ gatewayId })}`, z.object({ devices: z.array(deviceSchema) }))).devices;

export const listTags = async (deviceId?: string): Promise<Tag[]> =>
  (await read(`/v1/tags${query({ deviceId })}`, z.object({ tags: z.array(tagSchema) }))).tags;

export const listUsers = async (): Promise<User[]> =>
  (await read('/v1/users', z.object({ users: z.array(userSchema) }), 'admin')).users;

export const listApiKeys = async (): Promise<ApiKey[]> =>
  (await read('/v1/api-keys', z.object({ apiKeys: z.array(apiKeySchema) }), 'admin')).apiKeys;

/** A site with everything under it, for the site page. */
export async function getSiteTree(siteId: string) {
  const site = await getSite(siteId);
  const gateways = await listGateways(site.id);
  const devicesByGateway = await Promise.all(gateways.map((gateway) => listDevices(gateway.id)));
  const devices = devicesByGateway.flat();
  const tagsByDevice = await Promise.all(devices.map((device) => listTags(device.id)));
  return {
    site,
    gateways: gateways.map((gateway, g) => ({
      gateway,
      devices: (devicesByGateway[g] ?? []).map((device) => ({
        device,
        tags: tagsByDevice[devices.indexOf(device)] ?? [],
      })),
    })),
  };
}
