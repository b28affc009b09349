// Config versions and the config push over the real config store (PGlite): every change is a
// numbered version with who and what, published retained; a broker that refuses is retried until it
// takes it; a rollback brings devices and tags back with their ids. The publisher here records (or
// refuses) what the broker would get; the real broker and gateway are in infra/local's gateway tests.
import { gunzipSync } from 'node:zlib';
import {
  configTopic,
  type GatewayConfigMessage,
  gatewayConfigMessageSchema,
  InvalidInputError,
} from '@plantwatch/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import type { ConfigDatabase } from '../platform/database/database.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { configDatabaseTargets } from '../platform/testing/config-databases.ts';
import { newTestTenant } from '../platform/testing/tenants.ts';
import { type ConfigPush, createConfigPush } from './config-push.ts';
import { getConfigVersion, listConfigVersions, rollbackConfig } from './config-versions.ts';
import * as plant from './plant.ts';
import type { GatewayMessagePublisher } from './ports.ts';
import { testModbusConnection } from './testing/plant.ts';

/** What the broker got, and whether it takes the next publishes. */
class RecordingBroker implements GatewayMessagePublisher {
  readonly retained = new Map<string, string>();
  readonly published: { topic: string; payload: string }[] = [];
  refuse: string | null = null;
  /** Holds every publish until release() (a slow broker). */
  hold: Promise<void> | null = null;

  async publish({ topic, payload, retain }: { topic: string; payload: string; retain: boolean }) {
    if (this.hold) await this.hold;
    if (this.refuse) throw new Error(this.refuse);
    this.published.push({ topic, payload });
    if (retain) this.retained.set(topic, payload);
  }
}

function message(payload: string | undefined): GatewayConfigMessage & { devices: { id: string }[] } {
  const parsed = gatewayConfigMessageSchema.parse(JSON.parse(payload ?? 'null'));
  const config =
    parsed.config ?? JSON.parse(gunzipSync(Buffer.from(parsed.configGzip ?? '', 'base64')).toString());
  return { ...parsed, devices: config.devices };
}

