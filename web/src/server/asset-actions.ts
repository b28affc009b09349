'use server';
// The asset hierarchy from the web (issue 21): engineers create, change, move and delete assets,
// bind their measurements, make one from a model, and keep the models. The form's fields become the
// body in asset-form.ts, the shared schema checks it, the API checks again (its 409s, such as a
// subtree used by alarm rules, are shown as it words them).
import 'server-only';
import {
  assetFromModelResultSchema,
  assetModelSchema,
  assetSchema,
  createAssetFromModelSchema,
  createAssetModelSchema,
  createAssetSchema,
  idSchema,
  moveAssetSchema,
  updateAssetModelSchema,
  updateAssetSchema,
} from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import type { z } from 'zod';
import {
  assetFieldErrors,
  attributesBody,
  formValues,
  fromModelBody,
  measurementsBody,
  modelBody,
  RULES_SHAPE,
} from '../asset-form.ts';
import type { FormState } from '../form-state.ts';
import { callApi } from './api.ts';
import { failedChange, refusedByForm } from './form-results.ts';
import { viewerWithRole } from './viewer.ts';

const WHAT = 'an asset change';
const invalidId = (id: string) => !idSchema.safeParse(id).success;

/** Checks the body, calls the API as an engineer and refreshes the pages; the answer or the form's state. */
async function send<T>(
  method: 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body: unknown,
  schema: z.ZodType | null,
  ownErrors: Record<string, string> = {},
): Promise<{ answer: T } | { state: FormState }> {
  try {
    const viewer = await viewerWithRole('engineer');
    if (schema) {
      const refused = await refusedByForm(body, ownErrors, schema, assetFieldErrors);
      if (refused) return { state: refused };
    }
    const answer = (await callApi(method, path, { token: viewer.token, body })) as T;
    revalidatePath('/', 'layout');
    return { answer };
  } catch (error) {
    return { state: await failedChange(error, assetFieldErrors, WHAT) };
  }
}

export async function createAsset(siteId: string, _previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(siteId)) return { status: 'error', message: t('errors.generic') };
  const values = formValues(form);
  const body = { siteId, parentId: values.get('parentId') || null, ...attributesBody(values) };
  const sent = await send<unknown>('POST', '/v1/assets', body, createAssetSchema);
  if ('state' in sent) return sent.state;
  redirect(`/assets/${assetSchema.parse(sent.answer).id}/edit`);
}

export async function createAssetFromModel(
  siteId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  const values = formValues(form);
  const modelId = values.get('assetModelId') ?? '';
  if (invalidId(siteId) || invalidId(modelId))
    return {
      status: 'error',
      message: t('errors.fixFields'),
      fieldErrors: { assetModelId: t('common.required') },
    };
  const names = (values.get('measurementNames') ?? '').split('\n').filter(Boolean);
  const body = fromModelBody(values, siteId, names);
  const sent = await send<unknown>(
    'POST',
    `/v1/asset-models/${modelId}/assets`,
    body,
    createAssetFromModelSchema,
  );
  if ('state' in sent) return sent.state;
  redirect(`/assets/${assetFromModelResultSchema.parse(sent.answer).asset.id}`);
}

export async function updateAssetAttributes(
  assetId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(assetId)) return { status: 'error', message: t('errors.generic') };
  const sent = await send(
    'PATCH',
    `/v1/assets/${assetId}`,
    attributesBody(formValues(form)),
    updateAssetSchema,
  );
  return 'state' in sent ? sent.state : { status: 'ok', message: t('config.saved') };
}

export async function updateAssetMeasurements(
  assetId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(assetId)) return { status: 'error', message: t('errors.generic') };
  const sent = await send(
    'PATCH',
    `/v1/assets/${assetId}`,
    measurementsBody(formValues(form)),
    updateAssetSchema,
  );
  return 'state' in sent ? sent.state : { status: 'ok', message: t('config.saved') };
}

export async function moveAsset(assetId: string, _previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(assetId)) return { status: 'error', message: t('errors.generic') };
  const body = { parentId: formValues(form).get('parentId') || null };
  const sent = await send('POST', `/v1/assets/${assetId}/move`, body, moveAssetSchema);
  return 'state' in sent ? sent.state : { status: 'ok', message: t('assetEdit.moved') };
}

/** Deletes the asset and everything under it, then shows its site; a 409 (rules use it) is shown as worded. */
export async function deleteAsset(assetId: string, siteId: string): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(assetId) || invalidId(siteId)) return { status: 'error', message: t('errors.generic') };
  const sent = await send('DELETE', `/v1/assets/${assetId}`, undefined, null);
  if ('state' in sent) return sent.state;
  redirect(`/sites/${siteId}`);
}

export async function createAssetModel(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  const { body, rulesError } = modelBody(formValues(form));
  const own: Record<string, string> = rulesError
    ? { alarmRules: t('assetEdit.rulesJson', { shape: RULES_SHAPE }) }
    : {};
  const sent = await send<unknown>('POST', '/v1/asset-models', body, createAssetModelSchema, own);
  if ('state' in sent) return sent.state;
  redirect(`/assets/models/${assetModelSchema.parse(sent.answer).id}`);
}

export async function updateAssetModel(
  assetModelId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(assetModelId)) return { status: 'error', message: t('errors.generic') };
  const { body, rulesError } = modelBody(formValues(form));
  const own: Record<string, string> = rulesError
    ? { alarmRules: t('assetEdit.rulesJson', { shape: RULES_SHAPE }) }
    : {};
  const sent = await send('PATCH', `/v1/asset-models/${assetModelId}`, body, updateAssetModelSchema, own);
  return 'state' in sent ? sent.state : { status: 'ok', message: t('config.saved') };
}

export async function deleteAssetModel(assetModelId: string): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(assetModelId)) return { status: 'error', message: t('errors.generic') };
  const sent = await send('DELETE', `/v1/asset-models/${assetModelId}`, undefined, null);
  if ('state' in sent) return sent.state;
  redirect('/assets/models');
}
