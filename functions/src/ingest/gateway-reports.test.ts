// What ingest does with a gateway's other topics, over the real stores (PGlite, DuckDB in memory):
// the status becomes the gateway's health and reaches the alarms with its buffer drops on the cloud's
// clock; an answer's part is kept for the waiting request, or dead-lettered when no command of the
// gateway has its id; telemetry notes when data last arrived.
import { randomUUID } from 'node:crypto';
import { responseTopic, statusTopic, telemetryTopic } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvaluator } from '../alarms/ports.ts';
import type { ConfigStore } from '../compose/config-store.ts';
import { recordCommandResponse } from '../gateway-commands/commands.ts';
import { gatewayHealthRecorder, getGatewayHealth } from '../gateway-health/health.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, openPlantTestbed, type PlantUseCases } from '../plant/testing/use-cases.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { openDuckDbTelemetryStore } from '../telemetry/adapters/duckdb/telemetry-store.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { createTelemetryIngestor } from './ingest.ts';

const NOW = Date.UTC(2026, 11, 1, 8, 0, 0);

describe("ingest of a gateway's status and answers", () => {
  let store: ConfigStore;
  let telemetry: TelemetryStore;
  const statuses: Parameters<AlarmEvaluator['gatewayStatus']>[0][] = [];
  let ingestor: ReturnType<typeof createTelemetryIngestor>;
  let site: Awaited<ReturnType<PlantUseCases['newSite']>>;
  let ids: { tenantId: string; siteId: string; gatewayId: string };

  beforeAll(async () => {
    const testbed = await openPlantTestbed();
    store = testbed.store;
    telemetry = await openDuckDbTelemetryStore({ path: ':memory:' });
    ingestor = createTelemetryIngestor({
      store,
      telemetry,
      alarms: {
        evaluate: async () => undefined,
        gatewayStatus: async (change) => {
          statuses.push(change);
        },
      },
      clock: { now: () => new Date(NOW) },
      ids: uuidV7Ids,
      gatewayReports: {
        ...gatewayHealthRecorder({ store }),
        commandResponse: (gateway, part, receivedAt) =>
          recordCommandResponse({ store }, gateway, part, receivedAt),
      },
    });
    const { harness } = testbed;
    site = await harness.newSite('ingest-reports');
    const device = await harness.newModbusDevice(site.engineer, site.gateway.id, 'plc-1');
    await plant.createTag(harness.deps, site.engineer, { deviceId: device.id, ...modbusTag('level', 0) });
    ids = { tenantId: site.engineer.tenantId, siteId: site.site.id, gatewayId: site.gateway.id };
  });
  afterAll(async () => {
    await telemetry?.close();
    await store?.close();
  });

  const message = (topic: string, payload: unknown) => ({
    topic,
    payload: Buffer.from(JSON.stringify(payload)),
    receivedAt: NOW,
  });

  it('stores the status as health and hands the alarms the last drop on the cloud clock', async () => {
    const gatewayClock = NOW - 30_000; // thirty seconds slow
    const outcome = await ingestor.ingest(
      message(statusTopic(ids), {
        v: 1,
        gw: ids.gatewayId,
        state: 'online',
        ts: gatewayClock,
        appliedVersion: 3,
        buffer: {
          bytes: 10,
          points: 1,
          droppedPoints: 50,
          whenFull: 'drop-oldest',
          lastDroppedTs: gatewayClock - 4_000,
        },
      }),
    );

    expect(outcome).toEqual({ status: 'gateway-status', online: true });
    expect(statuses.at(-1)).toEqual({ ...ids, online: true, at: NOW, droppedAt: NOW - 4_000 });
    expect(await getGatewayHealth({ store }, site.engineer, ids.gatewayId)).toMatchObject({
      state: 'online',
      config: { appliedVersion: 3 },
      buffer: { droppedPoints: 50, lastDroppedAt: new Date(NOW - 4_000).toISOString() },
    });
  });

  it('keeps a part of an answer to a command of this gateway, and dead-letters one for no such command', async () => {
    const commandId = randomUUID();
    await store.inTenant(ids.tenantId, (repos) =>
      repos.gatewayCommands.insert({
        id: commandId,
        gatewayId: ids.gatewayId,
        deviceId: null,
        kind: 'browse',
        params: {},
        requestedBy: { type: 'user' },
        requestedAt: new Date(NOW),
        deadline: new Date(NOW + 20_000),
      }),
    );

    const kept = await ingestor.ingest(
      message(responseTopic(ids), { v: 1, id: commandId, part: 1, parts: 2, chunk: 'xyz' }),
    );
    const stray = await ingestor.ingest(
      message(responseTopic(ids), { v: 1, id: randomUUID(), part: 0, parts: 1, chunk: '{}' }),
    );
    const broken = await ingestor.ingest(
      message(responseTopic(ids), { v: 1, id: commandId, part: 0, parts: 0, chunk: '' }),
    );

    expect(kept).toEqual({ status: 'command-response', part: 1, parts: 2 });
    expect(await store.inTenant(ids.tenantId, (repos) => repos.gatewayCommandParts.list(commandId))).toEqual([
      { part: 1, parts: 2, chunk: 'xyz' },
    ]);
    expect(stray).toMatchObject({ status: 'dead-lettered', reason: 'unknown_command', kept: true });
    expect(broken).toMatchObject({
      status: 'dead-lettered',
      reason: 'schema',
      detail: 'parts: must be at least 1',
    });
  });

  it('notes when data last arrived', async () => {
    await ingestor.ingest(
      message(telemetryTopic(ids), {
        v: 1,
        gw: ids.gatewayId,
        seq: 1,
        points: [{ d: 'plc-1', t: 'level', ts: NOW - 500, v: 1.5, q: 'good' }],
      }),
    );
    expect((await getGatewayHealth({ store }, site.engineer, ids.gatewayId)).lastDataAt).toBe(
      new Date(NOW).toISOString(),
    );
  });
});