describe('config versions and the config push', () => {
  let database: ConfigDatabase;
  let store: ConfigStore;
  let broker: RecordingBroker;
  let push: ConfigPush;
  let now: number;
  const clock = { now: () => new Date(now) };
  const deps = () => ({
    store,
    ids: uuidV7Ids,
    clock,
    gatewayCertificates: {
      endpoint: () => 'mqtts://broker:8883',
      issue: async () => {
        throw new Error('not in these tests');
      },
      retire: async () => {},
    },
    plantChanges: push,
  });

  async function newPlant() {
    const { tenantId, ownerId } = await newTestTenant(store, 'config');
    const engineer: Principal = {
      tenantId,
      role: 'engineer',
      siteIds: null,
      userId: ownerId,
      apiKeyId: null,
      sessionId: null,
    };
    const site = await plant.createSite(deps(), engineer, {
      name: 'North',
      description: '',
      timeZone: 'UTC',
      location: null,
    });
    const gateway = await plant.createGateway(deps(), engineer, {
      siteId: site.id,
      name: 'gw',
      description: '',
    });
    const device = await plant.createDevice(deps(), engineer, {
      gatewayId: gateway.id,
      key: 'plc-1',
      name: 'PLC',
      description: '',
      enabled: true,
      connection: testModbusConnection,
      heartbeatMs: 60_000,
    });
    const topic = configTopic({ tenantId, siteId: site.id, gatewayId: gateway.id });
    return { engineer, site, gateway, device, topic };
  }

  const tagInput = (deviceId: string, key: string, address: number, bit?: number) => ({
    deviceId,
    key,
    name: key,
    description: '',
    unit: '',
    scale: 1,
    offset: 0,
    deadband: 0,
    address: {
      kind: 'modbus' as const,
      area: 'holding' as const,
      address,
      type: bit === undefined ? ('uint16' as const) : ('bool' as const),
      ...(bit === undefined ? {} : { bit }),
    },
  });

  beforeAll(async () => {
    const target = configDatabaseTargets.find((t) => t.name === 'pglite');
    if (!target) throw new Error('no pglite target');
    database = await target.open();
    store = createPostgresConfigStore(database.db, async () => {});
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(() => {
    now = Date.parse('2026-12-01T08:00:00Z');
    broker = new RecordingBroker();
    push = createConfigPush({ store, lookups: store, publisher: broker, clock });
  });

  it('makes every change a numbered version with who and what, and publishes it retained', async () => {
    const { engineer, gateway, device, topic } = await newPlant();

    await plant.createTag(deps(), engineer, tagInput(device.id, 'pump_fault', 7, 3));

    const versions = await listConfigVersions(deps(), engineer, gateway.id);
    expect(versions.map((v) => [v.version, v.change])).toEqual([
      [3, 'tag pump_fault added to device plc-1'],
      [2, 'device plc-1 added'],
    ]);
    expect(versions[0]).toMatchObject({
      changedBy: { type: 'user', id: engineer.userId },
      publish: { state: 'published', attempts: 1, lastError: null },
    });
    const retained = message(broker.retained.get(topic));
    expect(retained).toMatchObject({ v: 1, version: 3 });
    expect(retained.devices).toEqual([
      expect.objectContaining({
        id: 'plc-1',
        heartbeatMs: 60_000,
        tags: [
          expect.objectContaining({ id: 'pump_fault', area: 'holding', address: 7, type: 'bool', bit: 3 }),
        ],
      }),
    ]);
    const detail = await getConfigVersion(deps(), engineer, gateway.id, 3);
    expect(detail.config).toEqual(retained.config);
  });

  it('keeps a version the broker refused pending, with the reason, and publishes it once the broker is back', async () => {
    const { engineer, gateway, device, topic } = await newPlant();
    broker.refuse = 'connection refused';

    const tag = await plant.createTag(deps(), engineer, tagInput(device.id, 'level', 0));

    expect(tag.key).toBe('level'); // the change itself stands
    let [latest] = await listConfigVersions(deps(), engineer, gateway.id);
    expect(latest?.publish).toMatchObject({ state: 'pending', attempts: 1, lastError: 'connection refused' });
    expect(message(broker.retained.get(topic)).version).toBe((latest?.version ?? 0) - 1);

    broker.refuse = null;
    expect(await push.redrive()).toEqual({ published: 0, failed: 0 }); // not due yet: backoff
    now += 1_000;
    expect((await push.redrive()).published).toBeGreaterThanOrEqual(1);

    [latest] = await listConfigVersions(deps(), engineer, gateway.id);
    expect(latest?.publish).toMatchObject({ state: 'published', attempts: 2, lastError: null });
    expect(message(broker.retained.get(topic)).version).toBe(latest?.version);
  });

  it('retains the newest version even when an older publish finishes last', async () => {
    const { engineer, device, topic } = await newPlant();
    let release = () => {};
    broker.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = plant.createTag(deps(), engineer, tagInput(device.id, 'a', 1));
    await new Promise((resolve) => setTimeout(resolve, 50)); // version 3 is claimed and in flight
    broker.hold = null;
    await plant.createTag(deps(), engineer, tagInput(device.id, 'b', 2)); // version 4 published
    release();
    await first;

    expect(message(broker.retained.get(topic)).version).toBe(4);
    // 2 went out with the device; 3, held up, lands after 4, so 4 goes again.
    expect(broker.published.map((p) => message(p.payload).version)).toEqual([2, 4, 3, 4]);
  });

  it('refuses a change the gateway could not run, naming the device and field, and changes nothing', async () => {
    const { engineer, gateway, device } = await newPlant();
    const policy = { maxBytes: 1024 * 1024, whenFull: 'drop-oldest' as const };
    await plant.createTag(deps(), engineer, tagInput(device.id, 'level', 0));
    const before = await listConfigVersions(deps(), engineer, gateway.id);

    // A heartbeat the gateway would refuse can only come from around the API: write one there.
    await store.inTenant(engineer.tenantId, (repos) => repos.devices.update(device.id, { heartbeatMs: 10 }));
    const attempt = plant.updateGateway(deps(), engineer, gateway.id, { bufferPolicy: policy });

    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow('device plc-1: heartbeatMs: must be at least 1000 ms');
    expect(await listConfigVersions(deps(), engineer, gateway.id)).toEqual(before);
    expect((await plant.getGateway(deps(), engineer, gateway.id)).bufferPolicy).toBeNull();
  });

  it('rolls back: devices and tags come back with their ids, later ones go, and it is a new version', async () => {
    const { engineer, gateway, device, topic } = await newPlant();
    const level = await plant.createTag(deps(), engineer, tagInput(device.id, 'level', 0));
    const fault = await plant.createTag(deps(), engineer, tagInput(device.id, 'fault', 7, 3));
    const good = (await listConfigVersions(deps(), engineer, gateway.id))[0]?.version ?? 0;

    await plant.updateTag(deps(), engineer, level.id, { scale: 0.01, unit: 'm' });
    await plant.deleteTag(deps(), engineer, fault.id);
    const extra = await plant.createDevice(deps(), engineer, {
      gatewayId: gateway.id,
      key: 'plc-2',
      name: 'PLC 2',
      description: '',
      enabled: true,
      connection: testModbusConnection,
      heartbeatMs: 60_000,
    });
    await plant.createTag(deps(), engineer, tagInput(extra.id, 'x', 1));
    await plant.updateGateway(deps(), engineer, gateway.id, {
      bufferPolicy: { maxBytes: 8 * 1024 * 1024, whenFull: 'reject-new' },
    });

    const made = await rollbackConfig(deps(), engineer, gateway.id, good);

    expect(made).toMatchObject({ rollbackOf: good, change: `rolled back to version ${good}` });
    expect(made.publish.state).toBe('published');
    const tags = await plant.listTags(deps(), engineer, { deviceId: device.id });
    expect(tags.map((t) => [t.id, t.key, t.scale, t.unit])).toEqual([
      [fault.id, 'fault', 1, ''],
      [level.id, 'level', 1, ''],
    ]);
    expect((await plant.listDevices(deps(), engineer, { gatewayId: gateway.id })).map((d) => d.key)).toEqual([
      'plc-1',
    ]);
    expect((await plant.getGateway(deps(), engineer, gateway.id)).bufferPolicy).toBeNull();
    const retained = message(broker.retained.get(topic));
    expect(retained.version).toBe(made.version);
    expect(retained.config).toEqual((await getConfigVersion(deps(), engineer, gateway.id, good)).config);
  });

  it('says not found for a version of another gateway or none at all', async () => {
    const a = await newPlant();
    const b = await newPlant();
    await expect(getConfigVersion(deps(), a.engineer, a.gateway.id, 99)).rejects.toThrow(
      'config version 99 not found',
    );
    await expect(listConfigVersions(deps(), a.engineer, b.gateway.id)).rejects.toThrow('gateway not found');
    await expect(rollbackConfig(deps(), b.engineer, a.gateway.id, 2)).rejects.toThrow('gateway not found');
  });
});
