'use server';
// The viewer's display preferences (theme, language, time zone), kept in cookies for a year.
import { cookies } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import type { FormState } from '../form-state.ts';
import { LOCALE_COOKIE, LOCALES } from '../i18n/locales.ts';
import { THEME_COOKIE, THEMES, UNITS_COOKIE } from '../i18n/preferences.ts';
import { TIME_ZONE_COOKIE, validTimeZone } from '../i18n/time-zone.ts';
import { CHOOSABLE_QUANTITIES, unitPreferencesSchema } from '../units/display.ts';

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
const YEAR = { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax', httpOnly: true } as const;

/** Saves one preference; the page re-renders with it (the caller refreshes the router). */
export async function savePreference(input: Preference): Promise<void> {
  const preference = preferenceSchema.parse(input);
  (await cookies()).set(COOKIE_OF[preference.name], preference.value, YEAR);
}

/** The units page's form: a unit per quantity, or empty for "as each tag is configured". */
export async function saveUnitPreferences(_previous: FormState, form: FormData): Promise<FormState> {
  const chosen = Object.fromEntries(
    CHOOSABLE_QUANTITIES.flatMap((quantity) => {
      const unit = form.get(quantity);
      return typeof unit === 'string' && unit !== '' ? [[quantity, unit]] : [];
    }),
  );
  const units = unitPreferencesSchema.parse(chosen);
  (await cookies()).set(UNITS_COOKIE, JSON.stringify(units), YEAR);
  return { status: 'ok', message: (await getTranslations('units'))('saved') };
}
