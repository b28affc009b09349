'use server';
// "Run now" from the reports page: operators and above; the API checks the role again and records
// who asked in the run's history.
import 'server-only';
import { idSchema } from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import type { FormState } from '../form-state.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { RoleTooLowError, viewerWithRole } from './viewer.ts';

export async function runReportNow(
  reportId: string,
  _previous: FormState,
  _form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  try {
    const id = idSchema.parse(reportId);
    const viewer = await viewerWithRole('operator');
    await callApi('POST', `/v1/reports/${id}/runs`, { token: viewer.token });
    revalidatePath('/reports');
    return {
      status: 'ok',
      message: t('reports.queuedNow'),
    };
  } catch (error) {
    if (error instanceof RoleTooLowError)
      return { status: 'error', message: t('errors.denied', { role: t(`roles.${error.needed}`) }) };
    if (error instanceof ApiUnavailableError) return { status: 'error', message: t('errors.apiDown') };
    if (error instanceof ApiError && error.status < 500) return { status: 'error', message: error.message };
    console.error('web: run now failed', error);
    return { status: 'error', message: t('errors.generic') };
  }
}
