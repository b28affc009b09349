// Scheduled reports: what to summarise, over which period, in which formats, to whom and when.
import { z } from 'zod';
import { dayOfWeekSchema, timeOfDaySchema } from './contact.ts';
import {
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  nameSchema,
  timeZoneSchema,
} from './ids.ts';
import { emailSchema } from './tenant.ts';

export const reportMetrics = ['avg', 'min', 'max', 'last', 'difference'] as const;
export type ReportMetric = (typeof reportMetrics)[number];
export const reportSections = ['summary', 'trends', 'table', 'alarms', 'alarmKpis'] as const;
export const reportFormats = ['pdf', 'xlsx', 'csv'] as const;
export const reportBuckets = ['hour', 'day'] as const;
export const relativePeriods = ['last-day', 'last-week', 'last-month'] as const;

/** A non-empty list of distinct choices: picking "pdf" twice is a mistake worth telling the user about. */
function subsetOf<const T extends readonly [string, ...string[]]>(options: T, what: string) {
  const listed = options.map((option) => `"${option}"`).join(', ');
  return z
    .array(z.enum(options, { error: `must be one of ${listed}` }))
    .min(1, `must list at least one ${what}`)
    .refine((chosen) => new Set(chosen).size === chosen.length, `must list each ${what} once`);
}

const idList = (what: string) => z.array(idSchema).max(500, `must list at most 500 ${what}`);

const reportScopeSchema = z
  .strictObject({
    siteIds: idList('sites').default([]),
    deviceIds: idList('devices').default([]),
    tagIds: idList('tags').default([]),
    assetIds: idList('assets').default([]).meta({
      description:
        "Assets whose subtrees' bound tags the report covers, its tables grouped by asset (issue 21)",
    }),
  })
  .refine(
    (scope) =>
      scope.siteIds.length + scope.deviceIds.length + scope.tagIds.length + scope.assetIds.length > 0,
    { message: 'must name at least one site, asset, device or tag' },
  );
export type ReportScope = z.infer<typeof reportScopeSchema>;

const fixedPeriodSchema = z
  .strictObject({ from: isoDateTimeSchema, to: isoDateTimeSchema })
  .refine((period) => Date.parse(period.to) > Date.parse(period.from), {
    message: 'must be after from',
    path: ['to'],
  });

/**
 * Relative periods are the whole day, ISO week (Monday to Sunday) or calendar month before the run,
 * in the report's time zone, so a report run twice covers the same period.
 */
const reportPeriodSchema = z.union([z.enum(relativePeriods), fixedPeriodSchema], {
  error: 'must be "last-day", "last-week", "last-month" or { from, to }',
});
export type ReportPeriod = z.infer<typeof reportPeriodSchema>;

const cronFields = [
  { name: 'minute', min: 0, max: 59, names: [] },
  { name: 'hour', min: 0, max: 23, names: [] },
  { name: 'day-of-month', min: 1, max: 31, names: [] },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  // 7 is Sunday too, as in most cron dialects.
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

const cronShape =
  'a 5-field cron expression (minute hour day-of-month month day-of-week), such as "0 6 * * 1"';

/**
 * Why `expression` is not a cron expression, or null when it is one. Only the portable subset
 * (numbers, month and day names, `*`, ranges, lists, steps), which croner and EventBridge
 * Scheduler both understand once translated.
 */
export function cronExpressionProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `must be ${cronShape}; it has ${fields.length} field(s)`;
  for (const [position, spec] of cronFields.entries()) {
    const field = fields[position] ?? '';
    const toNumber = (token: string): number | null => {
      const byName = (spec.names as readonly string[]).indexOf(token.toUpperCase());
      if (byName >= 0) return spec.name === 'month' ? byName + 1 : byName;
      return /^\d{1,2}$/.test(token) ? Number(token) : null;
    };
    for (const item of field.split(',')) {
      const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d{1,2}))?$/.exec(item);
      if (match === null)
        return `${spec.name} field "${field}" is not valid cron; use numbers, *, ranges (1-5), lists (1,15) or steps (*/15)`;
      const [, range = '', step] = match;
      if (step !== undefined && Number(step) === 0) return `${spec.name} field "${field}" has a step of 0`;
      if (range === '*') continue;
      const tokens = range.split('-');
      const bounds = tokens.map(toNumber).filter((bound) => bound !== null);
      if (bounds.length !== tokens.length || bounds.some((bound) => bound < spec.min || bound > spec.max)) {
        return `${spec.name} field "${field}" must use values ${spec.min}-${spec.max}`;
      }
      const [low = 0, high = low] = bounds;
      if (high < low) return `${spec.name} field "${field}" has a range that runs backwards`;
    }
  }
  // Reports go to people: more often than hourly would flood their inboxes.
  if (!/^\d{1,2}$/.test(fields[0] ?? '')) {
    return 'minute field must be a single minute such as 0: a report runs at most once an hour';
  }
  return null;
}

