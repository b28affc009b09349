// The viewer's display preferences: the signed-in user's as the API keeps them (so they follow the
// user between devices), else what this browser remembers (cookies, for the pages before signing in),
// else the defaults.
import 'server-only';
import { cookies } from 'next/headers';
import { getLocale } from 'next-intl/server';
import { loadUserPreferences } from '../server/preferences-data.ts';
import { parseUnitPreferences, type UnitPreferences, unitPreferencesSchema } from '../units/display.ts';
import type { Locale } from './locales.ts';

export const THEME_COOKIE = 'pw-theme';
export const UNITS_COOKIE = 'pw-units';
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
const isTheme = (value: unknown): value is Theme => THEMES.includes(value as Theme);

export interface Preferences {
  theme: Theme;
  locale: Locale;
  units: UnitPreferences;
  /** Whether a new alarm sounds a tone (the alarm bar's mute). */
  alarmSound: boolean;
  /** The zone the user chose; null follows the browser's (reported into a cookie). */
  timeZone: string | null;
}

export async function getPreferences(): Promise<Preferences> {
  const [jar, saved, locale] = await Promise.all([cookies(), loadUserPreferences(), getLocale()]);
  const theme = jar.get(THEME_COOKIE)?.value;
  const units = saved?.updatedAt ? unitPreferencesSchema.safeParse(saved.units) : null;
  return {
    theme: saved?.updatedAt ? saved.theme : isTheme(theme) ? theme : 'system',
    locale: locale as Locale,
    units: units?.success ? units.data : parseUnitPreferences(jar.get(UNITS_COOKIE)?.value),
    alarmSound: saved?.alarmSound ?? true,
    timeZone: saved?.timeZone ?? null,
  };
}
