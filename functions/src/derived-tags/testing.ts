// Test fixtures of derived tags: a tenant (UTC) with a site, a gateway and devices with a flow tag each.
import type { ConfigStore } from '../compose/config-store.ts';
import { newTestPlant } from '../plant/testing/plant.ts';
import type { Principal } from '../platform/principal.ts';

export interface Plant {
  tenantId: string;
  siteId: string;
  gatewayId: string;
  principal: Principal;
}

export async function createPlant(store: ConfigStore, deviceKeys = ['inlet', 'outlet']): Promise<Plant> {
  return newTestPlant(store, {
    label: 'derived',
    siteName: 'Works',
    timeZone: 'UTC',
    devices: deviceKeys.map((key) => ({
      key,
      tags: [{ key: 'flow', name: `${key} flow`, unit: 'm³/h' }],
    })),
  });
}
