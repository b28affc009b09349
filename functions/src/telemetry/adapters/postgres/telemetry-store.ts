// Telemetry on PostgreSQL (Aurora on AWS for accounts that cannot use Timestream, or self-hosted).
// Raw points live in a table partitioned by time (7-day partitions, created as points arrive) with a
// BRIN index on time; TimescaleDB turns the same table into a hypertable when the extension is
// available. One statement per batch inserts the points not stored yet (ON CONFLICT DO NOTHING) and
// merges exactly those into the latest values and the 1-minute and 1-hour rollups.
import type { TelemetryPointRecord } from '@plantwatch/shared';
import pg from 'pg';
import { logger } from '../../../platform/observability.ts';
import {
  chooseBucketMs,
  type LatestSample,
  type MinuteExtremes,
  rollupFor,
  type Series,
  type SeriesQuery,
  type TagRef,
  type TelemetrySample,
  type TelemetryStore,
} from '../../ports.ts';
import { decodeQuality, decodeValue, encodeValue, qualityCodes, toNumber } from '../encoding.ts';
import { type BucketRow, toSeriesBucket } from '../series.ts';

export interface PostgresTelemetryOptions {
  url: string;
  maxConnections?: number;
  /** How far back a point may be written (default 400 days). */
  maxPointAgeMs?: number;
  /**
   * false: the schema exists already (on AWS the migrations resource creates it once per deploy), so
   * opening runs no DDL. Partitions are still created as points arrive.
   */
  ensureSchema?: boolean;
  /**
   * The role every connection runs as (`-c role=…`), so the partitions it creates belong to that
   * role whatever login made them (on AWS the rotated logins alternate; the owner role stays).
   */
  role?: string;
}

/** The PostgreSQL store, plus raw-data retention (whole partitions are dropped: no row deletes). */
export interface PostgresTelemetryStore extends TelemetryStore {
  /**
   * Drops the raw-point partitions that end at or before `cutoffMs` (rollups and latest values stay).
   * Returns the tables dropped. TimescaleDB: drop_chunks on the hypertable instead.
   */
  dropRawBefore(cutoffMs: number): Promise<string[]>;
}

const PARTITION_MS = 7 * 86_400_000;
const SCHEMA_LOCK = 7428190532;
const ROLLUPS = [
  { table: 'telemetry.rollup_1m', widthMs: 60_000 },
  { table: 'telemetry.rollup_1h', widthMs: 3_600_000 },
] as const;

const rollupColumns = `series_id integer NOT NULL, bucket bigint NOT NULL,
  cnt bigint NOT NULL, num_cnt bigint NOT NULL, sum double precision, min double precision, max double precision,
  first_ts bigint, first_kind smallint, first_num double precision, first_txt text,
  last_ts bigint, last_kind smallint, last_num double precision, last_txt text,
  PRIMARY KEY (series_id, bucket)`;

function schemaStatements(timescale: boolean): string[] {
  const points = `series_id integer NOT NULL, ts bigint NOT NULL, kind smallint NOT NULL,
     num double precision, txt text, quality smallint NOT NULL, PRIMARY KEY (series_id, ts)`;
  return [
    'CREATE SCHEMA IF NOT EXISTS telemetry',
    `CREATE TABLE IF NOT EXISTS telemetry.tag_series (id serial PRIMARY KEY, tenant_id text NOT NULL,
       site_id text NOT NULL, gateway_id text NOT NULL, device_key text NOT NULL, tag_key text NOT NULL,
       UNIQUE (tenant_id, gateway_id, device_key, tag_key))`,
    timescale
      ? `CREATE TABLE IF NOT EXISTS telemetry.points (${points})`
      : `CREATE TABLE IF NOT EXISTS telemetry.points (${points}) PARTITION BY RANGE (ts)`,
    ...(timescale
      ? [
          `SELECT create_hypertable('telemetry.points', by_range('ts', ${PARTITION_MS}::bigint), if_not_exists => true)`,
        ]
      : ['CREATE INDEX IF NOT EXISTS points_ts_brin ON telemetry.points USING brin (ts)']),
    `CREATE TABLE IF NOT EXISTS telemetry.latest (series_id integer PRIMARY KEY, ts bigint NOT NULL,
       kind smallint NOT NULL, num double precision, txt text, quality smallint NOT NULL)`,
    ...ROLLUPS.map(({ table }) => `CREATE TABLE IF NOT EXISTS ${table} (${rollupColumns})`),
  ];
}

