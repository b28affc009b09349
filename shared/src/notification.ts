// Notifications as the API shows them (the outbox / message log) and per-tenant notification settings.
import { z } from 'zod';
import { contactChannelTypeSchema, e164Schema } from './contact.ts';
import { idSchema, isoDateTimeSchema } from './ids.ts';

export const notificationStatuses = ['queued', 'sent', 'failed', 'delivered'] as const;
export const notificationStatusSchema = z.enum(notificationStatuses, {
  error: 'must be "queued", "sent", "failed" or "delivered"',
});
export type NotificationStatus = z.infer<typeof notificationStatusSchema>;

/** Who carried a message: `outbox` means it was stored and nothing left the machine. */
export const notificationProviders = ['outbox', 'twilio', 'sns', 'ses', 'smtp', 'webhook'] as const;
export type NotificationProvider = (typeof notificationProviders)[number];

export const notificationSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    channel: contactChannelTypeSchema,
    recipient: z.string(),
    contactId: idSchema.nullable(),
    alarmId: idSchema.nullable(),
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
    webhookSigningSecretSet: z.boolean(),
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
