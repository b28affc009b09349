import { randomUUID } from 'node:crypto';
import {
  MAX_TELEMETRY_BYTES,
  statusTopic,
  type TelemetryPointRecord,
  telemetryTopic,
} from '@plantwatch/shared';
import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlarmEvaluator, noAlarmEvaluation } from '../alarms/ports.ts';
import type { ConfigStore } from '../compose/config-store.ts';
import { createPostgresConfigStore } from '../compose/config-store.ts';
import { newTestPlant } from '../plant/testing/plant.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { openDuckDbTelemetryStore } from '../telemetry/adapters/duckdb/telemetry-store.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { createIngestHandler, createStreamIngestHandler } from './handler.ts';
import { toKinesisRecord, toSqsEvent, toSqsRecord } from './sqs-envelope.ts';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const clock = { now: () => new Date(NOW) };

interface Plant {
  tenantId: string;
  siteId: string;
  gatewayId: string;
  deviceId: string;
}

/** A tenant (UTC) whose gateway has one device `plc-1` with the tags `level` and `pump_run`. */
async function createPlant(store: ConfigStore): Promise<Plant> {
  const plant = await newTestPlant(store, {
    label: 'ingest',
    timeZone: 'UTC',
    devices: [{ key: 'plc-1', name: 'PLC', tags: [{ key: 'level' }, { key: 'pump_run' }] }],
  });
  const device = plant.devices[0];
  if (!device) throw new Error('no device in the ingest plant');
  return { tenantId: plant.tenantId, siteId: plant.siteId, gatewayId: plant.gatewayId, deviceId: device.id };
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

  describe('the gateway status topic', () => {
    const statusOf = (p: Plant, payload: unknown) => ({
      topic: statusTopic(p),
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    /** A recording alarm evaluator: what ingest hands over for the status topic. */
    const recording = () => {
      const changes: Parameters<AlarmEvaluator['gatewayStatus']>[0][] = [];
      const alarms: AlarmEvaluator = {
        evaluate: async () => undefined,
        gatewayStatus: async (change) => {
          changes.push(change);
        },
      };
      return { alarms, changes };
    };

    it('hands online and offline (the Last Will) to the alarms, dated by when the broker received them', async () => {
      const p = await createPlant(store);
      const { alarms, changes } = recording();
      const outcomes: unknown[] = [];
      const run = createIngestHandler(
        { store, telemetry, alarms, clock, ids: uuidV7Ids },
        { onOutcome: (outcome) => outcomes.push(outcome) },
      );
      const connectedAt = NOW - 3_600_000;
      await run(eventOf(statusOf(p, { v: 1, gw: p.gatewayId, state: 'online', ts: connectedAt })));
      await run(eventOf(statusOf(p, { v: 1, gw: p.gatewayId, state: 'offline', ts: connectedAt })));
      // an empty retained message only clears the retained status
      await run(eventOf({ topic: statusTopic(p), payload: '' }));
      expect(changes).toEqual([
        { tenantId: p.tenantId, siteId: p.siteId, gatewayId: p.gatewayId, online: true, at: NOW },
        { tenantId: p.tenantId, siteId: p.siteId, gatewayId: p.gatewayId, online: false, at: NOW },
      ]);
      expect(outcomes).toEqual([
        { status: 'gateway-status', online: true },
        { status: 'gateway-status', online: false },
        { status: 'gateway-status', online: null },
      ]);
    });

    it.each([
      ['not JSON', 'offline', 'bad_json'],
      ['not a status', { v: 1, gw: 'x', state: 'asleep', ts: NOW }, 'schema'],
      ['for another gateway', { v: 1, gw: 'another', state: 'offline', ts: NOW }, 'gateway_mismatch'],
    ])('dead-letters a status that is %s, and tells the alarms nothing', async (_case, payload, reason) => {
      const p = await createPlant(store);
      const { alarms, changes } = recording();
      const result = await createIngestHandler({ store, telemetry, alarms, clock, ids: uuidV7Ids })(
        eventOf(statusOf(p, payload)),
      );
      expect(result).toEqual({ batchItemFailures: [] });
      expect(changes).toEqual([]);
      expect((await deadLetters(p)).map((d) => d.reason)).toEqual([reason]);
    });

    it('dead-letters the status of a gateway that is not on the site in the topic', async () => {
      const p = await createPlant(store);
      const other = await createPlant(store);
      const { alarms, changes } = recording();
      await createIngestHandler({ store, telemetry, alarms, clock, ids: uuidV7Ids })(
        eventOf({
          topic: statusTopic({ ...p, siteId: other.siteId }),
          payload: JSON.stringify({ v: 1, gw: p.gatewayId, state: 'offline', ts: NOW }),
        }),
      );
      expect(changes).toEqual([]);
      expect((await deadLetters(p)).map((d) => d.reason)).toEqual(['unknown_gateway']);
    });
  });
});

describe('ingest from the Kinesis stream', () => {
  let store: ConfigStore;
  let telemetry: TelemetryStore;
  let failWrites = false;
  let flaky: TelemetryStore;
  const kept: { id: string; data: string; reason: string }[] = [];
  const handler = (rejects = { keep: async (record: (typeof kept)[number]) => void kept.push(record) }) =>
    createStreamIngestHandler(
      { store, telemetry: flaky, alarms: noAlarmEvaluation, clock, ids: uuidV7Ids },
      { rejects },
    );
  const streamOf = (...records: { topic: string; payload: string; seq: string }[]): KinesisStreamEvent => ({
    Records: records.map((r) =>
      toKinesisRecord({ topic: r.topic, payload: Buffer.from(r.payload), receivedAt: NOW }, r.seq),
    ),
  });

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
  });
  afterAll(async () => {
    await telemetry?.close();
    await store?.close();
  });

  it('stores the messages of a batch and reports no failure', async () => {
    const p = await createPlant(store);
    const topic = telemetryTopic(p);
    const ref = { gatewayId: p.gatewayId, deviceKey: 'plc-1', tagKey: 'level' };

    const result = await handler()(
      streamOf(
        { topic, payload: JSON.stringify(message(p, 1, [point('level', NOW - 2000, 1)])), seq: '100' },
        { topic, payload: JSON.stringify(message(p, 2, [point('level', NOW - 1000, 2)])), seq: '101' },
      ),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect((await telemetry.range(p.tenantId, ref, NOW - 3000, NOW, 10)).map((s) => s.value)).toEqual([1, 2]);
  });

  it('reports the sequence numbers of messages the store could not take, so the shard resumes there', async () => {
    const p = await createPlant(store);
    const topic = telemetryTopic(p);
    failWrites = true;
    try {
      const result = await handler()(
        streamOf(
          { topic, payload: JSON.stringify(message(p, 1, [point('level', NOW - 2000, 1)])), seq: '200' },
          { topic, payload: JSON.stringify(message(p, 2, [point('level', NOW - 1000, 2)])), seq: '201' },
        ),
      );
      expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['200', '201']);
    } finally {
      failWrites = false;
    }
  });

  it('keeps a record that is no envelope in the dead-letter queue with the reason, and fails it if that fails', async () => {
    const p = await createPlant(store);
    const good = {
      topic: telemetryTopic(p),
      payload: JSON.stringify(message(p, 1, [point('level', NOW - 1, 1)])),
    };
    const garbage = toKinesisRecord({ topic: 'x', payload: Buffer.from('x'), receivedAt: NOW }, '301');
    garbage.kinesis.data = Buffer.from('not json').toString('base64');
    const event = streamOf({ ...good, seq: '300' });
    event.Records.push(garbage);

    expect(await handler()(event)).toEqual({ batchItemFailures: [] });
    expect(kept.at(-1)).toEqual({
      id: '301',
      data: Buffer.from('not json').toString('base64'),
      reason: expect.stringContaining('not a telemetry envelope'),
    });

    const unreachable = { keep: () => Promise.reject(new Error('SQS unreachable')) };
    expect(await handler(unreachable)(event)).toEqual({ batchItemFailures: [{ itemIdentifier: '301' }] });
  });
});
