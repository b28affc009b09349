// The type of a translator over all namespaces, for helpers that take one from their caller
// (getTranslations() on the server, useTranslations() in the browser).
import { createTranslator } from 'next-intl';
import { en } from '../messages/en/index.ts';

export type Translator = ReturnType<typeof createTranslator<typeof en>>;

/** English, for unit tests and anything that runs outside a request. */
export function englishTranslator(): Translator {
  return createTranslator({ locale: 'en-GB', messages: en });
}

/** "42 s ago", "3 min ago", "2 h ago": the amount and unit for the site.secondsAgo message. */
export function ageParts(seconds: number): { amount: number; unit: 's' | 'min' | 'h' } {
  if (seconds < 60) return { amount: seconds, unit: 's' };
  if (seconds < 3600) return { amount: Math.floor(seconds / 60), unit: 'min' };
  return { amount: Math.floor(seconds / 3600), unit: 'h' };
}

/** A trend's bucket width as the trend.bucket message words it: raw samples, or n s/min/h/day. */
export function bucketParts(ms: number): { unit: 'raw' | 's' | 'min' | 'h' | 'day'; n: number } {
  if (ms <= 0) return { unit: 'raw', n: 0 };
  if (ms < 60_000) return { unit: 's', n: Math.round(ms / 1000) };
  if (ms < 3_600_000) return { unit: 'min', n: Math.round(ms / 60_000) };
  if (ms < 86_400_000) return { unit: 'h', n: Math.round(ms / 3_600_000) };
  return { unit: 'day', n: Math.round(ms / 86_400_000) };
}
