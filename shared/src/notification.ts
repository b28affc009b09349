// Notifications as the API shows them (the outbox / message log) and per-tenant notification settings.
import { z } from 'zod';
import { contactChannelTypeSchema, e164Schema } from './contact.ts';
import { idSchema, isoDateTimeSchema } from './ids.ts';

/**
 * `held`: a page kept back by the contact's flood window, to go out in one digest when the window
 * closes; `grouped`: it went out in that digest (`digestId`); `skipped`: nothing was sent because the
 * digest had nothing left to say. The others are a message's delivery.
 */
export const notificationStatuses = [
  'queued',
  'sent',
  'failed',
  'delivered',
  'held',
  'grouped',
  'skipped',
] as const;
export const notificationStatusSchema = z.enum(notificationStatuses, {
  error: 'must be "queued", "sent", "failed", "delivered", "held", "grouped" or "skipped"',
});
export type NotificationStatus = z.infer<typeof notificationStatusSchema>;

/** Who carried a message: `outbox` means it was stored and nothing left the machine. */
export const notificationProviders = [
  'outbox',
  'twilio',
  'sns',
  'ses',
  'smtp',
  'webhook',
  'telegram',
] as const;
export type NotificationProvider = (typeof notificationProviders)[number];

/**
 * Why a message was sent: an alarm page, a digest of held pages, a test send from the API, the tenant
 * canary's test page (to be acknowledged), or the notice to admins that a canary was missed.
 */
export const notificationPurposes = ['page', 'digest', 'test', 'canary', 'canary-missed'] as const;
export const notificationPurposeSchema = z.enum(notificationPurposes, {
  error: 'must be "page", "digest", "test", "canary" or "canary-missed"',
});
export type NotificationPurpose = z.infer<typeof notificationPurposeSchema>;

export const notificationSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    channel: contactChannelTypeSchema,
    recipient: z.string(),
    contactId: idSchema.nullable(),
    alarmId: idSchema.nullable(),
    /** A digest's alarms (a reply acknowledges all of them); otherwise the one alarm, or none. */
    alarmIds: z.array(idSchema),
    purpose: notificationPurposeSchema,
    siteId: idSchema.nullable(),
    /** A held or grouped page: the digest that carried it. */
    digestId: idSchema.nullable(),
    /** A canary test page (or a missed canary's notice): its run (GET /v1/canary/runs). */
    canaryRunId: idSchema.nullable(),
    /** A held page: when its flood window closes and the digest goes out. */
    flushAt: isoDateTimeSchema.nullable(),
    subject: z.string().nullable(),
    body: z.string(),
    status: notificationStatusSchema,
    provider: z.enum(notificationProviders),
    providerMessageId: z.string().nullable(),
    error: z.string().nullable(),
    attempts: z.number().int(),
    idempotencyKey: z.string(),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
    sentAt: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof notificationSchema>;

export const outboxQuerySchema = z.object({
  channel: contactChannelTypeSchema.optional(),
  alarmId: idSchema.optional(),
  contactId: idSchema.optional(),
  purpose: notificationPurposeSchema.optional(),
  status: notificationStatusSchema.optional(),
  limit: z.coerce
    .number({ error: 'must be a number from 1 to 500' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(100),
});
export type OutboxQuery = z.infer<typeof outboxQuerySchema>;

export const smsProviders = ['sns', 'twilio'] as const;
const smsProviderSchema = z.enum(smsProviders, { error: 'must be "sns" or "twilio"' });

/** What GET shows: the secrets only as "set or not", never their value. */
export const notificationSettingsSchema = z
  .object({
    smsProvider: smsProviderSchema,
    twilioAccountSid: z.string().nullable(),
    twilioFromNumber: z.string().nullable(),
    twilioAuthTokenSet: z.boolean(),
    /** WhatsApp's sender (`whatsapp:` is added); null: the SMS number. */
    twilioWhatsAppFromNumber: z.string().nullable(),
    webhookSigningSecretSet: z.boolean(),
    telegramBotTokenSet: z.boolean(),
    /** The bot people send the link code to, as Telegram named it when the token was checked. */
    telegramBotUsername: z.string().nullable(),
    /** Where Telegram delivers replies (set on the bot with setWebhook when the token is saved). */
    telegramWebhookUrl: z.string().nullable(),
    /** Telegram's refusal of that webhook (e.g. it needs a public https:// URL), or null. */
    telegramWebhookError: z.string().nullable(),
    floodWindowSeconds: z.number().int(),
    updatedAt: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'NotificationSettings' });
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

const twilioAccountSidSchema = z
  .string()
  .regex(/^AC[0-9a-f]{32}$/, 'must be a Twilio account SID: AC followed by 32 hexadecimal digits');

/**
 * PUT replaces the plain settings whole. Secrets are write-only: leave one out to keep it, send null
 * to remove it, send a value to replace it.
 */
export const updateNotificationSettingsSchema = z
  .strictObject({
    smsProvider: smsProviderSchema,
    twilioAccountSid: twilioAccountSidSchema.nullable().default(null),
    twilioFromNumber: e164Schema.nullable().default(null),
    twilioWhatsAppFromNumber: e164Schema
      .nullable()
      .default(null)
      .meta({ description: "WhatsApp's sender number on the Twilio account; null uses twilioFromNumber" }),
    floodWindowSeconds: z
      .number({ error: 'must be a whole number of seconds, 0-600' })
      .int('must be a whole number of seconds, 0-600')
      .min(0, 'must be 0-600 seconds (0 sends every page at once)')
      .max(600, 'must be 0-600 seconds')
      .default(30)
      .meta({
        description:
          'Alarms of one site paged to one contact within this many seconds of the first go out as one message when the window closes; 0 sends every page at once',
      }),
    telegramBotToken: z
      .string()
      .regex(
        /^\d{3,20}:[A-Za-z0-9_-]{30,100}$/,
        'must be a Telegram bot token as BotFather gives it (123456:ABC…)',
      )
      .nullable()
      .optional()
      .meta({
        description:
          'Write-only. Omit to keep the current one, null to remove it. Checked with Telegram (getMe) and its webhook set when saved',
      }),
    twilioAuthToken: z
      .string()
      .min(16, 'must be at least 16 characters')
      .max(200, 'must be at most 200 characters')
      .nullable()
      .optional()
      .meta({ description: 'Write-only. Omit to keep the current one, null to remove it' }),
    webhookSigningSecret: z
      .string()
      .min(32, 'must be at least 32 characters')
      .max(200, 'must be at most 200 characters')
      .nullable()
      .optional()
      .meta({
        description:
          'Write-only. The HMAC-SHA256 key of outgoing webhooks. Omit to keep, null to let the service generate one',
      }),
  })
  .meta({ id: 'UpdateNotificationSettings' });
export type UpdateNotificationSettings = z.infer<typeof updateNotificationSettingsSchema>;
