// The tenant canary (issue 12, item 3): a scheduled test page to one contact that must be
// acknowledged in time, its settings (GET PUT /v1/settings/canary) and its run history.
import { z } from 'zod';
import { contactChannelTypeSchema, dayOfWeekSchema, timeOfDaySchema } from './contact.ts';
import { idSchema, isoDateTimeSchema, timeZoneSchema } from './ids.ts';

export const ALL_DAYS_OF_WEEK = [0, 1, 2, 3, 4, 5, 6] as const;
export const DEFAULT_CANARY_ACK_MINUTES = 30;

const ackWithinSchema = z
  .number({ error: 'must be a whole number of minutes, 1-1440' })
  .int('must be a whole number of minutes, 1-1440')
  .min(1, 'must be at least 1 minute')
  .max(1440, 'must be at most 1440 minutes (a day)');

const daysSchema = z
  .array(dayOfWeekSchema)
  .min(1, 'must list at least one day (0 Sunday … 6 Saturday)')
  .max(7, 'must list each day at most once')
  .superRefine((days, ctx) => {
    days.forEach((day, index) => {
      if (days.indexOf(day) !== index) {
        ctx.addIssue({ code: 'custom', path: [index], message: `day ${day} is listed more than once` });
      }
    });
  });

/** PUT replaces the settings whole; leave the canary switched off with `enabled: false`. */
export const updateCanarySettingsSchema = z
  .strictObject({
    enabled: z.boolean({ error: 'must be true or false' }),
    contactId: idSchema.meta({
      description: 'The contact who gets the test page; their channels are tried in order',
    }),
    at: timeOfDaySchema.default('08:00').meta({ description: 'When, in timeZone, 24-hour HH:MM' }),
    days: daysSchema
      .default([...ALL_DAYS_OF_WEEK])
      .meta({ description: 'Which days, 0 (Sunday) to 6 (Saturday); every day by default' }),
    timeZone: timeZoneSchema.optional().meta({ description: "Defaults to the tenant's time zone" }),
    ackWithinMinutes: ackWithinSchema
      .default(DEFAULT_CANARY_ACK_MINUTES)
      .meta({ description: 'A canary not acknowledged this long after it was sent is missed' }),
    notifyAdmins: z
      .boolean({ error: 'must be true or false' })
      .default(true)
      .meta({ description: "E-mail the tenant's admins and owners when a canary is missed" }),
  })
  .meta({ id: 'UpdateCanarySettings' });
export type UpdateCanarySettings = z.infer<typeof updateCanarySettingsSchema>;

export const canarySettingsSchema = z
  .object({
    /** False also when the canary was never set up (contactId is then null). */
    enabled: z.boolean(),
    contactId: idSchema.nullable(),
    at: z.string(),
    days: z.array(z.number().int()),
    timeZone: z.string(),
    ackWithinMinutes: z.number().int(),
    notifyAdmins: z.boolean(),
    /** The next scheduled test page; null while switched off. */
    nextDueAt: isoDateTimeSchema.nullable(),
    updatedAt: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'CanarySettings' });
export type CanarySettings = z.infer<typeof canarySettingsSchema>;

/**
 * `pending`: due, not taken by any channel yet (retried with backoff until the deadline);
 * `sent`: out, waiting for the acknowledgement; `acknowledged`: in time; `missed`: not in time
 * (`missedReason` says whether it went unanswered or could not be delivered).
 */
export const canaryRunStatuses = ['pending', 'sent', 'acknowledged', 'missed'] as const;
export type CanaryRunStatus = (typeof canaryRunStatuses)[number];
export const canaryRunTriggers = ['schedule', 'manual'] as const;
export type CanaryRunTrigger = (typeof canaryRunTriggers)[number];
/** How an acknowledgement came: a reply, a key press, the e-mail link, the web app or an API key. */
export const canaryAckChannels = ['sms', 'whatsapp', 'telegram', 'voice', 'email', 'web', 'api'] as const;
export type CanaryAckChannel = (typeof canaryAckChannels)[number];

export const canaryRunSchema = z
  .object({
    id: idSchema,
    /** The scheduled slot (a manual run: when it was asked for). */
    slotAt: isoDateTimeSchema,
    trigger: z.enum(canaryRunTriggers),
    contactId: idSchema,
    contactName: z.string(),
    status: z.enum(canaryRunStatuses),
    /** Send attempts so far, and the last provider error. */
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    /** The channel and address that took the test page, and its row in the outbox. */
    channel: contactChannelTypeSchema.nullable(),
    recipient: z.string().nullable(),
    notificationId: idSchema.nullable(),
    sentAt: isoDateTimeSchema.nullable(),
    /** Acknowledge before this. */
    dueBy: isoDateTimeSchema,
    acknowledgedAt: isoDateTimeSchema.nullable(),
    acknowledgedBy: z.string().nullable(),
    acknowledgedVia: z.enum(canaryAckChannels).nullable(),
    /** Seconds from the page going out to its acknowledgement (late ones too). */
    ackSeconds: z.number().nullable(),
    missedReason: z.string().nullable(),
    /** Who was told about a miss ("e-mailed 2 admins"), or why they could not be. */
    adminNotice: z.string().nullable(),
    createdAt: isoDateTimeSchema,
  })
  .meta({ id: 'CanaryRun' });
export type CanaryRun = z.infer<typeof canaryRunSchema>;

export const canaryRunsQuerySchema = z.object({
  status: z
    .enum(canaryRunStatuses, { error: 'must be "pending", "sent", "acknowledged" or "missed"' })
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a number from 1 to 500' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(50),
});
export type CanaryRunsQuery = z.infer<typeof canaryRunsQuerySchema>;

/** What the acknowledge call did: acknowledged now, already was, or too late (recorded as late). */
export const canaryAckResultSchema = z
  .object({
    outcome: z.enum(['acknowledged', 'already', 'late']),
    run: canaryRunSchema,
  })
  .meta({ id: 'CanaryAckResult' });
export type CanaryAckResult = z.infer<typeof canaryAckResultSchema>;
