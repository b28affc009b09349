// Trying a contact's channel before an alarm does (a test send), and linking a Telegram chat to a
// contact with a one-time code.
import { z } from 'zod';
import { contactChannelTypeSchema } from './contact.ts';
import { isoDateTimeSchema } from './ids.ts';
import { notificationSchema } from './notification.ts';

/** Which of the contact's channels to try: its place in the list (0 = first) or its type (the first of that type). */
export const testContactSchema = z
  .strictObject({
    channel: z.union(
      [
        z
          .number()
          .int('must be a whole number: the channel index, 0 for the first')
          .min(0, 'must be 0 or more: the channel index, 0 for the first'),
        contactChannelTypeSchema,
      ],
      {
        error:
          'must be the channel index (0 for the first) or a channel type ("sms", "voice", "email", "webhook", "telegram", "whatsapp")',
      },
    ),
  })
  .meta({ id: 'TestContact' });
export type TestContact = z.infer<typeof testContactSchema>;

export const contactTestResultSchema = z
  .object({
    /** True when the provider took the message (for the outbox: it was stored). */
    ok: z.boolean(),
    channelIndex: z.number().int(),
    channel: contactChannelTypeSchema,
    /** The provider's reason when it refused, else null. */
    error: z.string().nullable(),
    /** The message as the outbox keeps it, marked purpose "test". */
    notification: notificationSchema,
  })
  .meta({ id: 'ContactTestResult' });
export type ContactTestResult = z.infer<typeof contactTestResultSchema>;

export const telegramLinkSchema = z
  .object({
    /** What the person sends the bot: `/start <code>`. */
    code: z.string(),
    expiresAt: isoDateTimeSchema,
    /** `https://t.me/<bot>?start=<code>`: opens the bot with the code filled in; null until the bot's name is known. */
    url: z.string().nullable(),
    botUsername: z.string().nullable(),
  })
  .meta({ id: 'TelegramLink' });
export type TelegramLink = z.infer<typeof telegramLinkSchema>;
