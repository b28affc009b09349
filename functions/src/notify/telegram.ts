// Telegram (issue 12): linking a chat to a contact with a one-time code, and the bot's webhook, where
// replies acknowledge alarms. The webhook's answer is a Bot API method call in the response body
// (Telegram performs it), so answering a reply needs no outbound call from the API.
import { createHash, randomInt } from 'node:crypto';
import {
  type Contact,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  type TelegramLink,
} from '@plantwatch/shared';
import type { Principal } from '../platform/principal.ts';
import { telegramMessageId, telegramUpdateSchema, verifyTelegramSecret } from './adapters/telegram.ts';
import { answerCanaryReply } from './canary-replies.ts';
import type { NotifyUseCaseDeps } from './notify.ts';
import { acknowledgeAll, type InboundOutcome, isAckReply, recordIgnoredReply, replyText } from './replies.ts';

/** How long a link code works. */
export const TELEGRAM_LINK_TTL_MS = 15 * 60_000;
/** No 0/O or 1/I: the code may be read out and typed. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;

const hashCode = (code: string) => createHash('sha256').update(code.toUpperCase()).digest('hex');

function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A one-time code the contact sends the tenant's bot (`/start <code>`) to link their chat. */
export async function createTelegramLink(
  deps: NotifyUseCaseDeps,
  principal: Principal,
  contactId: string,
): Promise<TelegramLink> {
  const secrets = await deps.notify.secrets.get(principal.tenantId);
  const code = newCode();
  const expiresAt = new Date(deps.clock.now().getTime() + TELEGRAM_LINK_TTL_MS);
  const settings = await deps.store.inTenant(principal.tenantId, async (repos) => {
    if (!(await repos.contacts.get(contactId))) throw new NotFoundError('contact not found');
    if (!secrets.telegramBotToken) {
      throw new InvalidInputError(
        'the tenant has no Telegram bot: an admin sets its token in the notification settings (telegramBotToken) first',
      );
    }
    await repos.telegramLinkCodes.create({
      id: deps.ids.newId(),
      contactId,
      codeHash: hashCode(code),
      expiresAt,
    });
    return repos.notificationSettings.get();
  });
  const bot = settings?.telegramBotUsername ?? null;
  return {
    code,
    expiresAt: expiresAt.toISOString(),
    url: bot ? `https://t.me/${bot}?start=${code}` : null,
    botUsername: bot,
  };
}

export interface TelegramWebhookRequest {
  tenantId: string;
  /** X-Telegram-Bot-Api-Secret-Token as received. */
  secretToken: string | undefined;
  body: unknown;
}

/** What the webhook answers: a sendMessage for Telegram to perform, or nothing. */
export type TelegramAnswer = {
  method: 'sendMessage';
  chat_id: number;
  text: string;
  reply_to_message_id?: number;
} | null;

/** Links the chat to the code's contact: fills the contact's unlinked Telegram channel, or adds one. */
async function linkChat(
  deps: NotifyUseCaseDeps,
  tenantId: string,
  code: string,
  chatId: string,
): Promise<string> {
  return deps.store.inTenant(tenantId, async (repos) => {
    const used = await repos.telegramLinkCodes.use(hashCode(code), deps.clock.now());
    const contact = used ? await repos.contacts.get(used.contactId) : null;
    if (!contact) return 'This link code is not valid or has expired. Ask for a new one in Plantwatch.';
    const channels: Contact['channels'] = [...contact.channels];
    const index = channels.findIndex((channel) => channel.type === 'telegram');
    if (index >= 0) channels[index] = { type: 'telegram', address: chatId };
    else channels.push({ type: 'telegram', address: chatId });
    await repos.contacts.update(contact.id, { channels });
    return `Linked: Plantwatch alarms for ${contact.name} will come to this chat. Reply OK to an alarm to acknowledge it.`;
  });
}

