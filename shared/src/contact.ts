// People the escalation chains reach (contacts) and who is on call when (on-call rotations).
import { z } from 'zod';
import {
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  nameSchema,
  timeZoneSchema,
} from './ids.ts';
import { DEFAULT_LANGUAGE, languageSchema } from './preferences.ts';
import { emailSchema } from './tenant.ts';

export const contactChannelTypes = ['sms', 'voice', 'email', 'webhook', 'telegram', 'whatsapp'] as const;
const CHANNEL_TYPES_MESSAGE = 'must be "sms", "voice", "email", "webhook", "telegram" or "whatsapp"';
export const contactChannelTypeSchema = z.enum(contactChannelTypes, { error: CHANNEL_TYPES_MESSAGE });
export type ContactChannelType = z.infer<typeof contactChannelTypeSchema>;

/** Twilio and SNS take numbers only in E.164; national formats are ambiguous across borders. */
export const e164Schema = z
  .string()
  .regex(/^\+[1-9]\d{7,14}$/, 'must be a phone number in E.164 form such as +447700900123');

/** A time of day in the owner's time zone, 24-hour. */
export const timeOfDaySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24-hour), such as 08:00');

/** 0 = Sunday … 6 = Saturday, as in JavaScript's Date and in cron. */
export const dayOfWeekSchema = z
  .number({ error: 'must be a day of the week, 0 (Sunday) to 6 (Saturday)' })
  .int('must be a day of the week, 0 (Sunday) to 6 (Saturday)')
  .min(0, 'must be a day of the week, 0 (Sunday) to 6 (Saturday)')
  .max(6, 'must be a day of the week, 0 (Sunday) to 6 (Saturday)');

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

// Plain http would expose alarm details in transit, so it is only for a receiver on this machine.
// This check cannot stop a public name resolving to a private address: the webhook adapter must
// refuse private and link-local addresses when it connects.
function isAllowedWebhookUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.hostname === '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname));
}

export const webhookUrlSchema = z
  .string()
  .max(2048, 'must be at most 2048 characters')
  .refine(isAllowedWebhookUrl, 'must be an https:// URL (http:// only for localhost or 127.0.0.1)');

/** A Telegram chat id as the Bot API gives it (negative for groups). */
export const telegramChatIdSchema = z
  .string()
  .regex(
    /^-?\d{1,20}$/,
    'must be a Telegram chat id (digits); it is filled in when the person links the chat',
  );

/** The usual slip: a phone number typed where an e-mail address belongs, or the reverse. */
const looksLikePhone = (value: string) => /^\+?[\d\s().-]{7,}$/.test(value.trim());
const looksLikeEmail = (value: string) => /^[^\s@]+@[^\s@]+$/.test(value.trim());

const channelEmailSchema = z
  .string()
  .superRefine((value, ctx) => {
    if (looksLikePhone(value)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'is a phone number, not an e-mail address: put it in an "sms", "voice" or "whatsapp" channel',
      });
    }
  })
  .pipe(emailSchema);

const channelPhoneSchema = z
  .string()
  .superRefine((value, ctx) => {
    if (looksLikeEmail(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'is an e-mail address, not a phone number: put it in an "email" channel',
      });
    }
  })
  .pipe(e164Schema);

export const contactChannelSchema = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('sms'), address: channelPhoneSchema }),
      z.strictObject({ type: z.literal('voice'), address: channelPhoneSchema }),
      z.strictObject({ type: z.literal('email'), address: channelEmailSchema }),
      z.strictObject({ type: z.literal('webhook'), address: webhookUrlSchema }),
      /**
       * The address is the chat id, filled in when the person sends the bot the one-time code
       * (POST /v1/contacts/{contactId}/telegram-link); until then the channel is "not linked".
       */
      z.strictObject({ type: z.literal('telegram'), address: telegramChatIdSchema.optional() }),
      /** WhatsApp through the tenant's Twilio account, to this number. */
      z.strictObject({ type: z.literal('whatsapp'), address: channelPhoneSchema }),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? CHANNEL_TYPES_MESSAGE : undefined) },
  )
  .meta({ id: 'ContactChannel' });
export type ContactChannel = z.infer<typeof contactChannelSchema>;
/** A channel that can be sent to: every channel but a Telegram one not linked yet. */
export type ReachableChannel = ContactChannel & { address: string };
export const isReachable = (channel: {
  type: ContactChannelType;
  address?: string | undefined;
}): channel is ReachableChannel => typeof channel.address === 'string' && channel.address !== '';

/** Tried in this order when a level names no channels. */
const channelsSchema = z
  .array(contactChannelSchema)
  .min(1, 'must list at least one way to reach the contact')
  .max(10, 'must list at most 10 channels');

