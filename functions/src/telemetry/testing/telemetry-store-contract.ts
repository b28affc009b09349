// The one contract every TelemetryStore adapter passes (DuckDB, PostgreSQL, Timestream with its
// SDK stubbed). Each adapter's test file calls this with a way to open a fresh, empty store.
import { randomUUID } from 'node:crypto';
import type { TelemetryPointRecord, TelemetryValue } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TagRef, TelemetryStore } from '../ports.ts';

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0); // a Monday, on the hour
const MINUTE = 60_000;
const HOUR = 3_600_000;

function pointMaker(tenantId: string, siteId: string, gatewayId: string) {
  return (
    deviceKey: string,
    tagKey: string,
    ts: number,
    value: TelemetryValue,
    quality: TelemetryPointRecord['quality'] = 'good',
  ): TelemetryPointRecord => ({ tenantId, siteId, gatewayId, deviceKey, tagKey, ts, value, quality });
}

export function describeTelemetryStoreContract(
  adapter: string,
  open: () => Promise<TelemetryStore>,
  options: {
    /**
     * Timestream accepts a replay with the same values silently, so the adapter cannot tell it from a
     * new write; what it guarantees is the single stored copy.
     */
    reportsIdenticalReplays?: boolean;
  } = {},
): void {
  const reportsIdenticalReplays = options.reportsIdenticalReplays ?? true;
  describe(`TelemetryStore contract: ${adapter}`, () => {
    let store: TelemetryStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    /** A fresh tenant per test, so tests share one store without seeing each other. */
    const fresh = () => {
      const tenantId = randomUUID();
      const gatewayId = randomUUID();
      const at = pointMaker(tenantId, randomUUID(), gatewayId);
      const ref = (deviceKey: string, tagKey: string): TagRef => ({ gatewayId, deviceKey, tagKey });
      return { tenantId, gatewayId, at, ref };
    };

    it('writes a batch once and counts a replay of it as duplicates, keeping exactly one copy', async () => {
      const { tenantId, at, ref } = fresh();
      const batch = [0, 1, 2].map((i) => at('plc-1', 'level', T0 + i * 1000, 1.5 + i));

      const first = await store.write(batch);
      const replay = await store.write(batch);

      expect(first).toEqual({ written: 3, duplicates: 0 });
      if (reportsIdenticalReplays) expect(replay).toEqual({ written: 0, duplicates: 3 });
      else expect(replay.written + replay.duplicates).toBe(3);
      const stored = await store.range(tenantId, ref('plc-1', 'level'), T0, T0 + MINUTE, 100);
      expect(stored.map((s) => s.value)).toEqual([1.5, 2.5, 3.5]);
      const [bucket] = (
        await store.series(tenantId, {
          tagRefs: [ref('plc-1', 'level')],
          from: T0,
          to: T0 + MINUTE,
          maxPoints: 1,
          aggregates: ['count'],
        })
      )[0]?.buckets ?? [undefined];
      expect(bucket?.count).toBe(3);
    });

    it('keeps the first copy of a point written twice with different values', async () => {
      const { tenantId, at, ref } = fresh();

      await store.write([at('plc-1', 'flow', T0, 10), at('plc-1', 'flow', T0, 99)]);
      const again = await store.write([at('plc-1', 'flow', T0, 42)]);

      expect(again).toEqual({ written: 0, duplicates: 1 });
      expect(await store.range(tenantId, ref('plc-1', 'flow'), T0, T0 + 1, 10)).toEqual([
        { ts: T0, value: 10, quality: 'good' },
      ]);
    });

    it('returns the newest sample of each requested tag and leaves out tags without samples', async () => {
      const { tenantId, at, ref } = fresh();
      await store.write([
        at('plc-1', 'level', T0 + 2000, 3.25),
        at('plc-1', 'level', T0 + 1000, 3),
        at('plc-1', 'pump_run', T0 + 1000, true, 'uncertain'),
        at('plc-2', 'mode', T0 + 1000, 'AUTO'),
      ]);
      // a late, older point must not replace the newest one
      await store.write([at('plc-1', 'level', T0 + 500, 2)]);

      const latest = await store.latest(tenantId, [
        ref('plc-1', 'level'),
        ref('plc-1', 'pump_run'),
        ref('plc-2', 'mode'),
        ref('plc-9', 'never'),
      ]);

      expect(latest).toEqual([
        { tagRef: ref('plc-1', 'level'), ts: T0 + 2000, value: 3.25, quality: 'good' },
        { tagRef: ref('plc-1', 'pump_run'), ts: T0 + 1000, value: true, quality: 'uncertain' },
        { tagRef: ref('plc-2', 'mode'), ts: T0 + 1000, value: 'AUTO', quality: 'good' },
      ]);
    });

    it('reads a raw range half-open, oldest first, up to the limit', async () => {
      const { tenantId, at, ref } = fresh();
      await store.write([4, 0, 3, 1, 2].map((i) => at('plc-1', 'level', T0 + i * 1000, i, 'good')));
      const level = ref('plc-1', 'level');

      const all = await store.range(tenantId, level, T0 + 1000, T0 + 4000, 100);
      const limited = await store.range(tenantId, level, T0, T0 + 10_000, 2);

      expect(all.map((s) => s.ts)).toEqual([T0 + 1000, T0 + 2000, T0 + 3000]);
      expect(limited.map((s) => s.value)).toEqual([0, 1]);
    });

    it('never shows one tenant the points of another, even with the same gateway, device and tag names', async () => {
      const a = fresh();
      const otherTenant = randomUUID();
      await store.write([a.at('plc-1', 'level', T0, 7)]);

      expect(await store.latest(otherTenant, [a.ref('plc-1', 'level')])).toEqual([]);
      expect(await store.range(otherTenant, a.ref('plc-1', 'level'), T0, T0 + 1, 10)).toEqual([]);
      const [series] = await store.series(otherTenant, {
        tagRefs: [a.ref('plc-1', 'level')],
        from: T0,
        to: T0 + HOUR,
        maxPoints: 10,
        aggregates: ['count'],
      });
      expect(series?.buckets).toEqual([]);
    });

    it('aggregates good samples per bucket: avg, min, max, first, last, count and difference', async () => {
      const { tenantId, at, ref } = fresh();
      // minute 0: 10, 20, 60 (good) and 1000 (bad); minute 1: 5; minute 3: nothing good
      await store.write([
        at('plc-1', 'total', T0 + 1_000, 10),
        at('plc-1', 'total', T0 + 20_000, 20),
        at('plc-1', 'total', T0 + 30_000, 1000, 'bad'),
        at('plc-1', 'total', T0 + 50_000, 60),
        at('plc-1', 'total', T0 + MINUTE + 1_000, 5),
        at('plc-1', 'total', T0 + 3 * MINUTE + 1_000, 7, 'bad'),
      ]);

      const [series] = await store.series(tenantId, {
        tagRefs: [ref('plc-1', 'total')],
        from: T0,
        to: T0 + 5 * MINUTE,
        maxPoints: 5,
        aggregates: ['avg', 'min', 'max', 'first', 'last', 'count', 'difference'],
      });

      expect(series?.bucketMs).toBe(MINUTE);
      expect(series?.buckets).toEqual([
        { ts: T0, avg: 30, min: 10, max: 60, first: 10, last: 60, count: 3, difference: 50 },
        { ts: T0 + MINUTE, avg: 5, min: 5, max: 5, first: 5, last: 5, count: 1, difference: 0 },
      ]);
    });

    it('picks the bucket width so a chart gets at most maxPoints buckets, and returns only the asked aggregates', async () => {
      const { tenantId, at, ref } = fresh();
      // one sample every 10 s for 2 h
      await store.write(
        Array.from({ length: 720 }, (_, i) => at('plc-1', 'level', T0 + i * 10_000, i % 2 === 0 ? 1 : 3)),
      );

      const [series] = await store.series(tenantId, {
        tagRefs: [ref('plc-1', 'level')],
        from: T0,
        to: T0 + 2 * HOUR,
        maxPoints: 10,
        aggregates: ['avg', 'count'],
      });

      expect(series?.bucketMs).toBe(15 * MINUTE);
      expect(series?.buckets).toHaveLength(8);
      expect(series?.buckets[0]).toEqual({ ts: T0, avg: 2, count: 90 });
    });

    it('answers a 30-day hourly series from rollups with the same numbers raw points give', async () => {
      const { tenantId, at, ref } = fresh();
      const points: TelemetryPointRecord[] = [];
      for (let hour = 0; hour < 30 * 24; hour += 1) {
        for (const minute of [0, 30])
          points.push(at('plc-1', 'flow', T0 + hour * HOUR + minute * MINUTE, hour));
      }
      await store.write(points);

      const [hourly] = await store.series(tenantId, {
        tagRefs: [ref('plc-1', 'flow')],
        from: T0,
        to: T0 + 30 * 24 * HOUR,
        maxPoints: 720,
        aggregates: ['avg', 'count', 'first', 'last'],
      });
      const [daily] = await store.series(tenantId, {
        tagRefs: [ref('plc-1', 'flow')],
        from: T0,
        to: T0 + 30 * 24 * HOUR,
        maxPoints: 30,
        aggregates: ['min', 'max', 'count'],
      });

      expect(hourly?.bucketMs).toBe(HOUR);
      expect(hourly?.buckets).toHaveLength(720);
      expect(hourly?.buckets[5]).toEqual({ ts: T0 + 5 * HOUR, avg: 5, count: 2, first: 5, last: 5 });
      expect(daily?.bucketMs).toBe(24 * HOUR);
      expect(daily?.buckets[1]).toEqual({ ts: T0 + 24 * HOUR, min: 24, max: 47, count: 48 });
    });

    it('keeps rollups right when late points arrive for a bucket already written', async () => {
      const { tenantId, at, ref } = fresh();
      await store.write([at('plc-1', 'level', T0 + 30_000, 4)]);
      await store.write([at('plc-1', 'level', T0 + 10_000, 2), at('plc-1', 'level', T0 + 50_000, 9)]);
      await store.write([at('plc-1', 'level', T0 + 10_000, 100)]); // a replay with another value: ignored

      const [series] = await store.series(tenantId, {
        tagRefs: [ref('plc-1', 'level')],
        from: T0,
        to: T0 + HOUR,
        maxPoints: 1,
        aggregates: ['avg', 'min', 'max', 'first', 'last', 'count', 'difference'],
      });

      expect(series?.buckets).toEqual([
        { ts: T0, avg: 5, min: 2, max: 9, first: 2, last: 9, count: 3, difference: 7 },
      ]);
    });

    it('gives booleans and text first, last and count but no numeric aggregates', async () => {
      const { tenantId, at, ref } = fresh();
      await store.write([
        at('plc-1', 'pump_run', T0 + 1000, false),
        at('plc-1', 'pump_run', T0 + 2000, true),
        at('plc-1', 'mode', T0 + 1000, 'HAND'),
        at('plc-1', 'mode', T0 + 2000, 'AUTO'),
      ]);

      const series = await store.series(tenantId, {
        tagRefs: [ref('plc-1', 'pump_run'), ref('plc-1', 'mode'), ref('plc-1', 'unknown')],
        from: T0,
        to: T0 + MINUTE,
        maxPoints: 1,
        aggregates: ['avg', 'first', 'last', 'count', 'difference'],
      });

      expect(series.map((s) => s.buckets)).toEqual([
        [{ ts: T0, avg: null, first: false, last: true, count: 2, difference: null }],
        [{ ts: T0, avg: null, first: 'HAND', last: 'AUTO', count: 2, difference: null }],
        [],
      ]);
    });

    it("tells a backtest each minute's raw sample count beside its rollup's good count and extremes", async () => {
      if (store.kind === 'timestream') {
        // a raw count per minute is a scan Timestream bills: backtests there read raw samples
        expect(store.minuteExtremes).toBeUndefined();
        return;
      }
      const { tenantId, at, ref } = fresh();
      await store.write([
        at('plc-1', 'level', T0, 1),
        at('plc-1', 'level', T0 + 20_000, 5),
        at('plc-1', 'level', T0 + 59_999, 3),
        // an uncertain and a bad sample: counted raw, left out of the rollup
        at('plc-1', 'level', T0 + MINUTE, 2),
        at('plc-1', 'level', T0 + MINUTE + 1000, 9, 'uncertain'),
        at('plc-1', 'level', T0 + MINUTE + 2000, 'sensor fault', 'bad'),
        // no sample in the third minute; a boolean has no extremes
        at('plc-1', 'level', T0 + 3 * MINUTE, true),
        at('plc-1', 'level', T0 + 3 * MINUTE + 1000, 4),
        // outside [from, to)
        at('plc-1', 'level', T0 + 4 * MINUTE, 100),
        at('plc-1', 'level', T0 - 1, -100),
      ]);

      const extremes = await store.minuteExtremes?.(tenantId, ref('plc-1', 'level'), T0, T0 + 4 * MINUTE);
      const none = await store.minuteExtremes?.(tenantId, ref('plc-1', 'never'), T0, T0 + 4 * MINUTE);

      expect(extremes).toEqual({
        ts: [T0, T0 + MINUTE, T0 + 3 * MINUTE],
        samples: [3, 3, 2],
        good: [3, 1, 2],
        min: [1, 2, 4],
        max: [5, 2, 4],
      });
      expect(none).toEqual({ ts: [], samples: [], good: [], min: [], max: [] });
    });

    it('states how old a point may be', () => {
      expect(store.maxPointAgeMs).toBeGreaterThan(HOUR);
    });
  });
}
