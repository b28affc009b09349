// What the web app's own JSON routes (live values, chart series) send the browser, as zod schemas:
// the server parses the API's answers with them, the browser reads the types.
import { alarmSchema, idSchema, qualitySchema, telemetryValueSchema } from '@plantwatch/shared';
import { z } from 'zod';

export const latestValueSchema = z.object({
  tagId: idSchema,
  siteId: idSchema,
  gatewayId: idSchema,
  deviceId: idSchema,
  name: z.string(),
  unit: z.string(),
  ts: z.number().int(),
  value: telemetryValueSchema,
  quality: qualitySchema,
});
export type LatestValue = z.infer<typeof latestValueSchema>;

export const latestValuesSchema = z.object({ values: z.array(latestValueSchema) });

/** One poll of a site: the values newer than the `since` asked for, and the site's active alarms. */
export const siteLiveSchema = z.object({
  /** The web server's clock when it answered (epoch ms), so freshness does not trust the browser's clock. */
  now: z.number().int(),
  values: z.array(latestValueSchema),
  alarms: z.array(alarmSchema),
});
export type SiteLive = z.infer<typeof siteLiveSchema>;

const bucketSchema = z.object({
  ts: z.number().int(),
  avg: z.number().nullable().optional(),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  /** The last good sample (a number, or true/false/text for other tags). */
  last: z.union([z.number(), z.boolean(), z.string()]).nullable().optional(),
  /** last minus first within the bucket: consumption from a totaliser. */
  difference: z.number().nullable().optional(),
});

export const seriesSchema = z.object({
  bucketMs: z.number().int(),
  series: z.array(z.object({ tagId: idSchema, unit: z.string(), buckets: z.array(bucketSchema) })),
});
export type Series = z.infer<typeof seriesSchema>;

/** Trend ranges offered, 15 minutes to a year; the API picks raw samples or rollups to fit maxPoints. */
export const trendRanges = [
  { id: '15m', ms: 15 * 60_000 },
  { id: '1h', ms: 3_600_000 },
  { id: '6h', ms: 6 * 3_600_000 },
  { id: '24h', ms: 24 * 3_600_000 },
  { id: '7d', ms: 7 * 86_400_000 },
  { id: '30d', ms: 30 * 86_400_000 },
  { id: '1y', ms: 365 * 86_400_000 },
] as const;
export type TrendRangeId = (typeof trendRanges)[number]['id'];

/**
 * A value older than this is shown as stale. Gateways report by exception but resend every value at
 * least once a heartbeat (60 s by default), so two and a half heartbeats without one means trouble.
 */
export const STALE_AFTER_MS = 150_000;
