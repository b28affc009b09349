import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { afterAll, describe, expect, it } from 'vitest';
import type { SeriesAggregate, TagRef, TelemetryStore } from '../../ports.ts';
import { openDuckDbTelemetryStore } from './telemetry-store.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const t0 = Date.UTC(2026, 10, 2, 8);
const ref = (tagKey: string): TagRef => ({ gatewayId: 'g1', deviceKey: 'plc-1', tagKey });
const point = (
  tagKey: string,
  ts: number,
  value: TelemetryPointRecord['value'],
  quality: TelemetryPointRecord['quality'] = 'good',
): TelemetryPointRecord => ({
  tenantId: 't1',
  siteId: 's1',
  gatewayId: 'g1',
  deviceKey: 'plc-1',
  tagKey,
  ts,
  value,
  quality,
});

/** Three hours of a number every 20 s (a bad one every 7th), a boolean and a text tag, in 12 groups. */
function groups(): TelemetryPointRecord[][] {
  const all: TelemetryPointRecord[] = [];
  for (let i = 0; i < 540; i += 1) {
    const ts = t0 + i * 20_000;
    all.push(point('flow', ts, Math.round(Math.sin(i / 9) * 1000) / 10, i % 7 === 3 ? 'bad' : 'good'));
    if (i % 3 === 0) all.push(point('running', ts, i % 2 === 0));
    if (i % 30 === 0) all.push(point('mode', ts, `step ${i / 30}`));
  }
  return Array.from({ length: 12 }, (_, g) =>
    all.filter((_, index) => index % 12 === g).sort((a, b) => a.ts - b.ts),
  );
}

/** What the buckets must hold, from the points themselves. */
function expectedBuckets(points: readonly TelemetryPointRecord[], tagKey: string, widthMs: number) {
  const byBucket = new Map<number, TelemetryPointRecord[]>();
  for (const p of points) {
    if (p.tagKey !== tagKey || p.quality !== 'good') continue;
    const bucket = Math.floor(p.ts / widthMs) * widthMs;
    byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), p]);
  }
  return [...byBucket.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, list]) => {
      const sorted = [...list].sort((a, b) => a.ts - b.ts);
      const numbers = sorted.map((p) => p.value).filter((v): v is number => typeof v === 'number');
      return {
        ts,
        count: sorted.length,
        ...(numbers.length > 0
          ? {
              avg: numbers.reduce((s, v) => s + v, 0) / numbers.length,
              min: Math.min(...numbers),
              max: Math.max(...numbers),
            }
          : {}),
        first: sorted[0]?.value,
        last: sorted.at(-1)?.value,
      };
    });
}

async function read(store: TelemetryStore, tagKey: string, maxPoints: number) {
  const aggregates: SeriesAggregate[] = ['avg', 'min', 'max', 'first', 'last', 'count'];
  const [series] = await store.series('t1', {
    tagRefs: [ref(tagKey)],
    from: t0,
    to: t0 + 3 * 3_600_000,
    maxPoints,
    aggregates,
  });
  return series;
}

describe('DuckDB write path: delta rows and their compaction', () => {
  it('minute and hour buckets and the latest values read the same from delta rows as after compaction, and match the points', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pw-duck-delta-'));
    dirs.push(dir);
    const path = join(dir, 'telemetry.duckdb');
    // No compaction while the store is open: every read below goes through the delta rows.
    const store = await openDuckDbTelemetryStore({ path, compactEveryMs: 3_600_000 });
    const written = groups();
    for (const group of written.slice(0, 10)) await store.write(group);
    // Late points (before what is stored) and a replay take the checked path and add delta rows too.
    const late = [...(written[10] ?? []), ...(written[11] ?? [])];
    expect(await store.write(late)).toEqual({ written: late.length, duplicates: 0 });
    expect(await store.write(late.slice(0, 5))).toEqual({ written: 0, duplicates: 5 });
    const all = written.flat();

    const before = {
      minute: await read(store, 'flow', 180),
      hour: await read(store, 'flow', 3),
      running: await read(store, 'running', 180),
      mode: await read(store, 'mode', 3),
      latest: await store.latest('t1', [ref('flow'), ref('running'), ref('mode')]),
    };
    expect(before.minute?.bucketMs).toBe(60_000);
    expect(before.hour?.bucketMs).toBe(3_600_000);
    for (const [series, tagKey, width] of [
      [before.minute, 'flow', 60_000],
      [before.hour, 'flow', 3_600_000],
      [before.running, 'running', 60_000],
      [before.mode, 'mode', 3_600_000],
    ] as const) {
      const expected = expectedBuckets(all, tagKey, width);
      expect(series?.buckets.map((b) => b.ts)).toEqual(expected.map((b) => b.ts));
      series?.buckets.forEach((bucket, index) => {
        const want = expected[index];
        expect(bucket.count).toBe(want?.count);
        expect(bucket.first).toEqual(want?.first);
        expect(bucket.last).toEqual(want?.last);
        if (want?.avg !== undefined) {
          expect(bucket.avg).toBeCloseTo(want.avg, 9);
          expect(bucket.min).toBe(want.min);
          expect(bucket.max).toBe(want.max);
        }
      });
    }
    const newest = (tagKey: string) =>
      all.filter((p) => p.tagKey === tagKey).reduce((a, b) => (b.ts > a.ts ? b : a));
    expect(before.latest.map((s) => [s.tagRef.tagKey, s.ts, s.value, s.quality])).toEqual(
      ['flow', 'running', 'mode'].map((tagKey) => [
        tagKey,
        newest(tagKey).ts,
        newest(tagKey).value,
        newest(tagKey).quality,
      ]),
    );

    // Closing compacts; a new process reads the merged tables (and compacts again at open: nothing).
    await store.close();
    const reopened = await openDuckDbTelemetryStore({ path, compactEveryMs: 3_600_000 });
    const after = {
      minute: await read(reopened, 'flow', 180),
      hour: await read(reopened, 'flow', 3),
      running: await read(reopened, 'running', 180),
      mode: await read(reopened, 'mode', 3),
      latest: await reopened.latest('t1', [ref('flow'), ref('running'), ref('mode')]),
    };
    // The stored newest values decide what a replay is after the restart.
    expect(await reopened.write(written[3] ?? [])).toEqual({ written: 0, duplicates: written[3]?.length });
    await reopened.close();
    expect(after).toEqual(before);
  });
});
