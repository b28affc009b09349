import type { Quality, TelemetryPointRecord, TelemetryValue } from '@plantwatch/shared';

// The telemetry store: Timestream or PostgreSQL on AWS, DuckDB locally. Times are epoch ms and every
// range is half-open, [from, to), so adjacent windows neither overlap nor leave a gap.
//
// Every adapter keeps, besides the raw points, a latest-value table (so `latest` never scans points)
// and rollups of good samples at 1 minute and 1 hour (so a 30-day chart never scans raw points).
// Buckets are aligned to the Unix epoch (UTC): a 1 h bucket starts on the hour.

/** A tag as telemetry names it: device keys are unique per gateway, tag keys per device. */
export interface TagRef {
  gatewayId: string;
  deviceKey: string;
  tagKey: string;
}

export interface TelemetrySample {
  ts: number;
  value: TelemetryValue;
  quality: Quality;
}

export interface LatestSample extends TelemetrySample {
  tagRef: TagRef;
}

export const seriesAggregates = ['avg', 'min', 'max', 'first', 'last', 'count', 'difference'] as const;
export type SeriesAggregate = (typeof seriesAggregates)[number];

/** Bucket widths a series may use, smallest first; each is a whole multiple of the ones it is built from. */
export const seriesBucketWidthsMs = [
  1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
  10_800_000, 21_600_000, 43_200_000, 86_400_000, 604_800_000,
] as const;

/**
 * The narrowest bucket width that gives at most `maxPoints` buckets over [from, to) once the range is
 * widened to whole buckets (the widest one when even that is too many).
 */
export function chooseBucketMs(from: number, to: number, maxPoints: number): number {
  for (const width of seriesBucketWidthsMs) {
    const buckets = Math.ceil(to / width) - Math.floor(from / width);
    if (buckets <= maxPoints) return width;
  }
  return seriesBucketWidthsMs[seriesBucketWidthsMs.length - 1] as number;
}

/** Which stored resolution a bucket width reads: hourly rollups, minute rollups, or raw points. */
export function rollupFor(bucketMs: number): 'hour' | 'minute' | 'raw' {
  if (bucketMs % 3_600_000 === 0) return 'hour';
  if (bucketMs % 60_000 === 0) return 'minute';
  return 'raw';
}

export interface SeriesQuery {
  tagRefs: readonly TagRef[];
  from: number;
  to: number;
  /**
   * Upper bound on buckets per tag; the bucket width is `chooseBucketMs(from, to, maxPoints)` and the
   * range is widened to whole buckets, so every adapter answers the same whether it reads raw points
   * or rollups.
   */
  maxPoints: number;
  aggregates: readonly SeriesAggregate[];
}

/**
 * One bucket, starting at `ts`. Only the requested aggregates are present. Aggregates use
 * good-quality samples only, and a bucket without a good sample is left out; avg, min, max and
 * difference are null when the bucket holds no good number (a boolean or text tag), first and last
 * then carry the raw value. `count` counts the good samples of any type.
 */
export interface SeriesBucket {
  ts: number;
  avg?: number | null;
  min?: number | null;
  max?: number | null;
  first?: TelemetryValue | null;
  last?: TelemetryValue | null;
  count?: number;
  /** last minus first within the bucket: consumption from a totaliser. */
  difference?: number | null;
}

export interface Series {
  tagRef: TagRef;
  bucketMs: number;
  /** Ascending by ts; buckets without samples are left out, so a gap in the chart is a gap in data. */
  buckets: SeriesBucket[];
}

/**
 * One tag's minutes as an alarm backtest needs them (ADR 0052), column by column: for each minute
 * holding raw samples, its start, how many raw samples it holds (any quality), and from the 1-minute
 * rollup how many good samples it holds and the min and max of its good numbers (null: none).
 * `samples[i] === good[i]` says the rollup saw every sample of the minute.
 */
export interface MinuteExtremes {
  ts: number[];
  samples: number[];
  good: number[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface TelemetryStore {
  /** Which adapter this is, for logs and the start-up banner. */
  readonly kind: 'duckdb' | 'postgres' | 'timestream';
  /**
   * How far back a point may be written: Timestream refuses records older than its memory store
   * retention, the others keep this as configuration. Ingest dead-letters older points instead of
   * retrying them forever.
   */
  readonly maxPointAgeMs: number;
  /**
   * Idempotent: a point is identified by tenant, gateway, device key, tag key and ts, and writing
   * one again (a replayed batch) counts it in `duplicates` instead of adding a row; the first
   * write wins. Also brings the latest values and the rollups up to date before it resolves.
   */
  write(points: readonly TelemetryPointRecord[]): Promise<{ written: number; duplicates: number }>;
  /** The newest sample of each tag; tags without any sample are left out of the result. */
  latest(tenantId: string, tagRefs: readonly TagRef[]): Promise<LatestSample[]>;
  /** Raw samples in [from, to), oldest first, at most `limit` of them (the oldest ones). */
  range(
    tenantId: string,
    tagRef: TagRef,
    from: number,
    to: number,
    limit: number,
  ): Promise<TelemetrySample[]>;
  /**
   * The minutes of [from, to) (whole minutes: both multiples of 60 000) that hold raw samples, oldest
   * first, with their rollups' extremes; for a backtest to skip minutes that cannot change an alarm.
   * Absent where the store cannot say cheaply (Timestream): the backtest then reads raw samples.
   */
  minuteExtremes?(tenantId: string, tagRef: TagRef, from: number, to: number): Promise<MinuteExtremes>;
  /** Aggregated buckets for charts and reports, one series per requested tag, in the order asked. */
  series(tenantId: string, query: SeriesQuery): Promise<Series[]>;
  /**
   * Embedded stores only (the local runtime's backup): writes a consistent copy of everything stored
   * into the empty folder `dir`, while writes go on. Server stores are backed up by their server.
   */
  exportSnapshot?(dir: string): Promise<void>;
  /**
   * For /v1/health: a cheap round trip to the store, with a short description of what it holds;
   * throws when the store cannot serve (closed, connection lost). Absent where a probe costs money.
   */
  ping?(): Promise<string>;
  /**
   * Retention (ADR 0036): deletes one tenant's raw points, 1-minute and 1-hour rollups older than each
   * cutoff (epoch ms) and says how many rows went. The newest value of each tag stays. Absent where
   * the store keeps its own retention (Timestream's table settings).
   */
  deleteTenantBefore?(
    tenantId: string,
    cutoffs: { rawPoints: number; rollupsMinute: number; rollupsHour: number },
  ): Promise<{ rawPoints: number; rollupsMinute: number; rollupsHour: number }>;
  close(): Promise<void>;
}

/** One asset of a subtree: its path from the top of its site and its measurements (issue 21). */
export interface SubtreeAsset {
  id: string;
  /** "Inlet works / Pumping / Pump 1" */
  path: string;
  measurements: { name: string; unit: string; tagId: string | null }[];
}

/**
 * An asset and everything under it, parents before children (null: no such asset), for a CSV export
 * or a report by asset. Declared here, where it is read; the assets' adapter implements it.
 */
export interface AssetSubtreeRepositories {
  assetSubtrees: {
    of(assetId: string): Promise<{ siteId: string; assets: SubtreeAsset[] } | null>;
  };
}
