// Test fixtures of derived tags: a tenant with a site, a gateway and devices with a flow tag each.
import { randomUUID } from 'node:crypto';
import { modbusTcpConnectionSchema } from '@plantwatch/shared';
import type { ConfigStore } from '../compose/config-store.ts';
import type { Principal } from '../platform/principal.ts';

export interface Plant {
  tenantId: string;
  siteId: string;
  gatewayId: string;
  principal: Principal;
}

export async function createPlant(store: ConfigStore, deviceKeys = ['inlet', 'outlet']): Promise<Plant> {
  const tenantId = randomUUID();
  await store.createTenant({
    tenant: { id: tenantId, name: `Derived ${tenantId}`, timeZone: 'UTC' },
    owner: { id: randomUUID(), email: `${tenantId}@example.com`, name: 'Owner', passwordHash: 'x' },
  });
  return store.inTenant(tenantId, async (repos) => {
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
    for (const key of deviceKeys) {
      const device = await repos.devices.create({
        id: randomUUID(),
        gatewayId: gateway.id,
        key,
        name: key,
        description: '',
        enabled: true,
        connection: modbusTcpConnectionSchema.parse({ protocol: 'modbus-tcp', host: '127.0.0.1' }),
      });
      await repos.tags.create({
        id: randomUUID(),
        deviceId: device.id,
        key: 'flow',
        name: `${key} flow`,
        description: '',
        address: { kind: 'modbus', area: 'holding', address: 1, type: 'uint16' },
        scale: 1,
        offset: 0,
        unit: 'm³/h',
        deadband: 0,
      });
    }
    const principal: Principal = {
      tenantId,
      role: 'owner',
      siteIds: null,
      userId: null,
      apiKeyId: null,
      sessionId: null,
    };
    return { tenantId, siteId: site.id, gatewayId: gateway.id, principal };
  });
}
