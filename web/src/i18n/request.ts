// next-intl's per-request configuration: the language (the user's saved choice, else this browser's
// cookie, else Accept-Language), its messages, and the time zone times are shown in (the user's saved
// zone, else the browser's, remembered in a cookie; else UTC).
import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import type { en } from '../messages/en/index.ts';
import { messages } from '../messages/index.ts';
import { loadUserPreferences } from '../server/preferences-data.ts';
import { isLocale, LOCALE_COOKIE, localeFromAcceptLanguage } from './locales.ts';
import { TIME_ZONE_COOKIE, validTimeZone } from './time-zone.ts';

export default getRequestConfig(async () => {
  const [jar, incoming, saved] = await Promise.all([cookies(), headers(), loadUserPreferences()]);
  const chosen = saved?.language ?? jar.get(LOCALE_COOKIE)?.value;
  const locale = isLocale(chosen) ? chosen : localeFromAcceptLanguage(incoming.get('accept-language'));
  return {
    locale,
    // Every language has English's keys (messages/types.ts); only the texts differ from the literal types.
    messages: messages[locale] as unknown as typeof en,
    timeZone:
      validTimeZone(saved?.timeZone ?? undefined) ?? validTimeZone(jar.get(TIME_ZONE_COOKIE)?.value) ?? 'UTC',
  };
});
