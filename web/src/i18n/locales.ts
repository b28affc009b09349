// The languages of the web app, and how one is chosen: the user's choice (a cookie), else the browser's.
// Each is a BCP 47 tag as Intl formats dates and numbers for it: British English (24-hour clock, day
// first), Portuguese as written in Brazil, Spanish, Chinese in simplified script.

export const LOCALES = ['en-GB', 'pt-BR', 'es', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en-GB';
/** Cookie holding the user's choice; it should become a user setting in the API (see the ADR). */
export const LOCALE_COOKIE = 'pw-locale';

/** Each language by its own name, as the language menu lists them. */
export const LOCALE_NAMES: Record<Locale, string> = {
  'en-GB': 'English',
  'pt-BR': 'Português',
  es: 'Español',
  'zh-CN': '简体中文',
};

export const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);

/** Our language for a language subtag ("pt" of "pt-PT"), if we have it. */
const LANGUAGES: Record<string, Locale> = { en: 'en-GB', pt: 'pt-BR', es: 'es', zh: 'zh-CN' };

/** The best language for an Accept-Language header ("pt-PT,pt;q=0.9,en;q=0.8"), by quality. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  const ranked = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(
        params
          .find((p) => p.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? '1',
      );
      return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const language = tag.split('-')[0] ?? '';
    // Traditional Chinese readers are not served Simplified by default.
    if (language === 'zh' && /-(tw|hk|mo|hant)/.test(tag)) continue;
    const locale = LANGUAGES[language];
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}
