// The embedded store's write path without a heavy statement per group (decision 0034). A group of
// new points is appended, in one transaction, to `points` and to three small delta tables: partial
// 1-minute and 1-hour rollup rows and the newest sample per series, all aggregated here in
// JavaScript from the values already in hand. Every few seconds one compaction merges the deltas
// into `rollup_1m`, `rollup_1h` and `latest` with the upserts each group used to pay for (about
// 4 ms of fixed cost each, whatever the group's size). Readers see base and delta rows together:
// rollup queries re-aggregate buckets anyway, and the newest samples are kept in memory.
import {
  BIGINT,
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  INTEGER,
  UTINYINT,
  VARCHAR,
} from '@duckdb/node-api';
import { qualityCodes } from '../encoding.ts';

/** One point as the store keeps it: its series number and (kind, num, txt) value columns. */
export interface StoredPoint {
  seriesId: number;
  ts: number;
  kind: number;
  num: number | null;
  txt: string | null;
  quality: number;
}

export const ROLLUPS = [
  { table: 'rollup_1m', widthMs: 60_000 },
  { table: 'rollup_1h', widthMs: 3_600_000 },
] as const;

const ROLLUP_COLUMNS = `series_id INTEGER NOT NULL, bucket BIGINT NOT NULL,
  cnt BIGINT NOT NULL, num_cnt BIGINT NOT NULL, sum DOUBLE, min DOUBLE, max DOUBLE,
  first_ts BIGINT, first_kind UTINYINT, first_num DOUBLE, first_txt VARCHAR,
  last_ts BIGINT, last_kind UTINYINT, last_num DOUBLE, last_txt VARCHAR`;
const POINT_COLUMNS = `series_id INTEGER NOT NULL, ts BIGINT NOT NULL, kind UTINYINT NOT NULL,
  num DOUBLE, txt VARCHAR, quality UTINYINT NOT NULL`;

export const writePathSchema = [
  // No index on points: a batch is checked for replays only against rows in its own time range,
  // which DuckDB's per-row-group min/max (zone maps) narrows to the newest row groups.
  `CREATE TABLE IF NOT EXISTS points (${POINT_COLUMNS})`,
  `CREATE TABLE IF NOT EXISTS latest (${POINT_COLUMNS.replace('NOT NULL', 'PRIMARY KEY')})`,
  ...ROLLUPS.map(
    ({ table }) => `CREATE TABLE IF NOT EXISTS ${table} (${ROLLUP_COLUMNS}, PRIMARY KEY (series_id, bucket))`,
  ),
  // Partial 1-minute rows; the 1-hour rollup is made from them at compaction (an hour's bucket is
  // the sum of its minutes'), so a group appends one rollup delta, not two.
  `CREATE TABLE IF NOT EXISTS rollup_delta (${ROLLUP_COLUMNS})`,
  `CREATE TABLE IF NOT EXISTS latest_delta (${POINT_COLUMNS})`,
];

/**
 * A rollup table as queries read it: its merged buckets and the 1-minute partial rows not merged
 * yet. Queries group buckets by their own width (a multiple of the table's), so a minute's partial
 * row lands in its hour's bucket when the hour table is read.
 */
export const rollupSource = (table: string) =>
  `(SELECT * FROM ${table} UNION ALL SELECT * FROM rollup_delta) AS ${table}`;

/** Good samples of `source` (raw-shaped rows) aggregated into buckets of `widthMs`. */
export function aggregateRaw(source: string, widthMs: number): string {
  return `SELECT series_id, (ts // ${widthMs}) * ${widthMs} AS bucket, count(*) AS cnt,
      count(*) FILTER (kind = 0) AS num_cnt, sum(num) FILTER (kind = 0) AS sum,
      min(num) FILTER (kind = 0) AS min, max(num) FILTER (kind = 0) AS max,
      min(ts) AS first_ts, arg_min(kind, ts) AS first_kind, arg_min(num, ts) AS first_num, arg_min(txt, ts) AS first_txt,
      max(ts) AS last_ts, arg_max(kind, ts) AS last_kind, arg_max(num, ts) AS last_num, arg_max(txt, ts) AS last_txt
    FROM ${source} WHERE quality = ${qualityCodes.good} GROUP BY ALL`;
}

/** The newest sample of each series in `source` (raw-shaped rows). */
export const newestPerSeries = (source: string) =>
  `SELECT series_id, max(ts) AS ts, arg_max(kind, ts) AS kind, arg_max(num, ts) AS num,
     arg_max(txt, ts) AS txt, arg_max(quality, ts) AS quality FROM ${source} GROUP BY series_id`;

