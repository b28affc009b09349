// The spans ingest opens for one telemetry message (X-Ray subsegments on AWS), seen through a
// recording tracer on the real stores (PGlite, DuckDB in memory): the message, annotated with its
// tenant and gateway, and inside it the store write and the alarm evaluation, each carrying the
// message's correlation id `<gatewayId>:<seq>`.
import { AsyncLocalStorage } from 'node:async_hooks';
import { telemetryTopic } from '@plantwatch/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAlarmEvaluator } from '../alarms/evaluator.ts';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { newTestPlant } from '../plant/testing/plant.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { installTracer, type TraceAnnotations, type Tracer } from '../platform/tracing.ts';
import { openDuckDbTelemetryStore } from '../telemetry/adapters/duckdb/telemetry-store.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { createTelemetryIngestor } from './ingest.ts';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const clock = { now: () => new Date(NOW) };

describe('ingest traced', () => {
  let store: ConfigStore;
  let telemetry: TelemetryStore;
  let previous: Tracer | undefined;

  beforeAll(async () => {
    const database = await openConfigDatabase({ kind: 'pglite' });
    store = createPostgresConfigStore(database.db, () => database.close());
    telemetry = await openDuckDbTelemetryStore({ path: ':memory:', maxPointAgeMs: 30 * 86_400_000 });
  });
  afterAll(async () => {
    await telemetry?.close();
    await store?.close();
  });
  afterEach(() => {
    if (previous) installTracer(previous);
  });

  it('opens a span per message with the store write and the alarm evaluation inside, annotated with tenant, gateway and correlation id', async () => {
    const spans: { name: string; annotations: TraceAnnotations; parent: string | undefined }[] = [];
    const annotations: TraceAnnotations[] = [];
    // The span a piece of work runs in follows the async context, as X-Ray's does: the store write
    // and the alarm evaluation run side by side, each with the message's span as parent.
    const current = new AsyncLocalStorage<string>();
    previous = installTracer({
      span(name, given, work) {
        spans.push({ name, annotations: given, parent: current.getStore() });
        return current.run(name, work);
      },
      annotate: (given) => {
        annotations.push(given);
      },
    });
    const plant = await newTestPlant(store, { label: 'traced' });
    const ingestor = createTelemetryIngestor({
      store,
      telemetry,
      alarms: createAlarmEvaluator({ store, ids: uuidV7Ids, clock }),
      clock,
      ids: uuidV7Ids,
    });

    const outcome = await ingestor.ingest({
      topic: telemetryTopic(plant),
      payload: Buffer.from(
        JSON.stringify({
          v: 1,
          gw: plant.gatewayId,
          seq: 7,
          points: [{ d: 'plc-1', t: 'level', ts: NOW - 1000, v: 1.5, q: 'good' }],
        }),
      ),
      receivedAt: NOW,
    });

    expect(outcome).toMatchObject({ status: 'stored', written: 1 });
    const correlationId = `${plant.gatewayId}:7`;
    expect(spans).toEqual([
      { name: 'ingest', annotations: { correlationId }, parent: undefined },
      { name: 'store write', annotations: { correlationId }, parent: 'ingest' },
      { name: 'alarm evaluation', annotations: { correlationId }, parent: 'ingest' },
    ]);
    expect(annotations).toEqual([{ tenantId: plant.tenantId, gatewayId: plant.gatewayId }]);
  });
});
