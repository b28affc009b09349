// Notifications (issue #5): the outbox / message log, per-tenant notification settings, and
// acknowledgement from outside the web app (an SMS reply, a keypress on a call, an e-mail link).
import { randomBytes } from 'node:crypto';
import {
  type ContactChannelType,
  ForbiddenError,
  InvalidInputError,
  type Notification,
  type NotificationSettings,
  type OutboxQuery,
  type UpdateNotificationSettings,
} from '@plantwatch/shared';
import type { AlarmDeps, AlarmStoreRepositories } from '../alarms/alarms.ts';
import type { CanaryRepositories } from '../canary/ports.ts';
import type { PeopleRepositories } from '../people/ports.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { Metrics } from '../platform/metrics.ts';
import type { Principal } from '../platform/principal.ts';
import { TelegramApiError } from './adapters/telegram.ts';
import { verifyTwilioSignature } from './adapters/twilio.ts';
import { acknowledgeCanaryByReply, answerCanaryReply } from './canary-replies.ts';
import { hashAckToken } from './notifier.ts';
import type { NotificationSecrets, NotificationSecretValues, TelegramBotApi } from './ports.ts';
import { acknowledgeAll, type InboundOutcome, isAckReply, recordIgnoredReply } from './replies.ts';
import type { NotificationRecord, NotifyRepositories } from './repositories.ts';
import type { TenantNotifyConfig } from './sender.ts';

export { ACK_REPLY_WORDS, type InboundOutcome, isAckReply } from './replies.ts';

/** What the notification use-cases need besides the common ports. */
export interface NotifyDeps {
  secrets: NotificationSecrets;
  /**
   * The base URL the outside world reaches this API on (PUBLIC_API_URL). Twilio signs the URL it
   * called, so behind a proxy or a custom domain the signature only checks out against this one.
   * Throws when it is not configured.
   */
  publicApiUrl: () => string;
  /**
   * AWS without PUBLIC_API_URL: inbound webhooks take the public URL from API Gateway's
   * requestContext.domainName, a domain API Gateway routed to this API (it answers no other Host).
   * Never locally, where Host is the client's word.
   */
  publicUrlFromRequestDomain: boolean;
  /** SNS on AWS; locally it only matters once a tenant sets Twilio up. */
  defaultSmsProvider: 'sns' | 'twilio';
  /**
   * Locally: give each tenant a webhook signing secret and a Twilio auth token on first use (so replies
   * can be simulated with valid signatures). On AWS the sending functions only read secrets; an admin
   * sets them with PUT /v1/settings/notifications.
   */
  generateMissingSecrets: boolean;
  /** The Bot API calls the settings make when a tenant saves its bot's token. */
  telegram: TelegramBotApi;
  /** Counts ignored replies and canary acknowledgements (Prometheus locally, EMF on AWS). */
  metrics?: Metrics | undefined;
}

/**
 * The ports the notification use-cases run on: the outbox and settings, the alarms they acknowledge
 * (and the canary runs), and the contacts a Telegram chat is linked to.
 */
export interface NotifyUseCaseDeps extends Omit<AlarmDeps, 'store'> {
  store: TenantStore<
    NotifyRepositories &
      AlarmStoreRepositories &
      Pick<PeopleRepositories, 'contacts'> &
      Pick<CanaryRepositories, 'canaryRuns'>
  >;
  notify: NotifyDeps;
}

/** `base` may carry a path prefix (a proxy's), so the path is appended, not resolved against it. */
export const joinUrl = (base: string, pathAndQuery: string) => `${base.replace(/\/+$/, '')}${pathAndQuery}`;

const newSecret = () => randomBytes(32).toString('base64url');

/**
 * The tenant's settings with secrets, as the adapters need them. Missing secrets that the service
 * may choose itself (the webhook signing secret, the local Twilio auth token) are generated once.
 */
