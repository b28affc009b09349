// Alarms and their ISA-18.2 states, the event recorded for every transition, the operator's actions
// (acknowledge, shelve, comment, out of service) and the alarm list query. Rules are in alarm-rule.ts.
import { z } from 'zod';
import { alarmSeveritySchema, limitLevelSchema } from './alarm-rule.ts';
import { idSchema, isoDateTimeSchema } from './ids.ts';
import { telemetryValueSchema } from './telemetry.ts';

/** ISA-18.2 states; "cleared-unacked" is the standard's "returned to normal, unacknowledged". */
export const alarmStates = ['normal', 'active-unacked', 'active-acked', 'cleared-unacked'] as const;
export const alarmStateSchema = z.enum(alarmStates);
export type AlarmState = z.infer<typeof alarmStateSchema>;

/**
 * One alarm: a rule watching one thing, or one level of a limit stack (HiHi and Hi of the same tag
 * are separate alarms). Shelved and out-of-service are flags beside the state, not states: the
 * state keeps following the process underneath so un-shelving shows the truth at once.
 */
export const alarmSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    ruleId: idSchema,
    siteId: idSchema,
    tagId: idSchema.nullable(),
    level: limitLevelSchema.nullable().meta({ description: 'The limit-stack level; null for other kinds' }),
    name: z.string(),
    severity: alarmSeveritySchema,
    state: alarmStateSchema,
    shelved: z.boolean(),
    shelvedUntil: isoDateTimeSchema.nullable(),
    outOfService: z.boolean(),
    value: telemetryValueSchema.nullable().meta({ description: 'The value at the last transition' }),
    activeSince: isoDateTimeSchema.nullable(),
    clearedAt: isoDateTimeSchema.nullable().meta({
      description:
        'When the alarm last returned to normal (its condition went away); null while it is active or if it never cleared',
    }),
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'Alarm' });
export type Alarm = z.infer<typeof alarmSchema>;

export const alarmEventKinds = [
  'raised',
  'cleared',
  'acknowledged',
  'shelved',
  'unshelved',
  'out-of-service',
  'in-service',
  'comment',
  'suppressed',
  /** A raise that paged nobody: the rule's re-page hold-off after an acknowledgement or clear. */
  'page-held',
] as const;
export const actorTypes = ['user', 'apiKey', 'system', 'contact'] as const;
export const alarmChannels = [
  'web',
  'sms',
  'voice',
  'email',
  'api',
  'system',
  'telegram',
  'whatsapp',
] as const;

/** Every transition, with who, how and when: the alarm journal an auditor reads. */
export const alarmEventSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    alarmId: idSchema,
    ruleId: idSchema,
    siteId: idSchema,
    at: isoDateTimeSchema,
    /** Equal for flag changes and comments (shelving does not change the state). */
    from: alarmStateSchema,
    to: alarmStateSchema,
    kind: z.enum(alarmEventKinds),
    by: z.object({
      type: z.enum(actorTypes),
      id: z.string().optional(),
      name: z.string().optional(),
    }),
    channel: z.enum(alarmChannels),
    value: telemetryValueSchema.optional(),
    comment: z.string().optional(),
  })
  .meta({ id: 'AlarmEvent' });
export type AlarmEvent = z.infer<typeof alarmEventSchema>;

const optionalComment = z.string().trim().max(1000, 'must be at most 1000 characters').optional();
/** For a limit stack: the one level to act on (HiHi, Hi, …); every level of the rule when left out. */
const actionLevel = limitLevelSchema.optional().meta({
  description: 'For a limit stack: the one level to act on; every level of the rule when left out',
});

export const acknowledgeAlarmSchema = z
  .strictObject({ comment: optionalComment, level: actionLevel })
  .meta({ id: 'AcknowledgeAlarm' });
export type AcknowledgeAlarm = z.infer<typeof acknowledgeAlarmSchema>;

export const unshelveAlarmSchema = z
  .strictObject({ comment: optionalComment, level: actionLevel })
  .meta({ id: 'UnshelveAlarm' });
export type UnshelveAlarm = z.infer<typeof unshelveAlarmSchema>;

export const commentAlarmSchema = z
  .strictObject({
    comment: z
      .string({ error: 'must be the comment text' })
      .trim()
      .min(1, 'must not be empty')
      .max(1000, 'must be at most 1000 characters'),
    level: actionLevel,
  })
  .meta({ id: 'CommentAlarm' });
export type CommentAlarm = z.infer<typeof commentAlarmSchema>;

/** Out of service is maintenance: the reason is part of the record, as for shelving. */
export const removeAlarmFromServiceSchema = z
  .strictObject({
    reason: z
      .string({ error: 'must say why the alarm is taken out of service' })
      .trim()
      .min(1, 'must say why the alarm is taken out of service')
      .max(500, 'must be at most 500 characters'),
    level: actionLevel,
  })
  .meta({ id: 'RemoveAlarmFromService' });