export const cronExpressionSchema = z
  .string()
  .max(200, 'must be at most 200 characters')
  .superRefine((expression, ctx) => {
    const problem = cronExpressionProblem(expression);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

// 06:00 rather than midnight: gateways that were offline replay their buffers first.
const atSchema = timeOfDaySchema.default('06:00');

const reportScheduleTimingSchema = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({
        kind: z.literal('hourly'),
        minute: z
          .number({ error: 'must be a minute past the hour, 0-59' })
          .int('must be a minute past the hour, 0-59')
          .min(0, 'must be a minute past the hour, 0-59')
          .max(59, 'must be a minute past the hour, 0-59')
          .default(0),
      }),
      z.strictObject({ kind: z.literal('daily'), at: atSchema }),
      z.strictObject({ kind: z.literal('weekly'), at: atSchema, dayOfWeek: dayOfWeekSchema }),
      z.strictObject({
        kind: z.literal('monthly'),
        at: atSchema,
        // Every month has days 1-28; "the 31st" would silently skip half the year.
        dayOfMonth: z
          .number({ error: 'must be a day of the month, 1-28' })
          .int('must be a day of the month, 1-28')
          .min(1, 'must be a day of the month, 1-28')
          .max(28, 'must be a day of the month, 1-28 (every month has those)'),
      }),
      z.strictObject({ kind: z.literal('cron'), expression: cronExpressionSchema }),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? 'must be "hourly", "daily", "weekly", "monthly" or "cron"'
          : undefined,
    },
  )
  .meta({ id: 'ReportScheduleTiming' });
export type ReportScheduleTiming = z.infer<typeof reportScheduleTimingSchema>;

const reportFields = {
  name: nameSchema,
  scope: reportScopeSchema,
  period: reportPeriodSchema,
  bucket: z.enum(reportBuckets, { error: 'must be "hour" or "day"' }),
  metrics: subsetOf(reportMetrics, 'metric'),
  sections: subsetOf(reportSections, 'section'),
  formats: subsetOf(reportFormats, 'format'),
  recipients: z
    .array(emailSchema)
    .min(1, 'must list at least one recipient')
    .max(50, 'must list at most 50 recipients')
    .superRefine((recipients, ctx) => {
      recipients.forEach((recipient, index) => {
        if (recipients.indexOf(recipient) !== index) {
          ctx.addIssue({ code: 'custom', path: [index], message: `${recipient} is listed more than once` });
        }
      });
    }),
  schedule: reportScheduleTimingSchema,
  /** Schedules and relative periods follow this zone, daylight saving included. */
  timeZone: timeZoneSchema,
  enabled: z.boolean(),
};

export const reportScheduleSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    name: z.string(),
    scope: z.object({
      siteIds: z.array(idSchema),
      deviceIds: z.array(idSchema),
      tagIds: z.array(idSchema),
      assetIds: z.array(idSchema),
    }),
    period: reportPeriodSchema,
    bucket: z.enum(reportBuckets),
    metrics: z.array(z.enum(reportMetrics)),
    sections: z.array(z.enum(reportSections)),
    formats: z.array(z.enum(reportFormats)),
    recipients: z.array(z.string()),
    schedule: reportScheduleTimingSchema,
    timeZone: z.string(),
    enabled: z.boolean(),
    ownerUserId: idSchema
      .nullable()
      .meta({ description: 'Whose view of the plant the report is limited to' }),
    createdBy: z.object({ type: z.string(), id: z.string().optional(), name: z.string().optional() }),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'ReportSchedule' });
