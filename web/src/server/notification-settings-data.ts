import 'server-only';
// Reads for the notification settings page (issue #5, ADR 0014): admins only, as the API requires.
// The API never returns a secret, only whether it is set.
import { type NotificationSettings, notificationSettingsSchema } from '@plantwatch/shared';
import { webEnv } from '../env.ts';
import { callApi } from './api.ts';
import { serverConfig } from './config.ts';
import { viewerWithRole } from './viewer.ts';

export async function getNotificationSettings(): Promise<NotificationSettings> {
  const viewer = await viewerWithRole('admin');
  return notificationSettingsSchema.parse(
    await callApi('GET', '/v1/settings/notifications', { token: viewer.token }),
  );
}

/** The addresses Twilio calls for this tenant, on the API's public base URL (PUBLIC_API_URL, else API_URL). */
export function twilioWebhookUrls(tenantId: string): {
  base: string;
  sms: string;
  status: string;
  voice: string;
} {
  const base = (webEnv().PUBLIC_API_URL ?? serverConfig().apiUrl).replace(/\/+$/, '');
  const prefix = `${base}/v1/webhooks/twilio/${encodeURIComponent(tenantId)}`;
  return { base, sms: `${prefix}/sms`, status: `${prefix}/status`, voice: `${prefix}/voice` };
}