/** Partial rows combined into one per bucket of `widthMs` (every column, so it can be merged again). */
function combinePartials(source: string, widthMs: number): string {
  return `SELECT series_id, (bucket // ${widthMs}) * ${widthMs} AS bucket, sum(cnt) AS cnt, sum(num_cnt) AS num_cnt, sum(sum) AS sum,
      min(min) AS min, max(max) AS max,
      min(first_ts) AS first_ts, arg_min(first_kind, first_ts) AS first_kind,
      arg_min(first_num, first_ts) AS first_num, arg_min(first_txt, first_ts) AS first_txt,
      max(last_ts) AS last_ts, arg_max(last_kind, last_ts) AS last_kind,
      arg_max(last_num, last_ts) AS last_num, arg_max(last_txt, last_ts) AS last_txt
    FROM ${source} GROUP BY ALL`;
}

/** Adds aggregated rows (every rollup column) to a rollup table's buckets. */
function mergeIntoRollup(table: string, rows: string): string {
  const firstIf = (column: string) =>
    `${column} = CASE WHEN excluded.first_ts < ${table}.first_ts THEN excluded.${column} ELSE ${table}.${column} END`;
  const lastIf = (column: string) =>
    `${column} = CASE WHEN excluded.last_ts > ${table}.last_ts THEN excluded.${column} ELSE ${table}.${column} END`;
  return `INSERT INTO ${table} ${rows}
    ON CONFLICT (series_id, bucket) DO UPDATE SET
      cnt = ${table}.cnt + excluded.cnt, num_cnt = ${table}.num_cnt + excluded.num_cnt,
      sum = CASE WHEN ${table}.sum IS NULL THEN excluded.sum
                 WHEN excluded.sum IS NULL THEN ${table}.sum ELSE ${table}.sum + excluded.sum END,
      min = least(${table}.min, excluded.min), max = greatest(${table}.max, excluded.max),
      ${['first_kind', 'first_num', 'first_txt'].map(firstIf).join(', ')},
      first_ts = least(${table}.first_ts, excluded.first_ts),
      ${['last_kind', 'last_num', 'last_txt'].map(lastIf).join(', ')},
      last_ts = greatest(${table}.last_ts, excluded.last_ts)`;
}

/** One transaction that folds every delta row into the base tables and empties the deltas. */
export function compactionSql(): string {
  return [
    'BEGIN TRANSACTION',
    ...ROLLUPS.map(({ table, widthMs }) => mergeIntoRollup(table, combinePartials('rollup_delta', widthMs))),
    `INSERT INTO latest ${newestPerSeries('latest_delta')}
     ON CONFLICT (series_id) DO UPDATE SET ts = excluded.ts, kind = excluded.kind, num = excluded.num,
       txt = excluded.txt, quality = excluded.quality WHERE excluded.ts > latest.ts`,
    'DELETE FROM rollup_delta',
    'DELETE FROM latest_delta',
    'COMMIT',
  ].join(';\n');
}

/**
 * The connection's appenders, one per table, kept open across transactions (ADR 0055): making one
 * reads the catalog, and a group commit used three. After a failure they are made again.
 */
export function createAppenders(connection: DuckDBConnection) {
  const open = new Map<string, DuckDBAppender>();
  const closeAll = () => {
    for (const appender of open.values()) {
      try {
        appender.closeSync();
      } catch {
        // Closing flushes: after a failed statement there may be nothing valid left to flush.
      }
    }
    open.clear();
  };
  return {
    /** Rows handed to the table's appender a data chunk (2,048 rows, DuckDB's vector size) at a time. */
    async append(
      table: string,
      types: readonly DuckDBType[],
      columns: readonly (readonly unknown[])[],
      catalog?: 'temp',
    ): Promise<void> {
      const rows = columns[0]?.length ?? 0;
      if (rows === 0) return;
      const key = `${catalog ?? 'main'}.${table}`;
      let appender = open.get(key);
      if (!appender) {
        appender = await (catalog
          ? connection.createAppender(table, 'main', catalog)
          : connection.createAppender(table));
        open.set(key, appender);
      }
      try {
        for (let offset = 0; offset < rows; offset += 2048) {
          const chunk = DuckDBDataChunk.create([...types]);
          chunk.setColumns(
            (offset === 0 && rows <= 2048
              ? columns
              : columns.map((column) => column.slice(offset, offset + 2048))) as Parameters<
              DuckDBDataChunk['setColumns']
            >[0],
          );
          appender.appendDataChunk(chunk);
        }
        appender.flushSync();
      } catch (error) {
        closeAll();
        throw error;
      }
    },
    /** After a rolled-back transaction: whatever an appender holds is not to be trusted. */
    reset: closeAll,
    close: closeAll,
  };
}
export type Appenders = ReturnType<typeof createAppenders>;

