// The Timestream adapter against an in-process stand-in of the service (fake-timestream.ts): what the
// AWS emulator cannot do — it answers no queries (latest, range, series, rollups), cannot be made to
// reject a record with ExistingVersion, and does not show how records were split into requests.
// Writes through a real endpoint run against the emulator in timestream-emulator.test.ts.
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { createFakeTimestream } from '../../testing/fake-timestream.ts';
import { describeTelemetryStoreContract } from '../../testing/telemetry-store-contract.ts';
import { type BucketRow, toSeriesBucket } from '../series.ts';
import { combineBucketRows, openTimestreamTelemetryStore } from './telemetry-store.ts';

const NOW = Date.UTC(2026, 1, 5);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RETENTION = 90 * 86_400_000;

function openFake(rollupEveryMs?: number) {
  const fake = createFakeTimestream({ now: () => NOW, memoryStoreRetentionMs: RETENTION });
  const store = openTimestreamTelemetryStore({
    write: fake.write as never,
    query: fake.query as never,
    database: 'plantwatch',
    table: 'telemetry',
    memoryStoreRetentionMs: RETENTION,
    ...(rollupEveryMs === undefined ? {} : { rollupEveryMs }),
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
    // The hours the scheduled queries may not have written yet (5-minute runs + 15-minute margin).
    expect(fake.queryStrings[1]).toContain('FROM "plantwatch"."telemetry" ');
    expect(fake.queryStrings[1]).toContain(`time >= from_milliseconds(${NOW - HOUR})`);
  });

  describe('the newest minutes, which the scheduled rollup queries have not written yet', () => {
    const ref = { gatewayId: 'g-1', deviceKey: 'plc-1', tagKey: 'level' };
    /** One point a minute over the last two days, value = minutes before NOW, the last 3 minutes ago. */
    const everyMinute = Array.from({ length: 2 * 24 * 60 - 2 }, (_, i) =>
      point({ ts: NOW - (i + 3) * MINUTE, value: i + 3 }),
    );

    it.each([
      { rollupEveryMs: undefined, tailStart: NOW - 20 * MINUTE },
      { rollupEveryMs: 15 * MINUTE, tailStart: NOW - 30 * MINUTE },
    ])(
      'reads minute rollups up to now minus the run interval plus 15 min, then raw records (every $rollupEveryMs ms)',
      async ({ rollupEveryMs, tailStart }) => {
        const { fake, store } = openFake(rollupEveryMs);
        await store.write(everyMinute);
        // The last run started 12 minutes ago: nothing newer is rolled up.
        fake.rollupsCoverUntil = NOW - 12 * MINUTE;
        fake.queryStrings.length = 0;

        const [series] = await store.series('t-1', {
          tagRefs: [ref],
          from: NOW - 6 * HOUR,
          to: NOW,
          maxPoints: 360,
          aggregates: ['avg', 'count'],
        });

        expect(series?.bucketMs).toBe(MINUTE);
        expect(series?.buckets).toHaveLength(6 * 60 - 2);
        expect(series?.buckets.at(-1)).toEqual({ ts: NOW - 3 * MINUTE, avg: 3, count: 1 });
        expect(series?.buckets.map((b) => b.ts)).toEqual(
          Array.from({ length: 6 * 60 - 2 }, (_, i) => NOW - 6 * HOUR + i * MINUTE),
        );
        expect(series?.buckets.every((b) => b.avg === (NOW - b.ts) / MINUTE && b.count === 1)).toBe(true);
        expect(fake.queryStrings).toHaveLength(2);
        expect(fake.queryStrings[0]).toContain('FROM "plantwatch"."telemetry_1m"');
        expect(fake.queryStrings[0]).toContain(
          `time >= from_milliseconds(${NOW - 6 * HOUR}) AND time < from_milliseconds(${tailStart})`,
        );
        expect(fake.queryStrings[1]).toContain('FROM "plantwatch"."telemetry" ');
        expect(fake.queryStrings[1]).toContain(
          `time >= from_milliseconds(${tailStart}) AND time < from_milliseconds(${NOW})`,
        );
      },
    );

    it('combines a bucket that starts in the rollups and ends in the raw tail into one, as if all were raw', async () => {
      const { fake, store } = openFake();
      await store.write([...everyMinute, point({ ts: NOW - 90 * MINUTE + 30_000, value: 'text' })]);
      fake.rollupsCoverUntil = NOW - 12 * MINUTE;
      const chart = {
        tagRefs: [ref],
        from: NOW - 2 * DAY,
        to: NOW,
        maxPoints: 2,
        aggregates: ['avg', 'min', 'max', 'first', 'last', 'count', 'difference'] as const,
      };

      const [withTail] = await store.series('t-1', chart);
      fake.rollupsCoverUntil = Number.POSITIVE_INFINITY;
      const [allRolledUp] = await store.series('t-1', chart);

      // Daily buckets from hour rollups: the last day is hours up to NOW - 1 h from the rollup table
      // and the last hour from raw records, one bucket.
      expect(withTail?.bucketMs).toBe(DAY);
      expect(fake.queryStrings[1]).toContain(`time >= from_milliseconds(${NOW - HOUR})`);
      const lastDay = everyMinute.filter((p) => p.ts >= NOW - DAY).map((p) => p.value as number);
      expect(withTail?.buckets).toEqual([
        expect.objectContaining({ ts: NOW - 2 * DAY }),
        {
          ts: NOW - DAY,
          avg: lastDay.reduce((a, b) => a + b, 0) / lastDay.length,
          min: 3,
          max: 24 * 60,
          first: 24 * 60,
          last: 3,
          count: lastDay.length + 1,
          difference: 3 - 24 * 60,
        },
      ]);
      expect(withTail).toEqual(allRolledUp);
    });

    it.each([
      {
        name: 'numbers in both parts',
        earlier: { cnt: '2', num_cnt: '2', sum: '3', min: '1', max: '2', first_kind: '0', first_num: '1' },
        later: { cnt: '1', num_cnt: '1', sum: '7', min: '7', max: '7', last_kind: '0', last_num: '7' },
        combined: { avg: 10 / 3, min: 1, max: 7, first: 1, last: 7, count: 3, difference: 6 },
      },
      {
        name: 'text before the tail, a number in it',
        earlier: {
          cnt: '1',
          num_cnt: '0',
          sum: null,
          min: null,
          max: null,
          first_kind: '2',
          first_txt: 'off',
        },
        later: { cnt: '1', num_cnt: '1', sum: '4', min: '4', max: '4', last_kind: '0', last_num: '4' },
        combined: { avg: 4, min: 4, max: 4, first: 'off', last: 4, count: 2, difference: null },
      },
    ])('combines the two parts of a straddling bucket: $name', ({ earlier, later, combined }) => {
      const part = (fields: object) =>
        ({
          bucket: String(NOW),
          first_kind: null,
          first_num: null,
          first_txt: null,
          last_kind: null,
          last_num: null,
          last_txt: null,
          ...fields,
        }) as unknown as BucketRow;

      const row = combineBucketRows(part(earlier), part(later));

      expect(toSeriesBucket(row, ['avg', 'min', 'max', 'first', 'last', 'count', 'difference'])).toEqual({
        ts: NOW,
        ...combined,
      });
    });

    it('reads a chart that lies entirely within the tail from raw records only', async () => {
      const { fake, store } = openFake();
      await store.write(everyMinute);
      fake.rollupsCoverUntil = NOW - 12 * MINUTE;
      fake.queryStrings.length = 0;

      const [series] = await store.series('t-1', {
        tagRefs: [ref],
        from: NOW - 10 * MINUTE,
        to: NOW,
        maxPoints: 10,
        aggregates: ['last'],
      });

      expect(series?.buckets.map((b) => b.last)).toEqual([10, 9, 8, 7, 6, 5, 4, 3]);
      expect(fake.queryStrings).toHaveLength(1);
      expect(fake.queryStrings[0]).toContain('FROM "plantwatch"."telemetry" ');
    });

    it('reads a chart that ended before the tail from the rollups only', async () => {
      const { fake, store } = openFake();
      await store.write(everyMinute);
      fake.rollupsCoverUntil = NOW - 12 * MINUTE;
      fake.queryStrings.length = 0;

      const [series] = await store.series('t-1', {
        tagRefs: [ref],
        from: NOW - 2 * HOUR,
        to: NOW - HOUR,
        maxPoints: 60,
        aggregates: ['count'],
      });

      expect(series?.buckets).toHaveLength(60);
      expect(fake.queryStrings).toHaveLength(1);
      expect(fake.queryStrings[0]).toContain('FROM "plantwatch"."telemetry_1m"');
    });
  });
});
