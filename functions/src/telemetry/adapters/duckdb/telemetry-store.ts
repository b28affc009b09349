// The embedded telemetry store: one DuckDB file under DATA_DIR, owned by the local runtime process
// (DuckDB locks it). Writes that arrive together are stored as one group in one transaction: the raw
// points, and delta rows for the latest values and the 1-minute and 1-hour rollups, which a periodic
// compaction merges (write-path.ts, decision 0034). Tags are numbered in `tag_series`, so a point
// row is a few integers.
//
// Replays are looked for only where one can be: this process is the file's only writer, so it knows
// each series' newest stored time. A point newer than that (and than every earlier point of its
// series in the group) cannot be a copy of anything, and goes straight in; only groups with late
// points or replays go through a staging table checked against the stored rows (decision 0021).

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBInstance,
  INTEGER,
  UTINYINT,
  VARCHAR,
} from '@duckdb/node-api';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { logger } from '../../../platform/observability.ts';
import {
  chooseBucketMs,
  type LatestSample,
  rollupFor,
  type Series,
  type SeriesQuery,
  type TagRef,
  type TelemetrySample,
  type TelemetryStore,
} from '../../ports.ts';
import { createSerialQueue, decodeQuality, decodeValue, encodeValue, qualityCodes } from '../encoding.ts';
import { type BucketRow, toSeriesBucket } from '../series.ts';
import { type DuckDbTelemetryOptions, duckDbSettings, sqlString } from './files.ts';
import { AGGREGATE_COLUMNS, aggregateRollup, readMinuteExtremes, readRange } from './reads.ts';
import { createSeriesIndex } from './series-index.ts';
import {
  aggregateRaw,
  appendGroup,
  compactionSql,
  createAppenders,
  newestOf,
  newestPerSeries,
  ROLLUPS,
  rollupSource,
  type StoredPoint,
  writePathSchema,
} from './write-path.ts';

/** Upper bound on points stored in one group commit. */
const MAX_GROUP_POINTS = 200_000;

const schema = [
  `CREATE TABLE IF NOT EXISTS tag_series (id INTEGER PRIMARY KEY, tenant_id VARCHAR NOT NULL,
     site_id VARCHAR NOT NULL, gateway_id VARCHAR NOT NULL, device_key VARCHAR NOT NULL, tag_key VARCHAR NOT NULL)`,
  ...writePathSchema,
  // `chk`: the point may be a copy (not newer than what is stored or earlier in the group).
  `CREATE TEMP TABLE staging (req INTEGER, ord INTEGER, series_id INTEGER, ts BIGINT, kind UTINYINT, num DOUBLE, txt VARCHAR,
     quality UTINYINT, chk BOOLEAN)`,
];

const STAGING_TYPES = [INTEGER, INTEGER, INTEGER, BIGINT, UTINYINT, DOUBLE, VARCHAR, UTINYINT, BOOLEAN];
/** Compaction of the delta rows: this often, and at once past this many rows. */
const COMPACT_EVERY_MS = 2_000;
const COMPACT_AT_ROWS = 100_000;

/** A row of points-shaped columns as the store keeps it in memory. */
function storedPointOf(row: Record<string, unknown>): StoredPoint {
  return {
    seriesId: Number(row.series_id),
    ts: Number(row.ts),
    kind: Number(row.kind),
    num: row.num === null ? null : Number(row.num),
    txt: row.txt === null ? null : String(row.txt),
    quality: Number(row.quality),
  };
}

