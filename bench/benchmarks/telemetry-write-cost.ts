// What a point costs the PostgreSQL telemetry store (the default on AWS): the real adapter writes a
// day of one 200-tag site's messages, as the gateway sends them (points per message from
// measured-traffic.json), into a throw-away database on the PostgreSQL server at 127.0.0.1:5432,
// and the server says what it took: write-ahead log bytes (Aurora bills write I/O by the 4 KB of log),
// table and index bytes, and the CPU of the backend that ran the statements (/proc). Same-run
// baseline: the same points as bare rows in an unpartitioned table without rollups (COPY-free INSERT).
// Written to infra/aws/src/measured-postgres.json for `npm run cost`.

import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import pg from 'pg';
import { openPostgresTelemetryStore } from '../../functions/src/telemetry/adapters/postgres/telemetry-store.ts';
import { type Benchmark, type BenchResult, progress, round, withBaseline } from '../harness.ts';

export const POSTGRES_FILE = fileURLToPath(
  new URL('../../infra/aws/src/measured-postgres.json', import.meta.url),
);
const TRAFFIC_FILE = fileURLToPath(new URL('../../infra/aws/src/measured-traffic.json', import.meta.url));
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const settings = { tags: 200, messages: 2000, changeFraction: 0.1 };

interface Cost {
  walBytesPerPoint: number;
  storageBytesPerPoint: number;
  cpuMsPer1000Points: number;
}

export interface MeasuredPostgres extends Cost {
  measuredAt: string;
  by: string;
  server: string;
  pointsPerMessage: number;
  points: number;
  /** Of storageBytesPerPoint: the raw points (dropped with their partition) and the rollups (kept). */
  rawBytesPerPoint: number;
  rollupBytesPerPoint: number;
  bare: Cost;
}

