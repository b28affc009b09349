// Bytes per raw point on the embedded telemetry store (DuckDB) for slowly changing analog signals:
// 200 tags sampled every second, each a random walk in steps of 0 to 2 counts of 0.01 (a level or
// pressure with a little noise), stored in the store's own `points` table. Before: rows in arrival
// order (every tag's sample of one second, then the next second's), as the write path appends them.
// After: the same rows ordered by series and time, where DuckDB's own compression (ALP for the values,
// delta/bit-packing for the times, RLE for series, kind and quality) has longer runs to work on — what
// re-sorting old raw data would give (the store does not do it yet: ADR 0036 says why). Measured at 1M
// and 10M points: file bytes after CHECKPOINT, less the bytes of the same file with the table empty.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { writePathSchema } from '../../functions/src/telemetry/adapters/duckdb/write-path.ts';
import { type Benchmark, type BenchResult, progress, round, withBaseline } from '../harness.ts';

const TAGS = 200;
const SIZES = [1_000_000, 10_000_000] as const;
const pointsTable = writePathSchema[0] as string;

interface Measured {
  before: number;
  after: number;
}

async function fileBytes(
  dir: string,
  name: string,
  fill: ((target: string) => string) | null,
  run: (sql: string) => Promise<void>,
) {
  const path = join(dir, `${name}.duckdb`);
  await run(`ATTACH '${path}' AS ${name}`);
  await run(`USE ${name}`);
  await run(pointsTable);
  if (fill) await run(fill(`${name}.points`));
  await run('USE memory');
  await run(`DETACH ${name}`);
  return (await stat(path)).size;
}

async function measure(points: number): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-compression-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  const run = async (sql: string) => {
    await connection.run(sql);
  };
  try {
    const steps = points / TAGS;
    progress(`telemetry-compression: ${points} points (${TAGS} tags × ${steps} s)`);
    await run('SELECT setseed(0.42)');
    await run(
      `CREATE TABLE walk AS SELECT series_id, step,
         round(50 + 20 * sin(series_id) + 0.01 * sum(noise) OVER (PARTITION BY series_id ORDER BY step
           ROWS UNBOUNDED PRECEDING), 2) AS num
       FROM (SELECT s.range::INTEGER AS series_id, t.range AS step, round((random() - 0.5) * 4) AS noise
             FROM range(${TAGS}) s, range(${steps}) t)`,
    );
    const empty = await fileBytes(dir, 'empty', null, run);
    const rows = (order: string) => (target: string) =>
      `INSERT INTO ${target} SELECT series_id, 1767225600000 + step * 1000, 0, num, NULL, 0 FROM memory.walk ORDER BY ${order}`;
    const before = (await fileBytes(dir, 'arrival', rows('step, series_id'), run)) - empty;
    const after = (await fileBytes(dir, 'sorted', rows('series_id, step'), run)) - empty;
    return { before: round(before / points, 2), after: round(after / points, 2) };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

let measured: Promise<Map<number, Measured>> | undefined;
const once = () => {
  measured ??= (async () => {
    const results = new Map<number, Measured>();
    for (const size of SIZES) results.set(size, await measure(size));
    return results;
  })();
  return measured;
};

const result = async (size: number): Promise<BenchResult> => {
  const m = (await once()).get(size) as Measured;
  return withBaseline(m.after, 'bytes/point', m.before);
};

export const telemetryCompression: Benchmark = {
  name: 'telemetry-compression',
  description:
    'DuckDB raw points, slowly changing analog signals, 10M points: bytes/point ordered by series and time; baseline: arrival order',
  run: () => result(10_000_000),
};

export const telemetryCompression1M: Benchmark = {
  name: 'telemetry-compression-1m',
  description: 'the same at 1M points (same run)',
  partOf: 'telemetry-compression',
  run: () => result(1_000_000),
};
