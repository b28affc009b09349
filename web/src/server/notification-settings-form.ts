// The notification settings form as an API body, and the API's issues back by form field. Secrets
// are write-only (ADR 0014): an empty field keeps the saved one, "remove" sends null, text replaces it.

import type { updateNotificationSettingsSchema } from '@plantwatch/shared';
import type { z } from 'zod';

export const notificationSettingsFields = [
  'smsProvider',
  'twilioAccountSid',
  'twilioFromNumber',
  'twilioAuthToken',
  'webhookSigningSecret',
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

export function notificationSettingsBody(form: FormData): Body {
  const body: Body = {
    smsProvider: text(form, 'smsProvider') as Body['smsProvider'],
    twilioAccountSid: text(form, 'twilioAccountSid') || null,
    twilioFromNumber: text(form, 'twilioFromNumber') || null,
  };
  const authToken = secret(form, 'twilioAuthToken');
  if (authToken !== undefined) body.twilioAuthToken = authToken;
  const signingSecret = secret(form, 'webhookSigningSecret');
  if (signingSecret !== undefined) body.webhookSigningSecret = signingSecret;
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
