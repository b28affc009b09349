// next-intl's types: the languages, and English's messages as the key set (t() checks keys and arguments).
import type { en } from '../messages/en/index.ts';
import type { Locale } from './locales.ts';

declare module 'next-intl' {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof en;
  }
}
