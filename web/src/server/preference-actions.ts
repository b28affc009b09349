'use server';
// The viewer's display preferences: saved for the signed-in user in the API (so they follow them to
// another browser, GET/PUT /v1/me/preferences) and in this browser's cookies (for the pages before
// signing in). The browser's own time zone is only remembered here: it is not a choice.
import { cookies } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import type { FormState } from '../form-state.ts';
import { isLocale, LOCALE_COOKIE, LOCALES } from '../i18n/locales.ts';
import { THEME_COOKIE, THEMES, UNITS_COOKIE } from '../i18n/preferences.ts';
import { TIME_ZONE_COOKIE, validTimeZone } from '../i18n/time-zone.ts';
import { CHOOSABLE_QUANTITIES, parseUnitPreferences, unitPreferencesSchema } from '../units/display.ts';
import { changeUserPreferences } from './preferences-data.ts';

const zoneSchema = z
  .string()
  .refine((zone) => validTimeZone(zone) !== undefined, 'must be an IANA time zone');

const preferenceSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('theme'), value: z.enum(THEMES) }),
  z.object({ name: z.literal('locale'), value: z.enum(LOCALES) }),
  /** The zone the user chose, or null to follow the browser's. */
  z.object({ name: z.literal('timeZone'), value: zoneSchema.nullable() }),
  z.object({ name: z.literal('alarmSound'), value: z.boolean() }),
]);
export type Preference = z.infer<typeof preferenceSchema>;

const YEAR = { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax', httpOnly: true } as const;

/** What this browser remembers, to start a user's saved preferences from the first time they save one. */
async function browserChoices() {
  const jar = await cookies();
  const locale = jar.get(LOCALE_COOKIE)?.value;
  const theme = THEMES.find((choice) => choice === jar.get(THEME_COOKIE)?.value);
  return {
    ...(isLocale(locale) ? { language: locale } : {}),
    ...(theme ? { theme } : {}),
    units: parseUnitPreferences(jar.get(UNITS_COOKIE)?.value),
  };
}

/** Saves one preference; the page re-renders with it (the caller refreshes the router). */
export async function savePreference(input: Preference): Promise<void> {
  const preference = preferenceSchema.parse(input);
  const jar = await cookies();
  switch (preference.name) {
    case 'theme':
      jar.set(THEME_COOKIE, preference.value, YEAR);
      await changeUserPreferences({ theme: preference.value }, await browserChoices());
      return;
    case 'locale':
      jar.set(LOCALE_COOKIE, preference.value, YEAR);
      await changeUserPreferences({ language: preference.value }, await browserChoices());
      return;
    case 'timeZone':
      await changeUserPreferences({ timeZone: preference.value }, await browserChoices());
      return;
    case 'alarmSound':
      await changeUserPreferences({ alarmSound: preference.value }, await browserChoices());
      return;
  }
}

/** The browser says which zone it is in: times render in it unless the user chose one. */
export async function reportBrowserTimeZone(zone: string): Promise<void> {
  (await cookies()).set(TIME_ZONE_COOKIE, zoneSchema.parse(zone), YEAR);
}

/** The display settings form: a unit per quantity (empty: as each tag is configured) and the time zone. */
export async function saveUnitPreferences(_previous: FormState, form: FormData): Promise<FormState> {
  const chosen = Object.fromEntries(
    CHOOSABLE_QUANTITIES.flatMap((quantity) => {
      const unit = form.get(quantity);
      return typeof unit === 'string' && unit !== '' ? [[quantity, unit]] : [];
    }),
  );
  const units = unitPreferencesSchema.parse(chosen);
  const zone = form.get('timeZone');
  const timeZone = typeof zone === 'string' && zone !== '' ? zoneSchema.safeParse(zone) : null;
  const t = await getTranslations('units');
  if (timeZone && !timeZone.success) return { status: 'error', message: t('badTimeZone') };
  (await cookies()).set(UNITS_COOKIE, JSON.stringify(units), YEAR);
  await changeUserPreferences(
    { units, ...(form.has('timeZone') ? { timeZone: timeZone?.success ? timeZone.data : null } : {}) },
    await browserChoices(),
  );
  return { status: 'ok', message: t('saved') };
}
