'use server';
// Derived tags from the web (issue 17, ADR 0039): add, change and remove (engineers; the API checks
// again), and the editor's live preview of a formula on the site's newest values (any viewer). The
// API's 422 names the unknown reference or the cycle; it is shown beside the formula.
import 'server-only';
import {
  createDerivedTagSchema,
  type DerivedTagPreview,
  derivedTagPreviewSchema,
  derivedTagSchema,
  idSchema,
  previewDerivedTagSchema,
  updateDerivedTagSchema,
} from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import { fieldsOf } from '../alarm-rule-form.ts';
import { derivedTagBody } from '../derived-tag-text.ts';
import type { FormState } from '../form-state.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { failedChange, refusedByForm } from './form-results.ts';
import { viewerWithRole } from './viewer.ts';

const WHAT = 'a derived tag change';
const listOf = (siteId: string) => `/config/sites/${siteId}/derived-tags`;
const invalidId = (id: string) => !idSchema.safeParse(id).success;

/** Issue paths (`body.formula`, `formula`) as the form's field names. */
const byField = (issues: readonly { path: string; message: string }[]) => {
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[issue.path.replace(/^body\.?/, '') || 'form'] ??= issue.message;
  return errors;
};

/** The API's 422 about one field (`formula: unknown reference …`) as that field's issue. */
function withFieldIssue(error: unknown): unknown {
  if (!(error instanceof ApiError) || error.status !== 422 || error.issues.length > 0) return error;
  const field = (error.details as { field?: unknown } | undefined)?.field;
  if (typeof field !== 'string' || field === '') return error;
  const message = error.message.startsWith(`${field}: `)
    ? error.message.slice(field.length + 2)
    : error.message;
  return new ApiError(error.status, error.code, error.message, [{ path: field, message }], {
    details: error.details,
    cause: error,
  });
}

export async function createDerivedTag(
  siteId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(siteId)) return { status: 'error', message: t('errors.generic') };
  const body = derivedTagBody(fieldsOf(form), { siteId });
  const refused = await refusedByForm(body, {}, createDerivedTagSchema, byField);
  if (refused) return refused;
  try {
    const viewer = await viewerWithRole('engineer');
    const created = derivedTagSchema.parse(
      await callApi('POST', '/v1/derived-tags', { token: viewer.token, body }),
    );
    revalidatePath(listOf(siteId));
    return { status: 'ok', message: t('config.added', { what: created.name }) };
  } catch (error) {
    return failedChange(withFieldIssue(error), byField, WHAT);
  }
}

export async function updateDerivedTag(
  siteId: string,
  derivedTagId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(siteId) || invalidId(derivedTagId)) return { status: 'error', message: t('errors.generic') };
  const body = derivedTagBody(fieldsOf(form), null);
  const refused = await refusedByForm(body, {}, updateDerivedTagSchema, byField);
  if (refused) return refused;
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('PATCH', `/v1/derived-tags/${derivedTagId}`, { token: viewer.token, body });
    revalidatePath(listOf(siteId), 'layout');
    return { status: 'ok', message: t('config.saved') };
  } catch (error) {
    return failedChange(withFieldIssue(error), byField, WHAT);
  }
}

export async function deleteDerivedTag(siteId: string, derivedTagId: string): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(siteId) || invalidId(derivedTagId)) return { status: 'error', message: t('errors.generic') };
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('DELETE', `/v1/derived-tags/${derivedTagId}`, { token: viewer.token });
    revalidatePath(listOf(siteId), 'layout');
    return { status: 'ok', message: t('config.removed', { what: derivedTagId }) };
  } catch (error) {
    return failedChange(error, byField, WHAT);
  }
}

export type FormulaPreview =
  | { status: 'ok'; preview: DerivedTagPreview }
  | { status: 'error'; message: string }
  | { status: 'empty' };

/** The formula on the site's newest values, unsaved: the value and quality, or the API's reason. */
export async function previewFormula(siteId: string, formula: string, key?: string): Promise<FormulaPreview> {
  const t = await getTranslations();
  if (formula.trim() === '') return { status: 'empty' };
  const body = { siteId, formula, ...(key ? { key } : {}) };
  const parsed = previewDerivedTagSchema.safeParse(body);
  if (!parsed.success)
    return { status: 'error', message: parsed.error.issues[0]?.message ?? t('errors.generic') };
  try {
    const viewer = await viewerWithRole('viewer');
    const answer = await callApi('POST', '/v1/derived-tags/preview', {
      token: viewer.token,
      body: parsed.data,
    });
    return { status: 'ok', preview: derivedTagPreviewSchema.parse(answer) };
  } catch (error) {
    if (error instanceof ApiUnavailableError) return { status: 'error', message: t('errors.apiDown') };
    if (error instanceof ApiError && error.status < 500) {
      const message = error.message.startsWith('formula: ') ? error.message.slice(9) : error.message;
      return { status: 'error', message };
    }
    console.error('web: a formula preview failed', error);
    return { status: 'error', message: t('errors.generic') };
  }
}
