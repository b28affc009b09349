// Report generation: a 30-day report of 50 tags (5 devices × 10 tags, hourly buckets, summary, trend
// charts and data table) built from 10 million stored points in the embedded telemetry store, as a
// PDF and as an XLSX (aim < 3 s each). Each time includes reading the data (config store + hourly
// rollups). Baseline, measured in the same run: the rollup query alone (the same 50 tags, 30 days).
//
// The points are generated inside DuckDB with SQL (the store's own tables; its write path would take
// minutes for 10 million points), then the rollups are built from them as the store builds them.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type ConfigStore, createPostgresConfigStore } from '../../functions/src/compose/config-store.ts';
import { openConfigDatabase } from '../../functions/src/platform/database/database.ts';
import { collectReportData, type ReportData } from '../../functions/src/reports/data.ts';
import { renderPdf } from '../../functions/src/reports/pdf.ts';
import type { StoredReport } from '../../functions/src/reports/ports.ts';
import { renderXlsx } from '../../functions/src/reports/xlsx.ts';
import { openDuckDbTelemetryStore } from '../../functions/src/telemetry/adapters/duckdb/telemetry-store.ts';
import { qualityCodes, VALUE_NUMBER } from '../../functions/src/telemetry/adapters/encoding.ts';
import type { TagRef, TelemetryStore } from '../../functions/src/telemetry/ports.ts';
import { type Benchmark, type BenchResult, median, progress, round, withBaseline } from '../harness.ts';

const DEVICES = 5;
const TAGS_PER_DEVICE = 10;
const TAGS = DEVICES * TAGS_PER_DEVICE;
const POINTS = 10_000_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const RUNS = 5;

interface DataSet {
  store: ConfigStore;
  telemetry: TelemetryStore;
  tenantId: string;
  report: StoredReport;
  refs: TagRef[];
  period: { from: number; to: number };
  cleanup(): Promise<void>;
}

let dataSet: Promise<DataSet> | undefined;

async function seedTelemetry(
  path: string,
  tenantId: string,
  siteId: string,
  gatewayId: string,
  from: number,
  to: number,
) {
  // Register the tags through the store, so its series ids are its own.
  const store = await openDuckDbTelemetryStore({ path, maxPointAgeMs: 10 * 365 * DAY_MS });
  const refs: TagRef[] = [];
  const first = [];
  for (let d = 0; d < DEVICES; d++) {
    for (let t = 0; t < TAGS_PER_DEVICE; t++) {
      const ref = { gatewayId, deviceKey: `plc-${d}`, tagKey: `t${t}` };
      refs.push(ref);
      first.push({ tenantId, siteId, ...ref, ts: from - 60_000, value: 0, quality: 'good' as const });
    }
  }
  await store.write(first);
  await store.close();

  const stepMs = Math.floor(((to - from) * TAGS) / POINTS);
  const samplesPerTag = Math.floor(POINTS / TAGS);
  const instance = await DuckDBInstance.create(path);
  const db = await instance.connect();
  const began = performance.now();
  await db.run('DELETE FROM points; DELETE FROM latest; DELETE FROM rollup_1m; DELETE FROM rollup_1h;');
  // A daily wave per tag plus a slow drift; tag t3 of each device is a totaliser (ever-increasing).
  await db.run(`INSERT INTO points
    SELECT s.id, ${from} + i * ${stepMs} AS ts, ${VALUE_NUMBER},
      CASE WHEN s.tag_key = 't3' THEN 1000 + i * 0.01
           ELSE 50 + 10 * sin(2 * pi() * ((i * ${stepMs}) % ${DAY_MS}) / ${DAY_MS} + s.id) + s.id END,
      NULL, ${qualityCodes.good}
    FROM tag_series s, range(${samplesPerTag}) r(i)
    WHERE s.tenant_id = '${tenantId}'`);
  for (const [table, width] of [
    ['rollup_1m', 60_000],
    ['rollup_1h', HOUR_MS],
  ] as const) {
    await db.run(`INSERT INTO ${table}
      SELECT series_id, (ts // ${width}) * ${width} AS bucket, count(*), count(*) FILTER (kind = 0),
        sum(num) FILTER (kind = 0), min(num) FILTER (kind = 0), max(num) FILTER (kind = 0),
        min(ts), arg_min(kind, ts), arg_min(num, ts), arg_min(txt, ts),
        max(ts), arg_max(kind, ts), arg_max(num, ts), arg_max(txt, ts)
      FROM points WHERE quality = ${qualityCodes.good} GROUP BY ALL`);
  }
  await db.run(`INSERT INTO latest SELECT series_id, max(ts), arg_max(kind, ts), arg_max(num, ts), arg_max(txt, ts),
      arg_max(quality, ts) FROM points GROUP BY series_id`);
  const count = Number((await db.runAndReadAll('SELECT count(*) AS n FROM points')).getRowObjectsJS()[0]?.n);
  if (count !== samplesPerTag * TAGS)
    throw new Error(`seeded ${count} points, expected ${samplesPerTag * TAGS}`);
  progress(
    `reports: ${count} points (${TAGS} tags, every ${stepMs / 1000} s) and rollups generated in ${round((performance.now() - began) / 1000, 1)} s`,
  );
  db.closeSync();
  instance.closeSync();
  return refs;
}