export const POINT_TYPES = [INTEGER, BIGINT, UTINYINT, DOUBLE, VARCHAR, UTINYINT] as const;
const ROLLUP_TYPES = [
  INTEGER,
  BIGINT,
  BIGINT,
  BIGINT,
  DOUBLE,
  DOUBLE,
  DOUBLE,
  BIGINT,
  UTINYINT,
  DOUBLE,
  VARCHAR,
  BIGINT,
  UTINYINT,
  DOUBLE,
  VARCHAR,
] as const;

interface Bucket {
  seriesId: number;
  bucket: number;
  cnt: number;
  numCnt: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  first: StoredPoint;
  last: StoredPoint;
}

/** What `aggregateRaw` computes, for points in hand: the good samples of each series' buckets. */
export function rollupRows(points: readonly StoredPoint[], widthMs: number): Bucket[] {
  // By series, then bucket: numbers as keys, and a series' points mostly come one after another.
  const bySeries = new Map<number, Map<number, Bucket>>();
  const rows: Bucket[] = [];
  let lastSeries: number | undefined;
  let lastBuckets: Map<number, Bucket> | undefined;
  for (const point of points) {
    if (point.quality !== qualityCodes.good) continue;
    const bucket = Math.floor(point.ts / widthMs) * widthMs;
    let buckets = point.seriesId === lastSeries ? lastBuckets : bySeries.get(point.seriesId);
    if (!buckets) {
      buckets = new Map();
      bySeries.set(point.seriesId, buckets);
    }
    lastSeries = point.seriesId;
    lastBuckets = buckets;
    let row = buckets.get(bucket);
    if (!row) {
      row = {
        seriesId: point.seriesId,
        bucket,
        cnt: 0,
        numCnt: 0,
        sum: null,
        min: null,
        max: null,
        first: point,
        last: point,
      };
      buckets.set(bucket, row);
      rows.push(row);
    }
    row.cnt += 1;
    if (point.kind === 0 && point.num !== null) {
      row.numCnt += 1;
      row.sum = (row.sum ?? 0) + point.num;
      row.min = row.min === null ? point.num : Math.min(row.min, point.num);
      row.max = row.max === null ? point.num : Math.max(row.max, point.num);
    }
    if (point.ts < row.first.ts) row.first = point;
    if (point.ts > row.last.ts) row.last = point;
  }
  return rows;
}

/** The newest point of each series among `points` (the first of equal times, as arg_max keeps one). */
export function newestOf(points: readonly StoredPoint[]): Map<number, StoredPoint> {
  const newest = new Map<number, StoredPoint>();
  for (const point of points) {
    const known = newest.get(point.seriesId);
    if (!known || point.ts > known.ts) newest.set(point.seriesId, point);
  }
  return newest;
}

/** Appends new points and their delta rows inside the caller's open transaction. */
export async function appendGroup(appenders: Appenders, points: readonly StoredPoint[]): Promise<void> {
  const column = <T>(pick: (point: StoredPoint) => T, from: readonly StoredPoint[] = points) =>
    from.map(pick);
  const pointColumns = (from: readonly StoredPoint[]) => [
    column((p) => p.seriesId, from),
    column((p) => BigInt(p.ts), from),
    column((p) => p.kind, from),
    column((p) => p.num, from),
    column((p) => p.txt, from),
    column((p) => p.quality, from),
  ];
  await appenders.append('points', POINT_TYPES, pointColumns(points));
  {
    const rows = rollupRows(points, ROLLUPS[0].widthMs);
    await appenders.append('rollup_delta', ROLLUP_TYPES, [
      rows.map((r) => r.seriesId),
      rows.map((r) => BigInt(r.bucket)),
      rows.map((r) => BigInt(r.cnt)),
      rows.map((r) => BigInt(r.numCnt)),
      rows.map((r) => r.sum),
      rows.map((r) => r.min),
      rows.map((r) => r.max),
      rows.map((r) => BigInt(r.first.ts)),
      rows.map((r) => r.first.kind),
      rows.map((r) => r.first.num),
      rows.map((r) => r.first.txt),
      rows.map((r) => BigInt(r.last.ts)),
      rows.map((r) => r.last.kind),
      rows.map((r) => r.last.num),
      rows.map((r) => r.last.txt),
    ]);
  }
  await appenders.append('latest_delta', POINT_TYPES, pointColumns([...newestOf(points).values()]));
}
