import { randomUUID } from 'node:crypto';
import {
  type ConfigStore,
  MAX_TELEMETRY_BYTES,
  modbusTcpConnectionSchema,
  noAlarmEvaluation,
  type TelemetryPointRecord,
  type TelemetryStore,
  telemetryTopic,
} from '@plantwatch/shared';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidV7Ids } from '../adapters/crypto/ids.ts';
import { openDuckDbTelemetryStore } from '../adapters/duckdb/telemetry-store.ts';
import { createPostgresConfigStore, openConfigDatabase } from '../adapters/postgres/index.ts';
import { toSqsEvent, toSqsRecord } from './event.ts';
import { createIngestHandler } from './handler.ts';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const clock = { now: () => new Date(NOW) };

interface Plant {
  tenantId: string;
  siteId: string;
  gatewayId: string;
  deviceId: string;
}

async function createPlant(store: ConfigStore): Promise<Plant> {
  const tenantId = randomUUID();
  await store.createTenant({
    tenant: { id: tenantId, name: `Ingest ${tenantId}`, timeZone: 'UTC' },
    owner: { id: randomUUID(), email: `${tenantId}@example.com`, name: 'Owner', passwordHash: 'x' },
  });
  return store.inTenant(tenantId, async (repos) => {
    const site = await repos.sites.create({
      id: randomUUID(),
      name: 'North',
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
    const device = await repos.devices.create({
      id: randomUUID(),
      gatewayId: gateway.id,
      key: 'plc-1',
      name: 'PLC',
      description: '',
      enabled: true,
      connection: modbusTcpConnectionSchema.parse({ protocol: 'modbus-tcp', host: '127.0.0.1' }),
    });
    for (const key of ['level', 'pump_run']) {
      await repos.tags.create({
        id: randomUUID(),
        deviceId: device.id,
        key,
        name: key,
        description: '',
        address: { kind: 'modbus', area: 'holding', address: 1, type: 'uint16' },
        scale: 1,
        offset: 0,
        unit: '',
        deadband: 0,
      });
    }
    return { tenantId, siteId: site.id, gatewayId: gateway.id, deviceId: device.id };
  });
}

const message = (plant: Plant, seq: number, points: unknown[]) => ({
  v: 1,
  gw: plant.gatewayId,
  seq,
  points,
});
const point = (t: string, ts: number, v: unknown) => ({ d: 'plc-1', t, ts, v, q: 'good' });

function eventOf(...messages: { topic: string; payload: string | Buffer }[]): SQSEvent {
  return toSqsEvent(
    messages.map((m) => toSqsRecord({ topic: m.topic, payload: Buffer.from(m.payload), receivedAt: NOW })),
  );
}

describe('ingest handler', () => {
  let store: ConfigStore;
  let telemetry: TelemetryStore;
  let failWrites = false;
  let plant: Plant;
  /** The real store, failing on demand: a store outage must fail only the records it hits. */
  let flaky: TelemetryStore;
  const handler = () =>
    createIngestHandler({ store, telemetry: flaky, alarms: noAlarmEvaluation, clock, ids: uuidV7Ids });

  beforeAll(async () => {
    const database = await openConfigDatabase({ kind: 'pglite' });
    store = createPostgresConfigStore(database.db, () => database.close());
    telemetry = await openDuckDbTelemetryStore({ path: ':memory:', maxPointAgeMs: 30 * 86_400_000 });
    flaky = {
      ...telemetry,
      kind: telemetry.kind,
      maxPointAgeMs: telemetry.maxPointAgeMs,
      write: (points: readonly TelemetryPointRecord[]) =>
        failWrites ? Promise.reject(new Error('store unreachable')) : telemetry.write(points),
    };
    plant = await createPlant(store);
  });
  afterAll(async () => {
    await telemetry?.close();
    await store?.close();
  });

  const topicOf = (p: Plant) => telemetryTopic(p);
  const level = (p: Plant) => ({ gatewayId: p.gatewayId, deviceKey: 'plc-1', tagKey: 'level' });
  const deadLetters = (p: Plant) =>
    store.inTenant(p.tenantId, (repos) => repos.deadLetters.list({ scope: null }, 100));

  it('stores a good batch, and the latest value is readable at once', async () => {
    const p = await createPlant(store);
    const payload = JSON.stringify(
      message(p, 1, [
        point('level', NOW - 2000, 1.5),
        point('level', NOW - 1000, 1.75),
        point('pump_run', NOW - 1000, true),
      ]),
    );

    const result = await handler()(eventOf({ topic: topicOf(p), payload }));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await telemetry.latest(p.tenantId, [level(p)])).toEqual([
      { tagRef: level(p), ts: NOW - 1000, value: 1.75, quality: 'good' },
    ]);
  });

  it('keeps exactly one copy of a batch delivered twice, also by a fresh handler that has never seen it', async () => {
    const p = await createPlant(store);
    const payload = JSON.stringify(
      message(p, 7, [point('level', NOW - 5000, 3), point('level', NOW - 4000, 4)]),
    );
    const outcomes: unknown[] = [];
    const first = createIngestHandler(
      { store, telemetry: flaky, alarms: noAlarmEvaluation, clock, ids: uuidV7Ids },
      { onOutcome: (o) => outcomes.push(o) },
    );
    const second = createIngestHandler(
      { store, telemetry: flaky, alarms: noAlarmEvaluation, clock, ids: uuidV7Ids },
      { onOutcome: (o) => outcomes.push(o) },
    );

    await first(eventOf({ topic: topicOf(p), payload }, { topic: topicOf(p), payload }));
    await second(eventOf({ topic: topicOf(p), payload }));

    expect(outcomes).toEqual([
      { status: 'stored', written: 2, duplicates: 0 },
      { status: 'replay' },
      { status: 'stored', written: 0, duplicates: 2 },
    ]);
    expect(await telemetry.range(p.tenantId, level(p), 0, NOW, 100)).toHaveLength(2);
  });

  it('reports only the records that hit a store outage as failed, so only they are redelivered', async () => {
    const p = await createPlant(store);
    const event = eventOf(
      { topic: topicOf(p), payload: 'not json' },
      { topic: topicOf(p), payload: JSON.stringify(message(p, 1, [point('level', NOW - 1000, 1)])) },
    );
    const run = handler();

    failWrites = true;
    const result = await run(event).finally(() => {
      failWrites = false;
    });

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]?.messageId }]);
    expect((await deadLetters(p)).map((d) => d.reason)).toEqual(['bad_json']);
    expect((await run(toSqsEvent([event.Records[1] as never]))).batchItemFailures).toEqual([]);
    expect(await telemetry.latest(p.tenantId, [level(p)])).toHaveLength(1);
  });

  it('accepts a tag created after the gateway was cached', async () => {
    const p = await createPlant(store);
    const run = handler();
    await run(
      eventOf({ topic: topicOf(p), payload: JSON.stringify(message(p, 1, [point('level', NOW - 1000, 1)])) }),
    );
    await store.inTenant(p.tenantId, (repos) =>
      repos.tags.create({
        id: randomUUID(),
        deviceId: p.deviceId,
        key: 'flow',
        name: 'Flow',
        description: '',
        address: { kind: 'modbus', area: 'holding', address: 2, type: 'uint16' },
        scale: 1,
        offset: 0,
        unit: '',
        deadband: 0,
      }),
    );

    await run(
      eventOf({ topic: topicOf(p), payload: JSON.stringify(message(p, 2, [point('flow', NOW - 500, 9)])) }),
    );

    expect(await deadLetters(p)).toEqual([]);
    expect(await telemetry.latest(p.tenantId, [{ ...level(p), tagKey: 'flow' }])).toHaveLength(1);
  });

  const good = () => [point('level', NOW - 1000, 2)];
  const deadLetterCases: [string, (p: Plant) => { topic?: string; payload: string | Buffer }][] = [
    [
      'too_large',
      (p) => ({ payload: JSON.stringify(message(p, 1, good())).padEnd(MAX_TELEMETRY_BYTES + 1, ' ') }),
    ],
    [
      'bad_topic',
      (p) => ({
        topic: `dt/${p.tenantId}/${p.siteId}/${p.gatewayId}/telemetry/extra`,
        payload: JSON.stringify(message(p, 1, good())),
      }),
    ],
    ['bad_json', () => ({ payload: '{"v":1,"points":[' })],
    ['schema', (p) => ({ payload: JSON.stringify({ ...message(p, 1, good()), v: 2 }) })],
    [
      'non_finite_value',
      (p) => ({
        payload: `{"v":1,"gw":"${p.gatewayId}","seq":1,"points":[{"d":"plc-1","t":"level","ts":${NOW},"v":1e999,"q":"good"}]}`,
      }),
    ],
    [
      'gateway_mismatch',
      (p) => ({ payload: JSON.stringify({ ...message(p, 1, good()), gw: 'someone-else' }) }),
    ],
    [
      'future_timestamp',
      (p) => ({ payload: JSON.stringify(message(p, 1, [point('level', NOW + 16 * 60_000, 1)])) }),
    ],
    [
      'too_old',
      (p) => ({ payload: JSON.stringify(message(p, 1, [point('level', NOW - 31 * 86_400_000, 1)])) }),
    ],
    [
      'unknown_gateway',
      (p) => {
        const stranger = randomUUID();
        return {
          topic: telemetryTopic({ ...p, gatewayId: stranger }),
          payload: JSON.stringify({ ...message(p, 1, good()), gw: stranger }),
        };
      },
    ],
    [
      'unknown_device',
      (p) => ({ payload: JSON.stringify(message(p, 1, [{ ...point('level', NOW, 1), d: 'plc-9' }])) }),
    ],
    [
      'unknown_tag',
      (p) => ({
        payload: JSON.stringify(message(p, 1, [point('level', NOW - 10, 1), point('nope', NOW, 1)])),
      }),
    ],
  ];

  it.each(deadLetterCases)(
    'dead-letters a message with reason %s and writes none of its points',
    async (reason, build) => {
      const p = await createPlant(store);
      const { topic = topicOf(p), payload } = build(p);

      const result = await handler()(eventOf({ topic, payload }));

      expect(result.batchItemFailures).toEqual([]);
      const [deadLetter, ...others] = await deadLetters(p);
      expect(others).toEqual([]);
      expect(deadLetter).toMatchObject({ reason, topic, payloadBytes: Buffer.byteLength(payload) });
      expect(deadLetter?.detail.length).toBeGreaterThan(5);
      expect(await telemetry.latest(p.tenantId, [level(p)])).toEqual([]);
    },
  );

  it('counts dead letters by reason', async () => {
    const p = plant;
    await handler()(eventOf({ topic: topicOf(p), payload: 'x' }, { topic: topicOf(p), payload: 'y' }));

    const counts = await store.inTenant(p.tenantId, (repos) => repos.deadLetters.count({ scope: null }));

    expect(counts).toEqual({ bad_json: 2 });
  });
});
