// Chart series from the API's buckets in the shape uPlot draws: one shared time axis, one column per tag.
import type { Series } from './live-types.ts';

/** Seconds on the x axis (uPlot's time unit), then each tag's averages, null where a tag has no bucket. */
export function alignedColumns(series: Series): [number[], ...(number | null)[][]] {
  const times = [...new Set(series.series.flatMap((s) => s.buckets.map((b) => b.ts)))].sort((a, b) => a - b);
  const index = new Map(times.map((ts, i) => [ts, i]));
  const columns = series.series.map((s) => {
    const column: (number | null)[] = new Array(times.length).fill(null);
    for (const bucket of s.buckets) {
      const at = index.get(bucket.ts);
      if (at !== undefined) column[at] = bucket.avg ?? null;
    }
    return column;
  });
  return [times.map((ts) => ts / 1000), ...columns];
}

/** Roughly one bucket per 1.5 pixels of chart, within what the web route allows. */
export const maxPointsFor = (widthPx: number) => Math.max(100, Math.min(1000, Math.round(widthPx / 1.5)));
