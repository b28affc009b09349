'use server';
// Report definitions from the web: engineers add, change, turn on and off, and remove them (the
// API checks the role again and limits the scope to what the creator can see). The form's fields
// become the body in report-form.ts; issues land beside the field they are about.
import 'server-only';
import {
  createReportScheduleSchema,
  idSchema,
  reportScheduleSchema,
  updateReportScheduleSchema,
} from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import type { FormState } from '../form-state.ts';
import { reportBody, reportFieldErrors, reportFormValues, scopeFieldOfNotFound } from '../report-form.ts';
import { ApiError, callApi } from './api.ts';
import { failedChange, refusedByForm } from './form-results.ts';
import { viewerWithRole } from './viewer.ts';

const WHAT = 'a report change';
const invalidId = (id: string) => !idSchema.safeParse(id).success;

/**
 * A saved report's failure as the form shows it: an id of the scope the API no longer finds (removed,
 * or out of the viewer's sites since the form was loaded) beside the scope's assets or the scope.
 */
async function failedSave(error: unknown): Promise<FormState> {
  const field = error instanceof ApiError ? scopeFieldOfNotFound(error.status, error.message) : null;
  if (field === null) return failedChange(error, reportFieldErrors, WHAT);
  const t = await getTranslations();
  return {
    status: 'error',
    message: t('errors.fixFields'),
    fieldErrors: { [field]: t(field === 'scope.assetIds' ? 'reports.assetGone' : 'reports.scopeGone') },
  };
}

export async function createReport(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  try {
    const viewer = await viewerWithRole('engineer');
    const { body, fieldErrors } = reportBody(reportFormValues(form), viewer.tenant.timeZone, t);
    const refused = await refusedByForm(body, fieldErrors, createReportScheduleSchema, reportFieldErrors);
    if (refused) return refused;
    const created = reportScheduleSchema.parse(
      await callApi('POST', '/v1/reports', { token: viewer.token, body }),
    );
    revalidatePath('/reports', 'layout');
    return { status: 'ok', message: t('config.added', { what: created.name }) };
  } catch (error) {
    return failedSave(error);
  }
}

export async function updateReport(
  reportId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(reportId)) return { status: 'error', message: t('errors.generic') };
  try {
    const viewer = await viewerWithRole('engineer');
    const { body, fieldErrors } = reportBody(reportFormValues(form), viewer.tenant.timeZone, t);
    const refused = await refusedByForm(body, fieldErrors, updateReportScheduleSchema, reportFieldErrors);
    if (refused) return refused;
    await callApi('PATCH', `/v1/reports/${reportId}`, { token: viewer.token, body });
    revalidatePath('/reports', 'layout');
    return { status: 'ok', message: t('config.saved') };
  } catch (error) {
    return failedSave(error);
  }
}

export async function setReportEnabled(
  reportId: string,
  name: string,
  enabled: boolean,
  _previous: FormState,
  _form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(reportId)) return { status: 'error', message: t('errors.generic') };
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('POST', `/v1/reports/${reportId}/${enabled ? 'enable' : 'disable'}`, {
      token: viewer.token,
    });
    revalidatePath('/reports', 'layout');
    return {
      status: 'ok',
      message: enabled ? t('reports.enabledNow', { name: name }) : t('reports.disabledNow', { name: name }),
    };
  } catch (error) {
    return failedChange(error, reportFieldErrors, WHAT);
  }
}

export async function deleteReport(reportId: string): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(reportId)) return { status: 'error', message: t('errors.generic') };
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('DELETE', `/v1/reports/${reportId}`, { token: viewer.token });
    revalidatePath('/reports', 'layout');
    return { status: 'ok', message: t('config.removed', { what: reportId }) };
  } catch (error) {
    return failedChange(error, reportFieldErrors, WHAT);
  }
}