/**
 * One Update from the tenant's bot. The secret-token header must match the one set with setWebhook
 * (403 otherwise, and nothing changes). `/start <code>` links the chat; from a linked chat, an
 * acknowledgement word acknowledges the alarms of the message replied to, or else of the chat's last
 * page; anything else gets a short help answer. A chat no contact is linked to is ignored.
 */
export async function receiveTelegramUpdate(
  deps: NotifyUseCaseDeps,
  request: TelegramWebhookRequest,
): Promise<TelegramAnswer> {
  const secrets = await deps.notify.secrets.get(request.tenantId);
  if (!verifyTelegramSecret(secrets.telegramWebhookSecret, request.secretToken)) {
    throw new ForbiddenError('the X-Telegram-Bot-Api-Secret-Token header is missing or does not match');
  }
  // anything but a text message (an edit, a photo, a member update) is acknowledged and left alone:
  // an error answer would only make Telegram send it again
  const update = telegramUpdateSchema.safeParse(request.body);
  const message = update.success ? update.data.message : undefined;
  if (!message?.text) return null;
  const chatId = String(message.chat.id);
  const answer = (text: string | null): TelegramAnswer =>
    text
      ? { method: 'sendMessage', chat_id: message.chat.id, text, reply_to_message_id: message.message_id }
      : null;

  const start = /^\/start(?:@\w+)?(?:\s+([A-Za-z0-9]{4,64}))?\s*$/.exec(message.text.trim());
  if (start) {
    if (!start[1]) return answer('Send the link code from Plantwatch: /start <code>.');
    return answer(await linkChat(deps, request.tenantId, start[1], chatId));
  }

  const paged = await deps.store.inTenant(request.tenantId, async (repos) => {
    const linked = (await repos.contacts.list()).find((contact) =>
      contact.channels.some((channel) => channel.type === 'telegram' && channel.address === chatId),
    );
    if (!linked) return { known: false as const };
    const replyTo = message.reply_to_message?.message_id;
    const replied =
      replyTo === undefined
        ? null
        : await repos.notifications.findByProviderMessage('telegram', telegramMessageId(chatId, replyTo));
    if (replied) {
      return {
        known: true as const,
        contactId: linked.id,
        alarms: { alarmIds: replied.alarmIds, purpose: replied.purpose, canaryRunId: replied.canaryRunId },
      };
    }
    const last = await repos.notifications.lastAlarmFor(chatId, ['telegram']);
    return { known: true as const, contactId: linked.id, alarms: last };
  });
  if (!paged.known) {
    recordIgnoredReply(deps.notify.metrics, request.tenantId, 'telegram', chatId);
    return null;
  }
  let alarms = paged.alarms;
  const canaryRunId = alarms?.purpose === 'canary' ? alarms.canaryRunId : null;
  if (canaryRunId) {
    const answered = await answerCanaryReply(deps, {
      tenantId: request.tenantId,
      runId: canaryRunId,
      text: message.text,
      who: `Telegram reply from chat ${chatId}`,
      via: 'telegram',
      alarmPage: () =>
        deps.store.inTenant(request.tenantId, (repos) =>
          repos.notifications.lastAlarmFor(chatId, ['telegram'], { alarmsOnly: true }),
        ),
    });
    if ('outcome' in answered) return answer(replyText(answered.outcome));
    alarms = answered.alarmPage;
  }
  let outcome: InboundOutcome;
  if (!alarms || alarms.alarmIds.length === 0) {
    outcome = alarms?.purpose === 'test' ? { kind: 'test-message' } : { kind: 'nothing-to-acknowledge' };
  } else if (!isAckReply(message.text)) {
    outcome = { kind: 'not-an-acknowledgement' };
  } else {
    outcome = await acknowledgeAll(deps, {
      tenantId: request.tenantId,
      alarmIds: alarms.alarmIds,
      contactId: paged.contactId,
      who: `Telegram chat ${chatId}`,
      channel: 'telegram',
      comment: `Telegram reply from chat ${chatId}: ${message.text.slice(0, 160)}`,
    });
  }
  return answer(replyText(outcome));
}