const firstOf = (column: string, by: string) => `(array_agg(${column} ORDER BY ${by}))[1]`;
const lastOf = (column: string, by: string) => `(array_agg(${column} ORDER BY ${by} DESC))[1]`;

function aggregateRaw(source: string, widthMs: number): string {
  return `SELECT series_id, (ts / ${widthMs}) * ${widthMs} AS bucket, count(*) AS cnt,
      count(*) FILTER (WHERE kind = 0) AS num_cnt, sum(num) FILTER (WHERE kind = 0) AS sum,
      min(num) FILTER (WHERE kind = 0) AS min, max(num) FILTER (WHERE kind = 0) AS max,
      min(ts) AS first_ts, ${firstOf('kind', 'ts')} AS first_kind, ${firstOf('num', 'ts')} AS first_num,
      ${firstOf('txt', 'ts')} AS first_txt,
      max(ts) AS last_ts, ${lastOf('kind', 'ts')} AS last_kind, ${lastOf('num', 'ts')} AS last_num,
      ${lastOf('txt', 'ts')} AS last_txt
    FROM ${source} WHERE quality = ${qualityCodes.good} GROUP BY 1, 2`;
}

function aggregateRollup(source: string, widthMs: number, where: string): string {
  return `SELECT series_id, (bucket / ${widthMs}) * ${widthMs} AS bucket, sum(cnt) AS cnt, sum(num_cnt) AS num_cnt,
      sum(sum) AS sum, min(min) AS min, max(max) AS max,
      ${firstOf('first_kind', 'first_ts')} AS first_kind, ${firstOf('first_num', 'first_ts')} AS first_num,
      ${firstOf('first_txt', 'first_ts')} AS first_txt, ${lastOf('last_kind', 'last_ts')} AS last_kind,
      ${lastOf('last_num', 'last_ts')} AS last_num, ${lastOf('last_txt', 'last_ts')} AS last_txt
    FROM ${source} WHERE ${where} GROUP BY 1, 2`;
}

function mergeRollup(table: string, widthMs: number): string {
  const pick = (column: string, newer: string) =>
    `${column} = CASE WHEN ${newer} THEN excluded.${column} ELSE ${table}.${column} END`;
  const earlier = `excluded.first_ts < ${table}.first_ts`;
  const later = `excluded.last_ts > ${table}.last_ts`;
  return `INSERT INTO ${table} ${aggregateRaw('fresh', widthMs)}
    ON CONFLICT (series_id, bucket) DO UPDATE SET
      cnt = ${table}.cnt + excluded.cnt, num_cnt = ${table}.num_cnt + excluded.num_cnt,
      sum = CASE WHEN ${table}.sum IS NULL THEN excluded.sum WHEN excluded.sum IS NULL THEN ${table}.sum
                 ELSE ${table}.sum + excluded.sum END,
      min = least(${table}.min, excluded.min), max = greatest(${table}.max, excluded.max),
      ${['first_kind', 'first_num', 'first_txt'].map((c) => pick(c, earlier)).join(', ')},
      first_ts = least(${table}.first_ts, excluded.first_ts),
      ${['last_kind', 'last_num', 'last_txt'].map((c) => pick(c, later)).join(', ')},
      last_ts = greatest(${table}.last_ts, excluded.last_ts)
    RETURNING 1`;
}

