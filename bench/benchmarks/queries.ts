// Query latency at 10 million stored points for 25, 250 and 2,500 tags (bench/query-data.ts builds
// each set once, and removes it when its figures are taken, failed or not): one tag's day of raw
// samples, the newest values of a site (25 tags), and 30 days of hourly avg/min/max for a site.
// Every sample is a different query (another tag or site, another window: a seeded random choice),
// 1,000 of them after 100 for warm-up, and the figure is their p99 in ms.
//
// Each query runs three ways, interleaved sample by sample so the machine's load falls on all three
// alike: in process on the store (`<query>-<tags>`), the same query straight on DuckDB over a table
// that holds only the rows it asks for (its baseline: what the query costs with nothing else
// stored, the best any layout could do), and through the HTTP API with a bearer token
// (`<query>-<tags>-http`, whose baseline is the in-process figure: what auth, the plant model's tag
// lookup and JSON or CSV add). `query-day-raw-scaling` puts the 2,500-tag figure against the 25-tag
// one (issue 14's aim: at most 2×).
import { DuckDBInstance } from '@duckdb/node-api';
import { writePathSchema } from '../../functions/src/telemetry/adapters/duckdb/write-path.ts';
import type { TagRef } from '../../functions/src/telemetry/ports.ts';
import type { Benchmark, BenchResult } from '../harness.ts';
import { progress, round, withBaseline } from '../harness.ts';
import {
  buildQueryDataSet,
  DAY_MS,
  POINTS,
  type QueryDataSet,
  START_MS,
  TAGS_PER_SITE,
} from '../query-data.ts';

const SIZES = [25, 250, 2_500] as const;
type Size = (typeof SIZES)[number];
const QUERIES = ['day-raw', 'latest', '30d-hourly'] as const;
type Query = (typeof QUERIES)[number];
const SAMPLES = 1_000;
const WARM_UP = 100;
const HOUR_MS = 3_600_000;

interface Figures {
  store: number;
  duckdb: number;
  http: number;
}

