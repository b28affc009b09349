'use server';
// The viewer's display preferences (theme, language, time zone), kept in cookies for a year.
import { cookies } from 'next/headers';
import { z } from 'zod';
import { LOCALE_COOKIE, LOCALES } from '../i18n/locales.ts';
import { THEME_COOKIE, THEMES } from '../i18n/preferences.ts';
import { TIME_ZONE_COOKIE, validTimeZone } from '../i18n/time-zone.ts';

const preferenceSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('theme'), value: z.enum(THEMES) }),
  z.object({ name: z.literal('locale'), value: z.enum(LOCALES) }),
  z.object({
    name: z.literal('timeZone'),
    value: z.string().refine((zone) => validTimeZone(zone) !== undefined, 'must be an IANA time zone'),
  }),
]);
export type Preference = z.infer<typeof preferenceSchema>;

const COOKIE_OF = { theme: THEME_COOKIE, locale: LOCALE_COOKIE, timeZone: TIME_ZONE_COOKIE } as const;

/** Saves one preference; the page re-renders with it (the caller refreshes the router). */
export async function savePreference(input: Preference): Promise<void> {
  const preference = preferenceSchema.parse(input);
  (await cookies()).set(COOKIE_OF[preference.name], preference.value, {
    path: '/',
    maxAge: 365 * 24 * 3600,
    sameSite: 'lax',
    httpOnly: true,
  });
}
