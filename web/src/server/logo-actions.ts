'use server';
// Uploading and removing the tenant's logo: admins only (the API checks again). The file is checked
// here first (logo-form.ts); the API's refusal (too big, not an image, unreadable) shows beside it.
import 'server-only';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import type { FormState } from '../form-state.ts';
import { callApi } from './api.ts';
import { failedChange } from './form-results.ts';
import { logoUploadBody } from './logo-form.ts';
import { viewerWithRole } from './viewer.ts';

const fileField = (issues: readonly { path: string; message: string }[]): Record<string, string> =>
  issues.length ? { logo: issues.map((issue) => issue.message).join('; ') } : {};

export async function uploadLogo(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  const checked = await logoUploadBody(form.get('logo'), t);
  if ('error' in checked) {
    return { status: 'error', message: t('errors.fixFields'), fieldErrors: { logo: checked.error } };
  }
  try {
    const viewer = await viewerWithRole('admin');
    await callApi('PUT', '/v1/tenant/logo', { token: viewer.token, body: checked.body });
    revalidatePath('/settings/organisation');
    return { status: 'ok', message: t('organisation.uploaded') };
  } catch (error) {
    return failedChange(error, fileField, 'a logo upload');
  }
}

export async function removeLogo(_previous: FormState, _form: FormData): Promise<FormState> {
  const t = await getTranslations();
  try {
    const viewer = await viewerWithRole('admin');
    await callApi('DELETE', '/v1/tenant/logo', { token: viewer.token });
    revalidatePath('/settings/organisation');
    return { status: 'ok', message: t('organisation.removed') };
  } catch (error) {
    return failedChange(error, fileField, 'a logo removal');
  }
}