export async function loadTenantNotifyConfig(
  deps: { store: TenantStore<Pick<NotifyRepositories, 'notificationSettings'>>; notify: NotifyDeps },
  tenantId: string,
): Promise<TenantNotifyConfig> {
  const settings = await deps.store.inTenant(tenantId, (repos) => repos.notificationSettings.get());
  let secrets = await deps.notify.secrets.get(tenantId);
  if (deps.notify.generateMissingSecrets && (!secrets.webhookSigningSecret || !secrets.twilioAuthToken)) {
    secrets = {
      ...secrets,
      webhookSigningSecret: secrets.webhookSigningSecret ?? newSecret(),
      twilioAuthToken: secrets.twilioAuthToken ?? newSecret(),
    };
    await deps.notify.secrets.put(tenantId, secrets);
  }
  const sid = settings?.twilioAccountSid ?? null;
  const from = settings?.twilioFromNumber ?? null;
  const token = secrets.twilioAuthToken ?? null;
  return {
    tenantId,
    smsProvider: settings?.smsProvider ?? deps.notify.defaultSmsProvider,
    twilio: sid && from && token ? { accountSid: sid, fromNumber: from, authToken: token } : null,
    twilioAuthToken: token,
    webhookSigningSecret: secrets.webhookSigningSecret ?? null,
    whatsappFromNumber: settings?.twilioWhatsAppFromNumber ?? null,
    telegram: secrets.telegramBotToken ? { botToken: secrets.telegramBotToken } : null,
    floodWindowSeconds: settings?.floodWindowSeconds ?? DEFAULT_FLOOD_WINDOW_SECONDS,
  };
}

export const DEFAULT_FLOOD_WINDOW_SECONDS = 30;

/** Where Telegram posts the tenant's bot's updates; null where the public URL is not configured. */
export function telegramWebhookUrl(deps: { notify: NotifyDeps }, tenantId: string): string | null {
  try {
    return joinUrl(deps.notify.publicApiUrl(), `/v1/webhooks/telegram/${tenantId}`);
  } catch {
    return null;
  }
}

export const toNotification = ({ summary: _s, fallbacks: _f, ...n }: NotificationRecord): Notification => ({
  ...n,
  flushAt: n.flushAt?.toISOString() ?? null,
  createdAt: n.createdAt.toISOString(),
  updatedAt: n.updatedAt.toISOString(),
  sentAt: n.sentAt?.toISOString() ?? null,
});

export const listOutbox = (deps: NotifyUseCaseDeps, principal: Principal, query: OutboxQuery) =>
  deps.store.inTenant(principal.tenantId, async (repos) =>
    (await repos.notifications.list(query)).map(toNotification),
  );

export async function getNotificationSettings(
  deps: NotifyUseCaseDeps,
  principal: Principal,
): Promise<NotificationSettings> {
  const settings = await deps.store.inTenant(principal.tenantId, (repos) => repos.notificationSettings.get());
  const secrets = await deps.notify.secrets.get(principal.tenantId);
  const telegramSet = Boolean(secrets.telegramBotToken);
  return {
    smsProvider: settings?.smsProvider ?? deps.notify.defaultSmsProvider,
    twilioAccountSid: settings?.twilioAccountSid ?? null,
    twilioFromNumber: settings?.twilioFromNumber ?? null,
    twilioAuthTokenSet: Boolean(secrets.twilioAuthToken),
    twilioWhatsAppFromNumber: settings?.twilioWhatsAppFromNumber ?? null,
    webhookSigningSecretSet: Boolean(secrets.webhookSigningSecret),
    telegramBotTokenSet: telegramSet,
    telegramBotUsername: telegramSet ? (settings?.telegramBotUsername ?? null) : null,
    telegramWebhookUrl: telegramSet ? telegramWebhookUrl(deps, principal.tenantId) : null,
    telegramWebhookError: telegramSet ? (settings?.telegramWebhookError ?? null) : null,
    floodWindowSeconds: settings?.floodWindowSeconds ?? DEFAULT_FLOOD_WINDOW_SECONDS,
    updatedAt: settings?.updatedAt.toISOString() ?? null,
  };
}

/**
 * A new bot token: checked with Telegram (getMe names the bot; a refused token changes nothing), then
 * the bot's webhook is pointed at this API with a fresh secret token. A webhook Telegram refuses (it
 * needs a public https:// URL) is kept as the settings' telegramWebhookError: sending still works.
 */