export const contactSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    name: z.string(),
    // Plain strings: the request schema's e-mail lower-casing is a transform, which has no JSON Schema.
    channels: z.array(
      z.object({
        type: contactChannelTypeSchema,
        address: z
          .string()
          .optional()
          .meta({ description: 'Absent only for a Telegram channel whose chat is not linked yet' }),
      }),
    ),
    language: languageSchema.meta({ description: 'The language pages and test messages go out in' }),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'Contact' });
export type Contact = z.infer<typeof contactSchema>;

/** Pages are worded in the contact's language (English when not given). */
const contactLanguageSchema = languageSchema.meta({
  description: 'The language pages and test messages go out in: en-GB, pt-BR, es or zh-CN',
});

export const createContactSchema = z
  .strictObject({
    name: nameSchema,
    channels: channelsSchema,
    language: contactLanguageSchema.default(DEFAULT_LANGUAGE),
  })
  .meta({ id: 'CreateContact' });
export type CreateContact = z.infer<typeof createContactSchema>;

/** `channels` is replaced whole: its order is the order people are tried in. */
export const updateContactSchema = z
  .strictObject({
    name: nameSchema.optional(),
    channels: channelsSchema.optional(),
    language: contactLanguageSchema.optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateContact' });
export type UpdateContact = z.infer<typeof updateContactSchema>;

export const rotationPeriods = ['daily', 'weekly'] as const;

const overrideSchema = z
  .strictObject({ contactId: idSchema, from: isoDateTimeSchema, to: isoDateTimeSchema })
  .refine((o) => Date.parse(o.to) > Date.parse(o.from), { message: 'must be after from', path: ['to'] });

const rotationFields = {
  name: nameSchema,
  /** Hand-offs happen at handoffTime local time, so daylight-saving shifts move with the plant. */
  timeZone: timeZoneSchema,
  handoffTime: timeOfDaySchema,
  period: z.enum(rotationPeriods, { error: 'must be "daily" or "weekly"' }),
  handoffDay: dayOfWeekSchema,
  members: z
    .array(idSchema)
    .min(1, 'must list at least one contact')
    .max(100, 'must list at most 100 contacts'),
  /** Holiday cover and swaps: the override's contact is on call from `from` until `to`. */
  overrides: z.array(overrideSchema).max(200, 'must list at most 200 overrides'),
};

function checkHandoffDay(
  rotation: { period?: 'daily' | 'weekly' | undefined; handoffDay?: number | undefined },
  ctx: z.RefinementCtx,
  weeklyNeedsDay: boolean,
): void {
  if (rotation.period === 'daily' && rotation.handoffDay !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['handoffDay'],
      message: 'is only for weekly rotations; a daily rotation hands off every day',
    });
  }
  if (weeklyNeedsDay && rotation.period === 'weekly' && rotation.handoffDay === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['handoffDay'],
      message: 'a weekly rotation needs handoffDay, 0 (Sunday) to 6 (Saturday)',
    });
  }
}

export const onCallRotationSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    name: z.string(),
    timeZone: z.string(),
    handoffTime: z.string(),
    period: z.enum(rotationPeriods),
    handoffDay: z.number().int().nullable().meta({ description: 'null for daily rotations' }),
    members: z.array(idSchema),
    overrides: z.array(z.object({ contactId: idSchema, from: isoDateTimeSchema, to: isoDateTimeSchema })),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'OnCallRotation' });
export type OnCallRotation = z.infer<typeof onCallRotationSchema>;

export const createOnCallRotationSchema = z
  .strictObject({
    ...rotationFields,
    timeZone: rotationFields.timeZone.optional().meta({ description: "Defaults to the tenant's time zone" }),
    handoffDay: rotationFields.handoffDay.optional(),
    overrides: rotationFields.overrides.default([]),
  })
  .superRefine((rotation, ctx) => checkHandoffDay(rotation, ctx, true))
  .meta({ id: 'CreateOnCallRotation' });
export type CreateOnCallRotation = z.infer<typeof createOnCallRotationSchema>;

/**
 * Lists are replaced whole. Only what the patch itself shows is checked here; the use-case checks
 * the merged rotation again with createOnCallRotationSchema (a weekly rotation still needs its day).
 */
export const updateOnCallRotationSchema = z
  .strictObject({
    name: rotationFields.name.optional(),
    timeZone: rotationFields.timeZone.optional(),
    handoffTime: rotationFields.handoffTime.optional(),
    period: rotationFields.period.optional(),
    handoffDay: rotationFields.handoffDay.nullable().optional(),
    members: rotationFields.members.optional(),
    overrides: rotationFields.overrides.optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .superRefine((patch, ctx) =>
    checkHandoffDay({ period: patch.period, handoffDay: patch.handoffDay ?? undefined }, ctx, false),
  )
  .meta({ id: 'UpdateOnCallRotation' });
export type UpdateOnCallRotation = z.infer<typeof updateOnCallRotationSchema>;
