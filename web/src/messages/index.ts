// The messages of each language.
import type { Locale } from '../i18n/locales.ts';
import { en } from './en/index.ts';
import { es } from './es/index.ts';
import { pt } from './pt/index.ts';
import type { LocaleMessages } from './types.ts';
import { zh } from './zh/index.ts';

export const messages: Record<Locale, LocaleMessages> = { 'en-GB': en, 'pt-BR': pt, es, 'zh-CN': zh };
