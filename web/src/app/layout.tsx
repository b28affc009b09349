import type { Metadata, Viewport } from 'next';
import { NextIntlClientProvider } from 'next-intl';
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { HydratedMarker } from '../components/hydrated.tsx';
import { TimeZoneReporter } from '../components/time-zone-reporter.tsx';
import { getPreferences } from '../i18n/preferences.ts';
import './globals.css';

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
  const [{ theme, locale }, t] = await Promise.all([getPreferences(), getTranslations()]);
  return (
    <html lang={locale === 'zh' ? 'zh-CN' : locale} data-theme={theme}>
      <body>
        <a className="skip-link" href="#main">
          {t('common.skipToContent')}
        </a>
        <NextIntlClientProvider>
          {children}
          <TimeZoneReporter />
        </NextIntlClientProvider>
        <HydratedMarker />
      </body>
    </html>
  );
}
