import type { Metadata, Viewport } from 'next';
import { NextIntlClientProvider } from 'next-intl';
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { HydratedMarker } from '../components/hydrated.tsx';
import { TimeZoneReporter } from '../components/time-zone-reporter.tsx';
import { getPreferences } from '../i18n/preferences.ts';
import { themeCss } from '../theme/tokens.ts';
import { UnitPreferencesProvider } from '../units/context.tsx';
import './globals.css';
import './shell.css';
import './monitoring.css';
import './delivery.css';
import './alarm-kpis.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: { template: `%s · ${t('common.titleSuffix')}`, default: t('common.product') } };
}

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  colorScheme: 'light dark',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Read per request (cookies): every page renders dynamically, which the CSP nonce needs anyway.
  const [{ theme, locale, units, timeZone }, t] = await Promise.all([getPreferences(), getTranslations()]);
  return (
    <html lang={locale} data-theme={theme}>
      <head>
        {/* The design tokens of both themes, from one source (theme/tokens.ts); no script needed. */}
        <style id="theme-tokens">{themeCss()}</style>
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t('common.skipToContent')}
        </a>
        <NextIntlClientProvider>
          <UnitPreferencesProvider value={units}>{children}</UnitPreferencesProvider>
          <TimeZoneReporter followsBrowser={timeZone === null} />
        </NextIntlClientProvider>
        <HydratedMarker />
      </body>
    </html>
  );
}
