// Query latency on the embedded telemetry store holding 10 million points (25 tags, one sample every
// 7.5 s for 35 days): the newest values of 25 tags (aim < 10 ms), one day of raw samples of one tag
// (aim < 50 ms) and 30 days of hourly buckets for 25 tags (aim < 50 ms). The three benchmarks share
// one data set, built once per run through the store's own write path.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDbTelemetryStore } from '../../functions/src/telemetry/adapters/duckdb/telemetry-store.ts';
import type { TagRef, TelemetryStore } from '../../functions/src/telemetry/ports.ts';
import type { TelemetryPointRecord } from '../../shared/src/index.ts';
import { type Benchmark, type BenchResult, median, progress, round } from '../harness.ts';

const TAGS = 25;
const POINTS = 10_000_000;
const STEP_MS = 7_500;
const DAY_MS = 86_400_000;
const RUNS = 30;

interface DataSet {
  store: TelemetryStore;
  refs: TagRef[];
  end: number;
  cleanup(): Promise<void>;
}

let dataSet: Promise<DataSet> | undefined;

async function build(): Promise<DataSet> {
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-queries-'));
  const store = await openDuckDbTelemetryStore({ path: join(dir, 'telemetry.duckdb') });
  const refs = Array.from({ length: TAGS }, (_, t) => ({
    gatewayId: 'gw-1',
    deviceKey: 'plc-1',
    tagKey: `t${t}`,
  }));
  const samplesPerTag = POINTS / TAGS;
  const start = Date.UTC(2026, 0, 1);
  const end = start + samplesPerTag * STEP_MS;
  progress(
    `queries: writing ${POINTS} points (${TAGS} tags, every ${STEP_MS / 1000} s for ${round((end - start) / DAY_MS, 1)} days)`,
  );
  const began = performance.now();
  const perChunk = 4_000;
  for (let from = 0; from < samplesPerTag; from += perChunk) {
    const chunk: TelemetryPointRecord[] = [];
    for (let i = from; i < Math.min(from + perChunk, samplesPerTag); i += 1) {
      for (const ref of refs) {
        chunk.push({
          tenantId: 'tenant-1',
          siteId: 'site-1',
          ...ref,
          ts: start + i * STEP_MS,
          value: Math.sin(i / 500) * 10 + i / 1e4,
          quality: 'good',
        });
      }
    }
    await store.write(chunk);
  }
  progress(`queries: written in ${round((performance.now() - began) / 1000, 1)} s`);
  return {
    store,
    refs,
    end,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function timed(label: string, query: (data: DataSet) => Promise<unknown>): Promise<BenchResult> {
  dataSet ??= build();
  const data = await dataSet;
  for (let i = 0; i < 5; i += 1) await query(data); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const began = performance.now();
    await query(data);
    times.push(performance.now() - began);
  }
  const value = round(median(times), 2);
  progress(`  ${label.padEnd(26)} median ${value} ms over ${RUNS} runs`);
  return { value, unit: 'ms' };
}

/** Each query must return what it claims, or the timing means nothing. */
function expectLength(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

export const queryLatest: Benchmark = {
  name: 'query-latest',
  description: 'ms for the newest values of 25 tags at 10 million points (aim < 10)',
  run: () =>
    timed('latest, 25 tags', async ({ store, refs }) => {
      expectLength((await store.latest('tenant-1', refs)).length, TAGS, 'latest values');
    }),
};

export const queryDayRaw: Benchmark = {
  name: 'query-day-raw',
  description: 'ms for one day of raw samples of one tag at 10 million points (aim < 50)',
  run: () =>
    timed('one day raw, 1 tag', async ({ store, refs, end }) => {
      const samples = await store.range('tenant-1', refs[0] as TagRef, end - DAY_MS, end, 100_000);
      expectLength(samples.length, DAY_MS / STEP_MS, 'raw samples');
    }),
};

export const query30DaysHourly: Benchmark = {
  name: 'query-30d-hourly',
  description: 'ms for 30 days of hourly avg/min/max buckets of 25 tags at 10 million points (aim < 50)',
  run: async () => {
    try {
      return await timed('30 days hourly, 25 tags', async ({ store, refs, end }) => {
        const to = Math.floor(end / 3_600_000) * 3_600_000; // whole hours: 720 buckets exactly
        const series = await store.series('tenant-1', {
          tagRefs: refs,
          from: to - 30 * DAY_MS,
          to,
          maxPoints: 720,
          aggregates: ['avg', 'min', 'max'],
        });
        expectLength(
          series.reduce((n, s) => n + s.buckets.length, 0),
          TAGS * 720,
          'hourly buckets',
        );
      });
    } finally {
      // The last of the three: the data set goes with it.
      const data = await dataSet;
      dataSet = undefined;
      await data?.cleanup();
    }
  },
};
