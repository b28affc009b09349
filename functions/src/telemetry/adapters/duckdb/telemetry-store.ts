// The embedded telemetry store: one DuckDB file under DATA_DIR, owned by the local runtime process
// (DuckDB locks it). Points arrive through an appender into a staging table, then one transaction
// keeps only points not stored yet, and merges them into the raw table, the latest values and the
// 1-minute and 1-hour rollups. Tags are numbered in `tag_series`, so a point row is a few integers.
//
// Replays are looked for only where one can be: this process is the file's only writer, so it knows
// each series' newest stored time. A point newer than that (and than every earlier point of its
// series in the group) cannot be a copy of anything, and goes straight in; only late points and
// replays are checked against the table (decision 0021).
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  INTEGER,
  UTINYINT,
  VARCHAR,
} from '@duckdb/node-api';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import {
  chooseBucketMs,
  type LatestSample,
  rollupFor,
  type Series,
  type SeriesAggregate,
  type SeriesQuery,
  type TagRef,
  type TelemetrySample,
  type TelemetryStore,
} from '../../ports.ts';
import {
  createSerialQueue,
  decodeQuality,
  decodeValue,
  qualityCodes,
  toNumber,
  VALUE_BOOLEAN,
  VALUE_NUMBER,
  VALUE_TEXT,
} from '../encoding.ts';
import { type BucketRow, toSeriesBucket } from '../series.ts';

export interface DuckDbTelemetryOptions {
  /** A file path, or ':memory:' for tests. */
  path: string;
  /** How far back a point may be written (default 400 days). */
  maxPointAgeMs?: number;
}

/** Upper bound on points stored in one group commit. */
const MAX_GROUP_POINTS = 200_000;

const ROLLUPS = [
  { table: 'rollup_1m', widthMs: 60_000 },
  { table: 'rollup_1h', widthMs: 3_600_000 },
] as const;

const rollupColumns = `series_id INTEGER NOT NULL, bucket BIGINT NOT NULL,
  cnt BIGINT NOT NULL, num_cnt BIGINT NOT NULL, sum DOUBLE, min DOUBLE, max DOUBLE,
  first_ts BIGINT, first_kind UTINYINT, first_num DOUBLE, first_txt VARCHAR,
  last_ts BIGINT, last_kind UTINYINT, last_num DOUBLE, last_txt VARCHAR,
  PRIMARY KEY (series_id, bucket)`;

const schema = [
  `CREATE TABLE IF NOT EXISTS tag_series (id INTEGER PRIMARY KEY, tenant_id VARCHAR NOT NULL,
     site_id VARCHAR NOT NULL, gateway_id VARCHAR NOT NULL, device_key VARCHAR NOT NULL, tag_key VARCHAR NOT NULL)`,
  // No index on points: a batch is checked for replays only against rows in its own time range,
  // which DuckDB's per-row-group min/max (zone maps) narrows to the newest row groups.
  `CREATE TABLE IF NOT EXISTS points (series_id INTEGER NOT NULL, ts BIGINT NOT NULL, kind UTINYINT NOT NULL,
     num DOUBLE, txt VARCHAR, quality UTINYINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS latest (series_id INTEGER PRIMARY KEY, ts BIGINT NOT NULL, kind UTINYINT NOT NULL,
     num DOUBLE, txt VARCHAR, quality UTINYINT NOT NULL)`,
  ...ROLLUPS.map(({ table }) => `CREATE TABLE IF NOT EXISTS ${table} (${rollupColumns})`),
  // `chk`: the point may be a copy (not newer than what is stored or earlier in the group).
  `CREATE TEMP TABLE staging (req INTEGER, ord INTEGER, series_id INTEGER, ts BIGINT, kind UTINYINT, num DOUBLE, txt VARCHAR,
     quality UTINYINT, chk BOOLEAN)`,
];

const STAGING_TYPES = [INTEGER, INTEGER, INTEGER, BIGINT, UTINYINT, DOUBLE, VARCHAR, UTINYINT, BOOLEAN];
/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

/**
 * Rows of the staging table, handed to the appender a data chunk at a time: the values go into
 * plain arrays, and each column of 2,048 rows crosses into DuckDB in one call, instead of one
 * native call per value (which profiling showed as a fifth of the ingest thread's time).
 */
