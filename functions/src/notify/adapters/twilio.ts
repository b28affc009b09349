// Twilio SMS and voice through its REST API (plain fetch with basic auth; the base URL is
// configurable so tests run against a fake Twilio on 127.0.0.1), and the request signature Twilio
// puts on its webhooks.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  type ChannelSender,
  NotificationDeliveryError,
  type OutgoingMessage,
  type TenantNotifyConfig,
} from '../sender.ts';

export const TWILIO_API_URL = 'https://api.twilio.com';

export interface TwilioOptions {
  /** https://api.twilio.com unless a test points it at a fake. */
  baseUrl?: string;
  /** The public base of this API (`https://api.example.com`), for the voice call's keypad callback. */
  publicApiUrl: () => string;
  timeoutMs?: number;
}

const twilioResourceSchema = z.object({ sid: z.string().min(1) });
const twilioErrorSchema = z.object({ code: z.number().optional(), message: z.string().optional() });

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`,
  );
}

/** The URL Twilio calls when the person presses a key; it names the alarm, and Twilio signs it. */
export function voiceCallbackUrl(publicApiUrl: string, message: OutgoingMessage): string {
  const query = new URLSearchParams();
  // a digest call acknowledges every alarm of its message: the message names them
  if (message.alarmIds && message.alarmIds.length > 1) query.set('notificationId', message.notificationId);
  else if (message.alarmId) query.set('alarmId', message.alarmId);
  else if (message.purpose === 'canary' && message.canaryRunId) query.set('canaryRunId', message.canaryRunId);
  if (message.contactId) query.set('contactId', message.contactId);
  const path = `/v1/webhooks/twilio/${message.tenantId}/voice`;
  // Appended, not resolved: a public URL behind a proxy may carry a path prefix.
  return `${publicApiUrl.replace(/\/+$/, '')}${path}${query.size > 0 ? `?${query}` : ''}`;
}

/** Where Twilio reports what became of a message or call (delivered, undelivered, no answer…). */
export function statusCallbackUrl(publicApiUrl: string, tenantId: string): string {
  return `${publicApiUrl.replace(/\/+$/, '')}/v1/webhooks/twilio/${tenantId}/status`;
}

/** What the call says: the alarm, then "press 1", twice, then goodbye when nobody presses anything. */
export function voiceTwiml(message: OutgoingMessage, callbackUrl: string): string {
  const text = escapeXml(message.body);
  const prompt = message.alarmId
    ? ' Press 1 to acknowledge this alarm.'
    : message.purpose === 'canary'
      ? ' Press 1 to acknowledge this canary call.'
      : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?><Response>' +
    `<Gather numDigits="1" timeout="8" action="${escapeXml(callbackUrl)}" method="POST">` +
    `<Say>${text}.${prompt}</Say><Pause length="1"/><Say>${text}.${prompt}</Say></Gather>` +
    '<Say>No key was pressed. Goodbye.</Say></Response>'
  );
}

export function twiml(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;
}

async function twilioPost(
  options: TwilioOptions,
  twilio: NonNullable<TenantNotifyConfig['twilio']>,
  resource: 'Messages' | 'Calls',
  form: Record<string, string>,
): Promise<{ providerMessageId: string }> {
  const base = options.baseUrl ?? TWILIO_API_URL;
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(twilio.accountSid)}/${resource}.json`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new NotificationDeliveryError('twilio', `no answer from Twilio (${(error as Error).name})`, {
      retryable: true,
      cause: error,
    });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const detail = twilioErrorSchema.safeParse(body);
    const what = detail.success ? `${detail.data.code ?? ''} ${detail.data.message ?? ''}`.trim() : '';
    // 4xx other than 429 is a bad number, a bad sender or bad credentials: retrying will not help.
    throw new NotificationDeliveryError('twilio', `HTTP ${response.status}${what ? `: ${what}` : ''}`, {
      retryable: response.status >= 500 || response.status === 429,
    });
  }
  const resourceBody = twilioResourceSchema.safeParse(body);
  if (!resourceBody.success) {
    throw new NotificationDeliveryError('twilio', 'answer without a sid', { retryable: false });
  }
  return { providerMessageId: resourceBody.data.sid };
}

function needTwilio(config: TenantNotifyConfig) {
  if (!config.twilio) {
    throw new NotificationDeliveryError(
      'twilio',
      'the tenant has no Twilio account SID, from number and auth token in its notification settings',
      { retryable: false },
    );
  }
  return config.twilio;
}

export function createTwilioSmsSender(options: TwilioOptions): ChannelSender {
  return {
    provider: 'twilio',
    async send(message, config) {
      const twilio = needTwilio(config);
      return twilioPost(options, twilio, 'Messages', {
        To: message.to,
        From: twilio.fromNumber,
        // One SMS segment is 160 GSM characters; Twilio concatenates longer ones, up to 1600.
        Body: message.body.slice(0, 1600),
        StatusCallback: statusCallbackUrl(options.publicApiUrl(), message.tenantId),
      });
    },
  };
}

/** WhatsApp through the same Messages resource: both numbers carry the `whatsapp:` prefix. */
export function createTwilioWhatsAppSender(options: TwilioOptions): ChannelSender {
  return {
    provider: 'twilio',
    async send(message, config) {
      const twilio = needTwilio(config);
      return twilioPost(options, twilio, 'Messages', {
        To: `whatsapp:${message.to}`,
        From: `whatsapp:${config.whatsappFromNumber ?? twilio.fromNumber}`,
        Body: message.body.slice(0, 1600),
        StatusCallback: statusCallbackUrl(options.publicApiUrl(), message.tenantId),
      });
    },
  };
}

export function createTwilioVoiceSender(options: TwilioOptions): ChannelSender {
  return {
    provider: 'twilio',
    async send(message, config) {
      const twilio = needTwilio(config);
      return twilioPost(options, twilio, 'Calls', {
        To: message.to,
        From: twilio.fromNumber,
        Twiml: voiceTwiml(message, voiceCallbackUrl(options.publicApiUrl(), message)),
        StatusCallback: statusCallbackUrl(options.publicApiUrl(), message.tenantId),
      });
    },
  };
}

/**
 * X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, of the full URL Twilio called
 * followed by every POST parameter as name then value, sorted by name.
 * https://www.twilio.com/docs/usage/security#validating-requests
 */
export function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]>): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1));
  const data = url + sorted.map(([name, value]) => name + value).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Iterable<[string, string]>,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
