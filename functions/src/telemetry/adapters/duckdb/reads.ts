// The embedded store's reads that a backtest or a chart repeats the most: raw samples read vector by
// vector, rollup buckets re-aggregated for series, and each minute's raw sample count beside its
// 1-minute rollup's good count, min and max (ADR 0052).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { MinuteExtremes, SeriesAggregate, TelemetrySample } from '../../ports.ts';
import { decodeQuality, decodeValue, toNumber, VALUE_TEXT } from '../encoding.ts';
import { rollupSource } from './write-path.ts';

/** Rollup rows of `source` re-aggregated into wider buckets of `widthMs`. */
export function aggregateRollup(source: string, widthMs: number, where: string): string {
  return `SELECT series_id, (bucket // ${widthMs}) * ${widthMs} AS bucket, sum(cnt) AS cnt, sum(num_cnt) AS num_cnt,
      sum(sum) AS sum, min(min) AS min, max(max) AS max,
      arg_min(first_kind, first_ts) AS first_kind, arg_min(first_num, first_ts) AS first_num,
      arg_min(first_txt, first_ts) AS first_txt, arg_max(last_kind, last_ts) AS last_kind,
      arg_max(last_num, last_ts) AS last_num, arg_max(last_txt, last_ts) AS last_txt
    FROM ${source} WHERE ${where} GROUP BY ALL`;
}

/** The bucket columns each aggregate reads (see toSeriesBucket); `num_cnt` is always read. */
export const AGGREGATE_COLUMNS: Record<SeriesAggregate, readonly string[]> = {
  avg: ['sum'],
  min: ['min'],
  max: ['max'],
  first: ['first_kind', 'first_num', 'first_txt'],
  last: ['last_kind', 'last_num', 'last_txt'],
  count: ['cnt'],
  difference: ['first_kind', 'first_num', 'last_kind', 'last_num'],
};

/**
 * The raw count comes from `points` (only the ts column of the series' row groups is scanned), the
 * extremes from the rollup: a minute whose raw count differs from the rollup's good count holds
 * uncertain or bad samples the rollup left out, and the caller reads it raw.
 */
export async function readMinuteExtremes(
  connection: DuckDBConnection,
  seriesId: number,
  from: number,
  to: number,
): Promise<MinuteExtremes> {
  const range = (column: string) =>
    `series_id = ${seriesId} AND ${column} >= ${Math.floor(from)} AND ${column} < ${Math.ceil(to)}`;
  const result = await connection.runAndReadAll(
    `SELECT c.bucket, c.n, coalesce(r.cnt, 0) AS cnt, r.min, r.max
     FROM (SELECT (ts // 60000) * 60000 AS bucket, count(*) AS n FROM points WHERE ${range('ts')} GROUP BY 1) c
     LEFT JOIN (SELECT bucket, sum(cnt) AS cnt, min(min) AS min, max(max) AS max
                FROM ${rollupSource('rollup_1m')} WHERE ${range('bucket')} GROUP BY 1) r USING (bucket)
     ORDER BY c.bucket`,
  );
  const [bucket = [], n = [], cnt = [], min = [], max = []] = result.getColumnsJS();
  const numbers = (column: readonly unknown[]) => column.map((value) => toNumber(value) ?? 0);
  const extremes = (column: readonly unknown[]) => column.map(toNumber);
  return {
    ts: numbers(bucket),
    samples: numbers(n),
    good: numbers(cnt),
    min: extremes(min),
    max: extremes(max),
  };
}

/**
 * One series' raw samples in [from, to), oldest first, at most `limit`. Read value by value from the
 * result's vectors, with the time as a double: a backtest reads millions of samples this way, and the
 * driver's conversion of every column to JavaScript (a BigInt per time, a text per row) was half of
 * the read (ADR 0052; one object per row from the driver cost twice that, ADR 0039).
 */
export async function readRange(
  connection: DuckDBConnection,
  seriesId: number,
  from: number,
  to: number,
  limit: number,
): Promise<TelemetrySample[]> {
  const result = await connection.run(
    `SELECT ts::DOUBLE AS ts, kind, num, txt, quality FROM points
     WHERE series_id = ${seriesId} AND ts >= $1 AND ts < $2 ORDER BY ts LIMIT ${Math.floor(limit)}`,
    [BigInt(Math.floor(from)), BigInt(Math.ceil(to))],
  );
  const samples: TelemetrySample[] = [];
  for (let index = 0; index < result.chunkCount; index += 1) {
    const chunk = result.getChunk(index);
    const [ts, kind, num, txt, quality] = [0, 1, 2, 3, 4].map((column) => chunk.getColumnVector(column));
    if (!ts || !kind || !num || !txt || !quality) throw new Error('a range read lacks a column');
    for (let row = 0; row < chunk.rowCount; row += 1) {
      const code = kind.getItem(row);
      // text is converted only where the value is text
      const value = decodeValue(code, num.getItem(row), code === VALUE_TEXT ? txt.getItem(row) : null);
      if (value !== null)
        samples.push({ ts: Number(ts.getItem(row)), value, quality: decodeQuality(quality.getItem(row)) });
    }
  }
  return samples;
}
