// Gateway health over the real config store (PGlite): what ingest records from the status topic and
// telemetry, and what the API serves from it with the config push's side.
import type { GatewayStatus } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigStore } from '../compose/config-store.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, openPlantTestbed, type PlantUseCases } from '../plant/testing/use-cases.ts';
import { droppedAt, gatewayHealthRecorder, getGatewayHealth, listGatewayHealth } from './health.ts';

const T0 = Date.parse('2026-12-01T08:00:00Z');

describe('gateway health', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;
  let recorder: ReturnType<typeof gatewayHealthRecorder>;

  beforeAll(async () => {
    ({ store, harness } = await openPlantTestbed());
    recorder = gatewayHealthRecorder({ store });
  });
  afterAll(async () => {
    await store.close();
  });

  async function gatewayWithDevice(label: string) {
    const { engineer, site, gateway } = await harness.newSite(label);
    const device = await harness.newModbusDevice(engineer, gateway.id, 'plc-1');
    await plant.createTag(harness.deps, engineer, { deviceId: device.id, ...modbusTag('level', 0) });
    const { configVersion } = await plant.getGateway(harness.deps, engineer, gateway.id);
    const ids = { tenantId: engineer.tenantId, gatewayId: gateway.id };
    return { engineer, site, gateway, device, configVersion, ids };
  }

  const online = (gw: string, ts: number, extra: Partial<Extract<GatewayStatus, { state: 'online' }>> = {}) =>
    ({
      v: 1,
      gw,
      state: 'online',
      ts,
      version: '0.2.0',
      buffer: { bytes: 2048, maxBytes: 8192, points: 10, droppedPoints: 0, whenFull: 'drop-oldest' },
      devices: [
        { d: 'plc-1', connected: true, lastSuccessTs: ts - 500, errorCount: 2, backoffMs: 0 },
        {
          d: 'plc-gone',
          connected: false,
          lastSuccessTs: null,
          errorCount: 5,
          backoffMs: 8000,
          lastError: 'ETIMEDOUT',
        },
      ],
      ...extra,
    }) satisfies GatewayStatus;

  it('is unknown until the gateway reports, then says online since when, what it runs and how its devices do', async () => {
    const { engineer, gateway, device, configVersion, ids } = await gatewayWithDevice('health-online');
    expect(await getGatewayHealth({ store }, engineer, gateway.id)).toMatchObject({
      state: 'unknown',
      since: null,
      config: { latestVersion: configVersion, appliedVersion: null, state: 'unknown', published: true },
      buffer: null,
      devices: [],
    });

    await recorder.status(ids, online(gateway.id, T0, { appliedVersion: configVersion }), T0 + 40);
    await recorder.status(
      ids,
      online(gateway.id, T0 + 10_000, { appliedVersion: configVersion }),
      T0 + 10_040,
    );
    await recorder.sawData(ids, T0 + 12_000);

    expect(await getGatewayHealth({ store }, engineer, gateway.id)).toEqual({
      gatewayId: gateway.id,
      state: 'online',
      since: new Date(T0 + 40).toISOString(),
      lastStatusAt: new Date(T0 + 10_040).toISOString(),
      lastDataAt: new Date(T0 + 12_000).toISOString(),
      gatewayVersion: '0.2.0',
      config: {
        latestVersion: configVersion,
        appliedVersion: configVersion,
        state: 'applied',
        rejected: null,
        published: true,
        publishError: null,
      },
      buffer: {
        bytes: 2048,
        maxBytes: 8192,
        fill: 0.25,
        points: 10,
        droppedPoints: 0,
        lastDroppedAt: null,
        whenFull: 'drop-oldest',
      },
      devices: [
        {
          key: 'plc-1',
          deviceId: device.id,
          connected: true,
          lastSuccessAt: new Date(T0 + 9_500).toISOString(),
          errorCount: 2,
          backoffMs: 0,
          lastError: null,
        },
        {
          key: 'plc-gone',
          deviceId: null,
          connected: false,
          lastSuccessAt: null,
          errorCount: 5,
          backoffMs: 8000,
          lastError: 'ETIMEDOUT',
        },
      ],
    });
  });

  it("shows a device's malformed frames, payloads or rows with the last reason", async () => {
    const { engineer, gateway, ids } = await gatewayWithDevice('health-malformed');
    const malformed = {
      count: 3,
      lastError: 'not a Sparkplug B payload: index out of range',
      lastTs: T0 - 100,
    };
    await recorder.status(
      ids,
      online(gateway.id, T0, {
        devices: [{ d: 'plc-1', connected: true, lastSuccessTs: T0, errorCount: 0, backoffMs: 0, malformed }],
      }),
      T0 + 10,
    );
    const health = await getGatewayHealth({ store }, engineer, gateway.id);
    expect(health.devices[0]?.malformed).toEqual({
      count: 3,
      lastError: 'not a Sparkplug B payload: index out of range',
      lastAt: new Date(T0 - 100).toISOString(),
    });
  });

  it('goes offline with the Last Will, keeps what it last knew, and ignores a status redelivered late', async () => {
    const { engineer, gateway, configVersion, ids } = await gatewayWithDevice('health-offline');
    await recorder.status(ids, online(gateway.id, T0, { appliedVersion: configVersion }), T0 + 10);
    await recorder.status(ids, { v: 1, gw: gateway.id, state: 'offline', ts: T0 }, T0 + 60_000);
    // The online status from before the Last Will, delivered again late.
    await recorder.status(ids, online(gateway.id, T0, { appliedVersion: configVersion }), T0 + 10);

    const health = await getGatewayHealth({ store }, engineer, gateway.id);
    expect(health).toMatchObject({
      state: 'offline',
      since: new Date(T0 + 60_000).toISOString(),
      lastStatusAt: new Date(T0 + 60_000).toISOString(),
      config: { appliedVersion: configVersion, state: 'applied' },
    });
    expect(health.devices).toHaveLength(2);
  });

  it('says pending while the gateway runs an older version, and rejected with the reason when it refused the latest', async () => {
    const { engineer, gateway, device, configVersion, ids } = await gatewayWithDevice('health-config');
    await recorder.status(ids, online(gateway.id, T0, { appliedVersion: configVersion }), T0);
    await plant.createTag(harness.deps, engineer, { deviceId: device.id, ...modbusTag('flow', 1) });
    expect((await getGatewayHealth({ store }, engineer, gateway.id)).config).toMatchObject({
      latestVersion: configVersion + 1,
      appliedVersion: configVersion,
      state: 'pending',
    });

    const refusal = {
      version: configVersion + 1,
      reason: 'config.devices[0].tags[1].type: bad',
      ts: T0 + 1000,
    };
    await recorder.status(
      ids,
      online(gateway.id, T0 + 1000, { appliedVersion: configVersion, rejected: refusal }),
      T0 + 1000,
    );

    expect((await getGatewayHealth({ store }, engineer, gateway.id)).config).toMatchObject({
      state: 'rejected',
      rejected: {
        version: configVersion + 1,
        reason: 'config.devices[0].tags[1].type: bad',
        at: new Date(T0 + 1000).toISOString(),
      },
    });
  });

  it('reads a gateway from before the config push by its configVersion and configError', async () => {
    const { engineer, gateway, configVersion, ids } = await gatewayWithDevice('health-old');
    await recorder.status(
      ids,
      online(gateway.id, T0, { configVersion, configError: { reason: 'not JSON', ts: T0 } }),
      T0,
    );
    expect((await getGatewayHealth({ store }, engineer, gateway.id)).config).toMatchObject({
      appliedVersion: configVersion,
      state: 'applied',
      rejected: { version: null, reason: 'not JSON' },
    });
  });

  it("dates the buffer's last drop on the cloud's clock, whatever the gateway's clock says", async () => {
    const { engineer, gateway, ids } = await gatewayWithDevice('health-drops');
    // The gateway's clock is an hour behind: its ts and lastDroppedTs are both an hour early.
    const skew = 3_600_000;
    const status = online(gateway.id, T0 - skew, {
      buffer: {
        bytes: 8000,
        maxBytes: 8192,
        points: 900,
        droppedPoints: 1200,
        whenFull: 'drop-oldest',
        lastDroppedTs: T0 - skew - 2_000,
      },
    });
    await recorder.status(ids, status, T0);

    expect(droppedAt(status, T0)).toBe(T0 - 2_000);
    expect((await getGatewayHealth({ store }, engineer, gateway.id)).buffer).toMatchObject({
      droppedPoints: 1200,
      lastDroppedAt: new Date(T0 - 2_000).toISOString(),
    });
  });

  it('lists the gateways of a site, and only those the caller may see', async () => {
    const { engineer, site, gateway } = await gatewayWithDevice('health-list');
    const other = await plant.createGateway(harness.deps, engineer, {
      siteId: site.id,
      name: 'gw-2',
      description: '',
    });
    const listed = await listGatewayHealth({ store }, engineer, { siteId: site.id });
    expect(listed.map((h) => [h.gatewayId, h.state]).sort()).toEqual(
      [
        [gateway.id, 'unknown'],
        [other.id, 'unknown'],
      ].sort(),
    );
    await expect(
      listGatewayHealth({ store }, { ...engineer, siteIds: [] }, { siteId: site.id }),
    ).rejects.toThrow('site not found');
  });
});
