'use server';
// Trying a contact's channels from the contact page (POST /v1/contacts/{id}/test) and linking a
// Telegram chat (POST /v1/contacts/{id}/telegram-link), engineers and above. Each answers what the
// page shows beside the channel: the test's result, the API's reason for a 422, or the link.
import 'server-only';
import { contactTestResultSchema, idSchema, telegramLinkSchema } from '@plantwatch/shared';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { RoleTooLowError, viewerWithRole } from './viewer.ts';

export type ChannelTestOutcome =
  | { kind: 'sent'; status: string; provider: string }
  | { kind: 'refused'; error: string }
  | { kind: 'error'; message: string };

export type TelegramLinkOutcome =
  | { kind: 'link'; code: string; url: string | null; expiresAt: string; botUsername: string | null }
  | { kind: 'error'; message: string };

async function failure(error: unknown): Promise<{ kind: 'error'; message: string }> {
  const t = await getTranslations();
  if (error instanceof RoleTooLowError)
    return { kind: 'error', message: t('errors.denied', { role: t(`roles.${error.needed}`) }) };
  if (error instanceof ApiUnavailableError) return { kind: 'error', message: t('errors.apiDown') };
  // 422 says what to fix (a phone number in an e-mail channel, no Telegram bot, a chat not linked)
  if (error instanceof ApiError && error.status < 500)
    // The API names the field first ("channels.1.address: …"); beside the channel that is said already.
    return { kind: 'error', message: (error.issues[0]?.message ?? error.message).replace(/^[\w.]+: /, '') };
  console.error('web: a contact channel action failed', error);
  return { kind: 'error', message: t('errors.generic') };
}

export async function testContactChannel(contactId: string, channel: number): Promise<ChannelTestOutcome> {
  try {
    const viewer = await viewerWithRole('engineer');
    const result = contactTestResultSchema.parse(
      await callApi('POST', `/v1/contacts/${encodeURIComponent(idSchema.parse(contactId))}/test`, {
        token: viewer.token,
        body: { channel: z.number().int().min(0).parse(channel) },
      }),
    );
    return result.ok
      ? { kind: 'sent', status: result.notification.status, provider: result.notification.provider }
      : { kind: 'refused', error: result.error ?? result.notification.error ?? '' };
  } catch (error) {
    return failure(error);
  }
}

export async function linkTelegram(contactId: string): Promise<TelegramLinkOutcome> {
  try {
    const viewer = await viewerWithRole('engineer');
    const link = telegramLinkSchema.parse(
      await callApi('POST', `/v1/contacts/${encodeURIComponent(idSchema.parse(contactId))}/telegram-link`, {
        token: viewer.token,
      }),
    );
    return { kind: 'link', ...link };
  } catch (error) {
    return failure(error);
  }
}