export type RemoveAlarmFromService = z.infer<typeof removeAlarmFromServiceSchema>;

export const returnAlarmToServiceSchema = z
  .strictObject({ comment: optionalComment, level: actionLevel })
  .meta({ id: 'ReturnAlarmToService' });
export type ReturnAlarmToService = z.infer<typeof returnAlarmToServiceSchema>;

export const alarmListStatuses = ['active', 'history', 'all'] as const;

/** A yes/no query parameter: `true` or `false`. */
const booleanQuery = z
  .enum(['true', 'false'], { error: 'must be "true" or "false"' })
  .transform((value) => value === 'true');

/**
 * GET /v1/alarms. `active`: not back to normal and acknowledged; `history`: every alarm with a journal
 * entry in [from, to) (the last 24 hours by default); `all`: every alarm. from/to narrow `active` and
 * `all` the same way.
 */
export const listAlarmsQuerySchema = z
  .object({
    status: z.enum(alarmListStatuses, { error: 'must be "active", "history" or "all"' }).default('active'),
    state: alarmStateSchema.optional(),
    severity: alarmSeveritySchema.optional(),
    siteId: idSchema.optional(),
    ruleId: idSchema.optional(),
    /** Only the alarms of this asset and everything under it (its measurements' tags, its rules). */
    assetId: idSchema.optional(),
    /** true: only shelved alarms; false: only those not shelved. */
    shelved: booleanQuery.optional(),
    /** true: only alarms out of service; false: only those in service. */
    outOfService: booleanQuery.optional(),
    from: isoDateTimeSchema.optional(),
    to: isoDateTimeSchema.optional(),
    limit: z.coerce
      .number({ error: 'must be a whole number, 1-1000' })
      .int('must be a whole number, 1-1000')
      .min(1, 'must be 1-1000')
      .max(1000, 'must be 1-1000')
      .default(500),
  })
  .superRefine((query, ctx) => {
    if (
      query.from !== undefined &&
      query.to !== undefined &&
      !(Date.parse(query.from) < Date.parse(query.to))
    ) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    }
  });
export type ListAlarmsQuery = z.infer<typeof listAlarmsQuerySchema>;

const severityCounts = z.object({
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
});

/**
 * What an annunciator shows (GET /v1/alarms/summary, and each event of its stream): the alarms waiting
 * for an acknowledgement (active or cleared, unacknowledged) by severity, the worst severity among them
 * and the newest. Shelved and out-of-service alarms are suppressed (ISA-18.2): counted apart, never
 * annunciated.
 */
export const alarmSummarySchema = z
  .object({
    unacked: severityCounts,
    total: z.number().int(),
    worst: alarmSeveritySchema.nullable(),
    newest: z
      .object({
        id: idSchema,
        ruleId: idSchema,
        name: z.string(),
        severity: alarmSeveritySchema,
        siteId: idSchema,
        /** When it was raised (or, cleared before anyone saw it, when it last changed). */
        since: isoDateTimeSchema,
      })
      .nullable(),
    suppressed: z.object({ shelved: z.number().int(), outOfService: z.number().int() }),
    /** The server's clock when the summary was made (epoch ms). */
    at: z.number().int(),
  })
  .meta({ id: 'AlarmSummary' });
export type AlarmSummary = z.infer<typeof alarmSummarySchema>;

export const alarmSummaryQuerySchema = z.object({ siteId: idSchema.optional() });

export const MAX_SHELVE_MINUTES = 10_080;

/**
 * ISA-18.2 shelving is always time-limited and explained. That `until` is in the future and
 * within a week is checked by the use-case, which owns the clock.
 */
export const shelveAlarmSchema = z
  .strictObject({
    minutes: z
      .number({ error: `must be a whole number of minutes, 1-${MAX_SHELVE_MINUTES}` })
      .int(`must be a whole number of minutes, 1-${MAX_SHELVE_MINUTES}`)
      .min(1, `must be 1-${MAX_SHELVE_MINUTES} minutes`)
      .max(MAX_SHELVE_MINUTES, `must be at most ${MAX_SHELVE_MINUTES} minutes (a week)`)
      .optional(),
    until: isoDateTimeSchema.optional(),
    reason: z
      .string({ error: 'must say why the alarm is shelved' })
      .trim()
      .min(1, 'must say why the alarm is shelved')
      .max(500, 'must be at most 500 characters'),
    level: actionLevel,
  })
  .superRefine((shelve, ctx) => {
    if (shelve.minutes === undefined && shelve.until === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['minutes'],
        message: `give minutes (1-${MAX_SHELVE_MINUTES}) or until (an ISO 8601 date-time)`,
      });
    }
    if (shelve.minutes !== undefined && shelve.until !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'give minutes or until, not both' });
    }
  })
  .meta({ id: 'ShelveAlarm' });
export type ShelveAlarm = z.infer<typeof shelveAlarmSchema>;
