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
import type { z } from 'zod';
import type { FormState } from '../form-state.ts';
import { type ReportBody, reportBody, reportFieldErrors, reportFormValues } from '../report-form.ts';
import { strings } from '../strings.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { RoleTooLowError, viewerWithRole } from './viewer.ts';

function failure(error: unknown): FormState {
  if (error instanceof RoleTooLowError)
    return { status: 'error', message: strings.errors.denied(error.needed) };
  if (error instanceof ApiUnavailableError) return { status: 'error', message: strings.errors.apiDown };
  if (error instanceof ApiError && error.status < 500) {
    return {
      status: 'error',
      message: error.issues.length ? strings.errors.fixFields : error.message,
      fieldErrors: reportFieldErrors(error.issues),
    };
  }
  console.error('web: a report change failed', error);
  return { status: 'error', message: strings.errors.generic };
}

function problems(formBody: ReportBody, schema: z.ZodType): FormState | null {
  const result = schema.safeParse(formBody.body);
  const schemaErrors = result.success
    ? {}
    : reportFieldErrors(
        result.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.code === 'invalid_type' ? strings.required : issue.message,
        })),
      );
  const fieldErrors = { ...schemaErrors, ...formBody.fieldErrors };
  return Object.keys(fieldErrors).length
    ? { status: 'error', message: strings.errors.fixFields, fieldErrors }
    : null;
}

export async function createReport(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    const viewer = await viewerWithRole('engineer');
    const formBody = reportBody(reportFormValues(form), viewer.tenant.timeZone);
    const refused = problems(formBody, createReportScheduleSchema);
    if (refused) return refused;
    const created = reportScheduleSchema.parse(
      await callApi('POST', '/v1/reports', { token: viewer.token, body: formBody.body }),
    );
    revalidatePath('/reports', 'layout');
    return { status: 'ok', message: strings.config.added(created.name) };
  } catch (error) {
    return failure(error);
  }
}

export async function updateReport(
  reportId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  if (!idSchema.safeParse(reportId).success) return { status: 'error', message: strings.errors.generic };
  try {
    const viewer = await viewerWithRole('engineer');
    const formBody = reportBody(reportFormValues(form), viewer.tenant.timeZone);
    const refused = problems(formBody, updateReportScheduleSchema);
    if (refused) return refused;
    await callApi('PATCH', `/v1/reports/${reportId}`, { token: viewer.token, body: formBody.body });
    revalidatePath('/reports', 'layout');
    return { status: 'ok', message: strings.config.saved };
  } catch (error) {
    return failure(error);
  }
}

export async function setReportEnabled(
  reportId: string,
  name: string,
  enabled: boolean,
  _previous: FormState,
  _form: FormData,
): Promise<FormState> {
  if (!idSchema.safeParse(reportId).success) return { status: 'error', message: strings.errors.generic };
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('POST', `/v1/reports/${reportId}/${enabled ? 'enable' : 'disable'}`, {
      token: viewer.token,
    });
    revalidatePath('/reports', 'layout');
    return {
      status: 'ok',
      message: enabled ? strings.reports.enabledNow(name) : strings.reports.disabledNow(name),
    };
  } catch (error) {
    return failure(error);
  }
}

export async function deleteReport(reportId: string): Promise<FormState> {
  if (!idSchema.safeParse(reportId).success) return { status: 'error', message: strings.errors.generic };
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('DELETE', `/v1/reports/${reportId}`, { token: viewer.token });
    revalidatePath('/reports', 'layout');
    return { status: 'ok', message: strings.config.removed(reportId) };
  } catch (error) {
    return failure(error);
  }
}
