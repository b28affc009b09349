import { updateNotificationSettingsSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { notificationSettingsBody, notificationSettingsErrors } from './notification-settings-form.ts';

const form = (entries: Record<string, string | undefined>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) if (value !== undefined) data.set(name, value);
  return data;
};

describe('the notification settings form as an API body', () => {
  it.each([
    {
      behaviour: 'leaves an empty secret out, so the saved one is kept',
      fields: {
        smsProvider: 'twilio',
        twilioAccountSid: '',
        twilioFromNumber: ' +15005550006 ',
        twilioAuthToken: '',
      },
      body: {
        smsProvider: 'twilio',
        twilioAccountSid: null,
        twilioFromNumber: '+15005550006',
        twilioWhatsAppFromNumber: null,
      },
    },
    {
      behaviour: 'sends a typed secret as typed, spaces included',
      fields: { smsProvider: 'sns', twilioAuthToken: ' token with spaces ' },
      body: {
        smsProvider: 'sns',
        twilioAccountSid: null,
        twilioFromNumber: null,
        twilioWhatsAppFromNumber: null,
        twilioAuthToken: ' token with spaces ',
      },
    },
    {
      behaviour: 'sends null for a secret ticked for removal, even with text typed',
      fields: { smsProvider: 'sns', webhookSigningSecret: 'x'.repeat(40), webhookSigningSecretRemove: 'on' },
      body: {
        smsProvider: 'sns',
        twilioAccountSid: null,
        twilioFromNumber: null,
        twilioWhatsAppFromNumber: null,
        webhookSigningSecret: null,
      },
    },
    {
      behaviour: 'sends the WhatsApp sender, the flood window as a number and a new bot token',
      fields: {
        smsProvider: 'twilio',
        twilioWhatsAppFromNumber: '+14155238886',
        floodWindowSeconds: '45',
        telegramBotToken: ' 123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij ',
      },
      body: {
        smsProvider: 'twilio',
        twilioAccountSid: null,
        twilioFromNumber: null,
        twilioWhatsAppFromNumber: '+14155238886',
        floodWindowSeconds: 45,
        telegramBotToken: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij',
      },
    },
    {
      behaviour: 'removes the bot token when asked',
      fields: { smsProvider: 'sns', telegramBotTokenRemove: 'on' },
      body: {
        smsProvider: 'sns',
        twilioAccountSid: null,
        twilioFromNumber: null,
        twilioWhatsAppFromNumber: null,
        telegramBotToken: null,
      },
    },
  ])('$behaviour', ({ fields, body }) => {
    expect(notificationSettingsBody(form(fields))).toEqual(body);
  });

  it('keeps a flood window that is not a number as typed, so the schema names the field', () => {
    const body = notificationSettingsBody(form({ smsProvider: 'sns', floodWindowSeconds: 'half a minute' }));
    const refused = updateNotificationSettingsSchema.safeParse(body);
    expect(refused.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['floodWindowSeconds']);
  });

  it("puts the schema's and the API's issues beside their fields", () => {
    const refused = updateNotificationSettingsSchema.safeParse(
      notificationSettingsBody(
        form({ smsProvider: 'twilio', twilioAccountSid: 'AC12', twilioAuthToken: 'short' }),
      ),
    );
    expect(refused.success).toBe(false);
    const fromSchema = notificationSettingsErrors(
      (refused.error?.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
    expect(Object.keys(fromSchema).sort()).toEqual(['twilioAccountSid', 'twilioAuthToken']);
    expect(
      notificationSettingsErrors([
        { path: 'body.twilioFromNumber', message: 'must be a phone number' },
        { path: 'body', message: 'unrecognized key' },
      ]),
    ).toEqual({ twilioFromNumber: 'must be a phone number', smsProvider: 'unrecognized key' });
  });
});
