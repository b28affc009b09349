// Test helper: a tenant with one site, one gateway and a level tag on each of its Modbus devices,
// the plant most store-level tests need.
import { randomUUID } from 'node:crypto';
import type { DeviceConnection, TagAddress } from '@plantwatch/shared';
import type { AccountLookups, AccountRepositories } from '../../accounts/ports.ts';
import type { TenantStore } from '../../platform/database/tenant-store.ts';
import { newTestTenant } from '../../platform/testing/tenants.ts';
import type { PlantRepositories } from '../ports.ts';

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

export async function newTestPlant(
  store: TenantStore<AccountRepositories & PlantRepositories> & Pick<AccountLookups, 'createTenant'>,
  options: { label?: string; deviceKeys?: readonly string[] } = {},
) {
  const { tenantId, ownerId } = await newTestTenant(store, options.label);
  return store.inTenant(tenantId, async (repos) => {
    const site = await repos.sites.create({
      id: randomUUID(),
      name: 'North',
      description: '',
      timeZone: 'Europe/London',
      location: null,
    });
    const gateway = await repos.gateways.create({
      id: randomUUID(),
      siteId: site.id,
      name: 'gw',
      description: '',
    });
    const devices = [];
    for (const key of options.deviceKeys ?? ['plc-1']) {
      const device = await repos.devices.create({
        id: randomUUID(),
        gatewayId: gateway.id,
        key,
        name: key,
        description: '',
        enabled: true,
        connection: testModbusConnection,
      });
      await repos.tags.create({
        id: randomUUID(),
        deviceId: device.id,
        key: 'level',
        name: 'Level',
        description: '',
        address: testLevelAddress,
        scale: 1,
        offset: 0,
        unit: 'm',
        deadband: 0,
      });
      devices.push(device);
    }
    const tags = await repos.tags.telemetryRefs({ gatewayId: gateway.id, scope: null });
    return { tenantId, ownerId, siteId: site.id, gatewayId: gateway.id, devices, tags };
  });
}
export type TestPlant = Awaited<ReturnType<typeof newTestPlant>>;