async function registerTelegramBot(
  deps: NotifyUseCaseDeps,
  tenantId: string,
  botToken: string,
): Promise<{ secrets: NotificationSecretValues; username: string; webhookError: string | null }> {
  let username: string;
  try {
    username = (await deps.notify.telegram.getMe(botToken)).username;
  } catch (error) {
    if (!(error instanceof TelegramApiError)) throw error;
    throw new InvalidInputError(
      error.status === 0
        ? `telegramBotToken: Telegram could not be reached to check the token (${error.message}); nothing was changed, try again`
        : `telegramBotToken: Telegram refused the token (${error.message}); nothing was changed`,
      { details: { field: 'telegramBotToken' } },
    );
  }
  const telegramWebhookSecret = randomBytes(32).toString('base64url');
  const url = telegramWebhookUrl(deps, tenantId);
  let webhookError: string | null = null;
  if (!url) {
    webhookError = 'the public URL of the API (PUBLIC_API_URL) is not set, so Telegram cannot reach it';
  } else {
    try {
      await deps.notify.telegram.setWebhook(botToken, { url, secretToken: telegramWebhookSecret });
    } catch (error) {
      if (!(error instanceof TelegramApiError)) throw error;
      webhookError = `Telegram refused the webhook ${url}: ${error.message}`;
    }
  }
  return { secrets: { telegramBotToken: botToken, telegramWebhookSecret }, username, webhookError };
}

export async function updateNotificationSettings(
  deps: NotifyUseCaseDeps,
  principal: Principal,
  input: UpdateNotificationSettings,
): Promise<NotificationSettings> {
  const current = await deps.notify.secrets.get(principal.tenantId);
  const existingSettings = await deps.store.inTenant(principal.tenantId, (repos) =>
    repos.notificationSettings.get(),
  );
  let telegram = {
    username: existingSettings?.telegramBotUsername ?? null,
    webhookError: existingSettings?.telegramWebhookError ?? null,
    secrets: {} as NotificationSecretValues,
  };
  if (typeof input.telegramBotToken === 'string') {
    telegram = await registerTelegramBot(deps, principal.tenantId, input.telegramBotToken);
  } else if (input.telegramBotToken === null) {
    telegram = { username: null, webhookError: null, secrets: {} };
  }
  const keptTelegram =
    input.telegramBotToken === undefined
      ? { telegramBotToken: current.telegramBotToken, telegramWebhookSecret: current.telegramWebhookSecret }
      : telegram.secrets;
  // Written first: the settings row the database variant keeps them in is then replaced below with them.
  const secrets = {
    ...current,
    telegramBotToken: keptTelegram.telegramBotToken,
    telegramWebhookSecret: keptTelegram.telegramWebhookSecret,
    ...(input.twilioAuthToken === undefined ? {} : { twilioAuthToken: input.twilioAuthToken ?? undefined }),
    ...(input.webhookSigningSecret === undefined
      ? {}
      : { webhookSigningSecret: input.webhookSigningSecret ?? newSecret() }),
  };
  await deps.notify.secrets.put(principal.tenantId, secrets);
  await deps.store.inTenant(principal.tenantId, async (repos) => {
    const existing = await repos.notificationSettings.get();
    await repos.notificationSettings.put(
      {
        smsProvider: input.smsProvider,
        twilioAccountSid: input.twilioAccountSid,
        twilioFromNumber: input.twilioFromNumber,
        twilioWhatsAppFromNumber: input.twilioWhatsAppFromNumber,
        floodWindowSeconds: input.floodWindowSeconds,
        telegramBotUsername: telegram.username,
        telegramWebhookError: telegram.webhookError,
        secrets: existing?.secrets ?? null,
      },
      deps.clock.now(),
    );
  });
  return getNotificationSettings(deps, principal);
}

export interface TwilioWebhookRequest {
  tenantId: string;
  /** Path and query as received, e.g. /v1/webhooks/twilio/…/voice?alarmId=…; joined to publicApiUrl. */
  pathAndQuery: string;
  params: [string, string][];
  signature: string | undefined;
  /** API Gateway's requestContext.domainName, used only where the runtime trusts it. */
  requestDomain?: string | undefined;
}

/** Checks X-Twilio-Signature with the tenant's auth token; a tenant without one refuses everything. */
async function verifyTwilioRequest(deps: NotifyUseCaseDeps, request: TwilioWebhookRequest): Promise<void> {
  const secrets = await deps.notify.secrets.get(request.tenantId);
  const base =
    deps.notify.publicUrlFromRequestDomain && request.requestDomain
      ? `https://${request.requestDomain}`
      : deps.notify.publicApiUrl();
  const url = joinUrl(base, request.pathAndQuery);
  if (
    !secrets.twilioAuthToken ||
    !verifyTwilioSignature(secrets.twilioAuthToken, url, request.params, request.signature)
  ) {
    throw new ForbiddenError('the X-Twilio-Signature header is missing or does not match this request');
  }
}

const param = (params: [string, string][], name: string) => params.find(([key]) => key === name)?.[1];

