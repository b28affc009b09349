// The viewer's display preferences kept in the browser (cookies the server reads while rendering):
// theme, language and time zone. They should move to the user's settings in the API (see the ADR).
import 'server-only';
import { cookies } from 'next/headers';
import { getLocale } from 'next-intl/server';
import { parseUnitPreferences, type UnitPreferences } from '../units/display.ts';
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
}

export async function getPreferences(): Promise<Preferences> {
  const jar = await cookies();
  const theme = jar.get(THEME_COOKIE)?.value;
  return {
    theme: isTheme(theme) ? theme : 'system',
    locale: await getLocale(),
    units: parseUnitPreferences(jar.get(UNITS_COOKIE)?.value),
  };
}
