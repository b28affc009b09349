// Test helper: a tenant with a plant (one site, one gateway, its devices and their tags), made straight
// in the repositories; by default one Modbus device with a level tag, the plant most store-level tests
// need.
import { randomUUID } from 'node:crypto';
import { type DeviceConnection, deviceConnectionSchema, type TagAddress } from '@plantwatch/shared';
import type { AccountLookups, AccountRepositories } from '../../accounts/ports.ts';
import type { TenantStore } from '../../platform/database/tenant-store.ts';
import type { Principal } from '../../platform/principal.ts';
import { newTestTenant } from '../../platform/testing/tenants.ts';
import type { PlantRepositories, TagTelemetryRef } from '../ports.ts';

export const testModbusConnection: DeviceConnection = {
  protocol: 'modbus-tcp',
  host: '127.0.0.1',
  port: 502,
  unitId: 1,
  pollMs: 1000,
  timeoutMs: 2000,
  byteOrder: 'BE',
  wordOrder: 'BE',
  interRequestDelayMs: 0,
  maxGap: 8,
};

export const testLevelAddress: TagAddress = { kind: 'modbus', area: 'holding', address: 0, type: 'uint16' };

export const testOpcuaConnection: DeviceConnection = deviceConnectionSchema.parse({
  protocol: 'opcua',
  endpoint: 'opc.tcp://10.0.0.1:4840',
});

/** A tag of an OPC UA device, its node named by its key. */
export const testOpcuaTag = (key: string, unit = ''): TestTag => ({
  key,
  unit,
  address: { kind: 'opcua', nodeId: `ns=1;s=${key}` },
});

export interface TestTag {
  key: string;
  /** Default: the key. */
  name?: string;
  /** Default: none (''). */
  unit?: string;
  /** Default: the holding register after the device's previous tag (1, 2, ...), as a uint16. */
  address?: TagAddress;
}

export interface TestDevice {
  key: string;
  /** Default: the key. */
  name?: string;
  /** Default: `testModbusConnection`. */
  connection?: DeviceConnection;
  tags: readonly TestTag[];
}

export interface TestSiteOptions {
  /** Default 'North'; a tenant's sites need names of their own. */
  siteName?: string;
  /** Default 'Europe/London'. */
  timeZone?: string;
  /** Default: `plc-1` with the level tag. */
  devices?: readonly TestDevice[];
}

/** The level tag `newTestPlant` puts on each device unless told otherwise. */
export const testLevelTag: TestTag = { key: 'level', name: 'Level', unit: 'm', address: testLevelAddress };

/** A site with one gateway, its devices and their tags, made in the tenant's repositories. */
export async function createTestSite(
  repos: Pick<PlantRepositories, 'sites' | 'gateways' | 'devices' | 'tags'>,
  options: TestSiteOptions = {},
) {
  const site = await repos.sites.create({
    id: randomUUID(),
    name: options.siteName ?? 'North',
    description: '',
    timeZone: options.timeZone ?? 'Europe/London',
    location: null,
  });
  const gateway = await repos.gateways.create({
    id: randomUUID(),
    siteId: site.id,
    name: 'gw',
    description: '',
  });
  const devices = [];
  for (const spec of options.devices ?? [{ key: 'plc-1', tags: [testLevelTag] }]) {
    const device = await repos.devices.create({
      id: randomUUID(),
      gatewayId: gateway.id,
      key: spec.key,
      name: spec.name ?? spec.key,
      description: '',
      enabled: true,
      connection: spec.connection ?? testModbusConnection,
    });
    for (const [index, tag] of spec.tags.entries()) {
      await repos.tags.create({
        id: randomUUID(),
        deviceId: device.id,
        key: tag.key,
        name: tag.name ?? tag.key,
        description: '',
        address: tag.address ?? { kind: 'modbus', area: 'holding', address: index + 1, type: 'uint16' },
        scale: 1,
        offset: 0,
        unit: tag.unit ?? '',
        deadband: 0,
      });
    }
    devices.push(device);
  }
  const tags = await repos.tags.telemetryRefs({ gatewayId: gateway.id, scope: null });
  return { siteId: site.id, gatewayId: gateway.id, devices, tags };
}

/**
 * A new tenant, its owner, and a site made by `createTestSite`; `deviceKeys`, where given, are its
 * Modbus devices, with the level tag each.
 */
export async function newTestPlant(
  store: TenantStore<AccountRepositories & PlantRepositories> & Pick<AccountLookups, 'createTenant'>,
  options: { label?: string; deviceKeys?: readonly string[] } & TestSiteOptions = {},
) {
  const { label, deviceKeys, ...site } = options;
  const { tenantId, ownerId } = await newTestTenant(store, label, site.timeZone);
  // The owner's rights, as no particular user (no user, key or session).
  const principal: Principal = {
    tenantId,
    role: 'owner',
    siteIds: null,
    userId: null,
    apiKeyId: null,
    sessionId: null,
  };
  const devices = deviceKeys?.map((key) => ({ key, tags: [testLevelTag] })) ?? site.devices;
  const made = await store.inTenant(tenantId, (repos) =>
    createTestSite(repos, { ...site, ...(devices ? { devices } : {}) }),
  );
  return { tenantId, ownerId, principal, ...made };
}
export type TestPlant = Awaited<ReturnType<typeof newTestPlant>>;

/** The id of the plant's (first) tag `tagKey`. */
export function testTagId(plant: { tags: readonly TagTelemetryRef[] }, tagKey: string) {
  const tag = plant.tags.find((ref) => ref.tagKey === tagKey);
  if (!tag) throw new Error(`no tag ${tagKey} in the test plant`);
  return tag.tagId;
}