export async function openDuckDbTelemetryStore(options: DuckDbTelemetryOptions): Promise<TelemetryStore> {
  if (options.path !== ':memory:') await mkdir(dirname(options.path), { recursive: true });
  const instance = await DuckDBInstance.create(options.path, duckDbSettings(options));
  const connection: DuckDBConnection = await instance.connect();
  for (const statement of schema) await connection.run(statement);
  const appenders = createAppenders(connection);

  const seriesIds = createSeriesIndex();
  const known = await connection.runAndReadAll(
    'SELECT id, tenant_id, gateway_id, device_key, tag_key FROM tag_series',
  );
  let nextSeriesId = 1;
  for (const row of known.getRowObjectsJS()) {
    const id = Number(row.id);
    seriesIds.set(
      String(row.tenant_id),
      { gatewayId: String(row.gateway_id), deviceKey: String(row.device_key), tagKey: String(row.tag_key) },
      id,
    );
    nextSeriesId = Math.max(nextSeriesId, id + 1);
  }
  // Delta rows a crash left behind are merged before anything reads the base tables.
  await connection.run(compactionSql());
  /** The newest stored sample per series: the `latest` table, kept current after each commit. */
  const newestStored = new Map<number, StoredPoint>();
  const newest = await connection.runAndReadAll('SELECT series_id, ts, kind, num, txt, quality FROM latest');
  for (const row of newest.getRowObjectsJS()) {
    const point = storedPointOf(row);
    newestStored.set(point.seriesId, point);
  }
  const serial = createSerialQueue();
  let deltaRows = 0;
  const keepNewest = (points: Iterable<StoredPoint>) => {
    for (const point of points) {
      const known = newestStored.get(point.seriesId);
      if (!known || point.ts > known.ts) newestStored.set(point.seriesId, point);
    }
  };
  async function compact(): Promise<void> {
    if (deltaRows === 0) return;
    try {
      await connection.run(compactionSql());
      deltaRows = 0;
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  const compaction = setInterval(() => {
    if (deltaRows > 0)
      serial(compact).catch((error) =>
        logger.error('telemetry compaction failed; it is tried again', { error }),
      );
  }, options.compactEveryMs ?? COMPACT_EVERY_MS);
  compaction.unref();

  async function seriesIdFor(point: TelemetryPointRecord): Promise<number> {
    const existing = seriesIds.get(point.tenantId, point);
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
    seriesIds.set(point.tenantId, point, id);
    return id;
  }

  const idsOf = (tenantId: string, refs: readonly TagRef[]) =>
    refs.map((ref) => seriesIds.get(tenantId, ref));

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
    // The time range of the points that need the replay check, and each series' newest time so far.
    let minTs = Number.POSITIVE_INFINITY;
    let maxTs = Number.NEGATIVE_INFINITY;
    const newestInGroup = new Map<number, number>();
    const rows: (StoredPoint & { req: number; check: boolean })[] = [];
    for (let req = 0; req < group.length; req += 1) {
      for (const point of (group[req] as WriteRequest).points) {
        // Known tags are looked up without awaiting: this loop runs for every point.
        const seriesId = seriesIds.get(point.tenantId, point) ?? (await seriesIdFor(point));
        const newestSoFar = newestInGroup.get(seriesId) ?? newestStored.get(seriesId)?.ts;
        const check = newestSoFar !== undefined && point.ts <= newestSoFar;
        if (check) {
          if (point.ts < minTs) minTs = point.ts;
          if (point.ts > maxTs) maxTs = point.ts;
        } else {
          newestInGroup.set(seriesId, point.ts);
        }
        const { kind, num, txt } = encodeValue(point.value);
        rows.push({
          req,
          seriesId,
          ts: point.ts,
          kind,
          num,
          txt,
          quality: qualityCodes[point.quality],
          check,
        });
      }
    }
    const written = rows.some((row) => row.check)
      ? await writeChecked(rows, { minTs, maxTs })
      : await writeNew(group, rows);
    if (deltaRows >= COMPACT_AT_ROWS) await compact();
    return written;
  }

  /** The common case, nothing to check: every point is new, appended with its delta rows. */
  async function writeNew(group: readonly WriteRequest[], rows: readonly StoredPoint[]) {
    await connection.run('BEGIN TRANSACTION');
    try {
      await appendGroup(appenders, rows);
      await connection.run('COMMIT');
    } catch (error) {
      appenders.reset();
      await connection.run('ROLLBACK');
      throw error;
    }
    keepNewest(newestOf(rows).values());
    deltaRows += rows.length;
    return new Map(group.map((request, index) => [index, request.points.length]));
  }

  /**
   * Late points or replays: staged, then the first copy of each point wins, within the group and
   * against what is stored. A point that needs no check is newer than everything before it, so it is
   * always the first copy.
   */
  async function writeChecked(
    rows: readonly (StoredPoint & { req: number; check: boolean })[],
    range: { minTs: number; maxTs: number },
  ): Promise<Map<number, number>> {
    await appenders.append(
      'staging',
      STAGING_TYPES,
      [
        rows.map((row) => row.req),
        rows.map((_, ord) => ord),
        rows.map((row) => row.seriesId),
        rows.map((row) => BigInt(row.ts)),
        rows.map((row) => row.kind),
        rows.map((row) => row.num),
        rows.map((row) => row.txt),
        rows.map((row) => row.quality),
        rows.map((row) => row.check),
      ],
      'temp',
    );
    // One round trip for the transaction's statements: sent one by one, each waited for the thread
    // pool, and on a busy process that wait, not DuckDB's work, was most of a group's time.
    const statements = [
      'BEGIN TRANSACTION',
      `CREATE OR REPLACE TEMP TABLE fresh AS
       SELECT req, series_id, ts, kind, num, txt, quality FROM staging WHERE NOT chk
       UNION ALL
       SELECT s.req, s.series_id, s.ts, s.kind, s.num, s.txt, s.quality
       FROM (SELECT * FROM staging WHERE chk QUALIFY row_number() OVER (PARTITION BY series_id, ts ORDER BY ord) = 1) s
       ANTI JOIN (SELECT series_id, ts FROM points WHERE ts BETWEEN ${range.minTs} AND ${range.maxTs}
                  UNION ALL SELECT series_id, ts FROM staging WHERE NOT chk) p
         ON p.series_id = s.series_id AND p.ts = s.ts`,
      'INSERT INTO points SELECT series_id, ts, kind, num, txt, quality FROM fresh',
      `INSERT INTO rollup_delta ${aggregateRaw('fresh', ROLLUPS[0].widthMs)}`,
      `INSERT INTO latest_delta ${newestPerSeries('fresh')}`,
    ];
    try {
      await connection.run(statements.join(';\n'));
      const counts = await connection.runAndReadAll('SELECT req, count(*) AS n FROM fresh GROUP BY req');
      const newest = await connection.runAndReadAll(newestPerSeries('fresh'));
      // The staging rows go with the commit: the next group starts from an empty table.
      await connection.run('DELETE FROM staging; COMMIT');
      const written = new Map(counts.getRowObjectsJS().map((row) => [Number(row.req), Number(row.n)]));
      keepNewest(newest.getRowObjectsJS().map(storedPointOf));
      deltaRows += [...written.values()].reduce((sum, n) => sum + n, 0);
      return written;
    } catch (error) {
      await connection.run('ROLLBACK');
      await connection.run('DELETE FROM staging');
      throw error;
    }
  }

  /** From memory: this process wrote every stored point, so it knows each series' newest. */
  async function latest(tenantId: string, tagRefs: readonly TagRef[]): Promise<LatestSample[]> {
    const ids = idsOf(tenantId, tagRefs);
    return tagRefs.flatMap((tagRef, index) => {
      const id = ids[index];
      const point = id === undefined ? undefined : newestStored.get(id);
      const value = point ? decodeValue(point.kind, point.num, point.txt) : null;
      return point && value !== null
        ? [{ tagRef, ts: point.ts, value, quality: decodeQuality(point.quality) }]
        : [];
    });
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
    return readRange(connection, id, from, to, limit);
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
              rollupSource(source === 'hour' ? 'rollup_1h' : 'rollup_1m'),
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

  let closed = false;
  return {
    kind: 'duckdb',
    maxPointAgeMs: options.maxPointAgeMs ?? 400 * 86_400_000,
    write,
    latest,
    range,
    async minuteExtremes(tenantId, tagRef, from, to) {
      const [id] = idsOf(tenantId, [tagRef]);
      if (id === undefined) return { ts: [], samples: [], good: [], min: [], max: [] };
      return readMinuteExtremes(connection, id, from, to);
    },
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
    async ping() {
      if (closed) throw new Error('the telemetry store is closed');
      // Its own short connection: the writer's may be inside a long group transaction.
      const probe = await instance.connect();
      try {
        const result = await probe.runAndReadAll('SELECT count(*) AS series FROM tag_series');
        return `DuckDB, ${Number(result.getRowObjectsJS()[0]?.series ?? 0)} series`;
      } finally {
        probe.closeSync();
      }
    },
    deleteTenantBefore: (tenantId, cutoffs) =>
      serial(async () => {
        // Deltas merged first, so a rollup row is deleted whole, never half of it left in a delta.
        await compact();
        const series = `(SELECT id FROM tag_series WHERE tenant_id = ${sqlString(tenantId)})`;
        await connection.run('BEGIN TRANSACTION');
        try {
          const count = async (table: string, column: string, before: number) =>
            (
              await connection.run(
                `DELETE FROM ${table} WHERE series_id IN ${series} AND ${column} < ${Math.floor(before)}`,
              )
            ).rowsChanged;
          const deleted = {
            rawPoints: await count('points', 'ts', cutoffs.rawPoints),
            rollupsMinute: await count('rollup_1m', 'bucket', cutoffs.rollupsMinute),
            rollupsHour: await count('rollup_1h', 'bucket', cutoffs.rollupsHour),
          };
          await connection.run('COMMIT');
          // Deleted rows' space is reused only once checkpointed; the file shrinks on a later vacuum.
          await connection.run('CHECKPOINT');
          return deleted;
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(compaction);
      await serial(async () => {
        await compact();
        appenders.close();
        connection.closeSync();
        instance.closeSync();
      });
    },
  };
}
