// Alarm-system KPIs (issue 17, ADR 0049) as ISA-18.2 (ANSI/ISA-18.2-2016 §16 and TR5) and EEMUA 191
// measure an alarm system's health: load per operator position per 10 minutes, peak rate and floods,
// the most frequent and the chattering alarms, standing (stale) alarms, time to acknowledge.
import { z } from 'zod';
import { idSchema, isoDateTimeSchema } from './ids.ts';

export const MAX_ALARM_KPI_DAYS = 90;
/** ISA-18.2 measures the alarm rate in fixed 10-minute intervals. */
export const KPI_INTERVAL_MS = 600_000;
/** ISA-18.2 §16.5: more than 10 alarms in 10 minutes for one operator is a flood. */
export const FLOOD_RAISES = 10;
/** EEMUA 191 / ISA-18.2: an alarm active for longer than 24 hours is standing (stale). */
export const STALE_AFTER_MS = 86_400_000;
export const TOP_ALARMS = 10;

/**
 * The figures ISA-18.2 (Table 16.5) gives as targets for one operator position: about 1 alarm per
 * 10 minutes is very likely acceptable, 2 manageable; peak 10-minute rate at most 10; less than 1% of
 * the time in flood; top 10 alarms at most 1-5% of all alarms; no chattering and no stale alarms.
 */
export const ALARM_KPI_TARGETS = {
  averagePer10Min: 1,
  averagePer10MinManageable: 2,
  peakPer10Min: FLOOD_RAISES,
  floodPercent: 1,
  topTenPercent: 5,
  chattering: 0,
  stale: 0,
} as const;

export const alarmKpisQuerySchema = z
  .object({
    siteId: idSchema.optional().meta({ description: 'One site; the whole tenant when left out' }),
    from: isoDateTimeSchema,
    to: isoDateTimeSchema,
  })
  .superRefine((query, ctx) => {
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    if (!(to > from)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    } else if (to - from > MAX_ALARM_KPI_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range is longer than the limit of ${MAX_ALARM_KPI_DAYS} days; ask for a shorter range`,
      });
    }
  });
export type AlarmKpisQuery = z.infer<typeof alarmKpisQuerySchema>;

/** The rate figures of one operator position (a site) or of the whole tenant taken together. */
const alarmRateSchema = z.object({
  raises: z.number().int(),
  averagePer10Min: z.number(),
  peakPer10Min: z.number().int(),
  /** The start of the first 10-minute interval with the peak; null when nothing was raised. */
  peakAt: isoDateTimeSchema.nullable(),
  /** 10-minute intervals with more than FLOOD_RAISES raises. */
  floodIntervals: z.number().int(),
  floodPercent: z.number(),
});

const alarmRefSchema = z.object({
  alarmId: idSchema,
  ruleId: idSchema,
  siteId: idSchema,
  /** The limit-stack level, or "alarm" for the other kinds. */
  key: z.string(),
  name: z.string(),
});

export const alarmKpisSchema = z
  .object({
    from: isoDateTimeSchema,
    to: isoDateTimeSchema,
    siteId: idSchema.nullable(),
    /** Whole or partial 10-minute intervals in [from, to): the denominator of the averages. */
    intervals: z.number().int(),
    /** The whole scope as one load (each site's alarms together). */
    total: alarmRateSchema,
    /** Each site: an operator position, the unit ISA-18.2's rate targets are set for. */
    sites: z.array(alarmRateSchema.extend({ siteId: idSchema, name: z.string() })),
    /** The most frequently raised alarms, most first, and their share of all raises. */
    topAlarms: z.array(alarmRefSchema.extend({ raises: z.number().int(), percentOfRaises: z.number() })),
    /** Share of all raises the top 10 account for. */
    topTenPercent: z.number(),
    /** Alarms with runs of at least CHATTER_RAISES raises, each within CHATTER_WINDOW_MS of the one before. */
    chattering: z.array(alarmRefSchema.extend({ episodes: z.number().int(), raises: z.number().int() })),
    /** Alarms still active at `to` that were raised more than 24 hours before it, oldest first. */
    stale: z.array(alarmRefSchema.extend({ activeSince: isoDateTimeSchema, hours: z.number() })),
    /** Raises in the range and the time from each to its acknowledgement (seconds). */
    acknowledge: z.object({
      raises: z.number().int(),
      acknowledged: z.number().int(),
      medianSeconds: z.number().nullable(),
      p90Seconds: z.number().nullable(),
    }),
    targets: z.object({
      averagePer10Min: z.number(),
      averagePer10MinManageable: z.number(),
      peakPer10Min: z.number(),
      floodPercent: z.number(),
      topTenPercent: z.number(),
      chattering: z.number(),
      stale: z.number(),
    }),
  })
  .meta({ id: 'AlarmKpis' });
export type AlarmKpis = z.infer<typeof alarmKpisSchema>;
export type AlarmRate = z.infer<typeof alarmRateSchema>;