async function build(): Promise<DataSet> {
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-reports-'));
  const database = await openConfigDatabase({ kind: 'pglite' });
  const store = createPostgresConfigStore(database.db, () => database.close());
  const tenantId = randomUUID();
  await store.createTenant({
    tenant: { id: tenantId, name: 'Bench Water', timeZone: 'Europe/Berlin' },
    owner: {
      id: randomUUID(),
      email: `bench-${tenantId}@example.com`,
      name: 'Owner',
      passwordHash: 'scrypt$x',
    },
  });
  const plant = await store.inTenant(tenantId, async (repos) => {
    const site = await repos.sites.create({
      id: randomUUID(),
      name: 'Works',
      description: '',
      timeZone: 'Europe/Berlin',
      location: null,
    });
    const gateway = await repos.gateways.create({
      id: randomUUID(),
      siteId: site.id,
      name: 'gw',
      description: '',
    });
    for (let d = 0; d < DEVICES; d++) {
      const device = await repos.devices.create({
        id: randomUUID(),
        gatewayId: gateway.id,
        key: `plc-${d}`,
        name: `Pump station ${d + 1}`,
        description: '',
        enabled: true,
        connection: {
          protocol: 'modbus-tcp',
          host: '127.0.0.1',
          port: 502,
          unitId: 1,
          pollMs: 1000,
          timeoutMs: 2000,
          byteOrder: 'BE',
          wordOrder: 'BE',
          interRequestDelayMs: 0,
          maxGap: 8,
        },
      });
      for (let t = 0; t < TAGS_PER_DEVICE; t++) {
        await repos.tags.create({
          id: randomUUID(),
          deviceId: device.id,
          key: `t${t}`,
          name: t === 3 ? 'Flow total' : `Measurement ${t}`,
          description: '',
          address: { kind: 'modbus', area: 'holding', address: t, type: 'uint16' },
          scale: 1,
          offset: 0,
          unit: t === 3 ? 'm³' : 'bar',
          deadband: 0,
        });
      }
    }
    return { site, gateway };
  });
  // 30 whole days in Berlin (winter: no clock change inside)
  const period = {
    from: Date.parse('2026-01-01T00:00:00+01:00'),
    to: Date.parse('2026-01-31T00:00:00+01:00'),
  };
  const path = join(dir, 'telemetry.duckdb');
  const refs = await seedTelemetry(path, tenantId, plant.site.id, plant.gateway.id, period.from, period.to);
  const telemetry = await openDuckDbTelemetryStore({ path, maxPointAgeMs: 10 * 365 * DAY_MS });
  const report = await store.inTenant(tenantId, (repos) =>
    repos.reports.create({
      id: randomUUID(),
      name: 'Monthly operations',
      ownerUserId: null,
      ownerSiteIds: null,
      createdBy: { type: 'system' },
      scope: { siteIds: [plant.site.id], deviceIds: [], tagIds: [], assetIds: [] },
      scopeSiteIds: [plant.site.id],
      period: { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString() },
      bucket: 'hour',
      metrics: ['avg', 'min', 'max', 'difference'],
      sections: ['summary', 'trends', 'table', 'alarms'],
      formats: ['pdf', 'xlsx'],
      recipients: ['manager@example.com'],
      schedule: { kind: 'monthly', at: '06:00', dayOfMonth: 1 },
      timeZone: 'Europe/Berlin',
      enabled: true,
      lastSlotAt: new Date(period.to),
    }),
  );
  return {
    store,
    telemetry,
    tenantId,
    report,
    refs,
    period,
    async cleanup() {
      await telemetry.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function timedMs(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const began = performance.now();
    await run();
    times.push(performance.now() - began);
  }
  return median(times);
}

/** The rollup read alone: what every report of this size must at least spend. */
async function rollupBaseline(data: DataSet): Promise<number> {
  return timedMs(async () => {
    const series = await data.telemetry.series(data.tenantId, {
      tagRefs: data.refs,
      from: data.period.from,
      to: data.period.to,
      maxPoints: (data.period.to - data.period.from) / HOUR_MS,
      aggregates: ['avg', 'min', 'max', 'first', 'last', 'count'],
    });
    const buckets = series.reduce((n, s) => n + s.buckets.length, 0);
    if (buckets !== TAGS * 720)
      throw new Error(`rollup query: expected ${TAGS * 720} buckets, got ${buckets}`);
  });
}

async function timedReport(
  label: string,
  render: (report: ReportData) => Promise<Buffer>,
): Promise<BenchResult> {
  dataSet ??= build();
  const data = await dataSet;
  let bytes = 0;
  const value = await timedMs(async () => {
    const report = await collectReportData(data, data.tenantId, data.report, data.period, Date.now());
    const tags = report.devices.reduce((n, d) => n + d.tags.length, 0);
    if (tags !== TAGS) throw new Error(`report data: expected ${TAGS} tags, got ${tags}`);
    bytes = (await render(report)).length;
  });
  const baseline = await rollupBaseline(data);
  progress(
    `  ${label.padEnd(24)} median ${round(value, 1)} ms over ${RUNS} runs (${round(bytes / 1024, 0)} KiB); rollup query alone ${round(baseline, 1)} ms`,
  );
  return withBaseline(round(value, 1), 'ms', round(baseline, 2));
}

export const reportsPdf: Benchmark = {
  name: 'reports-pdf',
  description: 'ms to build a 30-day PDF report of 50 tags from 10 million points (aim < 3000)',
  run: () => timedReport('30-day PDF, 50 tags', (report) => renderPdf(report)),
};

export const reportsXlsx: Benchmark = {
  name: 'reports-xlsx',
  description: 'ms to build a 30-day XLSX report of 50 tags from 10 million points (aim < 3000)',
  run: async () => {
    try {
      return await timedReport('30-day XLSX, 50 tags', (report) => renderXlsx(report));
    } finally {
      // The last of the two: the data set goes with it.
      const data = await dataSet;
      dataSet = undefined;
      await data?.cleanup();
    }
  },
};
