// Notifications (issue #5): the outbox / message log, notification settings, and the inbound routes
// that acknowledge alarms from outside the web app. The inbound routes carry no bearer credential:
// Twilio's requests prove themselves with X-Twilio-Signature, an e-mail link with its token.
import {
  idSchema,
  notificationSchema,
  notificationSettingsSchema,
  outboxQuerySchema,
  telegramLinkSchema,
  updateNotificationSettingsSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { HttpRequestError, RequestValidationError } from '../platform/http/errors.ts';
import { type ApiEvent, type ApiResult, json } from '../platform/http/http.ts';
import { type Method, type Route, routesOn } from '../platform/http/route.ts';
import { escapeXml, twiml } from './adapters/twilio.ts';
import type { NotifyUseCaseDeps } from './notify.ts';
import * as notify from './notify.ts';
import { replyText } from './replies.ts';
import { createTelegramLink, receiveTelegramUpdate } from './telegram.ts';

const { defineRoute } = routesOn<NotifyUseCaseDeps>();

const tenantParams = z.object({ tenantId: idSchema });
const ackParams = z.object({
  token: z.string().regex(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/, 'is not an acknowledgement link token'),
});

const textHeaders = (contentType: string): Record<string, string> => ({
  'content-type': `${contentType}; charset=utf-8`,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

function text(
  statusCode: number,
  contentType: 'text/html' | 'application/xml',
  body: string,
  extra = {},
): ApiResult {
  return { statusCode, headers: { ...textHeaders(contentType), ...extra }, body };
}

/** A route whose request or answer is not JSON; it still has a zod schema for its path. */
function defineTextRoute<P extends z.ZodType>(spec: {
  operationId: string;
  method: Method;
  path: string;
  summary: string;
  params: P;
  produces: 'text/html' | 'application/xml';
  errors?: number[];
  handle(deps: NotifyUseCaseDeps, params: z.output<P>, event: ApiEvent): Promise<ApiResult>;
}): Route<NotifyUseCaseDeps> {
  const { handle, ...description } = spec;
  return {
    ...description,
    tag: 'notifications',
    access: 'public',
    status: 200,
    async execute(event, deps) {
      const parsed = spec.params.safeParse(event.pathParameters ?? {});
      if (!parsed.success) throw new RequestValidationError('path', parsed.error);
      return handle(deps, parsed.data, event);
    },
  };
}

const MAX_FORM_BYTES = 64 * 1024;

function formParams(event: ApiEvent): [string, string][] {
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(body) > MAX_FORM_BYTES) {
    throw new HttpRequestError(413, 'payload_too_large', `the request body is over ${MAX_FORM_BYTES} bytes`);
  }
  const contentType = Object.entries(event.headers ?? {}).find(
    ([k]) => k.toLowerCase() === 'content-type',
  )?.[1];
  if (!contentType || !/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    throw new HttpRequestError(
      415,
      'unsupported_media_type',
      'send the body as application/x-www-form-urlencoded',
    );
  }
  return [...new URLSearchParams(body)];
}

function twilioRequest(event: ApiEvent, tenantId: string): notify.TwilioWebhookRequest {
  const headers = event.headers ?? {};
  const signature = Object.entries(headers).find(([k]) => k.toLowerCase() === 'x-twilio-signature')?.[1];
  const path = event.rawPath ?? `/v1/webhooks/twilio/${tenantId}`;
  return {
    tenantId,
    pathAndQuery: event.rawQueryString ? `${path}?${event.rawQueryString}` : path,
    params: formParams(event),
    signature,
    requestDomain: event.requestContext?.domainName,
  };
}

/** TwiML for an SMS or WhatsApp reply: the answer, or an empty response (an unknown sender gets none). */
const smsAnswer = (outcome: notify.InboundOutcome) => {
  const answer = replyText(outcome);
  return twiml(answer ? `<Message>${escapeXml(answer)}</Message>` : '');
};

const voiceReplies: Record<notify.InboundOutcome['kind'], (name: string) => string> = {
  acknowledged: (name) => `${name} is acknowledged. Goodbye.`,
  already: (name) => `${name} was already acknowledged. Goodbye.`,
  'nothing-to-acknowledge': () => 'There is no alarm to acknowledge. Goodbye.',
  'not-an-acknowledgement': () => 'The alarm was not acknowledged. Goodbye.',
  'test-message': () => 'That was a test call. Goodbye.',
  'canary-acknowledged': () => 'The canary is acknowledged: alarm calls reach you. Goodbye.',
  'canary-already': () => 'The canary was already acknowledged. Goodbye.',
  'canary-late': () => 'The canary was acknowledged after its deadline, so it counts as missed. Goodbye.',
  'canary-help': () => 'The canary was not acknowledged. Goodbye.',
  ignored: () => 'Goodbye.',
};

const nameOf = (outcome: notify.InboundOutcome) => ('alarmName' in outcome ? outcome.alarmName : '');

function page(title: string, message: string, form?: { action: string; button: string }): string {
  const esc = escapeXml;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)} · Plantwatch</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1.1rem;padding:.6rem 1.2rem}</style></head><body><h1>${esc(title)}</h1><p>${esc(message)}</p>${
    form
      ? `<form method="post" action="${esc(form.action)}"><button type="submit">${esc(form.button)}</button></form>`
      : ''
  }</body></html>`;
}

// The token is in the URL: no referrer may carry it elsewhere, and the page loads nothing.
const pageHeaders = {
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

const linkMessages: Record<'unknown' | 'used' | 'expired', [string, string]> = {
  unknown: ['Link not recognised', 'This acknowledgement link is not valid. Nothing was changed.'],
  used: ['Link already used', 'This acknowledgement link has already been used. Nothing was changed.'],
  expired: [
    'Link expired',
    'This acknowledgement link has expired. Nothing was changed; acknowledge the alarm in Plantwatch.',
  ],
};

const MAX_TELEGRAM_UPDATE_BYTES = 256 * 1024;

/** Telegram's webhook: JSON in, and a Bot API method (or {}) out, which Telegram then performs. */
const telegramWebhookRoute: Route<NotifyUseCaseDeps> = {
  operationId: 'receiveTelegramUpdate',
  method: 'POST',
  path: '/v1/webhooks/telegram/{tenantId}',
  summary:
    "The tenant's Telegram bot's webhook (X-Telegram-Bot-Api-Secret-Token): /start <code> links a chat to a contact; a reply such as OK acknowledges; answers with a sendMessage for Telegram to perform",
  tag: 'notifications',
  access: 'public',
  params: tenantParams,
  response: z.record(z.string(), z.unknown()),
  status: 200,
  errors: [403, 413],
  async execute(event, deps) {
    const parsed = tenantParams.safeParse(event.pathParameters ?? {});
    if (!parsed.success) throw new RequestValidationError('path', parsed.error);
    const raw = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    if (Buffer.byteLength(raw) > MAX_TELEGRAM_UPDATE_BYTES) {
      throw new HttpRequestError(
        413,
        'payload_too_large',
        `the request body is over ${MAX_TELEGRAM_UPDATE_BYTES} bytes`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = null;
    }
    const secretToken = Object.entries(event.headers ?? {}).find(
      ([key]) => key.toLowerCase() === 'x-telegram-bot-api-secret-token',
    )?.[1];
    const answer = await receiveTelegramUpdate(deps, { tenantId: parsed.data.tenantId, secretToken, body });
    return json(200, answer ?? {});
  },
};

export const notifyRoutes: Route<NotifyUseCaseDeps>[] = [
  defineRoute({
    operationId: 'listOutbox',
    method: 'GET',
    path: '/v1/outbox',
    summary: 'Every notification sent for the tenant, newest first (locally, the outbox itself)',
    tag: 'notifications',
    // Operator, not viewer: the log holds contacts' numbers and, locally, working acknowledgement links.
    access: 'operator',
    query: outboxQuerySchema,
    response: z.object({ notifications: z.array(notificationSchema) }),
    status: 200,
    handle: async ({ deps, principal, query }) => ({
      notifications: await notify.listOutbox(deps, principal, query),
    }),
  }),
  defineRoute({
    operationId: 'getNotificationSettings',
    method: 'GET',
    path: '/v1/settings/notifications',
    summary: 'Which SMS provider the tenant uses and its Twilio account (secrets only as set or not)',
    tag: 'notifications',
    access: 'admin',
    response: notificationSettingsSchema,
    status: 200,
    handle: ({ deps, principal }) => notify.getNotificationSettings(deps, principal),
  }),
  defineRoute({
    operationId: 'updateNotificationSettings',
    method: 'PUT',
    path: '/v1/settings/notifications',
    summary: 'Replace the notification settings; secrets are write-only',
    tag: 'notifications',
    access: 'admin',
    body: updateNotificationSettingsSchema,
    response: notificationSettingsSchema,
    status: 200,
    handle: ({ deps, principal, body }) => notify.updateNotificationSettings(deps, principal, body),
  }),
  defineTextRoute({
    operationId: 'receiveTwilioSms',
    method: 'POST',
    path: '/v1/webhooks/twilio/{tenantId}/sms',
    summary:
      "Twilio's incoming SMS and WhatsApp webhook (form-encoded, X-Twilio-Signature): a reply such as OK acknowledges the alarms of the message replied to, or of the number's last page; answers TwiML",
    params: tenantParams,
    produces: 'application/xml',
    errors: [403, 413, 415],
    handle: async (deps, { tenantId }, event) => {
      const outcome = await notify.receiveTwilioSms(deps, twilioRequest(event, tenantId));
      return text(200, 'application/xml', smsAnswer(outcome));
    },
  }),
  telegramWebhookRoute,
  defineRoute({
    operationId: 'createTelegramLink',
    method: 'POST',
    path: '/v1/contacts/{contactId}/telegram-link',
    summary:
      'A one-time code (15 minutes) that links a Telegram chat to the contact: the person sends the bot /start <code>, or opens the link',
    tag: 'notifications',
    access: 'engineer',
    params: z.object({ contactId: idSchema }),
    response: telegramLinkSchema,
    status: 201,
    errors: [404, 422],
    handle: ({ deps, principal, params }) => createTelegramLink(deps, principal, params.contactId),
  }),
  defineTextRoute({
    operationId: 'receiveTwilioVoice',
    method: 'POST',
    path: '/v1/webhooks/twilio/{tenantId}/voice',
    summary:
      "Twilio's keypad callback of an alarm call (form-encoded, X-Twilio-Signature): digit 1 acknowledges; answers TwiML",
    params: tenantParams,
    produces: 'application/xml',
    errors: [403, 413, 415],
    handle: async (deps, { tenantId }, event) => {
      const outcome = await notify.receiveTwilioVoice(deps, twilioRequest(event, tenantId));
      return text(
        200,
        'application/xml',
        twiml(`<Say>${escapeXml(voiceReplies[outcome.kind](nameOf(outcome)))}</Say>`),
      );
    },
  }),
  defineTextRoute({
    operationId: 'receiveTwilioStatus',
    method: 'POST',
    path: '/v1/webhooks/twilio/{tenantId}/status',
    summary:
      "Twilio's status callback for alarm SMS and calls (form-encoded, X-Twilio-Signature): marks the message delivered or failed",
    params: tenantParams,
    produces: 'application/xml',
    errors: [403, 413, 415],
    handle: async (deps, { tenantId }, event) => {
      await notify.receiveTwilioStatus(deps, twilioRequest(event, tenantId));
      return text(200, 'application/xml', twiml(''));
    },
  }),
  defineTextRoute({
    operationId: 'showAckLink',
    method: 'GET',
    path: '/v1/ack/{token}',
    summary:
      'The page an alarm e-mail links to: shows a button that acknowledges (GET itself changes nothing, so mail scanners that prefetch links do not acknowledge)',
    params: ackParams,
    produces: 'text/html',
    handle: async (deps, { token }) => {
      const state = await notify.inspectAckLink(deps, token);
      if (state.kind !== 'valid') {
        const [title, message] = linkMessages[state.kind];
        return text(state.kind === 'unknown' ? 404 : 410, 'text/html', page(title, message), pageHeaders);
      }
      return text(
        200,
        'text/html',
        page(
          state.canary ? 'Acknowledge the canary' : 'Acknowledge the alarm',
          state.canary
            ? `Acknowledge this canary test page as ${state.recipient}? It shows that alarm pages reach you.`
            : `Acknowledge this alarm as ${state.recipient}?`,
          {
            action: `/v1/ack/${encodeURIComponent(token)}`,
            button: 'Acknowledge',
          },
        ),
        pageHeaders,
      );
    },
  }),
  defineTextRoute({
    operationId: 'useAckLink',
    method: 'POST',
    path: '/v1/ack/{token}',
    summary: "Acknowledges the e-mail link's alarm: once, before the link expires",
    params: ackParams,
    produces: 'text/html',
    handle: async (deps, { token }) => {
      const outcome = await notify.useAckLink(deps, token);
      switch (outcome.kind) {
        case 'unknown':
        case 'used':
        case 'expired': {
          const [title, message] = linkMessages[outcome.kind];
          return text(outcome.kind === 'unknown' ? 404 : 410, 'text/html', page(title, message), pageHeaders);
        }
        case 'acknowledged':
          return text(
            200,
            'text/html',
            page('Acknowledged', `${outcome.alarmName} is acknowledged. Thank you.`),
            pageHeaders,
          );
        case 'already':
          return text(
            200,
            'text/html',
            page('Nothing to do', `${outcome.alarmName} was already acknowledged or is back to normal.`),
            pageHeaders,
          );
        case 'canary-acknowledged':
        case 'canary-already':
        case 'canary-late':
          return text(200, 'text/html', page('Canary', replyText(outcome) ?? 'Thank you.'), pageHeaders);
        default:
          return text(200, 'text/html', page('Nothing to do', 'This alarm no longer exists.'), pageHeaders);
      }
    },
  }),
];
