'use server';
// Saving the retention settings: admins only (the API checks again). Each field is checked against
// the plan's maximum as the API has it now, worded in the viewer's language; a refusal from the API
// itself (a plan changed meanwhile) lands beside its field too.
import 'server-only';
import { retentionSchema } from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import type { FormState } from '../form-state.ts';
import { retentionBody, retentionFieldErrors } from '../retention-form.ts';
import { callApi } from './api.ts';
import { failedChange } from './form-results.ts';
import { viewerWithRole } from './viewer.ts';

export async function saveRetention(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  try {
    const viewer = await viewerWithRole('admin');
    const current = retentionSchema.parse(await callApi('GET', '/v1/retention', { token: viewer.token }));
    const checked = retentionBody(form, current.maxDays, t);
    if ('fieldErrors' in checked) {
      return { status: 'error', message: t('errors.fixFields'), fieldErrors: checked.fieldErrors };
    }
    retentionSchema.parse(await callApi('PUT', '/v1/retention', { token: viewer.token, body: checked.body }));
    revalidatePath('/settings/retention');
    return { status: 'ok', message: t('retention.saved') };
  } catch (error) {
    return failedChange(error, retentionFieldErrors, 'a retention change');
  }
}
