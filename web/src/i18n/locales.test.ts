import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage } from './locales.ts';

describe('localeFromAcceptLanguage', () => {
  it.each([
    ['pt-PT,pt;q=0.9,en;q=0.8', 'pt-BR'],
    ['de-DE,es;q=0.7,en;q=0.5', 'es'],
    ['zh-CN,zh;q=0.9', 'zh-CN'],
    ['zh-TW,zh-Hant;q=0.9,en;q=0.5', 'en-GB'],
    ['en-US,en;q=0.9', 'en-GB'],
    ['fr-FR', 'en-GB'],
    ['', 'en-GB'],
  ])('serves %s in %s', (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });
});
