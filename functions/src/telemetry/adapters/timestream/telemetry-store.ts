// Telemetry on Amazon Timestream for LiveAnalytics. One multi-measure record per point (measure name
// "sample"; measures kind, num, txt, quality, as the other adapters encode values), dimensions
// tenant_id, site_id, gateway_id, device_key, tag_key. At most 100 records per WriteRecords, sharing
// the gateway's dimensions as CommonAttributes. Replays are harmless: Timestream keeps the first
// version of a record; a replay with the same values is accepted, one with other values is rejected
// with ExistingVersion, which counts as a duplicate here. Rollups are the tables that the scheduled
// queries of `timestreamRollupQueries` fill (created by the AWS deployment); as they trail now by up to
// a run interval plus the lateness margin, `series` reads that tail from raw records. `latest` reads
// raw records within the memory store's retention.
import {
  QueryCommand,
  type QueryCommandOutput,
  TimestreamQueryClient,
} from '@aws-sdk/client-timestream-query';
import {
  type _Record,
  RejectedRecordsException,
  TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import type { TelemetryPointRecord } from '@plantwatch/shared';
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
import { decodeQuality, decodeValue, encodeValue, qualityCodes, toNumber } from '../encoding.ts';
import { type BucketRow, toSeriesBucket } from '../series.ts';

export const MAX_RECORDS_PER_WRITE = 100;
export const MEASURE_NAME = 'sample';

export interface TimestreamTelemetryOptions {
  write: Pick<TimestreamWriteClient, 'send'>;
  query: Pick<TimestreamQueryClient, 'send'>;
  database: string;
  table: string;
  /** Rollup tables filled by the scheduled queries; default `<table>_1m` and `<table>_1h`. */
  rollupTables?: { minute: string; hour: string };
  /** The memory store retention: Timestream refuses older records (default 24 h). */
  memoryStoreRetentionMs?: number;
  /**
   * How often the regular rollup queries run (the deployment's rollupEveryMinutes, default 5 min).
   * With the lateness margin it is how far the rollup tables may trail now: `series` reads that tail
   * from raw records (see `rollupHorizonMs`).
   */
  rollupEveryMs?: number;
  now?: () => number;
  /** WriteRecords calls in flight at once for one write (default 8). */
  writeConcurrency?: number;
}

/**
 * The record that makes the raw table's columns exist before anything is ingested: Timestream creates
 * a column when a record first carries it, and CreateScheduledQuery refuses SQL naming a column that
 * does not exist yet. It belongs to no tenant (`_schema`), so no query ever shows it, and its quality
 * is bad, so no rollup counts it. Written by the migrations resource on every deploy (a replay of the
 * same record is accepted).
 */
export async function defineTimestreamSchema(
  write: Pick<TimestreamWriteClient, 'send'>,
  database: string,
  table: string,
  at: number = Date.now(),
): Promise<void> {
  try {
    await write.send(
      new WriteRecordsCommand({
        DatabaseName: database,
        TableName: table,
        Records: [
          {
            Dimensions: ['tenant_id', 'site_id', 'gateway_id', 'device_key', 'tag_key'].map((Name) => ({
              Name,
              Value: '_schema',
            })),
            MeasureName: MEASURE_NAME,
            MeasureValueType: 'MULTI',
            MeasureValues: [
              { Name: 'kind', Value: '0', Type: 'BIGINT' },
              { Name: 'num', Value: '0', Type: 'DOUBLE' },
              { Name: 'txt', Value: '', Type: 'VARCHAR' },
              { Name: 'quality', Value: String(qualityCodes.bad), Type: 'BIGINT' },
            ],
            // A whole minute: every deploy in the same minute writes the same record.
            Time: String(Math.floor(at / 60_000) * 60_000),
            TimeUnit: 'MILLISECONDS',
            Version: 1,
          },
        ],
      }),
    );
  } catch (error) {
    // The same minute's record with the same values is accepted; an existing one is fine too.
    if (!(error instanceof RejectedRecordsException)) throw error;
    if ((error.RejectedRecords ?? []).some((record) => record.ExistingVersion === undefined)) throw error;
  }
}

/** A literal for Timestream SQL: single quotes doubled. */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

function tagFilter(refs: readonly TagRef[]): string {
  return refs
    .map(
      (r) =>
        `(gateway_id = ${literal(r.gatewayId)} AND device_key = ${literal(r.deviceKey)} AND tag_key = ${literal(r.tagKey)})`,
    )
    .join(' OR ');
}

function toRecord(point: TelemetryPointRecord): _Record {
  const { kind, num, txt } = encodeValue(point.value);
  return {
    Dimensions: [
      { Name: 'device_key', Value: point.deviceKey },
      { Name: 'tag_key', Value: point.tagKey },
    ],
    Time: String(point.ts),
    MeasureValues: [
      { Name: 'kind', Value: String(kind), Type: 'BIGINT' },
      ...(num === null ? [] : [{ Name: 'num', Value: String(num), Type: 'DOUBLE' as const }]),
      ...(txt === null ? [] : [{ Name: 'txt', Value: txt, Type: 'VARCHAR' as const }]),
      { Name: 'quality', Value: String(qualityCodes[point.quality]), Type: 'BIGINT' },
    ],
  };
}

/** The rollup widths and what `series` reads for each (`<table>_1m`, `<table>_1h`). */
export const ROLLUP_WIDTH_MS = { minute: 60_000, hour: 3_600_000 } as const;
export type RollupWidth = keyof typeof ROLLUP_WIDTH_MS;

/**
 * How late a point may reach the raw table and still be rolled up by the next regular run: IoT rule,
 * SQS batching, a retried ingest, a gateway reconnecting after a short drop. Later points (a gateway's
 * disk buffer replayed after a long outage) are rolled up by the daily catch-up run instead.
 */
export const ROLLUP_LATENESS_MS = 15 * 60_000;
/** The catch-up run's cadence. */
export const ROLLUP_CATCH_UP_EVERY_MS = 24 * 3_600_000;
/**
 * The oldest point the catch-up still rolls up, whatever the memory retention: a year of memory store
 * would otherwise make every daily run scan a year. Replays older than this stay raw only.
 */
export const ROLLUP_CATCH_UP_MAX_AGE_MS = 7 * 24 * 3_600_000;

export interface RollupSchedule {
  /** How often the regular queries run (the deployment's rollupEveryMinutes). */
  everyMs: number;
  /** The raw table's memory-store retention: ingest refuses points older than this. */
  memoryRetentionMs: number;
}

/**
 * How far back each run looks. A regular run covers its own interval plus the lateness margin; the
 * catch-up covers everything ingest still accepts (the memory retention, at most a week) plus its own
 * interval, so a point accepted at any such age is in at least one catch-up run after it arrived.
 */
export function rollupLookbackMs(schedule: RollupSchedule): { regular: number; catchUp: number } {
  return {
    regular: schedule.everyMs + ROLLUP_LATENESS_MS,
    catchUp: Math.min(schedule.memoryRetentionMs, ROLLUP_CATCH_UP_MAX_AGE_MS) + ROLLUP_CATCH_UP_EVERY_MS,
  };
}

/** The regular rollup queries' default cadence (the CDK app's rollupEveryMinutes default). */
export const ROLLUP_EVERY_DEFAULT_MS = 5 * 60_000;

/**
 * How far behind now the rollup tables may be: a bucket is complete in them once a regular run
 * started at least the lateness margin after the bucket's end, and the last run may be one interval
 * old. Everything older than `now - rollupHorizonMs` is in the rollups (points later than the margin
 * wait for the daily catch-up, as always); the newer tail is read from raw records.
 */
export function rollupHorizonMs(everyMs: number): number {
  return everyMs + ROLLUP_LATENESS_MS;
}

/**
 * Where a series served from rollups switches to raw records: the start of the rollup bucket (of
 * `rollupWidthMs`) that holds `now - horizon`, so every rollup bucket read before it is complete and
 * the raw tail covers at most the horizon plus one rollup bucket.
 */
export function rollupTailStartMs(nowMs: number, horizonMs: number, rollupWidthMs: number): number {
  return Math.floor((nowMs - horizonMs) / rollupWidthMs) * rollupWidthMs;
}

/**
 * One bucket from two partial aggregates of the same bucket over disjoint times, `earlier` entirely
 * before `later` (the rollup part before the tail start, the raw part after it): counts and sums add,
 * min and max combine, first comes from the earlier part and last from the later one (a part
 * exists only with at least one good sample).
 */
export function combineBucketRows(earlier: BucketRow, later: BucketRow): BucketRow {
  const num = (value: unknown) => toNumber(value);
  const add = (a: unknown, b: unknown) =>
    num(a) === null && num(b) === null ? null : (num(a) ?? 0) + (num(b) ?? 0);
  const pick = (a: unknown, b: unknown, choose: (x: number, y: number) => number) => {
    const [x, y] = [num(a), num(b)];
    return x === null ? y : y === null ? x : choose(x, y);
  };
  return {
    bucket: earlier.bucket,
    cnt: add(earlier.cnt, later.cnt),
    num_cnt: add(earlier.num_cnt, later.num_cnt),
    sum: add(earlier.sum, later.sum),
    min: pick(earlier.min, later.min, Math.min),
    max: pick(earlier.max, later.max, Math.max),
    first_kind: earlier.first_kind,
    first_num: earlier.first_num,
    first_txt: earlier.first_txt,
    last_kind: later.last_kind,
    last_num: later.last_num,
    last_txt: later.last_txt,
  };
}

/**
 * The first bucket a run at `runtimeMs` writes, for one width: the lookback rounded down to a whole
 * bucket, so every bucket a run writes is computed from all of its points (a window starting mid-
 * bucket would overwrite a complete bucket with a partial one). The SQL below says the same in
 * Timestream's terms; tests check the two agree.
 */
export function rollupWindowStartMs(runtimeMs: number, lookbackMs: number, widthMs: number): number {
  return Math.floor((runtimeMs - lookbackMs) / widthMs) * widthMs;
}

/**
 * The scheduled queries that fill the rollup tables: for each width a regular query (every
 * `everyMs`, over the last interval plus the lateness margin) and a catch-up query (daily, over the
 * memory retention plus a day). A re-run writes a bucket again with its complete aggregate; the
 * buckets of the current interval are rewritten by the next runs until they are out of the window.
 */
export function timestreamRollupQueries(database: string, table: string, schedule: RollupSchedule) {
  const source = `"${database}"."${table}"`;
  const lookback = rollupLookbackMs(schedule);
  const query = (
    widthMs: number,
    lookbackMs: number,
  ) => `SELECT tenant_id, site_id, gateway_id, device_key, tag_key,
  bin(time, ${widthMs}ms) AS time, count(*) AS cnt, count_if(kind = 0) AS num_cnt,
  sum(CASE WHEN kind = 0 THEN num END) AS sum, min(CASE WHEN kind = 0 THEN num END) AS min,
  max(CASE WHEN kind = 0 THEN num END) AS max,
  to_milliseconds(min(time)) AS first_ts, min_by(kind, time) AS first_kind, min_by(num, time) AS first_num,
  min_by(txt, time) AS first_txt, to_milliseconds(max(time)) AS last_ts, max_by(kind, time) AS last_kind,
  max_by(num, time) AS last_num, max_by(txt, time) AS last_txt
FROM ${source}
WHERE measure_name = '${MEASURE_NAME}' AND quality = 0
  AND time >= bin(@scheduled_runtime - ${lookbackMs}ms, ${widthMs}ms) AND time < @scheduled_runtime
GROUP BY tenant_id, site_id, gateway_id, device_key, tag_key, bin(time, ${widthMs}ms)`;
  const both = (lookbackMs: number) => ({
    minute: query(ROLLUP_WIDTH_MS.minute, lookbackMs),
    hour: query(ROLLUP_WIDTH_MS.hour, lookbackMs),
  });
  return { regular: both(lookback.regular), catchUp: both(lookback.catchUp) };
}

type Row = Record<string, string | null>;

export function openTimestreamTelemetryStore(options: TimestreamTelemetryOptions): TelemetryStore {
  const table = `"${options.database}"."${options.table}"`;
  const rollups = options.rollupTables ?? { minute: `${options.table}_1m`, hour: `${options.table}_1h` };
  const retentionMs = options.memoryStoreRetentionMs ?? 24 * 3_600_000;
  const horizonMs = rollupHorizonMs(options.rollupEveryMs ?? ROLLUP_EVERY_DEFAULT_MS);
  const now = options.now ?? Date.now;
  const writeConcurrency = options.writeConcurrency ?? 8;

  async function query(sql: string): Promise<Row[]> {
    const rows: Row[] = [];
    let nextToken: string | undefined;
    do {
      const page: QueryCommandOutput = await options.query.send(
        new QueryCommand({ QueryString: sql, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      const names = (page.ColumnInfo ?? []).map((c) => c.Name ?? '');
      for (const row of page.Rows ?? []) {
        rows.push(
          Object.fromEntries(
            names.map((name, index) => {
              const datum = row.Data?.[index];
              return [name, datum?.NullValue || datum?.ScalarValue === undefined ? null : datum.ScalarValue];
            }),
          ),
        );
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }

  async function writeChunk(
    ids: { tenantId: string; siteId: string; gatewayId: string },
    points: readonly TelemetryPointRecord[],
  ): Promise<{ written: number; duplicates: number }> {
    try {
      await options.write.send(
        new WriteRecordsCommand({
          DatabaseName: options.database,
          TableName: options.table,
          CommonAttributes: {
            Dimensions: [
              { Name: 'tenant_id', Value: ids.tenantId },
              { Name: 'site_id', Value: ids.siteId },
              { Name: 'gateway_id', Value: ids.gatewayId },
            ],
            MeasureName: MEASURE_NAME,
            MeasureValueType: 'MULTI',
            TimeUnit: 'MILLISECONDS',
            Version: 1,
          },
          Records: points.map(toRecord),
        }),
      );
      return { written: points.length, duplicates: 0 };
    } catch (error) {
      if (!(error instanceof RejectedRecordsException)) throw error;
      const rejected = error.RejectedRecords ?? [];
      // A stored record with other values: the first write won, as in every adapter.
      const duplicates = rejected.filter((r) => r.ExistingVersion !== undefined);
      if (duplicates.length < rejected.length) {
        const reasons = rejected.filter((r) => r.ExistingVersion === undefined).map((r) => r.Reason);
        throw new Error(`Timestream rejected ${reasons.length} records: ${reasons.join('; ')}`, {
          cause: error,
        });
      }
      return { written: points.length - duplicates.length, duplicates: duplicates.length };
    }
  }

  const decodeRow = (row: Row) => decodeValue(row.kind, row.num, row.txt);

  return {
    kind: 'timestream',
    maxPointAgeMs: retentionMs,

    async write(points) {
      // First copy wins inside a batch too: Timestream would reject the later one anyway.
      const seen = new Set<string>();
      const groups = new Map<string, TelemetryPointRecord[]>();
      let duplicates = 0;
      for (const point of points) {
        const key = `${point.tenantId}\u0000${point.gatewayId}\u0000${point.deviceKey}\u0000${point.tagKey}\u0000${point.ts}`;
        if (seen.has(key)) {
          duplicates += 1;
          continue;
        }
        seen.add(key);
        const group = `${point.tenantId}\u0000${point.siteId}\u0000${point.gatewayId}`;
        groups.set(group, [...(groups.get(group) ?? []), point]);
      }
      const chunks: (() => Promise<{ written: number; duplicates: number }>)[] = [];
      for (const group of groups.values()) {
        const first = group[0] as TelemetryPointRecord;
        for (let start = 0; start < group.length; start += MAX_RECORDS_PER_WRITE) {
          const chunk = group.slice(start, start + MAX_RECORDS_PER_WRITE);
          chunks.push(() => writeChunk(first, chunk));
        }
      }
      // WriteRecords calls side by side (each takes tens of ms), at most `writeConcurrency` at once;
      // one failure fails the write (the caller redelivers; what went in counts as duplicates then).
      let written = 0;
      let next = 0;
      const worker = async () => {
        while (next < chunks.length) {
          const run = chunks[next] as () => Promise<{ written: number; duplicates: number }>;
          next += 1;
          const result = await run();
          written += result.written;
          duplicates += result.duplicates;
        }
      };
      await Promise.all(Array.from({ length: Math.min(writeConcurrency, chunks.length) }, worker));
      return { written, duplicates };
    },

    async latest(tenantId, tagRefs): Promise<LatestSample[]> {
      if (tagRefs.length === 0) return [];
      const rows = await query(
        `SELECT gateway_id, device_key, tag_key, to_milliseconds(max(time)) AS ts, max_by(kind, time) AS kind, max_by(num, time) AS num, max_by(txt, time) AS txt, max_by(quality, time) AS quality FROM ${table} WHERE measure_name = '${MEASURE_NAME}' AND tenant_id = ${literal(tenantId)} AND time >= from_milliseconds(${now() - retentionMs}) AND (${tagFilter(tagRefs)}) GROUP BY gateway_id, device_key, tag_key`,
      );
      const byRef = new Map(rows.map((row) => [`${row.gateway_id}/${row.device_key}/${row.tag_key}`, row]));
      return tagRefs.flatMap((tagRef) => {
        const row = byRef.get(`${tagRef.gatewayId}/${tagRef.deviceKey}/${tagRef.tagKey}`);
        const value = row ? decodeRow(row) : null;
        if (!row || value === null) return [];
        return [{ tagRef, ts: toNumber(row.ts) ?? 0, value, quality: decodeQuality(row.quality) }];
      });
    },

    async range(tenantId, tagRef, from, to, limit): Promise<TelemetrySample[]> {
      if (limit <= 0) return [];
      const rows = await query(
        `SELECT to_milliseconds(time) AS ts, kind, num, txt, quality FROM ${table} WHERE measure_name = '${MEASURE_NAME}' AND tenant_id = ${literal(tenantId)} AND (${tagFilter([tagRef])}) AND time >= from_milliseconds(${Math.floor(from)}) AND time < from_milliseconds(${Math.ceil(to)}) ORDER BY time LIMIT ${Math.floor(limit)}`,
      );
      return rows.flatMap((row) => {
        const value = decodeRow(row);
        return value === null
          ? []
          : [{ ts: toNumber(row.ts) ?? 0, value, quality: decodeQuality(row.quality) }];
      });
    },

    async series(tenantId, seriesQuery: SeriesQuery): Promise<Series[]> {
      const bucketMs = chooseBucketMs(seriesQuery.from, seriesQuery.to, seriesQuery.maxPoints);
      const from = Math.floor(seriesQuery.from / bucketMs) * bucketMs;
      const to = Math.ceil(seriesQuery.to / bucketMs) * bucketMs;
      const refs = seriesQuery.tagRefs;
      // Rows per tag in time order; a bucket that both the rollups and the raw tail touch arrives
      // twice (rollup part first) and is combined.
      const byRef = new Map<string, BucketRow[]>();
      const add = (rows: Row[]) => {
        for (const row of rows) {
          const key = `${row.gateway_id}/${row.device_key}/${row.tag_key}`;
          const bucketRow = row as unknown as BucketRow;
          const rowsOfRef = byRef.get(key) ?? [];
          const previous = rowsOfRef[rowsOfRef.length - 1];
          if (previous && toNumber(previous.bucket) === toNumber(bucketRow.bucket)) {
            rowsOfRef[rowsOfRef.length - 1] = combineBucketRows(previous, bucketRow);
          } else rowsOfRef.push(bucketRow);
          byRef.set(key, rowsOfRef);
        }
      };
      const where = (start: number, end: number) =>
        `tenant_id = ${literal(tenantId)} AND (${tagFilter(refs)}) AND time >= from_milliseconds(${start}) AND time < from_milliseconds(${end})`;
      const rawSql = (start: number, end: number) =>
        `SELECT gateway_id, device_key, tag_key, to_milliseconds(bin(time, ${bucketMs}ms)) AS bucket, count(*) AS cnt, count_if(kind = 0) AS num_cnt, sum(CASE WHEN kind = 0 THEN num END) AS sum, min(CASE WHEN kind = 0 THEN num END) AS min, max(CASE WHEN kind = 0 THEN num END) AS max, min_by(kind, time) AS first_kind, min_by(num, time) AS first_num, min_by(txt, time) AS first_txt, max_by(kind, time) AS last_kind, max_by(num, time) AS last_num, max_by(txt, time) AS last_txt FROM ${table} WHERE measure_name = '${MEASURE_NAME}' AND quality = 0 AND ${where(start, end)} GROUP BY gateway_id, device_key, tag_key, bin(time, ${bucketMs}ms) ORDER BY bucket`;
      if (refs.length > 0) {
        const source = rollupFor(bucketMs);
        if (source === 'raw') add(await query(rawSql(from, to)));
        else {
          // The rollups up to the tail start, then raw records from there: the newest minutes reach
          // the chart before the next scheduled runs have rolled them up.
          const tailStart = rollupTailStartMs(now(), horizonMs, ROLLUP_WIDTH_MS[source]);
          const rollupEnd = Math.min(to, Math.max(from, tailStart));
          if (from < rollupEnd) {
            add(
              await query(
                `SELECT gateway_id, device_key, tag_key, to_milliseconds(bin(time, ${bucketMs}ms)) AS bucket, sum(cnt) AS cnt, sum(num_cnt) AS num_cnt, sum(sum) AS sum, min(min) AS min, max(max) AS max, min_by(first_kind, first_ts) AS first_kind, min_by(first_num, first_ts) AS first_num, min_by(first_txt, first_ts) AS first_txt, max_by(last_kind, last_ts) AS last_kind, max_by(last_num, last_ts) AS last_num, max_by(last_txt, last_ts) AS last_txt FROM "${options.database}"."${source === 'hour' ? rollups.hour : rollups.minute}" WHERE ${where(from, rollupEnd)} GROUP BY gateway_id, device_key, tag_key, bin(time, ${bucketMs}ms) ORDER BY bucket`,
              ),
            );
          }
          if (rollupEnd < to) add(await query(rawSql(rollupEnd, to)));
        }
      }
      return refs.map((tagRef) => ({
        tagRef,
        bucketMs,
        buckets: (byRef.get(`${tagRef.gatewayId}/${tagRef.deviceKey}/${tagRef.tagKey}`) ?? []).map((row) =>
          toSeriesBucket(row, seriesQuery.aggregates),
        ),
      }));
    },

    close: async () => undefined,
  };
}

/**
 * The SDK clients, created once by a composition root. An endpoint (from AWS_ENDPOINT_URL_TIMESTREAM_WRITE
 * or _QUERY, read by the root's env module) points them at an emulator; endpoint discovery, which a
 * custom endpoint cannot use, is then off.
 */
export function createTimestreamClients(config: {
  region: string;
  writeEndpoint?: string;
  queryEndpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}): { write: TimestreamWriteClient; query: TimestreamQueryClient } {
  const common = {
    region: config.region,
    ...(config.credentials ? { credentials: config.credentials } : {}),
  };
  return {
    write: new TimestreamWriteClient({
      ...common,
      ...(config.writeEndpoint ? { endpoint: config.writeEndpoint } : {}),
    }),
    query: new TimestreamQueryClient({
      ...common,
      ...(config.queryEndpoint ? { endpoint: config.queryEndpoint } : {}),
    }),
  };
}
