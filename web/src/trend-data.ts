// Chart series from the API's buckets in the shape uPlot draws (one shared time axis, one column per
// tag, each tag read by its own aggregate and in its display unit), and the same as CSV for export.
import type { Series } from './live-types.ts';

/** What one tag's bucket is read as: the API offers these per bucket (functions/src/telemetry). */
export const trendAggregates = ['avg', 'min', 'max', 'last', 'difference'] as const;
export type TrendAggregate = (typeof trendAggregates)[number];

/** How a tag is drawn: its aggregate, and the conversion into the unit it is shown in. */
export interface TagReading {
  aggregate: TrendAggregate;
  convert: (value: number) => number;
}
const AS_IS: TagReading = { aggregate: 'avg', convert: (value) => value };

type Bucket = Series['series'][number]['buckets'][number];

const bucketValue = (bucket: Bucket, aggregate: TrendAggregate): number | null => {
  const value = bucket[aggregate];
  return typeof value === 'number' ? value : null;
};

/** Seconds on the x axis (uPlot's time unit), then each tag's values, null where a tag has no bucket. */
export function alignedColumns(
  series: Series,
  readingOf: (tagId: string) => TagReading = () => AS_IS,
): [number[], ...(number | null)[][]] {
  const times = [...new Set(series.series.flatMap((s) => s.buckets.map((b) => b.ts)))].sort((a, b) => a - b);
  const index = new Map(times.map((ts, i) => [ts, i]));
  const columns = series.series.map((s) => {
    const { aggregate, convert } = readingOf(s.tagId);
    const column: (number | null)[] = new Array(times.length).fill(null);
    for (const bucket of s.buckets) {
      const at = index.get(bucket.ts);
      const value = bucketValue(bucket, aggregate);
      if (at !== undefined) column[at] = value === null ? null : convert(value);
    }
    return column;
  });
  return [times.map((ts) => ts / 1000), ...columns];
}

const csvCell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/**
 * The chart as CSV: a row per bucket start (ISO 8601, UTC), a column per tag headed
 * "name (unit, aggregate)"; empty where a tag has no bucket. Numbers keep full precision.
 */
export function trendCsv(
  series: Series,
  columnsOf: { tagId: string; heading: string }[],
  readingOf: (tagId: string) => TagReading = () => AS_IS,
): string {
  const [times, ...columns] = alignedColumns(series, readingOf);
  const headingOf = new Map(columnsOf.map((column) => [column.tagId, column.heading]));
  const header = ['time', ...series.series.map((s) => headingOf.get(s.tagId) ?? s.tagId)];
  const rows = times.map((seconds, row) => [
    new Date(seconds * 1000).toISOString(),
    ...columns.map((column) => {
      const value = column[row];
      return value === null || value === undefined ? '' : String(value);
    }),
  ]);
  return `${[header, ...rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Roughly one bucket per 1.5 pixels of chart, within what the web route allows. */
export const maxPointsFor = (widthPx: number) => Math.max(100, Math.min(1000, Math.round(widthPx / 1.5)));
