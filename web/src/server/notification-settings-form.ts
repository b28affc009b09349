// The notification settings form as an API body, and the API's issues back by form field. Secrets
// are write-only (ADR 0014): an empty field keeps the saved one, "remove" sends null, text replaces it.

import type { updateNotificationSettingsSchema } from '@plantwatch/shared';
import type { z } from 'zod';

export const notificationSettingsFields = [
  'smsProvider',
  'twilioAccountSid',
  'twilioFromNumber',
  'twilioWhatsAppFromNumber',
  'floodWindowSeconds',
  'twilioAuthToken',
  'webhookSigningSecret',
  'telegramBotToken',
] as const;
type Field = (typeof notificationSettingsFields)[number];

type Body = z.input<typeof updateNotificationSettingsSchema>;

const text = (form: FormData, name: string): string => {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
};

/** Write-only: removed → null, typed → the value, empty → left out (kept). Secrets are not trimmed. */
function secret(form: FormData, name: Field): string | null | undefined {
  if (form.get(`${name}Remove`) === 'on') return null;
  const value = form.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A whole number typed in the field, or the text as typed (the schema then names what is wrong). */
function count(form: FormData, name: Field): number | string | undefined {
  const value = text(form, name);
  if (value === '') return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

export function notificationSettingsBody(form: FormData): Body {
  // PUT replaces the plain settings whole: every one of them is sent (a field left out becomes its default).
  const flood = count(form, 'floodWindowSeconds');
  const body: Body = {
    smsProvider: text(form, 'smsProvider') as Body['smsProvider'],
    twilioAccountSid: text(form, 'twilioAccountSid') || null,
    twilioFromNumber: text(form, 'twilioFromNumber') || null,
    twilioWhatsAppFromNumber: text(form, 'twilioWhatsAppFromNumber') || null,
    ...(flood === undefined ? {} : { floodWindowSeconds: flood as number }),
  };
  const authToken = secret(form, 'twilioAuthToken');
  if (authToken !== undefined) body.twilioAuthToken = authToken;
  const signingSecret = secret(form, 'webhookSigningSecret');
  if (signingSecret !== undefined) body.webhookSigningSecret = signingSecret;
  const botToken = secret(form, 'telegramBotToken');
  if (botToken !== undefined) body.telegramBotToken = botToken === null ? null : botToken.trim();
  return body;
}

/** Issues (`body.twilioFromNumber` from the API, `twilioFromNumber` from the schema here) by field. */
export function notificationSettingsErrors(
  issues: readonly { path: string; message: string }[],
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.replace(/^body\.?/, '').split('.')[0] ?? '';
    const known = (notificationSettingsFields as readonly string[]).includes(field);
    // An issue about no field in particular (a strict-object key, the body itself) goes beside the provider.
    errors[known ? field : 'smsProvider'] ??= issue.message;
  }
  return errors;
}
