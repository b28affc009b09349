import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { createFakeTimestream } from '../../testing/fake-timestream.ts';
import { describeTelemetryStoreContract } from '../../testing/telemetry-store-contract.ts';
import { createTimestreamClients, openTimestreamTelemetryStore } from './telemetry-store.ts';

const NOW = Date.UTC(2026, 1, 5);
const RETENTION = 90 * 86_400_000;

function openFake() {
  const fake = createFakeTimestream({ now: () => NOW, memoryStoreRetentionMs: RETENTION });
  const store = openTimestreamTelemetryStore({
    write: fake.write as never,
    query: fake.query as never,
    database: 'plantwatch',
    table: 'telemetry',
    memoryStoreRetentionMs: RETENTION,
    now: () => NOW,
  });
  return { fake, store };
}

describeTelemetryStoreContract(
  'Timestream (SDK stubbed at the request level)',
  async () => openFake().store,
  {
    reportsIdenticalReplays: false,
  },
);

const point = (overrides: Partial<TelemetryPointRecord> = {}): TelemetryPointRecord => ({
  tenantId: 't-1',
  siteId: 's-1',
  gatewayId: 'g-1',
  deviceKey: 'plc-1',
  tagKey: 'level',
  ts: NOW - 60_000,
  value: 2.5,
  quality: 'good',
  ...overrides,
});

describe('Timestream requests', () => {
  it('sends at most 100 multi-measure records per WriteRecords, with the gateway as common attributes', async () => {
    const { fake, store } = openFake();
    const points = Array.from({ length: 250 }, (_, i) => point({ ts: NOW - 300_000 + i }));

    const result = await store.write([...points, point({ gatewayId: 'g-2', value: true, quality: 'bad' })]);

    expect(result).toEqual({ written: 251, duplicates: 0 });
    expect(fake.writeRequests.map((r) => r.Records?.length)).toEqual([100, 100, 50, 1]);
    expect(fake.writeRequests[0]?.CommonAttributes).toEqual({
      Dimensions: [
        { Name: 'tenant_id', Value: 't-1' },
        { Name: 'site_id', Value: 's-1' },
        { Name: 'gateway_id', Value: 'g-1' },
      ],
      MeasureName: 'sample',
      MeasureValueType: 'MULTI',
      TimeUnit: 'MILLISECONDS',
      Version: 1,
    });
    expect(fake.writeRequests[0]?.Records?.[0]).toEqual({
      Dimensions: [
        { Name: 'device_key', Value: 'plc-1' },
        { Name: 'tag_key', Value: 'level' },
      ],
      Time: String(NOW - 300_000),
      MeasureValues: [
        { Name: 'kind', Value: '0', Type: 'BIGINT' },
        { Name: 'num', Value: '2.5', Type: 'DOUBLE' },
        { Name: 'quality', Value: '0', Type: 'BIGINT' },
      ],
    });
    expect(fake.writeRequests[3]?.Records?.[0]?.MeasureValues).toEqual([
      { Name: 'kind', Value: '1', Type: 'BIGINT' },
      { Name: 'num', Value: '1', Type: 'DOUBLE' },
      { Name: 'quality', Value: '1', Type: 'BIGINT' },
    ]);
  });

  it('counts a record rejected with ExistingVersion as a duplicate, and fails on any other rejection', async () => {
    const { store } = openFake();
    await store.write([point()]);

    const replay = await store.write([point({ value: 9 }), point({ ts: NOW - 1000 })]);
    const tooOld = store.write([point({ ts: NOW - RETENTION - 1 })]);

    expect(replay).toEqual({ written: 1, duplicates: 1 });
    await expect(tooOld).rejects.toThrow(/rejected 1 records: The record timestamp is outside/);
  });

  it('asks for the latest values with one query over the memory store, and follows NextToken', async () => {
    const { fake, store } = openFake();
    fake.pageSize = 1;
    await store.write([point(), point({ tagKey: 'flow', value: 4 })]);
    const refs = [
      { gatewayId: 'g-1', deviceKey: 'plc-1', tagKey: 'level' },
      { gatewayId: 'g-1', deviceKey: 'plc-1', tagKey: 'flow' },
    ];

    const latest = await store.latest('t-1', refs);

    expect(latest.map((s) => s.value)).toEqual([2.5, 4]);
    expect(fake.queryStrings).toEqual([
      `SELECT gateway_id, device_key, tag_key, to_milliseconds(max(time)) AS ts, max_by(kind, time) AS kind, max_by(num, time) AS num, max_by(txt, time) AS txt, max_by(quality, time) AS quality FROM "plantwatch"."telemetry" WHERE measure_name = 'sample' AND tenant_id = 't-1' AND time >= from_milliseconds(${NOW - RETENTION}) AND ((gateway_id = 'g-1' AND device_key = 'plc-1' AND tag_key = 'level') OR (gateway_id = 'g-1' AND device_key = 'plc-1' AND tag_key = 'flow')) GROUP BY gateway_id, device_key, tag_key`,
    ]);
  });

  it('reads hourly buckets from the rollup table the scheduled query fills', async () => {
    const { fake, store } = openFake();

    await store.series('t-1', {
      tagRefs: [{ gatewayId: 'g-1', deviceKey: 'plc-1', tagKey: 'level' }],
      from: NOW - 30 * 86_400_000,
      to: NOW,
      maxPoints: 720,
      aggregates: ['avg'],
    });

    expect(fake.queryStrings[0]).toContain('FROM "plantwatch"."telemetry_1h"');
    expect(fake.queryStrings[0]).toContain('bin(time, 3600000ms)');
  });

  describe('over HTTP, at an endpoint set like AWS_ENDPOINT_URL_TIMESTREAM_WRITE', () => {
    const requests: { target: string; body: unknown }[] = [];
    const server = createServer(async (request: IncomingMessage, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      requests.push({ target: String(request.headers['x-amz-target']), body: JSON.parse(body) });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ RecordsIngested: { Total: 1, MemoryStore: 1, MagneticStore: 0 } }));
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('sends WriteRecords to that endpoint without endpoint discovery', async () => {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const clients = createTimestreamClients({
        region: 'eu-west-1',
        writeEndpoint: endpoint,
        queryEndpoint: endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      const store = openTimestreamTelemetryStore({
        ...clients,
        database: 'db',
        table: 'tbl',
        now: () => NOW,
      });

      const result = await store.write([point()]);

      expect(result).toEqual({ written: 1, duplicates: 0 });
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        target: 'Timestream_20181101.WriteRecords',
        body: { DatabaseName: 'db', TableName: 'tbl', Records: [{ Time: String(NOW - 60_000) }] },
      });
    });
  });
});