/**
 * An SMS or WhatsApp message to the tenant's Twilio number. It answers the message it replies to
 * (WhatsApp's OriginalRepliedMessageSid) or else the alarms that number was last paged about on that
 * channel; a number never paged there is ignored (logged and counted, no answer).
 */
export async function receiveTwilioSms(
  deps: NotifyUseCaseDeps,
  request: TwilioWebhookRequest,
): Promise<InboundOutcome> {
  await verifyTwilioRequest(deps, request);
  const rawFrom = param(request.params, 'From') ?? '';
  const whatsapp = rawFrom.startsWith('whatsapp:');
  const from = whatsapp ? rawFrom.slice('whatsapp:'.length) : rawFrom;
  const text = param(request.params, 'Body') ?? '';
  const repliedTo = param(request.params, 'OriginalRepliedMessageSid');
  const channels: ContactChannelType[] = whatsapp ? ['whatsapp'] : ['sms', 'voice'];
  let paged = await deps.store.inTenant(request.tenantId, async (repos) => {
    const replied = repliedTo ? await repos.notifications.findByProviderMessage('twilio', repliedTo) : null;
    if (replied && replied.recipient === from) {
      return {
        alarmIds: replied.alarmIds,
        contactId: replied.contactId,
        purpose: replied.purpose,
        canaryRunId: replied.canaryRunId,
      };
    }
    return repos.notifications.lastAlarmFor(from, channels);
  });
  if (!paged) {
    recordIgnoredReply(deps.notify.metrics, request.tenantId, whatsapp ? 'whatsapp' : 'sms', from);
    return { kind: 'ignored' };
  }
  if (paged.purpose === 'canary' && paged.canaryRunId) {
    const answered = await answerCanaryReply(deps, {
      tenantId: request.tenantId,
      runId: paged.canaryRunId,
      text,
      who: `${whatsapp ? 'WhatsApp' : 'SMS'} reply from ${from}`,
      via: whatsapp ? 'whatsapp' : 'sms',
      alarmPage: () =>
        deps.store.inTenant(request.tenantId, (repos) =>
          repos.notifications.lastAlarmFor(from, channels, { alarmsOnly: true }),
        ),
    });
    if ('outcome' in answered) return answered.outcome;
    paged = answered.alarmPage;
  }
  if (paged.purpose === 'test') return { kind: 'test-message' };
  if (!isAckReply(text)) return { kind: 'not-an-acknowledgement' };
  return acknowledgeAll(deps, {
    tenantId: request.tenantId,
    alarmIds: paged.alarmIds,
    contactId: paged.contactId,
    who: from,
    channel: whatsapp ? 'whatsapp' : 'sms',
    comment: `${whatsapp ? 'WhatsApp' : 'SMS'} reply from ${from}: ${text.slice(0, 160)}`,
  });
}

/**
 * The keypad callback of an alarm call. The alarm (or a digest's message) and contact come from the
 * callback URL the call was placed with (Twilio signs it); a call without them falls back to the
 * number's last page.
 */
export async function receiveTwilioVoice(
  deps: NotifyUseCaseDeps,
  request: TwilioWebhookRequest,
): Promise<InboundOutcome> {
  await verifyTwilioRequest(deps, request);
  if (param(request.params, 'Digits') !== '1') return { kind: 'not-an-acknowledgement' };
  const query = new URL(request.pathAndQuery, 'http://x').searchParams;
  const called = param(request.params, 'To') ?? '';
  const fromUrl = query.get('alarmId');
  const digest = query.get('notificationId');
  const canaryRunId = query.get('canaryRunId');
  if (canaryRunId) {
    return acknowledgeCanaryByReply(deps, {
      tenantId: request.tenantId,
      runId: canaryRunId,
      who: `pressed 1 on the canary call to ${called}`,
      via: 'voice',
    });
  }
  const paged = await deps.store.inTenant(request.tenantId, async (repos) => {
    if (digest) {
      const message = await repos.notifications.get(digest);
      return message ? { alarmIds: message.alarmIds, contactId: message.contactId } : null;
    }
    if (fromUrl) return { alarmIds: [fromUrl], contactId: query.get('contactId') };
    return repos.notifications.lastAlarmFor(called, ['voice']);
  });
  if (!paged) return { kind: 'nothing-to-acknowledge' };
  if ('canaryRunId' in paged && paged.canaryRunId) {
    return acknowledgeCanaryByReply(deps, {
      tenantId: request.tenantId,
      runId: paged.canaryRunId,
      who: `pressed 1 on the canary call to ${called}`,
      via: 'voice',
    });
  }
  return acknowledgeAll(deps, {
    tenantId: request.tenantId,
    alarmIds: paged.alarmIds,
    contactId: paged.contactId,
    who: called,
    channel: 'voice',
    comment: `Pressed 1 on the alarm call to ${called}`,
  });
}