/** utime + stime of a process, in ms (clock ticks of 10 ms on Linux). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function walLsn(client: pg.Client): Promise<bigint> {
  const { rows } = await client.query<{ bytes: string }>(
    "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text AS bytes",
  );
  return BigInt(rows[0]?.bytes ?? '0');
}

let measurement: Promise<MeasuredPostgres> | null = null;

async function measure(): Promise<MeasuredPostgres> {
  const traffic = JSON.parse(await readFile(TRAFFIC_FILE, 'utf8')) as {
    intervals: { publishIntervalMs: number; pointsPerMessage: number }[];
  };
  const pointsPerMessage = Math.round(
    traffic.intervals.find((i) => i.publishIntervalMs === 5000)?.pointsPerMessage ?? 100,
  );
  const dbName = `pw_bench_cost_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const probe = new pg.Client({ connectionString: url.toString() });
  await probe.connect();
  const server =
    (await probe.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
  try {
    const tenantId = randomUUID();
    const siteId = randomUUID();
    const gatewayId = randomUUID();
    const values = new Float64Array(settings.tags).map((_, t) => 100 + t);
    let ts = Date.UTC(2026, 0, 5);
    // The messages a 5 s publish interval gives: changed tags and heartbeats, in time order.
    const messages: TelemetryPointRecord[][] = [];
    for (let m = 0; m < settings.messages; m += 1) {
      const points: TelemetryPointRecord[] = [];
      for (let p = 0; p < pointsPerMessage; p += 1) {
        const tag = Math.floor(Math.random() * settings.tags);
        values[tag] = (values[tag] ?? 0) + Math.round((Math.random() - 0.5) * 500) / 100;
        ts += Math.round(5000 / pointsPerMessage);
        points.push({
          tenantId,
          siteId,
          gatewayId,
          deviceKey: `plc-${1 + (tag % 2)}`,
          tagKey: `tag_${String(tag).padStart(3, '0')}`,
          ts,
          value: values[tag] ?? 0,
          quality: 'good',
        });
      }
      messages.push(points);
    }
    const total = messages.reduce((sum, m) => sum + m.length, 0);

    // The adapter, on one connection whose backend we can watch.
    const store = await openPostgresTelemetryStore({ url: url.toString(), maxConnections: 1 });
    const pool = (
      await probe.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      )
    ).rows;
    const backend = pool[0]?.pid;
    if (!backend) throw new Error('the store has no connection to watch');
    await store.write(messages[0] ?? []);
    const wal0 = await walLsn(probe);
    const cpu0 = await cpuMs(backend);
    progress(
      `telemetry-write-cost: writing ${total} points in ${messages.length} messages through the adapter`,
    );
    for (const message of messages.slice(1)) await store.write(message);
    const cpu1 = await cpuMs(backend);
    const wal1 = await walLsn(probe);
    const written = total - (messages[0]?.length ?? 0);
    const storage = await probe.query<{ part: string; bytes: string }>(
      `SELECT CASE WHEN c.relname LIKE 'points%' THEN 'raw' WHEN c.relname LIKE 'rollup%' THEN 'rollups' ELSE 'other' END AS part,
              sum(pg_total_relation_size(c.oid))::text AS bytes
       FROM pg_class c WHERE c.relnamespace = 'telemetry'::regnamespace AND c.relkind = 'r' GROUP BY 1`,
    );
    const bytesOf = (part: string) => Number(storage.rows.find((row) => row.part === part)?.bytes ?? 0);
    await store.close();

    // The same points as bare rows: no partitions, no rollups, no latest values.
    await probe.query(
      'CREATE TABLE bare (series_id int, ts bigint, kind smallint, num float8, txt text, quality smallint, PRIMARY KEY (series_id, ts))',
    );
    const bare = new pg.Client({ connectionString: url.toString() });
    await bare.connect();
    const barePid = (await bare.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
    const bareWal0 = await walLsn(probe);
    const bareCpu0 = await cpuMs(barePid);
    for (const message of messages.slice(1)) {
      await bare.query(
        `INSERT INTO bare SELECT * FROM unnest($1::int[], $2::bigint[], $3::smallint[], $4::float8[], $5::text[], $6::smallint[])
         ON CONFLICT DO NOTHING`,
        [
          message.map((p) => Number(p.tagKey.slice(4))),
          message.map((p) => p.ts),
          message.map(() => 0),
          message.map((p) => p.value as number),
          message.map(() => null),
          message.map(() => 0),
        ],
      );
    }
    const bareCpu1 = await cpuMs(barePid);
    const bareWal1 = await walLsn(probe);
    const bareStorage = await probe.query<{ bytes: string }>(
      "SELECT pg_total_relation_size('bare')::text AS bytes",
    );
    await bare.end();

    const result: MeasuredPostgres = {
      measuredAt: new Date().toISOString().slice(0, 10),
      by: 'npm run bench -- telemetry-write-cost (bench/benchmarks/telemetry-write-cost.ts)',
      server: `PostgreSQL ${server} on 127.0.0.1 (not Aurora: its log is not the WAL, but the same rows are written)`,
      pointsPerMessage,
      points: written,
      walBytesPerPoint: round(Number(wal1 - wal0) / written, 1),
      storageBytesPerPoint: round((bytesOf('raw') + bytesOf('rollups') + bytesOf('other')) / total, 1),
      rawBytesPerPoint: round(bytesOf('raw') / total, 1),
      rollupBytesPerPoint: round(bytesOf('rollups') / total, 1),
      cpuMsPer1000Points: round(((cpu1 - cpu0) / written) * 1000, 1),
      bare: {
        walBytesPerPoint: round(Number(bareWal1 - bareWal0) / written, 1),
        storageBytesPerPoint: round(Number(bareStorage.rows[0]?.bytes ?? 0) / written, 1),
        cpuMsPer1000Points: round(((bareCpu1 - bareCpu0) / written) * 1000, 1),
      },
    };
    await writeFile(POSTGRES_FILE, `${JSON.stringify(result, null, 2)}\n`);
    progress(`telemetry-write-cost: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await probe.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

const once = () => {
  measurement ??= measure();
  return measurement;
};

export const telemetryWriteCost: Benchmark = {
  name: 'telemetry-write-cost',
  description:
    'PostgreSQL telemetry store: write-ahead log bytes per point (rollups and latest included); baseline: the same points as bare rows',
  async run(): Promise<BenchResult> {
    const m = await once();
    return withBaseline(m.walBytesPerPoint, 'WAL bytes/point', m.bare.walBytesPerPoint);
  },
};

export const telemetryWriteCpu: Benchmark = {
  name: 'telemetry-write-cost-cpu',
  description: 'PostgreSQL telemetry store: backend CPU ms per 1,000 points (same run); baseline: bare rows',
  partOf: 'telemetry-write-cost',
  async run(): Promise<BenchResult> {
    const m = await once();
    return withBaseline(m.cpuMsPer1000Points, 'CPU ms/1,000 points', m.bare.cpuMsPer1000Points);
  },
};

export const telemetryWriteStorage: Benchmark = {
  name: 'telemetry-write-cost-storage',
  description: 'PostgreSQL telemetry store: table and index bytes per point (same run); baseline: bare rows',
  partOf: 'telemetry-write-cost',
  async run(): Promise<BenchResult> {
    const m = await once();
    return withBaseline(m.storageBytesPerPoint, 'bytes/point', m.bare.storageBytesPerPoint);
  },
};
