// The languages of the web app, and how one is chosen: the user's choice (a cookie), else the browser's.

export const LOCALES = ['en', 'pt', 'es', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
/** Cookie holding the user's choice; it should become a user setting in the API (see the ADR). */
export const LOCALE_COOKIE = 'pw-locale';

/** Each language by its own name, as the language menu lists them. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: 'English',
  pt: 'Português',
  es: 'Español',
  zh: '简体中文',
};

/** BCP 47 tags for Intl (dates, numbers): Portuguese as written in Brazil, Chinese in simplified script. */
export const INTL_LOCALE: Record<Locale, string> = { en: 'en-GB', pt: 'pt-BR', es: 'es', zh: 'zh-CN' };

export const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);

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
    const language = tag.split('-')[0];
    // Traditional Chinese readers are not served Simplified by default.
    if (language === 'zh' && /-(tw|hk|mo|hant)/.test(tag)) continue;
    if (isLocale(language)) return language;
  }
  return DEFAULT_LOCALE;
}
