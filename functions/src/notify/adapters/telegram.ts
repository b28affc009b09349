// Telegram through its Bot API (plain fetch; the base URL is configurable so tests run against a
// stand-in on 127.0.0.1): sendMessage for pages, getMe and setWebhook for the tenant's settings, and
// the checks of what Telegram posts to the webhook (the secret-token header, the Update's shape).
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { TelegramBotApi } from '../ports.ts';
import { type ChannelSender, NotificationDeliveryError } from '../sender.ts';

export const TELEGRAM_API_URL = 'https://api.telegram.org';
/** Telegram refuses longer texts. */
const MAX_TEXT = 4096;

export interface TelegramOptions {
  /** https://api.telegram.org unless a test points it at a stand-in. */
  baseUrl?: string;
  timeoutMs?: number;
}

/** Telegram answered ok: false (or not at all); `status` is its error_code, 0 when unreachable. */
export class TelegramApiError extends Error {
  readonly status: number;
  readonly retryAfterSeconds: number | null;
  constructor(status: number, message: string, retryAfterSeconds: number | null, cause?: unknown) {
    super(message, { cause });
    this.name = 'TelegramApiError';
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const answerSchema = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional() }).optional(),
});

async function call(
  options: TelegramOptions,
  botToken: string,
  method: string,
  body: Record<string, unknown>,
): Promise<unknown> {
  // the token is in the path: it must never reach a log or an error message
  const url = `${options.baseUrl ?? TELEGRAM_API_URL}/bot${botToken}/${method}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new TelegramApiError(0, `no answer from Telegram (${(error as Error).name})`, null, error);
  }
  let parsed: z.infer<typeof answerSchema> | undefined;
  try {
    const answer = answerSchema.safeParse(JSON.parse(await response.text()));
    parsed = answer.success ? answer.data : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed?.ok) {
    const status = parsed?.error_code ?? response.status;
    const description = (parsed?.description ?? `HTTP ${response.status}`).slice(0, 300);
    throw new TelegramApiError(status, description, parsed?.parameters?.retry_after ?? null);
  }
  return parsed.result;
}

const sentSchema = z.object({ message_id: z.number(), chat: z.object({ id: z.number() }) });

/** The provider message id of a Telegram message: message ids are unique per chat only. */
export const telegramMessageId = (chatId: string | number, messageId: number) => `${chatId}:${messageId}`;

export function createTelegramSender(options: TelegramOptions = {}): ChannelSender {
  return {
    provider: 'telegram',
    async send(message, config) {
      if (!config.telegram) {
        throw new NotificationDeliveryError(
          'telegram',
          'the tenant has no Telegram bot token in its notification settings',
          { retryable: false },
        );
      }
      try {
        const result = await call(options, config.telegram.botToken, 'sendMessage', {
          chat_id: message.to,
          text: message.body.slice(0, MAX_TEXT),
          link_preview_options: { is_disabled: true },
        });
        const sent = sentSchema.safeParse(result);
        if (!sent.success) {
          throw new NotificationDeliveryError('telegram', 'answer without a message_id', {
            retryable: false,
          });
        }
        return { providerMessageId: telegramMessageId(message.to, sent.data.message_id) };
      } catch (error) {
        if (!(error instanceof TelegramApiError)) throw error;
        // 429 and 5xx pass; 400 (chat not found), 401 (token revoked), 403 (bot blocked) do not
        const retryable = error.status === 0 || error.status === 429 || error.status >= 500;
        throw new NotificationDeliveryError(
          'telegram',
          `${error.status || 'unreachable'}: ${error.message}`,
          {
            retryable,
            cause: error,
          },
        );
      }
    },
  };
}

const meSchema = z.object({ username: z.string().min(1) });

export function createTelegramBotApi(options: TelegramOptions = {}): TelegramBotApi {
  return {
    async getMe(botToken) {
      const me = meSchema.safeParse(await call(options, botToken, 'getMe', {}));
      if (!me.success) throw new TelegramApiError(502, 'getMe answered without a username', null);
      return { username: me.data.username };
    },
    async setWebhook(botToken, webhook) {
      await call(options, botToken, 'setWebhook', {
        url: webhook.url,
        secret_token: webhook.secretToken,
        allowed_updates: ['message'],
      });
    },
  };
}

/** Telegram's X-Telegram-Bot-Api-Secret-Token against the tenant's, in constant time. */
export function verifyTelegramSecret(expected: string | undefined, given: string | undefined): boolean {
  if (!expected || !given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The secret_token Telegram allows: 1-256 of A-Z, a-z, 0-9, _ and -. */
export const TELEGRAM_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** The part of a Telegram Update the webhook reads; everything else is ignored. */
export const telegramUpdateSchema = z.object({
  update_id: z.number(),
  message: z
    .object({
      message_id: z.number(),
      chat: z.object({ id: z.number() }),
      from: z.object({ id: z.number(), username: z.string().optional() }).optional(),
      text: z.string().max(4096).optional(),
      reply_to_message: z.object({ message_id: z.number() }).optional(),
    })
    .optional(),
});
export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;
