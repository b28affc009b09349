import 'server-only';
// What the account forms show when a step fails: a refused field beside its field (the API's 422
// `details`, the shared schema's issues), a 429's wait in words, the API's own message for other
// refusals (its 401s say what to do next: "2 tries left", "log in again", "ask for a new one").
import { getTranslations } from 'next-intl/server';
import type { z } from 'zod';
import type { AccountState } from '../account-state.ts';
import { ApiError, ApiUnavailableError } from './api.ts';
import { RoleTooLowError } from './viewer.ts';

/** "Try again in 3 minutes" from a Retry-After. */
export async function waitText(seconds: number | undefined): Promise<string> {
  const t = await getTranslations('accountAuth');
  if (!seconds) return t('tooManySoon');
  return seconds < 90
    ? t('tooManySeconds', { n: seconds })
    : t('tooManyMinutes', { n: Math.ceil(seconds / 60) });
}

/** The schema's verdict: the data, or the form's state naming each refused field. */
export async function checked<T>(
  schema: z.ZodType<T>,
  input: unknown,
): Promise<{ data: T; refused?: undefined } | { refused: AccountState }> {
  const result = schema.safeParse(input);
  if (result.success) return { data: result.data };
  const t = await getTranslations();
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    fieldErrors[field] ??= issue.code === 'invalid_type' ? t('common.required') : issue.message;
  }
  return { refused: { status: 'error', message: t('errors.fixFields'), fieldErrors } };
}

/**
 * A failed step as the form shows it. `unauthenticated` replaces the API's 401 message where the
 * page words it itself (the login's first step: the same words for every wrong address or password).
 */
export async function accountFailure(
  error: unknown,
  what: string,
  options: { unauthenticated?: string } = {},
): Promise<AccountState> {
  const t = await getTranslations();
  if (error instanceof RoleTooLowError)
    return { status: 'error', message: t('errors.denied', { role: t(`roles.${error.needed}`) }) };
  if (error instanceof ApiUnavailableError) return { status: 'error', message: t('errors.apiDown') };
  if (error instanceof ApiError && error.status === 429)
    return { status: 'error', message: await waitText(error.retryAfterSeconds) };
  if (error instanceof ApiError && error.status === 401 && options.unauthenticated)
    return { status: 'error', message: options.unauthenticated };
  if (error instanceof ApiError && error.status < 500) {
    const fieldErrors = Object.fromEntries(
      error.issues.map((issue) => [issue.path.replace(/^(body|query)\./, ''), issue.message]),
    );
    return {
      status: 'error',
      message: error.issues.length ? t('errors.fixFields') : error.message,
      fieldErrors,
    };
  }
  console.error(`web: ${what} failed`, error);
  return { status: 'error', message: t('errors.generic') };
}
