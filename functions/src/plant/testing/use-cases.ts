// Test helper: the plant use-cases over a real config store (PGlite), with a broker double that
// records what the config push publishes (or refuses it), and a new tenant with a site and gateway
// made through the use-cases, as an engineer.
import { type ConfigStore, createPostgresConfigStore } from '../../compose/config-store.ts';
import { uuidV7Ids } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';
import { configDatabaseTargets } from '../../platform/testing/config-databases.ts';
import { newTestTenant } from '../../platform/testing/tenants.ts';
import { createConfigPush } from '../config-push.ts';
import * as plant from '../plant.ts';
import type { GatewayMessagePublisher } from '../ports.ts';
import { testModbusConnection } from './plant.ts';

/** What the broker got, and whether it takes the next publishes. */
export class RecordingBroker implements GatewayMessagePublisher {
  readonly retained = new Map<string, string>();
  readonly published: { topic: string; payload: string }[] = [];
  refuse: string | null = null;

  async publish({ topic, payload, retain }: { topic: string; payload: string; retain: boolean }) {
    if (this.refuse) throw new Error(this.refuse);
    this.published.push({ topic, payload });
    if (retain) this.retained.set(topic, payload);
  }
}

export function plantUseCases(store: ConfigStore, clock = { now: () => new Date() }) {
  const broker = new RecordingBroker();
  const deps: plant.PlantDeps = {
    store,
    ids: uuidV7Ids,
    clock,
    gatewayCertificates: {
      endpoint: () => 'mqtts://broker.invalid:8883',
      issue: async () => {
        throw new Error('no certificates in these tests');
      },
      retire: async () => {},
    },
    plantChanges: createConfigPush({ store, lookups: store, publisher: broker, clock }),
  };

  async function newSite(label = 'plant') {
    const { tenantId, ownerId } = await newTestTenant(store, label);
    const engineer: Principal = {
      tenantId,
      role: 'engineer',
      siteIds: null,
      userId: ownerId,
      apiKeyId: null,
      sessionId: null,
    };
    const site = await plant.createSite(deps, engineer, {
      name: 'North',
      description: '',
      timeZone: 'UTC',
      location: null,
    });
    const gateway = await plant.createGateway(deps, engineer, {
      siteId: site.id,
      name: 'gw',
      description: '',
    });
    return { engineer, site, gateway };
  }

  async function newModbusDevice(engineer: Principal, gatewayId: string, key: string, templateId?: string) {
    return plant.createDevice(deps, engineer, {
      gatewayId,
      key,
      name: key,
      description: '',
      enabled: true,
      connection: testModbusConnection,
      heartbeatMs: 60_000,
      ...(templateId ? { templateId } : {}),
    });
  }

  return { deps, broker, newSite, newModbusDevice };
}
export type PlantUseCases = ReturnType<typeof plantUseCases>;

/** The plant use-cases over a new config store on PGlite; closing the store closes its database. */
export async function openPlantTestbed(): Promise<{ store: ConfigStore; harness: PlantUseCases }> {
  const target = configDatabaseTargets.find((t) => t.name === 'pglite');
  if (!target) throw new Error('no pglite target');
  const database = await target.open();
  const store = createPostgresConfigStore(database.db, () => database.close());
  return { store, harness: plantUseCases(store) };
}

export const modbusTag = (key: string, address: number, extra: { unit?: string; bit?: number } = {}) => ({
  key,
  name: key,
  description: '',
  unit: extra.unit ?? '',
  scale: 1,
  offset: 0,
  deadband: 0,
  address: {
    kind: 'modbus' as const,
    area: 'holding' as const,
    address,
    type: extra.bit === undefined ? ('uint16' as const) : ('bool' as const),
    ...(extra.bit === undefined ? {} : { bit: extra.bit }),
  },
});