/** The whole write in one statement: only rows that were really inserted reach latest and the rollups. */
const writeStatement = `WITH input AS (
    SELECT * FROM unnest($1::int[], $2::int[], $3::bigint[], $4::smallint[], $5::float8[], $6::text[], $7::smallint[])
      AS t(ord, series_id, ts, kind, num, txt, quality)),
  deduplicated AS (
    SELECT DISTINCT ON (series_id, ts) series_id, ts, kind, num, txt, quality FROM input ORDER BY series_id, ts, ord),
  fresh AS (
    INSERT INTO telemetry.points SELECT * FROM deduplicated ON CONFLICT DO NOTHING
    RETURNING series_id, ts, kind, num, txt, quality),
  newest AS (
    INSERT INTO telemetry.latest
    SELECT DISTINCT ON (series_id) series_id, ts, kind, num, txt, quality FROM fresh ORDER BY series_id, ts DESC
    ON CONFLICT (series_id) DO UPDATE SET ts = excluded.ts, kind = excluded.kind, num = excluded.num,
      txt = excluded.txt, quality = excluded.quality WHERE excluded.ts > telemetry.latest.ts
    RETURNING 1),
  ${ROLLUPS.map(({ table, widthMs }, index) => `rollup${index} AS (${mergeRollup(table, widthMs)})`).join(',\n  ')}
  SELECT (SELECT count(*) FROM fresh) AS written`;

const refKey = (ref: TagRef) => `${ref.gatewayId}\u0000${ref.deviceKey}\u0000${ref.tagKey}`;

