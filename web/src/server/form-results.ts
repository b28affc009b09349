import 'server-only';
import { getTranslations } from 'next-intl/server';
// What a form shows after a server action that checks with a shared schema and then calls the API:
// field errors by form field (the caller maps issue paths to its fields), or one message.
import type { z } from 'zod';
import type { FormState } from '../form-state.ts';
import { ApiError, ApiUnavailableError } from './api.ts';
import { planLimitState } from './plan-limit.ts';
import { RoleTooLowError } from './viewer.ts';

type Issue = { path: string; message: string };
type FieldsOf = (issues: readonly Issue[]) => Record<string, string>;

/** The schema's and the form's own findings, by field; null when the body may be sent. */
export async function refusedByForm(
  body: unknown,
  ownErrors: Record<string, string>,
  schema: z.ZodType,
  fieldsOf: FieldsOf,
): Promise<FormState | null> {
  const t = await getTranslations();
  const result = schema.safeParse(body);
  const schemaErrors = result.success
    ? {}
    : fieldsOf(
        result.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.code === 'invalid_type' ? t('common.required') : issue.message,
        })),
      );
  const fieldErrors = { ...schemaErrors, ...ownErrors };
  return Object.keys(fieldErrors).length
    ? { status: 'error', message: t('errors.fixFields'), fieldErrors }
    : null;
}

/** A failed call as the form shows it; unexpected failures are logged and shown generically. */
export async function failedChange(error: unknown, fieldsOf: FieldsOf, what: string): Promise<FormState> {
  const t = await getTranslations();
  if (error instanceof RoleTooLowError)
    return { status: 'error', message: t('errors.denied', { role: t(`roles.${error.needed}`) }) };
  if (error instanceof ApiUnavailableError) return { status: 'error', message: t('errors.apiDown') };
  const limited = await planLimitState(error);
  if (limited) return limited;
  if (error instanceof ApiError && error.status < 500) {
    return {
      status: 'error',
      message: error.issues.length ? t('errors.fixFields') : error.message,
      fieldErrors: fieldsOf(error.issues),
    };
  }
  console.error(`web: ${what} failed`, error);
  return { status: 'error', message: t('errors.generic') };
}
