'use server';
// The viewer's home layout (ADR 0019): read for the home page and the site dashboard, and changed one
// pin at a time by the pin buttons. The API keeps the layout per user and refuses tags the user cannot
// see; this module only reads it, adds or removes one pin, and writes the whole list back.
import 'server-only';
import { type HomePin, homeLayoutSchema, homePinSchema } from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import { withPin } from '../home-pins.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { getViewer } from './viewer.ts';

export type PinResult = { ok: true; pinned: boolean } | { ok: false; message: string };

/** Pins (`pinned` true) or unpins one tag or chart; a new pin goes to the end of the home page. */
export async function setPinned(pin: HomePin, pinned: boolean): Promise<PinResult> {
  const t = await getTranslations();
  const parsed = homePinSchema.safeParse(pin);
  if (!parsed.success) return { ok: false, message: t('pin.failed') };
  try {
    const viewer = await getViewer();
    const current = homeLayoutSchema.parse(await callApi('GET', '/v1/me/layout', { token: viewer.token }));
    const pins = withPin(current.pins, parsed.data, pinned);
    await callApi('PUT', '/v1/me/layout', { token: viewer.token, body: { pins } });
    revalidatePath('/');
    return { ok: true, pinned };
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) return { ok: false, message: error.message };
    if (error instanceof ApiUnavailableError) return { ok: false, message: t('errors.apiDown') };
    console.error('web: changing the home layout failed', error);
    return { ok: false, message: t('pin.failed') };
  }
}
