// next-intl's per-request configuration: the language (cookie, else Accept-Language), its messages,
// and the time zone times are shown in (the browser's, remembered in a cookie; else UTC).
import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import type { en } from '../messages/en/index.ts';
import { messages } from '../messages/index.ts';
import { isLocale, LOCALE_COOKIE, localeFromAcceptLanguage } from './locales.ts';
import { TIME_ZONE_COOKIE, validTimeZone } from './time-zone.ts';

export default getRequestConfig(async () => {
  const [jar, incoming] = await Promise.all([cookies(), headers()]);
  const chosen = jar.get(LOCALE_COOKIE)?.value;
  const locale = isLocale(chosen) ? chosen : localeFromAcceptLanguage(incoming.get('accept-language'));
  return {
    locale,
    // Every language has English's keys (messages/types.ts); only the texts differ from the literal types.
    messages: messages[locale] as unknown as typeof en,
    timeZone: validTimeZone(jar.get(TIME_ZONE_COOKIE)?.value) ?? 'UTC',
  };
});