/** Twilio's final word on a message or call: delivered, or failed with the reason; interim states say nothing. */
export function twilioOutcome(
  params: [string, string][],
): { status: 'delivered' | 'failed'; error: string | null } | null {
  const messageStatus = param(params, 'MessageStatus');
  const callStatus = param(params, 'CallStatus');
  const code = param(params, 'ErrorCode');
  if (messageStatus === 'delivered') return { status: 'delivered', error: null };
  if (messageStatus === 'undelivered' || messageStatus === 'failed') {
    return { status: 'failed', error: `twilio: message ${messageStatus}${code ? ` (error ${code})` : ''}` };
  }
  // A call that was answered is delivered (the keypress, if any, arrives on its own callback).
  if (callStatus === 'completed') return { status: 'delivered', error: null };
  if (
    callStatus === 'busy' ||
    callStatus === 'no-answer' ||
    callStatus === 'failed' ||
    callStatus === 'canceled'
  ) {
    return { status: 'failed', error: `twilio: call ${callStatus}` };
  }
  return null;
}

/** Twilio's status callback: records delivered or failed on the message it names. */
export async function receiveTwilioStatus(
  deps: NotifyUseCaseDeps,
  request: TwilioWebhookRequest,
): Promise<void> {
  await verifyTwilioRequest(deps, request);
  const sid = param(request.params, 'MessageSid') ?? param(request.params, 'CallSid');
  const outcome = twilioOutcome(request.params);
  if (!sid || !outcome) return;
  await deps.store.inTenant(request.tenantId, (repos) =>
    repos.notifications.markOutcome('twilio', sid, { ...outcome, at: deps.clock.now() }),
  );
}

export type AckLinkState =
  /** `canary`: the link of a canary test page (it acknowledges the canary run, not an alarm). */
  | { kind: 'valid'; recipient: string; canary: boolean }
  | { kind: 'unknown' }
  | { kind: 'used' }
  | { kind: 'expired' };

const tokenPattern = /^([0-9a-f-]{36})\.[A-Za-z0-9_-]{43}$/;

async function findAckToken(deps: NotifyUseCaseDeps, token: string) {
  const tenantId = tokenPattern.exec(token)?.[1];
  if (!tenantId) return null;
  const found = await deps.store.inTenant(tenantId, (repos) =>
    repos.ackTokens.findByHash(hashAckToken(token)),
  );
  return found && found.tenantId === tenantId ? found : null;
}

/** What an e-mail acknowledgement link would do, without doing it (GET: mail scanners prefetch links). */
export async function inspectAckLink(deps: NotifyUseCaseDeps, token: string): Promise<AckLinkState> {
  const found = await findAckToken(deps, token);
  if (!found) return { kind: 'unknown' };
  if (found.usedAt) return { kind: 'used' };
  if (found.expiresAt.getTime() <= deps.clock.now().getTime()) return { kind: 'expired' };
  return { kind: 'valid', recipient: found.recipient, canary: found.canaryRunId !== null };
}

/** Follows an e-mail acknowledgement link: once, before it expires, for its own tenant's alarm only. */
export async function useAckLink(
  deps: NotifyUseCaseDeps,
  token: string,
): Promise<AckLinkState | InboundOutcome> {
  const found = await findAckToken(deps, token);
  if (!found) return { kind: 'unknown' };
  const now = deps.clock.now();
  if (found.usedAt) return { kind: 'used' };
  if (found.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
  // Exactly one request wins the token, even when two arrive together.
  const won = await deps.store.inTenant(found.tenantId, (repos) => repos.ackTokens.use(found.id, now));
  if (!won) return { kind: 'used' };
  if (found.canaryRunId) {
    return acknowledgeCanaryByReply(deps, {
      tenantId: found.tenantId,
      runId: found.canaryRunId,
      who: `e-mail link followed by ${found.recipient}`,
      via: 'email',
    });
  }
  return acknowledgeAll(deps, {
    tenantId: found.tenantId,
    alarmIds: found.alarmIds,
    contactId: found.contactId,
    who: found.recipient,
    channel: 'email',
    comment: `E-mail link followed by ${found.recipient}`,
  });
}