/** Nearest-rank percentile of `values` (ms). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}

/** mulberry32: the same "random" queries in every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`query bench: ${what}`);
}

/** One site's rows, alone in an in-memory DuckDB with the store's settings: the baselines' tables. */
async function openBaseline(data: QueryDataSet) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '512MB' });
  const connection = await instance.connect();
  const steps = POINTS / data.tags;
  const points = (table: string) => (writePathSchema[0] as string).replace(' points ', ` ${table} `);
  const rows = (series: string, fromStep = 0) =>
    `SELECT series_id, ${START_MS} + step * ${data.stepMs} AS ts, 0 AS kind, ${data.valueSql} AS num, NULL AS txt, 0 AS quality
     FROM (SELECT s.range::INTEGER AS series_id, t.range AS step FROM range(${fromStep}, ${steps}) t, ${series} s)`;
  // Series ids 1–25 are the first site's in the store too (query-data.ts), so the values match.
  await connection.run(points('one_tag'));
  await connection.run(`INSERT INTO one_tag ${rows('range(1, 2)')} ORDER BY ts`);
  await connection.run(points('site_latest'));
  await connection.run(`INSERT INTO site_latest ${rows(`range(1, ${TAGS_PER_SITE + 1})`, steps - 1)}`);
  await connection.run(
    `CREATE TABLE site_hourly AS SELECT series_id, (ts // ${HOUR_MS}) * ${HOUR_MS} AS bucket, count(*) AS num_cnt,
       sum(num) AS sum, min(num) AS min, max(num) AS max
     FROM (${rows(`range(1, ${TAGS_PER_SITE + 1})`)}) GROUP BY ALL ORDER BY series_id, bucket`,
  );
  const ids = Array.from({ length: TAGS_PER_SITE }, (_, i) => i + 1).join(',');
  return {
    async dayRaw(to: number) {
      const result = await connection.runAndReadAll(
        `SELECT ts, kind, num, txt, quality FROM one_tag WHERE series_id = 1 AND ts >= $1 AND ts < $2
         ORDER BY ts LIMIT 100000`,
        [BigInt(to - DAY_MS), BigInt(to)],
      );
      const [ts = [], , num = []] = result.getColumnsJS();
      const samples = ts.map((t, i) => ({ ts: Number(t), value: num[i], quality: 'good' }));
      return samples.length;
    },
    async latest() {
      const result = await connection.runAndReadAll(
        `SELECT series_id, ts, kind, num, txt, quality FROM site_latest WHERE series_id IN (${ids})`,
      );
      return result.getRowObjectsJS().length;
    },
    async hourly(to: number) {
      const result = await connection.runAndReadAll(
        `SELECT series_id, bucket, num_cnt, sum, min, max FROM (
           SELECT series_id, (bucket // ${HOUR_MS}) * ${HOUR_MS} AS bucket, sum(num_cnt) AS num_cnt, sum(sum) AS sum,
             min(min) AS min, max(max) AS max
           FROM site_hourly WHERE series_id IN (${ids}) AND bucket >= ${to - 30 * DAY_MS} AND bucket < ${to}
           GROUP BY ALL) ORDER BY series_id, bucket`,
      );
      return result.getRowObjectsJS().length;
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function httpGet(data: QueryDataSet, path: string): Promise<string> {
  const response = await fetch(`${data.runtime.apiUrl}${path}`, {
    headers: { authorization: `Bearer ${data.token}` },
  });
  const body = await response.text();
  expect(
    response.status === 200,
    `GET ${path.split('?')[0]} answered ${response.status}: ${body.slice(0, 200)}`,
  );
  return body;
}

/** A, B, C timed one after the other per sample; p99 of each after the warm-up. */
async function interleaved(
  label: string,
  sample: (random: () => number) => [() => Promise<void>, () => Promise<void>, () => Promise<void>],
): Promise<Figures> {
  const random = seededRandom(14);
  const times: [number[], number[], number[]] = [[], [], []];
  for (let i = 0; i < WARM_UP + SAMPLES; i += 1) {
    const calls = sample(random);
    for (let which = 0; which < 3; which += 1) {
      const began = performance.now();
      await (calls[which] as () => Promise<void>)();
      if (i >= WARM_UP) times[which]?.push(performance.now() - began);
    }
  }
  const [store, duckdb, http] = times.map((t) => round(percentile(t, 0.99), 2)) as [number, number, number];
  progress(`  ${label.padEnd(22)} p99 in process ${store} ms, DuckDB alone ${duckdb} ms, HTTP ${http} ms`);
  return { store, duckdb, http };
}

async function measureSize(tags: Size): Promise<Map<Query, Figures>> {
  const data = await buildQueryDataSet(tags);
  try {
    const baseline = await openBaseline(data);
    try {
      const { runtime, tenantId, sites, stepMs, end } = data;
      const store = runtime.telemetry;
      const pick = <T>(random: () => number, list: readonly T[]) =>
        list[Math.floor(random() * list.length)] as T;
      const daySamples = [Math.floor(DAY_MS / stepMs), Math.ceil(DAY_MS / stepMs)];
      const figures = new Map<Query, Figures>();

      figures.set(
        'day-raw',
        await interleaved(`day raw, ${tags} tags`, (random) => {
          const site = pick(random, sites);
          const t = Math.floor(random() * TAGS_PER_SITE);
          const to = end - Math.floor(random() * 30 * DAY_MS);
          const fits = (n: number) => expect(daySamples.includes(n), `one day of raw samples: got ${n}`);
          return [
            async () =>
              fits((await store.range(tenantId, site.refs[t] as TagRef, to - DAY_MS, to, 100_000)).length),
            async () => fits(await baseline.dayRaw(to)),
            async () => {
              const csv = await httpGet(
                data,
                `/v1/telemetry/export?tagIds=${site.tagIds[t]}&from=${to - DAY_MS}&to=${to}`,
              );
              fits(csv.split('\n').length - 2); // the header line and the last newline
            },
          ];
        }),
      );
      figures.set(
        'latest',
        await interleaved(`latest of a site, ${tags} tags`, (random) => {
          const site = pick(random, sites);
          const fits = (n: number) => expect(n === TAGS_PER_SITE, `newest values: got ${n}`);
          return [
            async () => fits((await store.latest(tenantId, site.refs)).length),
            async () => fits(await baseline.latest()),
            async () => {
              const body = JSON.parse(await httpGet(data, `/v1/telemetry/latest?siteId=${site.siteId}`));
              fits(body.values.length);
            },
          ];
        }),
      );
      figures.set(
        '30d-hourly',
        await interleaved(`30 days hourly, ${tags} tags`, (random) => {
          const site = pick(random, sites);
          // Whole hours within the newest 4 days: 30 days back from there is all stored.
          const to = Math.floor((end - random() * 4 * DAY_MS) / HOUR_MS) * HOUR_MS;
          const from = to - 30 * DAY_MS;
          const fits = (n: number) => expect(n === TAGS_PER_SITE * 720, `hourly buckets: got ${n}`);
          return [
            async () => {
              const series = await store.series(tenantId, {
                tagRefs: site.refs,
                from,
                to,
                maxPoints: 720,
                aggregates: ['avg', 'min', 'max'],
              });
              fits(series.reduce((n, s) => n + s.buckets.length, 0));
            },
            async () => fits(await baseline.hourly(to)),
            async () => {
              const body = JSON.parse(
                await httpGet(
                  data,
                  `/v1/telemetry/series?tagIds=${site.tagIds.join(',')}&from=${from}&to=${to}&maxPoints=720&aggregates=avg,min,max`,
                ),
              ) as { series: { buckets: unknown[] }[] };
              fits(body.series.reduce((n, s) => n + s.buckets.length, 0));
            },
          ];
        }),
      );
      return figures;
    } finally {
      baseline.close();
    }
  } finally {
    await data.close();
  }
}

const measured = new Map<Size, Promise<Map<Query, Figures>>>();
/** Each size is built and measured once per run, whichever of its figures asks first. */
const figuresOf = (tags: Size) => {
  let figures = measured.get(tags);
  if (!figures) {
    figures = measureSize(tags);
    measured.set(tags, figures);
  }
  return figures;
};

const what: Record<Query, string> = {
  'day-raw': "one tag's day of raw samples",
  latest: 'the newest values of a site (25 tags)',
  '30d-hourly': '30 days of hourly avg/min/max of a site (25 tags)',
};

function figure(query: Query, tags: Size, via: 'store' | 'http'): Benchmark {
  const name = `query-${query}-${tags}${via === 'http' ? '-http' : ''}`;
  return {
    name,
    description:
      via === 'store'
        ? `p99 ms, in process, ${what[query]} at ${tags} tags and 10M points; baseline: DuckDB over only the rows asked for`
        : `p99 ms through the HTTP API, ${what[query]} at ${tags} tags and 10M points; baseline: the same in process`,
    async run(): Promise<BenchResult> {
      const f = (await figuresOf(tags)).get(query) as Figures;
      return via === 'store'
        ? withBaseline(f.store, 'ms', Math.max(f.duckdb, 0.01))
        : withBaseline(f.http, 'ms', Math.max(f.store, 0.01));
    },
  };
}

export const queryBenchmarks: Benchmark[] = [
  ...SIZES.flatMap((tags) =>
    QUERIES.flatMap((query) => [figure(query, tags, 'store'), figure(query, tags, 'http')]),
  ),
  {
    name: 'query-day-raw-scaling',
    description:
      "p99 ms of one tag's day of raw samples at 2,500 tags, in process; baseline: the same at 25 tags",
    async run() {
      const many = (await figuresOf(2_500)).get('day-raw') as Figures;
      const few = (await figuresOf(25)).get('day-raw') as Figures;
      return withBaseline(many.store, 'ms', few.store);
    },
  },
];