export type ReportSchedule = z.infer<typeof reportScheduleSchema>;

export const createReportScheduleSchema = z
  .strictObject({
    ...reportFields,
    bucket: reportFields.bucket.default('hour'),
    metrics: reportFields.metrics.default(['avg', 'min', 'max']),
    sections: reportFields.sections.default(['summary', 'trends', 'table']),
    formats: reportFields.formats.default(['pdf']),
    timeZone: reportFields.timeZone.optional().meta({ description: "Defaults to the tenant's time zone" }),
    enabled: reportFields.enabled.default(true),
  })
  .meta({ id: 'CreateReportSchedule' });
export type CreateReportSchedule = z.infer<typeof createReportScheduleSchema>;

/** Lists and nested objects (scope, period, schedule) are replaced whole. */
export const updateReportScheduleSchema = z
  .strictObject({
    name: reportFields.name.optional(),
    scope: reportFields.scope.optional(),
    period: reportFields.period.optional(),
    bucket: reportFields.bucket.optional(),
    metrics: reportFields.metrics.optional(),
    sections: reportFields.sections.optional(),
    formats: reportFields.formats.optional(),
    recipients: reportFields.recipients.optional(),
    schedule: reportFields.schedule.optional(),
    timeZone: reportFields.timeZone.optional(),
    enabled: reportFields.enabled.optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateReportSchedule' });
export type UpdateReportSchedule = z.infer<typeof updateReportScheduleSchema>;

export const reportRunTriggers = ['schedule', 'manual'] as const;
export const reportRunStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export const reportDeliveryModes = ['attachments', 'link'] as const;
export const reportDeliveryStatuses = ['pending', 'sent', 'outbox', 'failed'] as const;

const actorSchema = z.object({ type: z.string(), id: z.string().optional(), name: z.string().optional() });

export const reportFileSchema = z
  .object({ name: z.string(), format: z.enum(reportFormats), bytes: z.number().int() })
  .meta({ id: 'ReportFile' });
export type ReportFile = z.infer<typeof reportFileSchema>;

export const reportDeliverySchema = z
  .object({
    status: z.enum(reportDeliveryStatuses),
    /** Files attached, or a download link when they are over the size limit together. */
    mode: z.enum(reportDeliveryModes),
    /** Where the message went: smtp, ses, or the outbox when no mail server is configured. */
    transport: z.string(),
    recipients: z.array(z.string()),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    messageId: z.string().nullable(),
    sentAt: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'ReportDelivery' });
export type ReportDelivery = z.infer<typeof reportDeliverySchema>;

export const reportRunSchema = z
  .object({
    id: idSchema,
    reportId: idSchema,
    trigger: z.enum(reportRunTriggers),
    /** Who scheduled it: the scheduler (with the report's creator) or the user who pressed "run now". */
    requestedBy: actorSchema,
    slotAt: isoDateTimeSchema.nullable(),
    period: z.object({ from: isoDateTimeSchema, to: isoDateTimeSchema }),
    status: z.enum(reportRunStatuses),
    files: z.array(reportFileSchema),
    delivery: reportDeliverySchema.nullable(),
    error: z.string().nullable(),
    downloads: z.array(z.object({ fileName: z.string(), issuedTo: z.string(), at: isoDateTimeSchema })),
    createdAt: isoDateTimeSchema,
    startedAt: isoDateTimeSchema.nullable(),
    finishedAt: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'ReportRun' });
export type ReportRun = z.infer<typeof reportRunSchema>;

export const reportFileLinkSchema = z
  .object({ url: z.string(), expiresAt: isoDateTimeSchema })
  .meta({ id: 'ReportFileLink' });
export type ReportFileLink = z.infer<typeof reportFileLinkSchema>;