export async function openPostgresTelemetryStore(
  options: PostgresTelemetryOptions,
): Promise<PostgresTelemetryStore> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    ...(options.role ? { options: `-c role=${plainRole(options.role)}` } : {}),
  });
  // An idle connection dropped by the server (failover, restart) must not crash the process; the
  // next query opens a new one.
  pool.on('error', (error) => logger.warn('telemetry database connection lost', { error }));
  let timescale = false;
  try {
    const client = await pool.connect();
    try {
      if (options.ensureSchema === false) {
        // Whether the points table is a hypertable decides how partitions come to be.
        const hypertable = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
        timescale = (hypertable.rowCount ?? 0) > 0;
      } else {
        // Several processes (Lambda cold starts, test suites) may open the store at once.
        await client.query(`SELECT pg_advisory_lock(${SCHEMA_LOCK})`);
        try {
          const available = await client.query(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'",
          );
          if (available.rowCount) {
            await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
            timescale = true;
          }
          for (const statement of schemaStatements(timescale)) await client.query(statement);
        } finally {
          await client.query(`SELECT pg_advisory_unlock(${SCHEMA_LOCK})`);
        }
      }
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }

  const seriesIds = new Map<string, number>();
  const partitions = new Set<number>();

  /** The raw-point partitions and where each starts (its name says: points_<start / 7 days>). */
  async function rawPartitions(client: pg.ClientBase): Promise<{ name: string; start: number }[]> {
    if (timescale) return [];
    const result = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         JOIN pg_namespace n ON n.oid = p.relnamespace
       WHERE n.nspname = 'telemetry' AND p.relname = 'points'`,
    );
    return result.rows.flatMap(({ name }) => {
      const match = /^points_(m?)(\d+)$/.exec(name);
      return match ? [{ name, start: (match[1] ? -1 : 1) * Number(match[2]) * PARTITION_MS }] : [];
    });
  }

  async function ensurePartitions(points: readonly TelemetryPointRecord[]): Promise<void> {
    if (timescale) return;
    const starts = new Set(points.map((p) => Math.floor(p.ts / PARTITION_MS) * PARTITION_MS));
    for (const start of starts) {
      if (partitions.has(start)) continue;
      const name = `points_${start < 0 ? 'm' : ''}${Math.abs(start / PARTITION_MS)}`;
      try {
        await pool.query(
          `CREATE TABLE IF NOT EXISTS telemetry.${name} PARTITION OF telemetry.points
           FOR VALUES FROM (${start}) TO (${start + PARTITION_MS})`,
        );
      } catch (error) {
        // Another process created it between our check and our CREATE: fine.
        if (!['42P07', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
      }
      partitions.add(start);
    }
  }

  async function idsForWrite(points: readonly TelemetryPointRecord[]): Promise<number[]> {
    const missing = new Map<string, TelemetryPointRecord>();
    for (const point of points) {
      const key = `${point.tenantId}\u0000${refKey(point)}`;
      if (!seriesIds.has(key)) missing.set(key, point);
    }
    if (missing.size > 0) {
      const rows = [...missing.values()];
      const result = await pool.query<{
        id: number;
        tenant_id: string;
        gateway_id: string;
        device_key: string;
        tag_key: string;
      }>(
        `WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                          AS t(tenant_id, site_id, gateway_id, device_key, tag_key)),
              added AS (INSERT INTO telemetry.tag_series (tenant_id, site_id, gateway_id, device_key, tag_key)
                        SELECT * FROM wanted ON CONFLICT DO NOTHING
                        RETURNING id, tenant_id, gateway_id, device_key, tag_key)
         SELECT id, tenant_id, gateway_id, device_key, tag_key FROM added
         UNION ALL
         SELECT s.id, s.tenant_id, s.gateway_id, s.device_key, s.tag_key FROM telemetry.tag_series s
           JOIN wanted w USING (tenant_id, gateway_id, device_key, tag_key)`,
        [
          rows.map((p) => p.tenantId),
          rows.map((p) => p.siteId),
          rows.map((p) => p.gatewayId),
          rows.map((p) => p.deviceKey),
          rows.map((p) => p.tagKey),
        ],
      );
      for (const row of result.rows) {
        seriesIds.set(
          `${row.tenant_id}\u0000${refKey({ gatewayId: row.gateway_id, deviceKey: row.device_key, tagKey: row.tag_key })}`,
          row.id,
        );
      }
    }
    return points.map((p) => {
      const id = seriesIds.get(`${p.tenantId}\u0000${refKey(p)}`);
      if (id === undefined) throw new Error(`no series id for ${refKey(p)}`);
      return id;
    });
  }

  /** Series ids of the refs that have any data; unknown refs map to undefined. */
  async function idsForRead(tenantId: string, refs: readonly TagRef[]): Promise<(number | undefined)[]> {
    if (refs.length === 0) return [];
    const result = await pool.query<{ id: number; gateway_id: string; device_key: string; tag_key: string }>(
      `SELECT s.id, s.gateway_id, s.device_key, s.tag_key FROM telemetry.tag_series s
       JOIN unnest($2::text[], $3::text[], $4::text[]) AS w(gateway_id, device_key, tag_key)
         USING (gateway_id, device_key, tag_key)
       WHERE s.tenant_id = $1`,
      [tenantId, refs.map((r) => r.gatewayId), refs.map((r) => r.deviceKey), refs.map((r) => r.tagKey)],
    );
    const byKey = new Map(
      result.rows.map((row) => [
        refKey({ gatewayId: row.gateway_id, deviceKey: row.device_key, tagKey: row.tag_key }),
        row.id,
      ]),
    );
    return refs.map((ref) => byKey.get(refKey(ref)));
  }

  let closed = false;
  return {
    kind: 'postgres',
    maxPointAgeMs: options.maxPointAgeMs ?? 400 * 86_400_000,

    async write(points) {
      if (points.length === 0) return { written: 0, duplicates: 0 };
      const ids = await idsForWrite(points);
      await ensurePartitions(points);
      const encoded = points.map((p) => encodeValue(p.value));
      const result = await pool.query<{ written: string }>(writeStatement, [
        points.map((_, index) => index),
        ids,
        points.map((p) => p.ts),
        encoded.map((e) => e.kind),
        encoded.map((e) => e.num),
        encoded.map((e) => e.txt),
        points.map((p) => qualityCodes[p.quality]),
      ]);
      const written = Number(result.rows[0]?.written ?? 0);
      return { written, duplicates: points.length - written };
    },

    async latest(tenantId, tagRefs): Promise<LatestSample[]> {
      const ids = await idsForRead(tenantId, tagRefs);
      const present = ids.filter((id): id is number => id !== undefined);
      if (present.length === 0) return [];
      const result = await pool.query(
        'SELECT series_id, ts, kind, num, txt, quality FROM telemetry.latest WHERE series_id = ANY($1::int[])',
        [present],
      );
      const byId = new Map(result.rows.map((row) => [Number(row.series_id), row]));
      return tagRefs.flatMap((tagRef, index) => {
        const row = byId.get(ids[index] ?? -1);
        const value = row ? decodeValue(row.kind, row.num, row.txt) : null;
        if (!row || value === null) return [];
        return [{ tagRef, ts: toNumber(row.ts) ?? 0, value, quality: decodeQuality(row.quality) }];
      });
    },

    async range(tenantId, tagRef, from, to, limit): Promise<TelemetrySample[]> {
      const [id] = await idsForRead(tenantId, [tagRef]);
      if (id === undefined || limit <= 0) return [];
      const result = await pool.query(
        `SELECT ts, kind, num, txt, quality FROM telemetry.points
         WHERE series_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4`,
        [id, Math.floor(from), Math.ceil(to), Math.floor(limit)],
      );
      return result.rows.flatMap((row) => {
        const value = decodeValue(row.kind, row.num, row.txt);
        return value === null
          ? []
          : [{ ts: toNumber(row.ts) ?? 0, value, quality: decodeQuality(row.quality) }];
      });
    },

    async minuteExtremes(tenantId, tagRef, from, to): Promise<MinuteExtremes> {
      const [id] = await idsForRead(tenantId, [tagRef]);
      const extremes: MinuteExtremes = { ts: [], samples: [], good: [], min: [], max: [] };
      if (id === undefined) return extremes;
      // Raw counts from the primary key's index beside the rollup's good count and extremes (ADR 0052).
      const result = await pool.query(
        `SELECT c.bucket, c.n, coalesce(r.cnt, 0) AS cnt, r.min, r.max
         FROM (SELECT (ts / 60000) * 60000 AS bucket, count(*) AS n FROM telemetry.points
               WHERE series_id = $1 AND ts >= $2 AND ts < $3 GROUP BY 1) c
         LEFT JOIN telemetry.rollup_1m r ON r.series_id = $1 AND r.bucket = c.bucket ORDER BY c.bucket`,
        [id, Math.floor(from), Math.ceil(to)],
      );
      for (const row of result.rows) {
        extremes.ts.push(toNumber(row.bucket) ?? 0);
        extremes.samples.push(toNumber(row.n) ?? 0);
        extremes.good.push(toNumber(row.cnt) ?? 0);
        extremes.min.push(toNumber(row.min));
        extremes.max.push(toNumber(row.max));
      }
      return extremes;
    },

    async series(tenantId, query: SeriesQuery): Promise<Series[]> {
      const bucketMs = chooseBucketMs(query.from, query.to, query.maxPoints);
      const from = Math.floor(query.from / bucketMs) * bucketMs;
      const to = Math.ceil(query.to / bucketMs) * bucketMs;
      const ids = await idsForRead(tenantId, query.tagRefs);
      const present = [...new Set(ids.filter((id): id is number => id !== undefined))];
      const buckets = new Map<number, Series['buckets']>(present.map((id) => [id, []]));
      if (present.length > 0) {
        const source = rollupFor(bucketMs);
        const where = 'series_id = ANY($1::int[])';
        const sql =
          source === 'raw'
            ? aggregateRaw(
                `(SELECT * FROM telemetry.points WHERE ${where} AND ts >= $2 AND ts < $3) AS raw`,
                bucketMs,
              )
            : aggregateRollup(
                source === 'hour' ? 'telemetry.rollup_1h' : 'telemetry.rollup_1m',
                bucketMs,
                `${where} AND bucket >= $2 AND bucket < $3`,
              );
        const result = await pool.query(`${sql} ORDER BY 1, 2`, [present, from, to]);
        for (const row of result.rows) {
          buckets.get(Number(row.series_id))?.push(toSeriesBucket(row as BucketRow, query.aggregates));
        }
      }
      return query.tagRefs.map((tagRef, index) => {
        const id = ids[index];
        return { tagRef, bucketMs, buckets: id === undefined ? [] : (buckets.get(id) ?? []) };
      });
    },

    async deleteTenantBefore(tenantId, cutoffs) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const series = '(SELECT id FROM telemetry.tag_series WHERE tenant_id = $1)';
        let rawPoints = 0;
        // A partition wholly before the cutoff that holds this tenant's rows only is dropped whole
        // (no dead tuples, no vacuum); shared ones and the edge lose this tenant's rows by DELETE.
        for (const { name, start } of await rawPartitions(client)) {
          if (start + PARTITION_MS > cutoffs.rawPoints) continue;
          const others = await client.query(
            `SELECT 1 FROM telemetry.${quoteIdent(name)} WHERE series_id NOT IN ${series} LIMIT 1`,
            [tenantId],
          );
          if (others.rowCount) continue;
          const rows = await client.query<{ n: string }>(
            `SELECT count(*) AS n FROM telemetry.${quoteIdent(name)}`,
          );
          await client.query(`DROP TABLE telemetry.${quoteIdent(name)}`);
          partitions.delete(start);
          rawPoints += Number(rows.rows[0]?.n ?? 0);
        }
        const remove = async (table: string, column: string, before: number) =>
          (
            await client.query(`DELETE FROM ${table} WHERE series_id IN ${series} AND ${column} < $2`, [
              tenantId,
              Math.floor(before),
            ])
          ).rowCount ?? 0;
        rawPoints += await remove('telemetry.points', 'ts', cutoffs.rawPoints);
        const deleted = {
          rawPoints,
          rollupsMinute: await remove('telemetry.rollup_1m', 'bucket', cutoffs.rollupsMinute),
          rollupsHour: await remove('telemetry.rollup_1h', 'bucket', cutoffs.rollupsHour),
        };
        await client.query('COMMIT');
        return deleted;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    async dropRawBefore(cutoffMs) {
      if (timescale) {
        const result = await pool.query<{ chunk: string }>(
          "SELECT drop_chunks('telemetry.points', older_than => $1::bigint) AS chunk",
          [Math.floor(cutoffMs)],
        );
        return result.rows.map((row) => row.chunk);
      }
      // Each partition's bounds are in its name (points_<start / 7 days>); pg_inherits lists them.
      const result = await pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i
           JOIN pg_class c ON c.oid = i.inhrelid
           JOIN pg_class p ON p.oid = i.inhparent
           JOIN pg_namespace n ON n.oid = p.relnamespace
         WHERE n.nspname = 'telemetry' AND p.relname = 'points'`,
      );
      const dropped: string[] = [];
      for (const { name } of result.rows) {
        const match = /^points_(m?)(\d+)$/.exec(name);
        if (!match) continue;
        const start = (match[1] ? -1 : 1) * Number(match[2]) * PARTITION_MS;
        if (start + PARTITION_MS > cutoffMs) continue;
        await pool.query(`DROP TABLE IF EXISTS telemetry.${quoteIdent(name)}`);
        partitions.delete(start);
        dropped.push(name);
      }
      return dropped;
    },

    async ping() {
      if (closed) throw new Error('the telemetry store is closed');
      await pool.query('SELECT 1');
      return `PostgreSQL${timescale ? ' with TimescaleDB' : ''}, ${pool.totalCount} connection(s) open`;
    },
    close: async () => {
      closed = true;
      await pool.end();
    },
  };
}

/** A startup option is not SQL: only a plain lower-case name goes in unquoted. */
function plainRole(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role))
    throw new Error(`role ${JSON.stringify(role)} must be a plain name`);
  return role;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