function stagingRows(appender: DuckDBAppender) {
  const empty = () => ({
    req: [] as number[],
    ord: [] as number[],
    series: [] as number[],
    ts: [] as bigint[],
    kind: [] as number[],
    num: [] as (number | null)[],
    txt: [] as (string | null)[],
    quality: [] as number[],
    chk: [] as boolean[],
  });
  let rows = empty();
  const flush = () => {
    if (rows.req.length === 0) return;
    const chunk = DuckDBDataChunk.create(STAGING_TYPES);
    const { req, ord, series, ts, kind, num, txt, quality, chk } = rows;
    chunk.setColumns([req, ord, series, ts, kind, num, txt, quality, chk]);
    appender.appendDataChunk(chunk);
    rows = empty();
  };
  return {
    add(row: {
      req: number;
      ord: number;
      seriesId: number;
      ts: number;
      value: string | number | boolean;
      quality: number;
      check: boolean;
    }) {
      const { value } = row;
      rows.req.push(row.req);
      rows.ord.push(row.ord);
      rows.series.push(row.seriesId);
      rows.ts.push(BigInt(row.ts));
      if (typeof value === 'number') {
        rows.kind.push(VALUE_NUMBER);
        rows.num.push(value);
        rows.txt.push(null);
      } else if (typeof value === 'boolean') {
        rows.kind.push(VALUE_BOOLEAN);
        rows.num.push(value ? 1 : 0);
        rows.txt.push(null);
      } else {
        rows.kind.push(VALUE_TEXT);
        rows.num.push(null);
        rows.txt.push(value);
      }
      rows.quality.push(row.quality);
      rows.chk.push(row.check);
      if (rows.req.length === CHUNK_ROWS) flush();
    },
    /** Appends what is left; the appender still needs its own flush. */
    flush,
  };
}

/** Good samples of `source` (raw-shaped rows) aggregated into buckets of `widthMs`. */
function aggregateRaw(source: string, widthMs: number): string {
  return `SELECT series_id, (ts // ${widthMs}) * ${widthMs} AS bucket, count(*) AS cnt,
      count(*) FILTER (kind = 0) AS num_cnt, sum(num) FILTER (kind = 0) AS sum,
      min(num) FILTER (kind = 0) AS min, max(num) FILTER (kind = 0) AS max,
      min(ts) AS first_ts, arg_min(kind, ts) AS first_kind, arg_min(num, ts) AS first_num, arg_min(txt, ts) AS first_txt,
      max(ts) AS last_ts, arg_max(kind, ts) AS last_kind, arg_max(num, ts) AS last_num, arg_max(txt, ts) AS last_txt
    FROM ${source} WHERE quality = ${qualityCodes.good} GROUP BY ALL`;
}

/** Rollup rows of `source` re-aggregated into wider buckets of `widthMs`. */
function aggregateRollup(source: string, widthMs: number, where: string): string {
  return `SELECT series_id, (bucket // ${widthMs}) * ${widthMs} AS bucket, sum(cnt) AS cnt, sum(num_cnt) AS num_cnt,
      sum(sum) AS sum, min(min) AS min, max(max) AS max,
      arg_min(first_kind, first_ts) AS first_kind, arg_min(first_num, first_ts) AS first_num,
      arg_min(first_txt, first_ts) AS first_txt, arg_max(last_kind, last_ts) AS last_kind,
      arg_max(last_num, last_ts) AS last_num, arg_max(last_txt, last_ts) AS last_txt
    FROM ${source} WHERE ${where} GROUP BY ALL`;
}

/** The bucket columns each aggregate reads (see toSeriesBucket); `num_cnt` is always read. */
const AGGREGATE_COLUMNS: Record<SeriesAggregate, readonly string[]> = {
  avg: ['sum'],
  min: ['min'],
  max: ['max'],
  first: ['first_kind', 'first_num', 'first_txt'],
  last: ['last_kind', 'last_num', 'last_txt'],
  count: ['cnt'],
  difference: ['first_kind', 'first_num', 'last_kind', 'last_num'],
};

const tagKey = (tenantId: string, ref: TagRef) =>
  `${tenantId}\u0000${ref.gatewayId}\u0000${ref.deviceKey}\u0000${ref.tagKey}`;

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Builds a store file at `path` (which must not exist) from a folder `exportSnapshot` wrote. */
export async function importDuckDbSnapshot(dir: string, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run(`IMPORT DATABASE ${sqlString(dir)}`);
    await connection.run('CHECKPOINT');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function openDuckDbTelemetryStore(options: DuckDbTelemetryOptions): Promise<TelemetryStore> {
  if (options.path !== ':memory:') await mkdir(dirname(options.path), { recursive: true });
  const instance = await DuckDBInstance.create(options.path);
  const connection: DuckDBConnection = await instance.connect();
  for (const statement of schema) await connection.run(statement);

  const seriesIds = new Map<string, number>();
  const known = await connection.runAndReadAll(
    'SELECT id, tenant_id, gateway_id, device_key, tag_key FROM tag_series',
  );
  let nextSeriesId = 1;
  for (const row of known.getRowObjectsJS()) {
    const id = Number(row.id);
    seriesIds.set(
      tagKey(String(row.tenant_id), {
        gatewayId: String(row.gateway_id),
        deviceKey: String(row.device_key),
        tagKey: String(row.tag_key),
      }),
      id,
    );
    nextSeriesId = Math.max(nextSeriesId, id + 1);
  }
  /** Newest stored ts per series (the `latest` table holds exactly that); updated after each commit. */
  const newestStored = new Map<number, number>();
  const newest = await connection.runAndReadAll('SELECT series_id, ts FROM latest');
  for (const row of newest.getRowObjectsJS()) newestStored.set(Number(row.series_id), Number(row.ts));
  const serial = createSerialQueue();

  async function seriesIdFor(point: TelemetryPointRecord): Promise<number> {
    const key = tagKey(point.tenantId, point);
    const existing = seriesIds.get(key);
    if (existing !== undefined) return existing;
    const id = nextSeriesId++;
    await connection.run('INSERT INTO tag_series VALUES ($1, $2, $3, $4, $5, $6)', [
      id,
      point.tenantId,
      point.siteId,
      point.gatewayId,
      point.deviceKey,
      point.tagKey,
    ]);
    seriesIds.set(key, id);
    return id;
  }

  const idsOf = (tenantId: string, refs: readonly TagRef[]) =>
    refs.map((ref) => seriesIds.get(tagKey(tenantId, ref)));

  interface WriteRequest {
    points: readonly TelemetryPointRecord[];
    resolve: (result: { written: number; duplicates: number }) => void;
    reject: (error: unknown) => void;
  }
  const pending: WriteRequest[] = [];
  let draining = false;

  /**
   * Group commit: writes that arrive while one is running are stored together in the next
   * transaction, so many small batches cost one round of statements instead of one each.
   */
  function write(points: readonly TelemetryPointRecord[]) {
    if (points.length === 0) return Promise.resolve({ written: 0, duplicates: 0 });
    return new Promise<{ written: number; duplicates: number }>((resolve, reject) => {
      pending.push({ points, resolve, reject });
      if (draining) return;
      draining = true;
      void serial(async () => {
        try {
          while (pending.length > 0) await writeNextGroup();
        } finally {
          // No await between the last check of `pending` and this: a later write starts a new drain.
          draining = false;
        }
      });
    });
  }

  async function writeNextGroup(): Promise<void> {
    const group: WriteRequest[] = [];
    let size = 0;
    for (let next = pending[0]; next; next = pending[0]) {
      if (group.length > 0 && size + next.points.length > MAX_GROUP_POINTS) break;
      pending.shift();
      size += next.points.length;
      group.push(next);
    }
    try {
      const written = await writeGroup(group);
      group.forEach((request, index) => {
        const count = written.get(index) ?? 0;
        request.resolve({ written: count, duplicates: request.points.length - count });
      });
    } catch (error) {
      for (const request of group) request.reject(error);
    }
  }

  /** Stores a group of write requests in one transaction; returns the points written per request. */
  async function writeGroup(group: readonly WriteRequest[]): Promise<Map<number, number>> {
    {
      // The time range of the points that need the replay check, and each series' newest time so far.
      let minTs = Number.POSITIVE_INFINITY;
      let maxTs = Number.NEGATIVE_INFINITY;
      let toCheck = 0;
      const newestInGroup = new Map<number, number>();
      await connection.run('DELETE FROM staging');
      // Known tags are looked up without awaiting: this loop runs for every point.
      const ids: number[][] = [];
      for (const request of group) {
        const requestIds: number[] = [];
        for (const point of request.points) {
          const known = seriesIds.get(tagKey(point.tenantId, point));
          requestIds.push(known ?? (await seriesIdFor(point)));
        }
        ids.push(requestIds);
      }
      const appender = await connection.createAppender('staging', 'main', 'temp');
      const staged = stagingRows(appender);
      let ord = 0;
      for (let req = 0; req < group.length; req += 1) {
        const points = (group[req] as WriteRequest).points;
        const requestIds = ids[req] as number[];
        for (let index = 0; index < points.length; index += 1) {
          const point = points[index] as TelemetryPointRecord;
          const seriesId = requestIds[index] as number;
          const newestSoFar = newestInGroup.get(seriesId) ?? newestStored.get(seriesId);
          const check = newestSoFar !== undefined && point.ts <= newestSoFar;
          if (check) {
            toCheck += 1;
            if (point.ts < minTs) minTs = point.ts;
            if (point.ts > maxTs) maxTs = point.ts;
          } else {
            newestInGroup.set(seriesId, point.ts);
          }
          staged.add({
            req,
            ord: ord++,
            seriesId,
            ts: point.ts,
            value: point.value,
            quality: qualityCodes[point.quality],
            check,
          });
        }
      }
      staged.flush();
      appender.flushSync();
      appender.closeSync();

      await connection.run('BEGIN TRANSACTION');
      try {
        // The common case, nothing to check: every staged point is new.
        let fresh = 'staging';
        let written = new Map(group.map((request, index) => [index, request.points.length]));
        if (toCheck > 0) {
          // The first copy of a point wins, within the group and against what is stored. A point
          // that needs no check is newer than everything before it, so it is always the first copy.
          await connection.run(
            `CREATE OR REPLACE TEMP TABLE fresh AS
             SELECT req, series_id, ts, kind, num, txt, quality FROM staging WHERE NOT chk
             UNION ALL
             SELECT s.req, s.series_id, s.ts, s.kind, s.num, s.txt, s.quality
             FROM (SELECT * FROM staging WHERE chk QUALIFY row_number() OVER (PARTITION BY series_id, ts ORDER BY ord) = 1) s
             ANTI JOIN (SELECT series_id, ts FROM points WHERE ts BETWEEN ${minTs} AND ${maxTs}
                        UNION ALL SELECT series_id, ts FROM staging WHERE NOT chk) p
               ON p.series_id = s.series_id AND p.ts = s.ts`,
          );
          fresh = 'fresh';
          const counts = await connection.runAndReadAll('SELECT req, count(*) AS n FROM fresh GROUP BY req');
          written = new Map(counts.getRowObjectsJS().map((row) => [Number(row.req), Number(row.n)]));
        }
        await connection.run(
          `INSERT INTO points SELECT series_id, ts, kind, num, txt, quality FROM ${fresh}`,
        );
        await connection.run(
          `INSERT INTO latest
           SELECT series_id, max(ts), arg_max(kind, ts), arg_max(num, ts), arg_max(txt, ts), arg_max(quality, ts)
           FROM ${fresh} GROUP BY series_id
           ON CONFLICT (series_id) DO UPDATE SET ts = excluded.ts, kind = excluded.kind, num = excluded.num,
             txt = excluded.txt, quality = excluded.quality WHERE excluded.ts > latest.ts`,
        );
        for (const { table, widthMs } of ROLLUPS) {
          await connection.run(
            `INSERT INTO ${table} ${aggregateRaw(fresh, widthMs)}
             ON CONFLICT (series_id, bucket) DO UPDATE SET
               cnt = ${table}.cnt + excluded.cnt, num_cnt = ${table}.num_cnt + excluded.num_cnt,
               sum = CASE WHEN ${table}.sum IS NULL THEN excluded.sum
                          WHEN excluded.sum IS NULL THEN ${table}.sum ELSE ${table}.sum + excluded.sum END,
               min = least(${table}.min, excluded.min), max = greatest(${table}.max, excluded.max),
               first_ts = CASE WHEN excluded.first_ts < ${table}.first_ts THEN excluded.first_ts ELSE ${table}.first_ts END,
               first_kind = CASE WHEN excluded.first_ts < ${table}.first_ts THEN excluded.first_kind ELSE ${table}.first_kind END,
               first_num = CASE WHEN excluded.first_ts < ${table}.first_ts THEN excluded.first_num ELSE ${table}.first_num END,
               first_txt = CASE WHEN excluded.first_ts < ${table}.first_ts THEN excluded.first_txt ELSE ${table}.first_txt END,
               last_ts = CASE WHEN excluded.last_ts > ${table}.last_ts THEN excluded.last_ts ELSE ${table}.last_ts END,
               last_kind = CASE WHEN excluded.last_ts > ${table}.last_ts THEN excluded.last_kind ELSE ${table}.last_kind END,
               last_num = CASE WHEN excluded.last_ts > ${table}.last_ts THEN excluded.last_num ELSE ${table}.last_num END,
               last_txt = CASE WHEN excluded.last_ts > ${table}.last_ts THEN excluded.last_txt ELSE ${table}.last_txt END`,
          );
        }
        await connection.run('COMMIT');
        for (const [seriesId, ts] of newestInGroup) newestStored.set(seriesId, ts);
        return written;
      } catch (error) {
        await connection.run('ROLLBACK');
        throw error;
      }
    }
  }

  async function latest(tenantId: string, tagRefs: readonly TagRef[]): Promise<LatestSample[]> {
    const byId = new Map<number, TagRef>();
    idsOf(tenantId, tagRefs).forEach((id, index) => {
      if (id !== undefined) byId.set(id, tagRefs[index] as TagRef);
    });
    if (byId.size === 0) return [];
    const result = await connection.runAndReadAll(
      `SELECT series_id, ts, kind, num, txt, quality FROM latest WHERE series_id IN (${[...byId.keys()].join(',')})`,
    );
    const samples = new Map<number, LatestSample>();
    for (const row of result.getRowObjectsJS()) {
      const id = Number(row.series_id);
      const tagRef = byId.get(id);
      const value = decodeValue(row.kind, row.num, row.txt);
      if (!tagRef || value === null) continue;
      samples.set(id, { tagRef, ts: toNumber(row.ts) ?? 0, value, quality: decodeQuality(row.quality) });
    }
    return [...byId.keys()].flatMap((id) => samples.get(id) ?? []);
  }

  async function range(
    tenantId: string,
    tagRef: TagRef,
    from: number,
    to: number,
    limit: number,
  ): Promise<TelemetrySample[]> {
    const [id] = idsOf(tenantId, [tagRef]);
    if (id === undefined || limit <= 0) return [];
    const result = await connection.runAndReadAll(
      `SELECT ts, kind, num, txt, quality FROM points WHERE series_id = ${id} AND ts >= $1 AND ts < $2
       ORDER BY ts LIMIT ${Math.floor(limit)}`,
      [BigInt(Math.floor(from)), BigInt(Math.ceil(to))],
    );
    return result.getRowObjectsJS().flatMap((row) => {
      const value = decodeValue(row.kind, row.num, row.txt);
      return value === null
        ? []
        : [{ ts: toNumber(row.ts) ?? 0, value, quality: decodeQuality(row.quality) }];
    });
  }

  async function series(tenantId: string, query: SeriesQuery): Promise<Series[]> {
    const bucketMs = chooseBucketMs(query.from, query.to, query.maxPoints);
    const from = Math.floor(query.from / bucketMs) * bucketMs;
    const to = Math.ceil(query.to / bucketMs) * bucketMs;
    const ids = idsOf(tenantId, query.tagRefs);
    const present = [...new Set(ids.filter((id): id is number => id !== undefined))];
    const buckets = new Map<number, Series['buckets']>(present.map((id) => [id, []]));
    if (present.length > 0) {
      const inSeries = `series_id IN (${present.join(',')})`;
      const source = rollupFor(bucketMs);
      const sql =
        source === 'raw'
          ? aggregateRaw(
              `(SELECT * FROM points WHERE ${inSeries} AND ts >= ${from} AND ts < ${to})`,
              bucketMs,
            )
          : aggregateRollup(
              source === 'hour' ? 'rollup_1h' : 'rollup_1m',
              bucketMs,
              `${inSeries} AND bucket >= ${from} AND bucket < ${to}`,
            );
      // Only the columns the asked-for aggregates read: DuckDB then skips the other aggregates, and
      // fewer values cross into JavaScript (30 days hourly for 25 tags: ~44 ms → see decision 0021).
      const columns = [...new Set(query.aggregates.flatMap((aggregate) => AGGREGATE_COLUMNS[aggregate]))];
      const result = await connection.runAndReadAll(
        `SELECT series_id, bucket, num_cnt${columns.map((c) => `, ${c}`).join('')} FROM (${sql}) ORDER BY series_id, bucket`,
      );
      for (const row of result.getRowObjectsJS()) {
        buckets
          .get(Number(row.series_id))
          ?.push(toSeriesBucket(row as unknown as BucketRow, query.aggregates));
      }
    }
    return query.tagRefs.map((tagRef, index) => {
      const id = ids[index];
      return { tagRef, bucketMs, buckets: id === undefined ? [] : (buckets.get(id) ?? []) };
    });
  }

  return {
    kind: 'duckdb',
    maxPointAgeMs: options.maxPointAgeMs ?? 400 * 86_400_000,
    write,
    latest,
    range,
    series,
    async exportSnapshot(dir) {
      // Its own connection (without the writer's temp staging table) and one transaction: the copy is
      // consistent, and the writes go on meanwhile.
      const exporter = await instance.connect();
      try {
        await exporter.run(`EXPORT DATABASE ${sqlString(dir)} (FORMAT parquet)`);
      } finally {
        exporter.closeSync();
      }
    },
    async close() {
      await serial(async () => {
        connection.closeSync();
        instance.closeSync();
      });
    },
  };
}
